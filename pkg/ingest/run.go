// Package ingest loads vendor audit exports into the normalized TokenTrail
// table: it reads records as they stream (NDJSON, JSON arrays, or the
// vendors' API page envelopes), normalizes each one, rejects bad records
// individually with their line number, and inserts the rest in batches
// through ClickHouse's HTTP interface, skipping events already loaded so
// that running the same file twice is harmless.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/tokentrail/tokentrail/pkg/catalog"
	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/normalize"
)

// DefaultBatchSize is the number of events per INSERT when Options leaves it
// zero. Larger batches amortise the per-insert cost and the duplicate
// lookup; each one is held in memory as events and as encoded rows. Keep
// batches under the server's max_insert_block_size (1048576 rows by
// default) so that each insert lands whole or not at all.
const DefaultBatchSize = 10000

// maxKeptRejects bounds Stats.Rejects so that a file of garbage cannot
// exhaust memory; Stats.Rejected still counts every reject.
const maxKeptRejects = 1000

// Options configure Run.
type Options struct {
	Source    string           // event.Source* value naming the vendor format
	BatchSize int              // events per INSERT; 0 means DefaultBatchSize
	Catalog   *catalog.Catalog // nil means catalog.Default()
	Progress  io.Writer        // progress lines; nil means none
	Now       func() time.Time // clock for ingest_time; nil means time.Now
}

// Stats count what Run did. One record can yield several events (a Google
// Reports activity carries one per entry of its events list), so Events may
// exceed Records; Inserted + Duplicates equals Events once Run has finished
// without error.
type Stats struct {
	Input      Shape    // the input layout Run detected
	Records    int      // records read, rejected ones included
	Events     int      // events normalized from the accepted records
	Inserted   int      // events inserted
	Duplicates int      // events skipped: their event_id was already loaded
	Rejected   int      // records rejected
	Rejects    []Reject // the first rejects, in input order (at most 1000)
	// Noted counts records kept although a field the detector does not
	// need could not be read; Notes names the field, per record.
	Noted int
	Notes []Reject // the first notes, in input order (at most 1000)
}

// Reject is a record that was not loaded, and why.
type Reject struct {
	Line   int // 1-based line on which the record starts
	Index  int // 0-based position in its array, or among the NDJSON records
	Reason string
}

func (r Reject) String() string {
	return fmt.Sprintf("line %d (record %d): %s", r.Line, r.Index, r.Reason)
}

// String is the one-line summary printed at the end of a run.
func (s Stats) String() string {
	return fmt.Sprintf("%s: %d records read, %d rejected, %d kept with a field ignored; %d events normalized (a record can yield several), %d inserted, %d duplicates skipped",
		s.Input, s.Records, s.Rejected, s.Noted, s.Events, s.Inserted, s.Duplicates)
}

func (s *Stats) note(rec record, notes []*normalize.RecordError) {
	if len(notes) == 0 {
		return
	}
	s.Noted++
	for _, n := range notes {
		if len(s.Notes) < maxKeptRejects {
			s.Notes = append(s.Notes, Reject{Line: rec.line, Index: rec.index, Reason: n.Error()})
		}
	}
}

func (s *Stats) reject(rec record, reason string) {
	s.Rejected++
	if len(s.Rejects) < maxKeptRejects {
		s.Rejects = append(s.Rejects, Reject{Line: rec.line, Index: rec.index, Reason: reason})
	}
}

// Run reads records from r, normalizes them and writes them through w. A
// record that is malformed or cannot be normalized is rejected and counted;
// it never costs the rest of its batch. Run stops with an error when the
// input cannot be read further or an insert fails; the error names the
// batch's line range, batches before it stay inserted, and rerunning after a
// fix is safe because loaded events are skipped as duplicates.
//
// Normalizing the next batch overlaps with inserting the previous one, but
// inserts run one at a time and in input order, so each batch's duplicate
// lookup sees every earlier batch. At most three batches are in memory: one
// being filled, one waiting and one being inserted.
func Run(ctx context.Context, r io.Reader, w *Writer, opt Options) (Stats, error) {
	var st Stats
	if w == nil {
		return st, errors.New("ingest: Run needs a Writer")
	}
	norm, err := normalize.New(opt.Source, opt.Catalog)
	if err != nil {
		return st, err
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = DefaultBatchSize
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	rr, shape, err := newRecordReader(r)
	if err != nil {
		return st, err
	}
	st.Input = shape
	ins := startInserter(ctx, w)
	prog := newProgress(opt.Progress)
	b := newBatch(1, opt.BatchSize)
	// finish hands over the last batch, waits for the inserter and copies
	// its counts into st.
	finish := func(last *batch) error {
		err := ins.finish(last)
		st.Inserted, st.Duplicates = ins.counts()
		return err
	}
	for {
		if err := ctx.Err(); err != nil {
			_ = finish(nil)
			return st, fmt.Errorf("ingest stopped after %d records: %w", st.Records, err)
		}
		rec, err := rr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// The records read so far are good; load them before reporting
			// that the rest of the input is unreadable.
			readErr := fmt.Errorf("read the input: %w", err)
			if ferr := finish(b); ferr != nil {
				return st, errors.Join(readErr, ferr)
			}
			return st, fmt.Errorf("%w (records before this point were loaded)", readErr)
		}
		st.Records++
		events, notes, reason := normalizeRecord(norm, rec)
		if reason != "" {
			st.reject(rec, reason)
		} else {
			st.note(rec, notes)
			stamp := opt.Now()
			for i := range events {
				events[i].IngestTime = stamp
			}
			st.Events += len(events)
			b.add(events, rec.line)
			if len(b.events) >= opt.BatchSize {
				if !ins.submit(b) {
					err := finish(nil)
					return st, err
				}
				b = newBatch(b.number+1, opt.BatchSize)
			}
		}
		st.Inserted, st.Duplicates = ins.counts()
		prog.tick(&st)
	}
	if err := finish(b); err != nil {
		return st, err
	}
	prog.done(&st)
	return st, nil
}

// normalizeRecord returns the record's events and the fields it had to
// ignore, or why it is rejected.
func normalizeRecord(norm normalize.Normalizer, rec record) ([]event.Event, []*normalize.RecordError, string) {
	if rec.bad != nil {
		return nil, nil, rec.bad.Error()
	}
	events, notes, err := norm.Check(rec.raw)
	if err != nil {
		return nil, nil, err.Error()
	}
	if len(events) == 0 {
		return nil, nil, fmt.Sprintf("the %s record holds no event", norm.Source())
	}
	for i := range events {
		if err := checkEvent(&events[i]); err != nil {
			return nil, nil, fmt.Sprintf("event %d of the record (event_id %q): %v", i, events[i].EventID, err)
		}
	}
	return events, notes, ""
}

// batch accumulates events for one INSERT and the input lines they came from.
type batch struct {
	number              int
	events              []event.Event
	firstLine, lastLine int
}

func newBatch(number, size int) *batch {
	// A little room over size: the record that fills the batch may carry
	// several events.
	return &batch{number: number, events: make([]event.Event, 0, size+size/8)}
}

func (b *batch) add(events []event.Event, line int) {
	if len(b.events) == 0 {
		b.firstLine = line
	}
	b.lastLine = line
	b.events = append(b.events, events...)
}
