package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// TestDashboardRefreshAnswersAsEachPanelAlone sends the SOC dashboard's
// ranking queries (its panels and annotation, variables at their defaults)
// in one request, as a refresh starts them together and the plugin then
// shares one ranking among them, and requires every answer to be byte for
// byte the one the query gets alone.
func TestDashboardRefreshAnswersAsEachPanelAlone(t *testing.T) {
	f := newFixture(t)
	_, truth := f.loadWorld(t)
	h := launch(t)
	pc := pluginContext(t, f.settings(worldSettings(truth)))
	from, to := worldEnd.Add(-7*24*time.Hour), worldEnd
	all, _ := dashboardQueries(t, filepath.Join("..", "..", "provisioning", "dashboards", "tokentrail", "tokentrail.json"), from, to)
	var queries []backend.DataQuery
	for i, q := range all {
		if qt := q.query["queryType"]; qt != "sequences" && qt != "sequenceCounts" {
			continue
		}
		js, _ := json.Marshal(q.query)
		queries = append(queries, backend.DataQuery{RefID: fmt.Sprintf("Q%d", i), JSON: js,
			TimeRange: backend.TimeRange{From: q.from, To: q.to}, MaxDataPoints: 200, Interval: time.Hour})
	}
	if len(queries) < 3 {
		t.Fatalf("the SOC dashboard has %d ranking queries; want its table, its counts and its annotation", len(queries))
	}
	answer := func(resp *backend.QueryDataResponse, ref string) []byte {
		t.Helper()
		r, ok := resp.Responses[ref]
		if !ok || r.Error != nil || len(r.Frames) == 0 {
			t.Fatalf("%s: no answer (%v)", ref, r.Error)
		}
		var out []byte
		for _, fr := range r.Frames {
			b, err := data.FrameToJSON(fr, data.IncludeAll)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b...)
		}
		return out
	}
	alone := map[string][]byte{}
	for _, q := range queries {
		resp, err := h.QueryData(context.Background(), &backend.QueryDataRequest{PluginContext: pc, Queries: []backend.DataQuery{q}})
		if err != nil {
			t.Fatal(err)
		}
		alone[q.RefID] = answer(resp, q.RefID)
	}
	resp, err := h.QueryData(context.Background(), &backend.QueryDataRequest{PluginContext: pc, Queries: queries})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range queries {
		if got := answer(resp, q.RefID); !bytes.Equal(got, alone[q.RefID]) {
			t.Errorf("%s %s: the answer in the refresh differs from the one alone (%d against %d bytes)", q.RefID, q.JSON, len(got), len(alone[q.RefID]))
		}
	}
}
