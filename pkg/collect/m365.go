package collect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// m365Retention is how far back the Management Activity API lists content.
const m365Retention = 7 * 24 * time.Hour

// m365Stream reads one content type of the Office 365 Management Activity
// API: it starts the subscription when missing, lists the content blobs
// made available in a window (at most 24 hours, paged by the NextPageUri
// header) and fetches each blob, a JSON array of audit records. The
// watermark is on the blobs' publication time (contentCreated), which is
// what the listing filters on; a blob's records can be older, which is why
// the listing, not the records, drives the checkpoint.
type m365Stream struct {
	id          string
	contentType string
	feed        string // .../api/v1.0/{tenant}/activity/feed
	tenant      string
	api         *apiClient
	cfg         *SourceConfig
	wall        func() time.Time
	subs        *m365Subscriptions
	warn        func(format string, args ...any)
}

// m365Subscriptions starts each content type's subscription once per
// process: listing first, so an enabled subscription is left alone.
type m365Subscriptions struct {
	mu      sync.Mutex
	enabled map[string]bool
}

type m365Blob struct {
	ContentID  string `json:"contentId"`
	ContentURI string `json:"contentUri"`
	Created    string `json:"contentCreated"`
}

func (s *m365Stream) name() string { return s.id }

func (s *m365Stream) query(extra url.Values) string {
	q := url.Values{"PublisherIdentifier": {s.tenant}}
	for k, v := range extra {
		q[k] = v
	}
	return q.Encode()
}

func (s *m365Stream) ensureSubscription(ctx context.Context) error {
	s.subs.mu.Lock()
	defer s.subs.mu.Unlock()
	if s.subs.enabled == nil {
		var list []struct {
			ContentType string `json:"contentType"`
			Status      string `json:"status"`
		}
		if _, err := s.api.get(ctx, s.feed+"/subscriptions/list?"+s.query(nil), func(r *response) error {
			return json.Unmarshal(r.body, &list)
		}); err != nil {
			return fmt.Errorf("list the subscriptions: %w", err)
		}
		s.subs.enabled = map[string]bool{}
		for _, l := range list {
			s.subs.enabled[l.ContentType] = strings.EqualFold(l.Status, "enabled")
		}
	}
	if s.subs.enabled[s.contentType] {
		return nil
	}
	if _, err := s.api.do(ctx, http.MethodPost, s.feed+"/subscriptions/start?"+s.query(url.Values{"contentType": {s.contentType}}), func(r *response) error {
		var sub struct {
			Status string `json:"status"`
		}
		if err := json.Unmarshal(r.body, &sub); err != nil {
			return err
		}
		if !strings.EqualFold(sub.Status, "enabled") {
			return &apiError{Status: r.status, Summary: fmt.Sprintf("the subscription to %s is %q, not enabled", s.contentType, sub.Status)}
		}
		return nil
	}); err != nil {
		return fmt.Errorf("start the subscription to %s: %w", s.contentType, err)
	}
	s.subs.enabled[s.contentType] = true
	return nil
}

func (s *m365Stream) poll(ctx context.Context, from Position, emit func(page) error) error {
	if err := s.ensureSubscription(ctx); err != nil {
		return err
	}
	pos := from
	for {
		vnow := s.api.vendorNow(s.wall)
		var win Window
		capped := false
		if pos.Window != nil {
			win = Window{Start: pos.Window.Start, End: pos.Window.End}
		} else {
			end := pos.Time.Add(s.cfg.MaxWindow)
			if !end.Before(vnow) {
				end, capped = vnow, true
			}
			if !end.After(pos.Time) {
				return nil
			}
			win = Window{Start: pos.Time.Add(-s.cfg.Overlap), End: end}
			if win.End.Sub(win.Start) > m365MaxWindow { // the overlap counts against the API's 24 hours
				win.End, capped = win.Start.Add(m365MaxWindow), false
			}
		}
		if oldest := vnow.Add(-m365Retention + 5*time.Minute); win.Start.Before(oldest) {
			if pos.Time.Before(oldest) {
				s.warn("content published between %s and %s is past the API's 7-day retention and cannot be collected; continuing from %s",
					pos.Time.Format(time.RFC3339), oldest.Format(time.RFC3339), oldest.Format(time.RFC3339))
				pos.Time = oldest
			}
			win.Start = oldest
			if !win.End.After(win.Start) {
				pos = Position{Time: oldest} // the unfinished window is past retention too
				continue
			}
		}
		blobs, now, err := s.list(ctx, win)
		if err != nil {
			return err
		}
		win.Now = now
		final := Position{Time: windowWatermark(pos.Time, win)}
		if len(blobs) == 0 {
			if err := emit(page{after: final, where: "empty listing"}); err != nil {
				return err
			}
		}
		for i, b := range blobs {
			recs, err := s.fetch(ctx, b)
			if err != nil {
				return fmt.Errorf("content blob %s: %w", b.ContentID, err)
			}
			after := final
			if i < len(blobs)-1 {
				w := win
				after = Position{Time: pos.Time, Window: &w}
			}
			if err := emit(page{records: recs, after: after, where: "content blob " + b.ContentID}); err != nil {
				return err
			}
		}
		pos = final
		if capped {
			return nil
		}
	}
}

// list returns the window's blobs, following NextPageUri, and the vendor's
// clock at the first answer.
func (s *m365Stream) list(ctx context.Context, win Window) ([]m365Blob, time.Time, error) {
	const layout = "2006-01-02T15:04:05"
	next := s.feed + "/subscriptions/content?" + s.query(url.Values{
		"contentType": {s.contentType},
		"startTime":   {win.Start.UTC().Format(layout)},
		"endTime":     {win.End.UTC().Format(layout)},
	})
	var all []m365Blob
	var now time.Time
	for n := 1; next != ""; n++ {
		var blobs []m365Blob
		resp, err := s.api.get(ctx, next, func(r *response) error { return json.Unmarshal(r.body, &blobs) })
		if err != nil {
			var ae *apiError
			if errors.As(err, &ae) && strings.Contains(ae.Summary, "AF20022") {
				s.subs.mu.Lock()
				s.subs.enabled = nil // the subscription went away: list and start again next poll
				s.subs.mu.Unlock()
			}
			return nil, now, fmt.Errorf("list content %s..%s, page %d: %w", win.Start.Format(time.RFC3339), win.End.Format(time.RFC3339), n, err)
		}
		if now.IsZero() {
			now = responseDate(resp)
		}
		all = append(all, blobs...)
		next = resp.header.Get("NextPageUri")
		if next != "" {
			if err := sameOrigin(s.feed, next); err != nil {
				return nil, now, err
			}
		}
	}
	return all, now, nil
}

func (s *m365Stream) fetch(ctx context.Context, b m365Blob) ([]json.RawMessage, error) {
	if err := sameOrigin(s.feed, b.ContentURI); err != nil {
		return nil, err
	}
	u := b.ContentURI
	if !strings.Contains(u, "PublisherIdentifier=") {
		sep := "?"
		if strings.Contains(u, "?") {
			sep = "&"
		}
		u += sep + s.query(nil)
	}
	var recs []json.RawMessage
	_, err := s.api.get(ctx, u, func(r *response) error {
		if err := json.Unmarshal(r.body, &recs); err != nil {
			return fmt.Errorf("expected a JSON array of audit records: %v", err)
		}
		return nil
	})
	return recs, err
}
