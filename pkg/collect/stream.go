package collect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// page is one vendor answer (or one Microsoft 365 content blob): its records
// in the vendor's shape, and the stream's position once they have landed.
type page struct {
	records []json.RawMessage
	after   Position
	where   string // names the page in reject messages
}

// stream is one ordered feed of a vendor API with its own checkpoint: an
// Okta org, one Google application, one Microsoft 365 content type.
type stream interface {
	// name is the checkpoint key: the source name, or source/feed.
	name() string
	// poll reads from the position until the vendor has nothing newer,
	// handing each page to emit in order. It stops at the first error
	// emit returns.
	poll(ctx context.Context, from Position, emit func(page) error) error
}

// maxRestarts bounds how often one poll starts a listing over after the
// vendor refused its cursor.
const maxRestarts = 3

// cursorRefused tells whether err is the vendor refusing a page cursor: an
// explicit refusal, or a client error to a request that carried a cursor
// (vendors answer an expired cursor with 400, 404, 410 or 422).
func cursorRefused(err error) bool {
	if errors.Is(err, errCursorRefused) {
		return true
	}
	var ae *apiError
	if errors.As(err, &ae) {
		switch ae.Status {
		case http.StatusBadRequest, http.StatusNotFound, http.StatusGone, http.StatusUnprocessableEntity:
			return true
		}
	}
	return false
}

// ascending lists a vendor that returns records oldest first from a start
// time and pages with a Link header (Okta, GitHub). The watermark advances
// with every page: everything up to the newest record on it has been read.
type ascending struct {
	id        string
	api       *apiClient
	base      string
	overlap   time.Duration
	firstURL  func(since time.Time) string
	decode    func(body []byte) ([]json.RawMessage, []time.Time, error)
	emptyStop bool // Okta's polling listings always link a next page; an empty page ends them
}

func (a *ascending) name() string { return a.id }

func (a *ascending) poll(ctx context.Context, from Position, emit func(page) error) error {
	pos := from
	start := from.Time.Add(-a.overlap)
	url := a.firstURL(start)
	if w := from.Window; w != nil && w.Cursor != "" {
		start, url = w.Start, w.Cursor
	}
	restarts := 0
	for n := 1; ; n++ {
		var recs []json.RawMessage
		var times []time.Time
		resp, err := a.api.get(ctx, url, func(r *response) (err error) {
			recs, times, err = a.decode(r.body)
			return err
		})
		if err != nil {
			if url != a.firstURL(start) && cursorRefused(err) && restarts < maxRestarts {
				restarts++
				start = pos.Time.Add(-a.overlap)
				url = a.firstURL(start)
				continue
			}
			return fmt.Errorf("page %d: %w", n, err)
		}
		next := nextLink(resp.header)
		if next != "" {
			if err := sameOrigin(a.base, next); err != nil {
				return fmt.Errorf("page %d: %w", n, err)
			}
		}
		pos.Time = newest(pos.Time, times, responseDate(resp))
		done := next == "" || (a.emptyStop && len(recs) == 0)
		if done {
			pos.Window = nil
		} else {
			pos.Window = &Window{Start: start, Cursor: next}
		}
		if err := emit(page{records: recs, after: pos, where: fmt.Sprintf("page %d", n)}); err != nil {
			return err
		}
		if done {
			return nil
		}
		url = next
	}
}

// newest returns the latest of cur and times, ignoring times after the
// vendor's own clock (a record dated in the future would otherwise push the
// watermark past events still to come).
func newest(cur time.Time, times []time.Time, vendorNow time.Time) time.Time {
	for _, t := range times {
		if !vendorNow.IsZero() && t.After(vendorNow) {
			continue
		}
		if t.After(cur) {
			cur = t
		}
	}
	return cur
}

func responseDate(r *response) time.Time {
	if d, err := http.ParseTime(r.header.Get("Date")); err == nil {
		return d.UTC()
	}
	return time.Time{}
}

// windowed lists a vendor that returns records newest first within a time
// range and pages with a token (Google Reports, Slack). The watermark can
// only move when a whole window has been read, so windows are bounded by
// MaxWindow; mid-window the checkpoint keeps the window and its cursor.
type windowed struct {
	id        string
	api       *apiClient
	overlap   time.Duration
	maxWindow time.Duration
	wall      func() time.Time
	pageURL   func(w Window) string
	decode    func(body []byte) (recs []json.RawMessage, next string, err error)
}

func (w *windowed) name() string { return w.id }

func (w *windowed) poll(ctx context.Context, from Position, emit func(page) error) error {
	pos := from
	restarts := 0
	for n := 1; ; {
		var win Window
		capped := false
		if pos.Window != nil {
			win = *pos.Window
		} else {
			vnow := w.api.vendorNow(w.wall)
			end := pos.Time.Add(w.maxWindow)
			if !end.Before(vnow) {
				end, capped = vnow, true
			}
			if !end.After(pos.Time) {
				return nil // the vendor's clock has not passed the watermark
			}
			win = Window{Start: pos.Time.Add(-w.overlap), End: end}
		}
		for {
			var recs []json.RawMessage
			var next string
			resp, err := w.api.get(ctx, w.pageURL(win), func(r *response) (err error) {
				recs, next, err = w.decode(r.body)
				return err
			})
			if err != nil {
				if win.Cursor != "" && cursorRefused(err) && restarts < maxRestarts {
					restarts++
					win.Cursor, win.Now = "", time.Time{}
					continue
				}
				return fmt.Errorf("page %d of %s..%s: %w", n, win.Start.Format(time.RFC3339), win.End.Format(time.RFC3339), err)
			}
			if win.Now.IsZero() {
				win.Now = responseDate(resp)
			}
			where := fmt.Sprintf("page %d", n)
			n++
			if next == "" {
				pos = Position{Time: windowWatermark(pos.Time, win)}
				if err := emit(page{records: recs, after: pos, where: where}); err != nil {
					return err
				}
				break
			}
			win.Cursor = next
			saved := win
			pos = Position{Time: pos.Time, Window: &saved}
			if err := emit(page{records: recs, after: pos, where: where}); err != nil {
				return err
			}
		}
		if capped {
			return nil
		}
	}
}

// windowWatermark is where a fully read window leaves the watermark: its
// end, but never past the vendor's clock when the listing began (a local
// clock running ahead must not skip events still to be published), and
// never back.
func windowWatermark(cur time.Time, win Window) time.Time {
	wm := win.End
	if !win.Now.IsZero() && win.Now.Before(wm) {
		wm = win.Now
	}
	if wm.Before(cur) {
		return cur
	}
	return wm
}
