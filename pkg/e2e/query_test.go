package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// A malformed query, an unknown queryType and a valid timeline query in one
// request: each bad query gets its own error and the good one still answers.
func TestQueryErrorsStayWithTheirQuery(t *testing.T) {
	f := newFixture(t)
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	f.insert(t, "saas_audit_events", []map[string]any{
		{"event_time": t0, "event_id": "t1", "source": "github", "action": "git.clone", "category": "data_access", "auth_method": "pat", "actor_id": "alice", "app_id": "pat", "target_name": "acme/payroll", "sensitivity": 3, "raw": `{"action":"git.clone"}`},
		{"event_time": t0.Add(time.Minute), "event_id": "t2", "source": "okta", "action": "user.session.start", "category": "signin", "auth_method": "interactive", "actor_id": "alice"},
	})
	h := launch(t)
	pc := pluginContext(t, f.settings(nil))
	from, to := t0.Add(-time.Hour), t0.Add(time.Hour)
	good := query("A", "timeline", map[string]any{"filters": []map[string]any{{"field": "actor_id", "op": "=", "values": []string{"alice"}}}}, from, to)
	malformed := backend.DataQuery{RefID: "B", JSON: json.RawMessage(`{"queryType": "sequences", "maxSpan": `), TimeRange: backend.TimeRange{From: from, To: to}}
	unknown := query("C", "", map[string]any{"queryType": "everything"}, from, to)
	resp, err := h.QueryData(context.Background(), &backend.QueryDataRequest{PluginContext: pc, Queries: []backend.DataQuery{good, malformed, unknown}})
	if err != nil {
		t.Fatal(err)
	}
	a := resp.Responses["A"]
	if a.Error != nil {
		t.Fatalf("good query failed: %v", a.Error)
	}
	if len(a.Frames) != 1 || a.Frames[0].Rows() != 2 {
		t.Fatalf("timeline: want 1 frame of 2 rows, got %d frames", len(a.Frames))
	}
	if got := a.Frames[0].Fields[0].At(0).(time.Time); !got.Equal(t0.Add(time.Minute)) {
		t.Errorf("timeline is not newest first: first row at %v", got)
	}
	if sql := a.Frames[0].Meta.ExecutedQueryString; !strings.Contains(sql, "actor_id = 'alice'") {
		t.Errorf("executed SQL not reported or filter missing: %q", sql)
	}
	for ref, want := range map[string]string{"B": "query JSON could not be read", "C": `queryType "everything" is not supported`} {
		r := resp.Responses[ref]
		if r.Error == nil || !strings.Contains(r.Error.Error(), want) {
			t.Errorf("query %s: want error containing %q, got %v", ref, want, r.Error)
		}
		if r.Status != backend.StatusBadRequest {
			t.Errorf("query %s: status %v, want 400", ref, r.Status)
		}
		if r.ErrorSource != backend.ErrorSourceDownstream {
			t.Errorf("query %s: error source %q, want downstream (the user's to fix)", ref, r.ErrorSource)
		}
	}
}

// Hostile filter values travel as escaped literals: they match nothing and
// break nothing, and the table is still there afterwards.
func TestHostileFilterValues(t *testing.T) {
	f := newFixture(t)
	t0 := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	evil := `x' OR 1=1) --` + "\\'; DROP TABLE " + f.db + ".saas_audit_events; --"
	f.insert(t, "saas_audit_events", []map[string]any{
		{"event_time": t0, "event_id": "h1", "source": "slack", "action": "file_downloaded", "category": "data_access", "actor_id": evil, "sensitivity": 2},
		{"event_time": t0, "event_id": "h2", "source": "slack", "action": "file_downloaded", "category": "data_access", "actor_id": "bob", "sensitivity": 2},
	})
	h := launch(t)
	pc := pluginContext(t, f.settings(nil))
	run := func(value string) *backend.DataResponse {
		q := query("A", "timeline", map[string]any{"filters": []map[string]any{{"field": "actor_id", "op": "in", "values": []string{value}}}}, t0.Add(-time.Hour), t0.Add(time.Hour))
		resp, err := h.QueryData(context.Background(), &backend.QueryDataRequest{PluginContext: pc, Queries: []backend.DataQuery{q}})
		if err != nil {
			t.Fatal(err)
		}
		r := resp.Responses["A"]
		return &r
	}
	r := run(evil)
	if r.Error != nil {
		t.Fatalf("hostile value should be a plain value, got error %v", r.Error)
	}
	if n := r.Frames[0].Rows(); n != 1 {
		t.Fatalf("hostile value should match exactly its own row, got %d rows", n)
	}
	if got := stringAt(t, r.Frames[0], "actor_id", 0); got != evil {
		t.Errorf("actor_id round-trip: got %q", got)
	}
	if r := run("bob"); r.Error != nil || r.Frames[0].Rows() != 1 {
		t.Fatalf("table damaged after hostile query: %v", r.Error)
	}
}

func TestResources(t *testing.T) {
	f := newFixture(t)
	t0 := time.Now().UTC().Add(-time.Hour)
	f.insert(t, "saas_audit_events", []map[string]any{
		{"event_time": t0, "event_id": "r1", "source": "github", "app_id": "app-1", "category": "other"},
		{"event_time": t0, "event_id": "r2", "source": "github", "app_id": "app-1", "category": "other"},
		{"event_time": t0, "event_id": "r3", "source": "okta", "app_id": "app-2", "category": "other"},
	})
	h := launch(t)
	pc := pluginContext(t, f.settings(nil))
	call := func(path, url string) (int, map[string]any) {
		out, err := h.CallResource(context.Background(), &backend.CallResourceRequest{PluginContext: pc, Path: path, Method: "GET", URL: url})
		if err != nil || len(out) != 1 {
			t.Fatalf("CallResource %s: %v (%d responses)", path, err, len(out))
		}
		var body map[string]any
		if err := json.Unmarshal(out[0].Body, &body); err != nil {
			t.Fatal(err)
		}
		return out[0].Status, body
	}
	if status, body := call("fields", "fields"); status != 200 || len(body["correlate"].([]any)) != 5 {
		t.Errorf("fields: %d %v", status, body)
	}
	status, body := call("values", "values?field=app_id")
	if status != 200 {
		t.Fatalf("values: %d %v", status, body)
	}
	vals := body["values"].([]any)
	if len(vals) != 2 || vals[0] != "app-1" {
		t.Errorf("values by frequency: got %v", vals)
	}
	if status, body := call("values", "values?field=raw"); status != 400 || !strings.Contains(body["error"].(string), "not a normalized field") {
		t.Errorf("values of a non-field: %d %v", status, body)
	}
}
