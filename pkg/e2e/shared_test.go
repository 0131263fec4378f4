package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/tokentrail/tokentrail/pkg/pluginhost"
)

// TestDashboardRefreshAnswersAsEachPanelAlone sends the SOC dashboard's
// ranking queries (its panels and annotation, variables at their defaults)
// in one request, as a refresh starts them together and the plugin then
// shares one ranking among them, and requires every answer to be byte for
// byte the one the query gets alone. The plugin's debug log shows the
// sharing (pkg/store's own test proves it deterministically).
func TestDashboardRefreshAnswersAsEachPanelAlone(t *testing.T) {
	f := newFixture(t)
	_, truth := f.loadWorld(t)
	logs := &capture{}
	h, err := pluginhost.LaunchWith(binary, pluginhost.Options{Logs: logs, Debug: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
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
	if shared := sharedRuns(logs.String()); len(shared) > 0 {
		t.Fatalf("queries sent one at a time shared a ranking: %v", shared)
	}
	resp, err := h.QueryData(context.Background(), &backend.QueryDataRequest{PluginContext: pc, Queries: queries})
	if err != nil {
		t.Fatal(err)
	}
	if shared := sharedRuns(logs.String()); len(shared) == 0 {
		t.Errorf("the refresh's %d queries, sent together, ran without sharing a ranking (no debug record of one)", len(queries))
	}
	for _, q := range queries {
		if got := answer(resp, q.RefID); !bytes.Equal(got, alone[q.RefID]) {
			t.Errorf("%s %s: the answer in the refresh differs from the one alone (%d against %d bytes)", q.RefID, q.JSON, len(got), len(alone[q.RefID]))
		}
	}
}

// sharedRuns returns the query counts of the plugin's debug records of a
// shared ranking.
func sharedRuns(logs string) []string {
	var out []string
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, "one ranking serves the queries that started together") {
			out = append(out, line)
		}
	}
	return out
}
