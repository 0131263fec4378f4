package e2e

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/tokentrail/tokentrail/pkg/pluginhost"
)

// capture keeps the plugin's log for inspection.
type capture struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (c *capture) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.Write(p)
}

func (c *capture) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}

// The hostile corpus through the plugin binary: megabyte-long field names,
// durations, query types, settings and resource paths, and values that
// overflow. Every one gets a clear error and no answer is silently wrong;
// no error and no log line repeats more than 300 characters of the input.
func TestHostileCorpus(t *testing.T) {
	f := newFixture(t)
	t0 := time.Date(2026, 11, 5, 9, 0, 0, 0, time.UTC)
	f.insert(t, "saas_audit_events", []map[string]any{
		{"event_time": t0, "event_id": "a", "source": "okta", "action": "app.oauth2.token.grant", "category": "token_auth", "auth_method": "oauth", "actor_id": "alice", "app_id": "app1", "sensitivity": 0},
		{"event_time": t0.Add(time.Minute), "event_id": "b", "source": "okta", "action": "mail.read", "category": "data_access", "auth_method": "interactive", "actor_id": "alice", "app_id": "app1", "sensitivity": 3},
	})
	logs := &capture{}
	h, err := pluginhost.Launch(binary, logs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	big := strings.Repeat("A", 1<<20)
	pc := pluginContext(t, f.settings(nil))
	from, to := t0.Add(-time.Hour), t0.Add(time.Hour)
	ctx := context.Background()

	bad := map[string]backend.DataQuery{
		"field":     query("A", "sequences", map[string]any{"filters": []map[string]any{{"field": big, "op": "in", "values": []string{"x"}}}}, from, to),
		"maxSpan":   query("A", "sequences", map[string]any{"maxSpan": big}, from, to),
		"days":      query("A", "sequences", map[string]any{"maxSpan": "213504d"}, from, to),
		"queryType": query("A", big, map[string]any{}, from, to),
		"groupBy":   query("A", "sequenceCounts", map[string]any{"groupBy": []string{big}}, from, to),
		"values":    query("A", "timeline", map[string]any{"filters": []map[string]any{{"field": "actor_id", "op": "in", "values": make([]string, 100001)}}}, from, to),
		"before":    query("A", "sequences", map[string]any{}, time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)),
	}
	for name, q := range bad {
		resp, err := h.QueryData(ctx, &backend.QueryDataRequest{PluginContext: pc, Queries: []backend.DataQuery{q}})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		r := resp.Responses["A"]
		if r.Error == nil || r.Status != backend.StatusBadRequest {
			t.Errorf("%s: want a 400 error, got %v (%v)", name, r.Error, r.Status)
			continue
		}
		if echo := longestRun(r.Error.Error(), 'A'); echo > 300 || len(r.Error.Error()) > 700 {
			t.Errorf("%s: error of %d characters echoes %d of the input", name, len(r.Error.Error()), echo)
		}
	}

	// Ranges far beyond the column: exact answers, not nothing.
	for name, rng := range map[string][2]time.Time{
		"year 1 to 9999":   {time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)},
		"to the year 3000": {from, time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		resp, err := h.QueryData(ctx, &backend.QueryDataRequest{PluginContext: pc, Queries: []backend.DataQuery{query("A", "sequences", map[string]any{}, rng[0], rng[1])}})
		if err != nil {
			t.Fatal(err)
		}
		if r := resp.Responses["A"]; r.Error != nil || len(r.Frames) != 1 || r.Frames[0].Rows() != 1 {
			t.Errorf("%s: want the one episode, got %v", name, r.Error)
		}
	}

	// Settings and resources.
	for name, js := range map[string]map[string]any{"database": {"database": big}, "host": {"host": big}, "username": {"username": big}} {
		res, err := h.CheckHealth(ctx, pluginContext(t, f.settings(js)))
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != backend.HealthStatusError || longestRun(res.Message, 'A') > 300 {
			t.Errorf("settings %s: %v, %d characters echoed", name, res.Status, longestRun(res.Message, 'A'))
		}
	}
	for _, path := range []string{big, "values?field=" + big} {
		out, err := h.CallResource(ctx, &backend.CallResourceRequest{PluginContext: pc, Method: "GET", Path: strings.SplitN(path, "?", 2)[0], URL: path})
		if err != nil {
			t.Fatal(err)
		}
		if len(out) != 1 || out[0].Status < 400 || longestRun(string(out[0].Body), 'A') > 300 {
			t.Errorf("resource %.20s…: want a short error", path)
		}
	}
	time.Sleep(200 * time.Millisecond) // let the last log lines arrive
	for _, line := range strings.Split(logs.String(), "\n") {
		if n := longestRun(line, 'A'); n > 300 {
			t.Errorf("a plugin log line echoes %d characters of input: %.200s", n, line)
		}
	}
}

func longestRun(s string, c byte) int {
	best, cur := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			cur++
			best = max(best, cur)
		} else {
			cur = 0
		}
	}
	return best
}
