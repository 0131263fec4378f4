package collect

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// Okta System Log API: GET /api/v1/logs with since, sortOrder=ASCENDING and
// limit; later pages through the Link header's rel="next" (its after
// cursor). A listing without until is a polling listing: Okta always links
// a next page, and an empty page means caught up.
func newOktaStream(name, base string, cfg *SourceConfig, api *apiClient) stream {
	return &ascending{
		id: name, api: api, base: base, overlap: cfg.Overlap, emptyStop: true,
		firstURL: func(since time.Time) string {
			q := url.Values{}
			q.Set("since", since.UTC().Format("2006-01-02T15:04:05.000Z"))
			q.Set("sortOrder", "ASCENDING")
			q.Set("limit", strconv.Itoa(cfg.PageSize))
			return base + "/api/v1/logs?" + q.Encode()
		},
		decode: func(body []byte) ([]json.RawMessage, []time.Time, error) {
			return decodeArray(body, func(raw json.RawMessage) time.Time {
				var r struct {
					Published string `json:"published"`
				}
				_ = json.Unmarshal(raw, &r)
				t, _ := time.Parse(time.RFC3339Nano, r.Published)
				return t
			})
		},
	}
}

// GitHub audit log: GET /orgs/{org}/audit-log (or /enterprises/{e}/audit-log)
// with include=all, order=asc, per_page and phrase=created:>=TIME; later
// pages through the Link header (after cursor). The last page has no next
// link.
func newGitHubStream(name, base string, cfg *SourceConfig, api *apiClient) stream {
	path := "/orgs/" + url.PathEscape(cfg.GitHub.Organization) + "/audit-log"
	if cfg.GitHub.Enterprise != "" {
		path = "/enterprises/" + url.PathEscape(cfg.GitHub.Enterprise) + "/audit-log"
	}
	return &ascending{
		id: name, api: api, base: base, overlap: cfg.Overlap, emptyStop: true,
		firstURL: func(since time.Time) string {
			q := url.Values{}
			q.Set("phrase", "created:>="+since.UTC().Format("2006-01-02T15:04:05Z"))
			q.Set("include", "all")
			q.Set("order", "asc")
			q.Set("per_page", strconv.Itoa(cfg.PageSize))
			return base + path + "?" + q.Encode()
		},
		decode: func(body []byte) ([]json.RawMessage, []time.Time, error) {
			return decodeArray(body, func(raw json.RawMessage) time.Time {
				var r struct {
					Timestamp json.Number `json:"@timestamp"`
					CreatedAt json.Number `json:"created_at"`
				}
				_ = json.Unmarshal(raw, &r)
				for _, n := range []json.Number{r.Timestamp, r.CreatedAt} {
					if ms, err := n.Int64(); err == nil && ms > 0 {
						return time.UnixMilli(ms).UTC()
					}
				}
				return time.Time{}
			})
		},
	}
}

// decodeArray reads a page that is a JSON array of records, and each
// record's time. A page that is not a complete array is an error, so a page
// cut off in transit is fetched again rather than half loaded.
func decodeArray(body []byte, timeOf func(json.RawMessage) time.Time) ([]json.RawMessage, []time.Time, error) {
	var recs []json.RawMessage
	if err := json.Unmarshal(body, &recs); err != nil {
		return nil, nil, fmt.Errorf("expected a JSON array of records: %v", err)
	}
	times := make([]time.Time, len(recs))
	for i, r := range recs {
		times[i] = timeOf(r)
	}
	return recs, times, nil
}
