package ingest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/tokentrail/tokentrail/pkg/catalog"
	"github.com/tokentrail/tokentrail/pkg/normalize"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// NormalizeOptions configure Normalize.
type NormalizeOptions struct {
	Source   string           // event.Source* value naming the vendor format
	Catalog  *catalog.Catalog // nil means catalog.Default()
	Variant  schema.Variant   // how event_time is written: Modern keeps milliseconds
	Progress io.Writer        // progress lines; nil means none
	Now      func() time.Time // clock for ingest_time; nil means time.Now
}

// Normalize reads vendor records from r exactly as Run does (NDJSON, arrays,
// API page envelopes, rejected records counted with their line) and writes
// each event to out as one JSONEachRow line in the normalized table's
// columns, without a ClickHouse server: a user checks a mapping with it, or
// feeds another loader (clickhouse-client, Vector, Kafka). Memory stays at
// one record: events are written as they are normalized. Inserted and
// Duplicates stay zero; Events counts the lines written.
func Normalize(ctx context.Context, r io.Reader, out io.Writer, opt NormalizeOptions) (Stats, error) {
	var st Stats
	norm, err := normalize.New(opt.Source, opt.Catalog)
	if err != nil {
		return st, err
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	rr, shape, err := newRecordReader(r)
	if err != nil {
		return st, err
	}
	st.Input = shape
	bw := bufio.NewWriterSize(out, 64<<10)
	prog := newWriteProgress(opt.Progress)
	var line []byte
	for {
		if err := ctx.Err(); err != nil {
			_ = bw.Flush()
			return st, fmt.Errorf("normalize stopped after %d records: %w", st.Records, err)
		}
		rec, err := rr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			_ = bw.Flush()
			return st, fmt.Errorf("read the input: %w (the events before this point were written)", err)
		}
		st.Records++
		events, notes, reason := normalizeRecord(norm, rec)
		if reason != "" {
			st.reject(rec, reason)
			continue
		}
		st.note(rec, notes)
		stamp := opt.Now()
		for i := range events {
			line = appendRow(line[:0], &events[i], opt.Variant, stamp) // one line, newline included
			if _, err := bw.Write(line); err != nil {
				return st, fmt.Errorf("write the output: %w", err)
			}
		}
		st.Events += len(events)
		prog.tick(&st)
	}
	if err := bw.Flush(); err != nil {
		return st, fmt.Errorf("write the output: %w", err)
	}
	prog.done(&st)
	return st, nil
}
