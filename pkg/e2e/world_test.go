package e2e

import (
	"context"
	"flag"
	"hash/fnv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/experimental"

	"github.com/tokentrail/tokentrail/pkg/chhttp"
	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/ingest"
	"github.com/tokentrail/tokentrail/pkg/sampleorg"
)

// update rewrites the golden frames: go test ./pkg/e2e -run Posture -update
var update = flag.Bool("update", false, "rewrite testdata/*.jsonc golden frames")

// worldEnd is the end of the posture world: a midnight, so whole days are
// whole calendar days.
var worldEnd = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

// The posture world's plants: the sample organisation as generated, then
// changed the way real telemetry breaks.
const (
	stoppedSource   = event.SourceGitHub    // stopped sending two days before the end
	noTokenIDSource = event.SourceSlack     // its export drops token ids
	shortSource     = event.SourceMicrosoft // keeps only 20 days, and arrives late
)

// worldSettings are the datasource settings of the posture world: the
// organisation's approved apps and the coverage thresholds. The sample
// organisation holds 30 days, so minRetentionDays is 25 rather than the
// default 90: only the 20-day source keeps too little.
func worldSettings(truth sampleorg.Truth) map[string]any {
	return map[string]any{"approvedApps": truth.ApprovedApps,
		"minRetentionDays": 25, "silenceHours": 24, "alertLookbackMinutes": 60, "minTokenIdPercent": 1, "maxZeroDays": 0}
}

var (
	worldOnce   sync.Once
	worldEvents []event.Event
	worldTruth  sampleorg.Truth
	worldErr    error
)

// postureEvents generates the world once per test binary: 30 days, 10,000
// events of benign people and automation plus the planted chains, then
// the plants.
func postureEvents(t *testing.T) ([]event.Event, sampleorg.Truth) {
	t.Helper()
	worldOnce.Do(func() {
		seen := map[string]bool{} // redelivered records are one event, as the writer keeps them
		worldTruth, worldErr = sampleorg.Generate(sampleorg.Config{Seed: 5, Events: sampleorg.MinEvents, Days: 30, End: worldEnd, Mode: sampleorg.Normalized},
			func(r sampleorg.Record) error {
				e := r.Event
				if seen[e.EventID] {
					return nil
				}
				seen[e.EventID] = true
				switch {
				case e.Source == stoppedSource && !e.EventTime.Before(worldEnd.Add(-48*time.Hour)):
					return nil
				case e.Source == stoppedSource && e.Category == event.CategorySignin:
					return nil // the GitHub audit log records no sign-ins: keep it so
				case e.Source == shortSource && e.EventTime.Before(worldEnd.Add(-20*24*time.Hour)):
					return nil
				case e.Source == noTokenIDSource:
					e.TokenID = ""
				}
				e.IngestTime = e.EventTime.Add(ingestDelay(&e)).Truncate(time.Second)
				worldEvents = append(worldEvents, e)
				return nil
			})
	})
	if worldErr != nil {
		t.Fatal(worldErr)
	}
	return worldEvents, worldTruth
}

// ingestDelay is how late an event reaches the table: Microsoft 365's
// unified audit log 20 to 140 minutes (it is known to lag), the others one
// to four minutes. It is a function of the event, so the world is the same
// in every run.
func ingestDelay(e *event.Event) time.Duration {
	h := fnv.New32a()
	h.Write([]byte(e.EventID))
	n := time.Duration(h.Sum32() % 1000)
	if e.Source == shortSource {
		return 20*time.Minute + n*120*time.Minute/1000
	}
	return time.Minute + n*3*time.Minute/1000
}

// loadWorld writes the posture world into the fixture's table through the
// ingest writer, ingest times included.
func (f *fixture) loadWorld(t *testing.T) ([]event.Event, sampleorg.Truth) {
	t.Helper()
	events, truth := postureEvents(t)
	cl := &chhttp.Client{BaseURL: f.server.HTTPURL(), User: "default"}
	w, err := ingest.NewWriter(context.Background(), cl, f.db, "saas_audit_events")
	if err != nil {
		t.Fatal(err)
	}
	if n, _, err := w.Write(context.Background(), events); err != nil || n != len(events) {
		t.Fatalf("loading the posture world: %d of %d rows, %v", n, len(events), err)
	}
	return events, truth
}

// checkGolden compares a response with testdata/NAME.jsonc. The executed
// SQL must be reported and name the test's table; its text is pinned by
// pkg/chsql's golden files, so here it is replaced by a marker and a SQL
// change does not rewrite every frame file.
func (f *fixture) checkGolden(t *testing.T, name string, r backend.DataResponse) {
	t.Helper()
	for _, fr := range r.Frames {
		if fr.Meta == nil || !strings.Contains(fr.Meta.ExecutedQueryString, f.db+".saas_audit_events") {
			t.Errorf("%s: the frame does not report the SQL it ran on %s", name, f.db)
			continue
		}
		fr.Meta.ExecutedQueryString = "(the executed SQL; see pkg/chsql/testdata)"
	}
	experimental.CheckGoldenJSONResponse(t, "testdata", name, &r, *update)
}
