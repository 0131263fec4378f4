package engine

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ErrOutOfOrder is wrapped by Detector.Add when rows are not sorted by the
// correlateBy fields, event_time and event_id. It means the SQL lost its
// ORDER BY, not that the data is bad.
var ErrOutOfOrder = errors.New("rows out of order")

// Detector finds AN0020 episodes in a stream of rows sorted by the
// correlateBy fields, then event_time, then event_id. It holds the state of
// one key at a time: the accesses since that key's last revoke and the
// event_ids seen, both only within maxSpan of the current row, plus the open
// episode. A Detector is not safe for concurrent use.
//
// Rows sharing an event_id (at-least-once delivery) count once as long as
// the copies lie within maxSpan of each other, which holds for real
// redeliveries since they carry the same event_time. Rows with an empty
// event_id cannot be told apart and are all kept.
//
// Keys are compared byte-wise, like ClickHouse's ORDER BY on String
// without COLLATE.
type Detector struct {
	p    Params
	emit func(Episode) error
	err  error // sticky: once Add or Close fails, every later call fails too

	rows int // rows passed to Add, to point at the offending row in errors

	key       []string // correlateBy values of the current key; nil before the first row
	keyHash   uint64   // the current key's KeyHash, when rows carry one
	prevTime  time.Time
	prevID    string
	accesses  window[Row]     // accesses since the last revoke, within maxSpan
	seenIDs   map[string]bool // event_ids within maxSpan, for at-least-once duplicates
	seenQueue window[seenID]  // the same ids in time order, to expire them
	open      *episodeBuilder // nil when no episode is open
	openLast  time.Time       // time of the open episode's last sensitive event
}

type seenID struct {
	at time.Time
	id string
}

// NewDetector validates p and returns a Detector that calls emit for every
// episode, in key order and, within a key, in time order. An error returned
// by emit stops the detector and is returned from Add or Close.
func NewDetector(p Params, emit func(Episode) error) (*Detector, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("invalid detection parameters: %w", err)
	}
	if emit == nil {
		return nil, errors.New("NewDetector needs an emit function to receive episodes")
	}
	p.CorrelateBy = slices.Clone(p.CorrelateBy) // the caller may reuse its slice
	return &Detector{p: p, emit: emit, seenIDs: map[string]bool{}}, nil
}

// Add feeds the next row. Rows with an empty value in any correlateBy field
// cannot be correlated and are skipped. Add returns an error wrapping
// ErrOutOfOrder if r sorts before the previous row.
func (d *Detector) Add(r Row) error {
	if d.err != nil {
		return d.err
	}
	d.rows++
	if r.KeyHash == 0 {
		for _, f := range d.p.CorrelateBy {
			if FieldValue(&r, f) == "" {
				return nil
			}
		}
	}
	switch c := d.compareKey(&r); {
	case c < 0:
		return d.fail(fmt.Errorf("%w: row %d (event_id %q) has key %s, which sorts before the previous key %s; order the query by %s, event_time, event_id",
			ErrOutOfOrder, d.rows, r.EventID, d.describeKey(&r), d.describeCurrent(), strings.Join(d.p.CorrelateBy, ", ")))
	case c > 0:
		if err := d.endKey(); err != nil {
			return d.fail(err)
		}
		d.key = make([]string, len(d.p.CorrelateBy))
		for i, f := range d.p.CorrelateBy {
			d.key[i] = FieldValue(&r, f)
		}
		d.keyHash = r.KeyHash
	default:
		if r.EventTime.Before(d.prevTime) || (r.EventTime.Equal(d.prevTime) && r.EventID < d.prevID) {
			return d.fail(fmt.Errorf("%w: row %d (event_id %q, %s) of key %s sorts before the previous row (event_id %q, %s); order the query by %s, event_time, event_id",
				ErrOutOfOrder, d.rows, r.EventID, r.EventTime.Format(time.RFC3339Nano), d.describeCurrent(),
				d.prevID, d.prevTime.Format(time.RFC3339Nano), strings.Join(d.p.CorrelateBy, ", ")))
		}
	}
	d.prevTime, d.prevID = r.EventTime, r.EventID
	if err := d.step(&r); err != nil {
		return d.fail(err)
	}
	return nil
}

// Close flushes the episode still open for the last key. Call it once after
// the last Add; later calls to Add or Close return errClosed.
func (d *Detector) Close() error {
	if d.err != nil {
		return d.err
	}
	if err := d.endKey(); err != nil {
		return d.fail(err)
	}
	d.err = errClosed
	return nil
}

var errClosed = errors.New("detector is closed: create a new Detector for another run")

// step applies one row of the current key to the state machine.
func (d *Detector) step(r *Row) error {
	d.expire(r.EventTime) // on every row, so state never lags behind the stream
	access, sensitive, revoke := r.isAccess(), r.isSensitive(d.p.MinSensitivity, d.p.SensitiveNeedsToken), r.isRevoke()
	if !access && !sensitive && !revoke {
		return nil
	}
	if r.EventID != "" {
		if d.seenIDs[r.EventID] {
			return nil
		}
		d.seenIDs[r.EventID] = true
		d.seenQueue.push(seenID{at: r.EventTime, id: r.EventID})
	}
	if revoke {
		d.accesses.reset()
		return nil
	}
	// After expire, every access left is within maxSpan of r, follows the
	// key's last revoke and precedes r, so any one of them matches r. The
	// oldest one is the episode's anchor.
	if sensitive && d.accesses.len() > 0 && d.inRange(r.EventTime) {
		if err := d.match(r); err != nil {
			return err
		}
	}
	if access {
		d.accesses.push(*r)
	}
	return nil
}

// match adds a matched sensitive event to the open episode, first closing
// that episode if the gap since its last sensitive event exceeds maxSpan.
func (d *Detector) match(r *Row) error {
	if d.open != nil && r.EventTime.Sub(d.openLast) > d.p.MaxSpan {
		if err := d.flush(); err != nil {
			return err
		}
	}
	if d.open == nil {
		d.open = newEpisode(d.p.CorrelateBy, d.key, r, d.accesses.front())
		d.open.ep.KeyHash = d.keyHash
	}
	d.open.add(r)
	d.openLast = r.EventTime
	return nil
}

// expire drops accesses and seen event_ids older than maxSpan before now.
// Exactly maxSpan old still matches.
func (d *Detector) expire(now time.Time) {
	for d.accesses.len() > 0 && now.Sub(d.accesses.front().EventTime) > d.p.MaxSpan {
		d.accesses.pop()
	}
	for d.seenQueue.len() > 0 && now.Sub(d.seenQueue.front().at) > d.p.MaxSpan {
		delete(d.seenIDs, d.seenQueue.front().id)
		d.seenQueue.pop()
	}
}

// endKey flushes the open episode and forgets the current key's state.
// Seen ids are deleted one by one rather than with clear, whose cost grows
// with the map's peak size and would be paid again for every small key.
func (d *Detector) endKey() error {
	err := d.flush()
	for d.seenQueue.len() > 0 {
		delete(d.seenIDs, d.seenQueue.front().id)
		d.seenQueue.pop()
	}
	d.accesses.reset()
	return err
}

// flush emits the open episode unless it belongs to an approved app and
// approved apps are excluded.
func (d *Detector) flush() error {
	if d.open == nil {
		return nil
	}
	eb := d.open
	d.open = nil
	approved := d.p.ApprovedApps[eb.ep.AppID]
	if approved && !d.p.IncludeApproved {
		return nil
	}
	ep := eb.finish(approved)
	if err := d.emit(ep); err != nil {
		return fmt.Errorf("emit episode %s: %w", ep.ID, err)
	}
	return nil
}

func (d *Detector) fail(err error) error {
	d.err = err
	return err
}

func (d *Detector) inRange(t time.Time) bool {
	return !t.Before(d.p.From) && !t.After(d.p.To)
}

// compareKey compares r's key with the current one without allocating; any
// row sorts after "no key yet".
func (d *Detector) compareKey(r *Row) int {
	if d.key == nil {
		return 1
	}
	if r.KeyHash != 0 || d.keyHash != 0 {
		return cmp.Compare(r.KeyHash, d.keyHash)
	}
	for i, f := range d.p.CorrelateBy {
		if c := strings.Compare(FieldValue(r, f), d.key[i]); c != 0 {
			return c
		}
	}
	return 0
}

func (d *Detector) describeKey(r *Row) string {
	if r.KeyHash != 0 {
		return fmt.Sprintf("{key hash %d}", r.KeyHash)
	}
	vals := make([]string, len(d.p.CorrelateBy))
	for i, f := range d.p.CorrelateBy {
		vals[i] = FieldValue(r, f)
	}
	return formatKey(d.p.CorrelateBy, vals)
}

// describeCurrent names the current key for an error message.
func (d *Detector) describeCurrent() string {
	if d.keyHash != 0 {
		return fmt.Sprintf("{key hash %d}", d.keyHash)
	}
	return formatKey(d.p.CorrelateBy, d.key)
}

func formatKey(fields, values []string) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = fmt.Sprintf("%s=%q", f, values[i])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// retained reports how many rows the detector holds: accesses and seen
// event_ids. Tests use it to prove memory stays within one key's window.
func (d *Detector) retained() (accesses, seen int) {
	return d.accesses.len(), d.seenQueue.len()
}

// Detect runs a Detector over rows in any order and returns the episodes.
// It sorts a copy of rows first; use a Detector directly to stream.
func Detect(p Params, rows []Row) ([]Episode, error) {
	var eps []Episode
	d, err := NewDetector(p, func(ep Episode) error {
		eps = append(eps, ep)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sorted := slices.Clone(rows)
	slices.SortStableFunc(sorted, func(a, b Row) int {
		for _, f := range p.CorrelateBy {
			if c := strings.Compare(FieldValue(&a, f), FieldValue(&b, f)); c != 0 {
				return c
			}
		}
		return cmp.Or(a.EventTime.Compare(b.EventTime), strings.Compare(a.EventID, b.EventID))
	})
	for i := range sorted {
		if err := d.Add(sorted[i]); err != nil {
			return nil, err
		}
	}
	if err := d.Close(); err != nil {
		return nil, err
	}
	return eps, nil
}
