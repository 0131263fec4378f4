package e2e

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/engine/enginetest"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// caseGap separates the rule cases in time: every case's rows, range,
// maxSpan and 30 days of baseline history fit inside it, so the cases
// share the tables without seeing each other.
const caseGap = 100 * 24 * time.Hour

// TestClusterEqualsSingleRuleCases loads every AN0020 rule case into the
// single table and into the cluster's two Distributed tables and asks the
// plugin binary the same sequences, counts (numeric and time series) and
// timeline of each: the frames must be identical, and the single table's
// episodes must be the case's. The AN0528 rule cases are asked their
// sequences and counts alike.
func TestClusterEqualsSingleRuleCases(t *testing.T) {
	f := newClusterFixture(t)
	tick := time.Second
	if f.single.variant == schema.Modern {
		tick = time.Millisecond
	}
	cases := enginetest.Cases(tick)
	gaps := enginetest.SigninGapCases(tick)
	var body []byte
	for i, tc := range cases {
		for _, r := range tc.Rows {
			r.EventTime = r.EventTime.Add(time.Duration(i) * caseGap)
			r.EventID = fmt.Sprintf("c%02d-%s", i, r.EventID)
			body = append(body, rowJSON(t, f.single.variant, r)...)
		}
	}
	// The AN0528 cases after them, each in its own stretch of time too.
	for i, tc := range gaps {
		for _, r := range tc.Rows {
			r.EventTime = r.EventTime.Add(time.Duration(len(cases)+i) * caseGap)
			r.EventID = fmt.Sprintf("g%02d-%s", i, r.EventID)
			body = append(body, rowJSON(t, f.single.variant, r)...)
		}
	}
	f.load(t, body)
	h := launch(t)
	plain := f.contexts(t, nil)
	approving := f.contexts(t, map[string]any{"approvedApps": []string{"app1"}})
	approving2 := f.contexts(t, map[string]any{"approvedApps": []string{"app2"}})
	for i, tc := range gaps {
		t.Run("an0528/"+tc.Name, func(t *testing.T) {
			p := tc.SigninGapParams()
			shift := time.Duration(len(cases)+i) * caseGap
			from, to := p.From.Add(shift), p.To.Add(shift)
			js := map[string]any{"preset": "an0528", "signinWindow": p.SigninWindow.String(), "maxSpan": p.MaxSpan.String(),
				"includeApproved": p.IncludeApproved}
			queries := []backend.DataQuery{
				query("SEQ", "sequences", js, from, to),
				query("NUM", "sequenceCounts", map[string]any{"preset": "an0528", "signinWindow": p.SigninWindow.String(),
					"maxSpan": p.MaxSpan.String(), "format": "numeric", "groupBy": []string{"actor_id", "app_id"}}, from, to),
			}
			pcs := plain
			if len(p.ApprovedApps) > 0 {
				if !p.ApprovedApps["app2"] || len(p.ApprovedApps) != 1 {
					t.Fatalf("the test approves app2 only; the case approves %v", p.ApprovedApps)
				}
				pcs = approving2
			}
			single := compareAll(t, "AN0528 rule case", askAll(t, h, pcs, queries), queries)
			if n := single["SEQ"][0].Rows(); n != len(tc.Want) {
				t.Errorf("single table: %d episodes, want %d", n, len(tc.Want))
			}
		})
	}
	for i, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			p := tc.DetectParams()
			shift := time.Duration(i) * caseGap
			from, to := p.From.Add(shift), p.To.Add(shift)
			js := map[string]any{"maxSpan": p.MaxSpan.String(), "correlateBy": p.CorrelateBy,
				"minSensitivity": p.MinSensitivity, "includeApproved": p.IncludeApproved}
			if p.SensitiveNeedsToken { // the broad preset's cases
				js["preset"] = "an0020-broad"
			}
			with := func(kv ...any) map[string]any {
				out := map[string]any{}
				for k, v := range js {
					out[k] = v
				}
				for j := 0; j < len(kv); j += 2 {
					out[kv[j].(string)] = kv[j+1]
				}
				return out
			}
			queries := []backend.DataQuery{
				query("SEQ", "sequences", js, from, to),
				query("NUM", "sequenceCounts", with("format", "numeric", "groupBy", p.CorrelateBy), from, to),
				query("TS", "sequenceCounts", with("format", "timeseries", "groupBy", p.CorrelateBy), from, to),
				query("TL", "timeline", map[string]any{"limit": 50}, from.Add(-p.MaxSpan), to),
			}
			pcs := plain
			if len(p.ApprovedApps) > 0 {
				pcs = approving
			}
			answers := askAll(t, h, pcs, queries)
			single := compareAll(t, "rule case", answers, queries)
			got := summaries(t, single["SEQ"][0], p.CorrelateBy, enginetest.T0.Add(shift), fmt.Sprintf("c%02d-", i))
			if !reflect.DeepEqual(got, sortedSummaries(tc.Want)) {
				t.Errorf("single table: episodes %+v, want %+v", got, tc.Want)
			}
			if tl := single["TL"][0]; tl.Rows() == 0 {
				t.Errorf("the timeline of the case's range is empty")
			}
			// The plans: the default sharding keeps keys with actor_id on
			// one shard (every rule case's key has it; the sample
			// organisation's test plans a token key globally there);
			// sharding by event id keeps none.
			if local := localPlan(executedSQL(ok(t, answers[byActor], "SEQ")), byActor); local != slices.Contains(p.CorrelateBy, engine.FieldActorID) {
				t.Errorf("%s: local plan %v for correlateBy %v", byActor, local, p.CorrelateBy)
			}
			// Without candidates the compact path stops after its first
			// pass, which names no key set.
			if sql := executedSQL(ok(t, answers[byEvent], "SEQ")); localPlan(sql, byEvent) || (len(tc.Want) > 0 && !globalPlan(sql)) {
				t.Errorf("%s: the statements must plan globally:\n%s", byEvent, sql)
			}
		})
	}
}

// rowJSON renders an engine row as one JSONEachRow line of the table.
func rowJSON(t *testing.T, v schema.Variant, r engine.Row) []byte {
	t.Helper()
	line, err := json.Marshal(map[string]any{
		"event_time": schema.FormatTime(v, r.EventTime), "event_id": r.EventID,
		"tenant": r.Tenant, "source": r.Source, "action": r.Action,
		"category": r.Category, "auth_method": r.AuthMethod,
		"actor_id": r.ActorID, "actor_name": r.ActorName, "app_id": r.AppID, "app_name": r.AppName,
		"token_id": r.TokenID, "src_ip": r.SrcIP, "user_agent": r.UserAgent, "target_name": r.TargetName,
		"sensitivity": r.Sensitivity, "outcome": "success",
	})
	if err != nil {
		t.Fatal(err)
	}
	return append(line, '\n')
}

// summaries reads the rule summaries back from a sequences frame: times
// as offsets from t0, the anchor with the case's id prefix removed, in the
// detector's order (key, then time).
func summaries(t *testing.T, f *data.Frame, correlateBy []string, t0 time.Time, idPrefix string) []enginetest.Summary {
	t.Helper()
	var out []enginetest.Summary
	for i := range f.Rows() {
		var key []string
		for _, c := range correlateBy {
			key = append(key, stringAt(t, f, c, i))
		}
		at := func(name string) time.Duration {
			return f.Fields[fieldIndex(t, f, name)].At(i).(time.Time).Sub(t0)
		}
		out = append(out, enginetest.Summary{
			Key:      strings.Join(key, "|"),
			Anchor:   strings.TrimPrefix(stringAt(t, f, "access_action", i), idPrefix),
			First:    at("first_sensitive_time"),
			Last:     at("last_sensitive_time"),
			Count:    int(f.Fields[fieldIndex(t, f, "sensitive_count")].At(i).(int64)),
			Approved: f.Fields[fieldIndex(t, f, "approved")].At(i).(bool),
		})
	}
	return sortedSummaries(out)
}

func sortedSummaries(s []enginetest.Summary) []enginetest.Summary {
	s = slices.Clone(s)
	slices.SortStableFunc(s, func(a, b enginetest.Summary) int {
		if c := strings.Compare(a.Key, b.Key); c != 0 {
			return c
		}
		return int(a.First - b.First)
	})
	return s
}
