package collect

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/chhttp"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// Position is how far a stream has read. Time is the watermark: every event
// the vendor had published before it has landed. Window, when set, is a
// listing that was cut short (a kill, a failed poll): its exact bounds and
// the cursor of its next page, so that a restart continues it instead of
// starting over. A stream whose vendor refuses the old cursor starts the
// listing again from Time, and deduplication absorbs what is read twice.
type Position struct {
	Time   time.Time `json:"time"`
	Window *Window   `json:"window,omitempty"`
}

// Window is an unfinished listing.
type Window struct {
	Start  time.Time `json:"start"`            // the listing's lower bound, as sent
	End    time.Time `json:"end,omitzero"`     // its upper bound, zero for an open listing
	Now    time.Time `json:"now,omitzero"`     // the vendor's clock when the listing began
	Cursor string    `json:"cursor,omitempty"` // the next page; empty to start the window over
}

// Checkpoint is a stream's position as stored, with the sequence number that
// orders saves. A save's sequence is the later of the previous one plus one
// and the saving clock in microseconds: plus one, so a clock that jumps back
// never brings an old position back; the clock, so two saves that follow
// the same checkpoint never tie. They do when a collector killed mid-save
// leaves its insert to land after a restarted collector has loaded the
// same checkpoint and saved past it; the dead process's save is the older,
// and it now loses.
type Checkpoint struct {
	Stream   string
	Seq      uint64
	Position Position
}

// Checkpoints keeps positions in a ClickHouse table beside the events, so
// that they are as durable as the events they describe and visible to
// anyone who can read the table (the watermark column gives each stream's
// lag). Each save is a new row; ReplacingMergeTree folds old rows away and
// reads take the row with the highest sequence, so a read never depends on
// merges having run.
type Checkpoints struct {
	client *chhttp.Client
	db     string
	table  string
}

// CheckpointDDL is the table's definition. It is valid on ClickHouse 18.16
// and current releases.
func CheckpointDDL(db, table string) (string, error) {
	if err := schema.CheckIdentifier("database", db); err != nil {
		return "", err
	}
	if err := schema.CheckIdentifier("checkpoint table", table); err != nil {
		return "", err
	}
	return "CREATE TABLE IF NOT EXISTS " + db + "." + table + ` (
    stream String,
    seq UInt64,
    saved_at DateTime('UTC'),
    watermark DateTime('UTC'),
    state String
) ENGINE = ReplacingMergeTree(seq) ORDER BY stream`, nil
}

// OpenCheckpoints creates the table when it is missing.
func OpenCheckpoints(ctx context.Context, client *chhttp.Client, db, table string) (*Checkpoints, error) {
	ddl, err := CheckpointDDL(db, table)
	if err != nil {
		return nil, err
	}
	if err := client.Exec(ctx, ddl, nil); err != nil {
		return nil, fmt.Errorf("create the checkpoint table %s.%s: %w", db, table, err)
	}
	return &Checkpoints{client: client, db: db, table: table}, nil
}

// Load returns the latest checkpoint of stream; found is false before the
// stream's first save.
func (c *Checkpoints) Load(ctx context.Context, stream string) (cp Checkpoint, found bool, err error) {
	// The aliases differ from the column names: 18.16 would read seq in
	// argMax as the alias of max(seq).
	q := "SELECT max(seq) AS last_seq, argMax(state, seq) AS last_state FROM " + c.db + "." + c.table +
		" WHERE stream = " + chhttp.QuoteString(stream) + " GROUP BY stream FORMAT JSONEachRow"
	rc, err := c.client.Query(ctx, q)
	if err != nil {
		return cp, false, fmt.Errorf("read the checkpoint of %s: %w", stream, err)
	}
	defer rc.Close()
	sc := bufio.NewScanner(rc)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var row struct {
			Seq   json.Number `json:"last_seq"`
			State string      `json:"last_state"`
		}
		if err := json.Unmarshal(line, &row); err != nil {
			return cp, false, fmt.Errorf("read the checkpoint of %s: unexpected answer %.200q", stream, line)
		}
		seq, err := strconv.ParseUint(row.Seq.String(), 10, 64)
		if err != nil {
			return cp, false, fmt.Errorf("read the checkpoint of %s: bad sequence %q", stream, row.Seq)
		}
		cp = Checkpoint{Stream: stream, Seq: seq}
		if err := json.Unmarshal([]byte(row.State), &cp.Position); err != nil {
			return cp, false, fmt.Errorf("the checkpoint of %s in %s.%s is damaged (%v); delete its rows to start over from the configured start", stream, c.db, c.table, err)
		}
		found = true
	}
	if err := sc.Err(); err != nil {
		return cp, false, fmt.Errorf("read the checkpoint of %s: %w", stream, err)
	}
	return cp, found, nil
}

// Save stores a new position for stream with the next sequence number and
// returns the stored checkpoint. Callers save only after the events before
// the position have landed.
func (c *Checkpoints) Save(ctx context.Context, prev Checkpoint, pos Position, now time.Time) (Checkpoint, error) {
	if prev.Stream == "" {
		return prev, errors.New("save a checkpoint: the stream has no name")
	}
	state, err := json.Marshal(pos)
	if err != nil {
		return prev, err
	}
	next := Checkpoint{Stream: prev.Stream, Seq: max(prev.Seq+1, uint64(max(now.UnixMicro(), 0))), Position: pos}
	row, err := json.Marshal(map[string]any{
		"stream":    prev.Stream,
		"seq":       next.Seq,
		"saved_at":  schema.FormatTime(schema.Legacy, now),
		"watermark": schema.FormatTime(schema.Legacy, clampDateTime(pos.Time)),
		"state":     string(state),
	})
	if err != nil {
		return prev, err
	}
	q := "INSERT INTO " + c.db + "." + c.table + " FORMAT JSONEachRow"
	if err := c.client.Exec(ctx, q, strings.NewReader(string(row)+"\n")); err != nil {
		return prev, fmt.Errorf("save the checkpoint of %s: %w", prev.Stream, err)
	}
	return next, nil
}

// clampDateTime keeps a time inside DateTime's range (1970..2105); the
// exact position lives in state.
func clampDateTime(t time.Time) time.Time {
	lo := time.Unix(0, 0).UTC()
	hi := time.Date(2105, 12, 31, 0, 0, 0, 0, time.UTC)
	if t.Before(lo) {
		return lo
	}
	if t.After(hi) {
		return hi
	}
	return t
}
