package collect

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// Google Admin SDK Reports API: GET
// /admin/reports/v1/activity/users/all/applications/{app} with startTime,
// endTime, maxResults and pageToken. Activities come newest first, so each
// application is a windowed stream.
func newGoogleStream(name, base, app string, cfg *SourceConfig, api *apiClient, wall func() time.Time) stream {
	return &windowed{
		id: name, api: api, overlap: cfg.Overlap, maxWindow: cfg.MaxWindow, wall: wall,
		pageURL: func(w Window) string {
			q := url.Values{}
			q.Set("startTime", w.Start.UTC().Format("2006-01-02T15:04:05.000Z"))
			q.Set("endTime", w.End.UTC().Format("2006-01-02T15:04:05.000Z"))
			q.Set("maxResults", strconv.Itoa(cfg.PageSize))
			if cfg.Google.CustomerID != "" {
				q.Set("customerId", cfg.Google.CustomerID)
			}
			if w.Cursor != "" {
				q.Set("pageToken", w.Cursor)
			}
			return base + "/admin/reports/v1/activity/users/all/applications/" + url.PathEscape(app) + "?" + q.Encode()
		},
		decode: func(body []byte) ([]json.RawMessage, string, error) {
			var p struct {
				Kind          string            `json:"kind"`
				Items         []json.RawMessage `json:"items"`
				NextPageToken string            `json:"nextPageToken"`
			}
			if err := json.Unmarshal(body, &p); err != nil {
				return nil, "", fmt.Errorf("expected an activities page: %v", err)
			}
			if p.Kind != "admin#reports#activities" {
				return nil, "", fmt.Errorf("expected kind admin#reports#activities, got %q", p.Kind)
			}
			return p.Items, p.NextPageToken, nil
		},
	}
}

// Slack Audit Logs API: GET /audit/v1/logs with oldest, latest (Unix
// seconds, both inclusive), limit and cursor. Entries come newest first;
// response_metadata.next_cursor is empty on the last page.
func newSlackStream(name, base string, cfg *SourceConfig, api *apiClient, wall func() time.Time) stream {
	return &windowed{
		id: name, api: api, overlap: cfg.Overlap, maxWindow: cfg.MaxWindow, wall: wall,
		pageURL: func(w Window) string {
			q := url.Values{}
			q.Set("oldest", strconv.FormatInt(w.Start.Unix(), 10))
			q.Set("latest", strconv.FormatInt(w.End.Unix(), 10))
			q.Set("limit", strconv.Itoa(cfg.PageSize))
			if w.Cursor != "" {
				q.Set("cursor", w.Cursor)
			}
			return base + "/audit/v1/logs?" + q.Encode()
		},
		decode: func(body []byte) ([]json.RawMessage, string, error) {
			var p struct {
				OK       *bool             `json:"ok"`
				Error    string            `json:"error"`
				Entries  []json.RawMessage `json:"entries"`
				Metadata struct {
					NextCursor string `json:"next_cursor"`
				} `json:"response_metadata"`
			}
			if err := json.Unmarshal(body, &p); err != nil {
				return nil, "", fmt.Errorf("expected an audit logs page: %v", err)
			}
			if p.OK != nil && !*p.OK {
				if p.Error == "invalid_cursor" {
					return nil, "", errCursorRefused
				}
				return nil, "", &apiError{Status: 200, Summary: "slack: " + p.Error}
			}
			if p.Entries == nil {
				return nil, "", fmt.Errorf("the page has no entries array")
			}
			return p.Entries, p.Metadata.NextCursor, nil
		},
	}
}
