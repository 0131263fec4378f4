package ingest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/tokentrail/tokentrail/pkg/chhttp"
	"github.com/tokentrail/tokentrail/pkg/chsql"
	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// Writer inserts normalized events into one TokenTrail table, idempotently:
// an event whose event_id is already in the table, or earlier in the same
// call, is skipped and counted as a duplicate. The table lookup is bounded
// by the batch's event_time range; an event_id names one vendor record and
// so one time, so this finds the same rows as a whole-table lookup at a
// fraction of the cost. A Writer is safe for concurrent use, but two writes
// racing on the same new ids can both insert them: the check and the insert
// are two statements.
type Writer struct {
	client  *chhttp.Client
	db      string
	table   string
	variant schema.Variant
	insert  string
	// Now stamps ingest_time on events that have none; nil means time.Now.
	Now func() time.Time
}

// NewWriter returns a writer for db.table, which must exist. It asks the
// server once which variant the table has, because event_time must be sent
// in that variant's layout.
func NewWriter(ctx context.Context, client *chhttp.Client, db, table string) (*Writer, error) {
	if client == nil {
		return nil, errors.New("ingest: NewWriter needs a ClickHouse client")
	}
	v, err := client.EventTimeVariant(ctx, db, table)
	if err != nil {
		return nil, err
	}
	return &Writer{
		client:  client,
		db:      db,
		table:   table,
		variant: v,
		insert:  "INSERT INTO " + db + "." + table + " FORMAT JSONEachRow",
	}, nil
}

// Variant is the DDL variant of the target table.
func (w *Writer) Variant() schema.Variant { return w.variant }

// Write inserts the events that are not duplicates, as one INSERT. It
// refuses the whole call, inserting nothing, when an event is invalid (the
// table would refuse the batch anyway); callers that want per-record
// rejects check records before batching them, as Run does.
//
// Memory: the call keeps a set of the batch's ids, the ids found in the
// table, and the encoded rows; nothing outlives the call except a pooled
// encoding buffer. Duplicates across calls are caught by the table lookup,
// since each earlier call's rows are committed when it returns, and an
// insert left running by a killed writer is waited for first (settle).
func (w *Writer) Write(ctx context.Context, events []event.Event) (inserted, dups int, err error) {
	if len(events) == 0 {
		return 0, 0, nil
	}
	for i := range events {
		if err := checkEvent(&events[i]); err != nil {
			return 0, 0, fmt.Errorf("event %d of the batch (event_id %q): %w; nothing of this batch was inserted", i, events[i].EventID, err)
		}
	}
	fresh := firstOfEachID(events)
	if err := w.settle(ctx); err != nil {
		return 0, 0, err
	}
	found, err := w.existing(ctx, events, fresh)
	if err != nil {
		return 0, 0, err
	}
	keep := fresh[:0]
	for _, i := range fresh {
		if _, ok := found[events[i].EventID]; !ok {
			keep = append(keep, i)
		}
	}
	if len(keep) == 0 {
		return 0, len(events), nil
	}
	buf := getBuffer()
	defer putBuffer(buf)
	// Size the buffer once: growing a 10 MB slice by doubling costs more
	// than encoding into it.
	need := 0
	for _, i := range keep {
		need += rowSizeHint(&events[i])
	}
	*buf = slices.Grow((*buf)[:0], need)
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	stamp := now()
	for _, i := range keep {
		ingest := events[i].IngestTime
		if ingest.IsZero() {
			ingest = stamp
		}
		*buf = appendRow(*buf, &events[i], w.variant, ingest)
	}
	if err := w.client.ExecWith(ctx, w.insert, bytes.NewReader(*buf), insertSettings); err != nil {
		return 0, 0, fmt.Errorf("insert %d events into %s.%s: %w", len(keep), w.db, w.table, err)
	}
	return len(keep), len(events) - len(keep), nil
}

// insertSettings go with every insert. insert_distributed_sync: into a
// Distributed table, the insert returns only once every shard has its rows
// (or fails if one cannot take them), so the next batch's duplicate lookup
// sees them and a failure is reported, not queued on the server's disk for
// a later background send (18.16 has no SYSTEM FLUSH DISTRIBUTED). Other
// tables ignore it.
var insertSettings = url.Values{"insert_distributed_sync": {"1"}}

// firstOfEachID returns the indices of the first event of each event_id,
// ordered by event_time, which gives the lookup its range and the insert
// rows in roughly the table's order.
func firstOfEachID(events []event.Event) []int {
	seen := make(map[string]struct{}, len(events))
	idx := make([]int, 0, len(events))
	for i := range events {
		if _, dup := seen[events[i].EventID]; dup {
			continue
		}
		seen[events[i].EventID] = struct{}{}
		idx = append(idx, i)
	}
	slices.SortStableFunc(idx, func(a, b int) int { return events[a].EventTime.Compare(events[b].EventTime) })
	return idx
}

// existing returns which of the events' ids are already in the table. The
// ids travel as external data rather than as an IN list in the statement:
// 18.16's parser needs about a quarter of a second for 10000 literals, the
// external table a few milliseconds, and statements are capped by
// max_query_size. The query is bounded by the batch's event_time range,
// with its days spelled out, so ClickHouse reads only the days the batch
// covers. The ids
// come back hex-encoded so that any byte survives the TSV answer, and so
// that an error the server appends to a started answer cannot pass for an
// id.
func (w *Writer) existing(ctx context.Context, events []event.Event, idx []int) (map[string]struct{}, error) {
	found := make(map[string]struct{})
	if len(idx) == 0 {
		return found, nil
	}
	var rows []byte
	for _, i := range idx {
		rows = append(chhttp.AppendTSV(rows, events[i].EventID), '\n')
	}
	lo, hi := events[idx[0]].EventTime, events[idx[len(idx)-1]].EventTime
	q := "SELECT hex(event_id) FROM " + w.db + "." + w.table +
		" WHERE " + chsql.Range(w.variant, lo, hi) +
		" AND event_id IN batch_ids FORMAT TSV"
	rc, err := w.client.QueryExternal(ctx, q, chhttp.ExternalTable{Name: "batch_ids", Structure: "event_id String", Rows: rows})
	if err != nil {
		return nil, fmt.Errorf("look up existing event_ids in %s.%s: %w", w.db, w.table, err)
	}
	defer rc.Close()
	sc := bufio.NewScanner(rc)
	sc.Buffer(make([]byte, 0, 4<<10), 64<<10) // an id is at most 2*maxEventIDBytes hex digits; room for an error text
	for sc.Scan() {
		id, err := hex.DecodeString(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("look up existing event_ids in %s.%s: the server's answer broke off: %.300s", w.db, w.table, sc.Text())
		}
		found[string(id)] = struct{}{}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("look up existing event_ids in %s.%s: read the answer: %w", w.db, w.table, err)
	}
	return found, nil
}

// Encoded batches are large (raw records dominate), so their buffers are
// pooled; one that grew past maxPooledBuffer is left to the collector.
const maxPooledBuffer = 64 << 20

var buffers = sync.Pool{New: func() any { b := make([]byte, 0, 1<<20); return &b }}

func getBuffer() *[]byte { return buffers.Get().(*[]byte) }

func putBuffer(b *[]byte) {
	if cap(*b) > maxPooledBuffer {
		return
	}
	*b = (*b)[:0]
	buffers.Put(b)
}
