package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/tokentrail/tokentrail/pkg/chhttp"
	"github.com/tokentrail/tokentrail/pkg/chsql"
	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/ingest"
	"github.com/tokentrail/tokentrail/pkg/sampleorg"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// TestClusterEqualsSingleSampleOrg loads a realistic sample organisation
// (a month with a month of history, planted attacks among sync clients,
// automation and admins' tools) through the ingest writer into the single
// table and into both Distributed tables, and asks the plugin binary the
// panels a SOC dashboard shows: the frames must be identical.
func TestClusterEqualsSingleSampleOrg(t *testing.T) {
	started := time.Now()
	f := newClusterFixture(t)
	// The month ends today (at midnight), so the editor's value
	// suggestions, which read the last 30 days before now, see it.
	end := time.Now().UTC().Truncate(24 * time.Hour)
	var events []event.Event
	truth, err := sampleorg.Generate(sampleorg.Config{Seed: 5, Events: 20_000, End: end, Mode: sampleorg.Normalized},
		func(r sampleorg.Record) error { events = append(events, r.Event); return nil })
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	load := func(url, db, table string) {
		w, err := ingest.NewWriter(ctx, &chhttp.Client{BaseURL: url, User: "default"}, db, table)
		if err != nil {
			t.Fatal(err)
		}
		// One ingest time for every table: coverage reports ingest delays.
		w.Now = func() time.Time { return end }
		for start := 0; start < len(events); start += 20_000 {
			batch := append([]event.Event(nil), events[start:min(start+20_000, len(events))]...)
			if _, _, err := w.Write(ctx, batch); err != nil {
				t.Fatalf("ingest into %s.%s: %v", db, table, err)
			}
		}
	}
	load(f.single.server.HTTPURL(), f.single.db, "saas_audit_events")
	for _, table := range layouts {
		load(f.cluster.Entry().HTTPURL(), f.db, table)
		if err := f.cluster.SyncReplicas(ctx, f.db, schema.LocalTable(table)); err != nil {
			t.Fatal(err)
		}
		f.syncRollup(t, table)
	}
	loaded := time.Now()
	h := launch(t)
	pcs := f.contexts(t, map[string]any{"approvedApps": truth.ApprovedApps})
	from, to := truth.RangeStart, truth.End
	victim := truth.Chains[0]
	queries := []backend.DataQuery{
		query("SEQ", "sequences", map[string]any{}, from, to),
		query("SEQ_TOKEN", "sequences", map[string]any{"correlateBy": []string{"token_id"}, "maxSpan": "2h"}, from, to),
		query("SEQ_ACTOR", "sequences", map[string]any{"correlateBy": []string{"actor_id"}, "minSeverity": "medium"}, from, to),
		query("NUM", "sequenceCounts", map[string]any{"format": "numeric"}, from, to),
		query("NUM_SEV", "sequenceCounts", map[string]any{"format": "numeric", "groupBy": []string{"severity"}}, from, to),
		query("TS", "sequenceCounts", map[string]any{"format": "timeseries"}, from, to),
		query("TL", "timeline", map[string]any{"limit": 1000}, to.Add(-24*time.Hour), to),
		query("TL_ACTOR", "timeline", map[string]any{"limit": 500, "filters": []map[string]any{
			{"field": "actor_id", "op": "=", "values": []string{victim.ActorID}}}}, from, to),
		// A filter list longer than chsql.InlineValues travels as an
		// external table, which the shards read too.
		query("SEQ_MANY", "sequences", map[string]any{"filters": []map[string]any{
			{"field": "actor_id", "op": "not in", "values": manyValues(chsql.InlineValues + 1)}}}, from, to),
		query("SEQ_AN0528", "sequences", map[string]any{"preset": "an0528", "signinWindow": "12h"}, from, to),
		query("INV_APPS", "", map[string]any{"queryType": "inventory", "limit": 10000}, from, to),
		query("INV_GRANTS", "", map[string]any{"queryType": "inventory", "kind": "grants", "limit": 10000}, from, to),
		query("INV_TOKENS", "", map[string]any{"queryType": "inventory", "kind": "tokens", "limit": 10000}, from, to),
		query("INV_COUNT", "", map[string]any{"queryType": "inventory", "require": []string{"unapproved"}, "format": "count"}, from, to),
		query("COVERAGE", "coverage", nil, from, to),
		query("COVERAGE_NUM", "coverage", map[string]any{"format": "numeric", "require": []string{"blind_spot"}}, from, to),
	}
	answers := askAll(t, h, pcs, queries)
	single := compareAll(t, "sample organisation", answers, queries)
	t.Logf("loaded in %s, queried in %s", loaded.Sub(started).Round(time.Millisecond), time.Since(loaded).Round(time.Millisecond))

	seq := single["SEQ"][0]
	found := countByKey(t, seq)
	planted := 0
	for _, c := range truth.Chains {
		if found[c.ActorID+"|"+c.AppID] > 0 {
			planted++
		}
	}
	if seq.Rows() == 0 || planted == 0 {
		t.Errorf("the single table found %d episodes and %d of %d planted chains' keys: the comparison would prove nothing", seq.Rows(), planted, len(truth.Chains))
	}
	nonEmpty := map[string]int{}
	for _, ref := range []string{"SEQ_TOKEN", "TL", "TL_ACTOR", "SEQ_MANY", "SEQ_AN0528", "INV_APPS", "INV_GRANTS", "INV_TOKENS", "COVERAGE"} {
		nonEmpty[ref] = single[ref][0].Rows()
	}
	for ref, n := range nonEmpty {
		if n == 0 {
			t.Errorf("%s is empty in the single table: the comparison would prove nothing", ref)
		}
	}
	// The default key's first pass: finished on each shard where keys
	// are colocated, merged on the initiator where they are not.
	for table, local := range map[string]bool{byActor: true, byEvent: false} {
		sql := executedSQL(ok(t, answers[table], "SEQ"))
		if strings.Contains(sql, "GLOBAL IN") || strings.Contains(sql, "distributed_group_by_no_merge = 1") != local {
			t.Errorf("%s, default key: want the local plan %v, got\n%s", table, local, sql)
		}
	}
	if sql := executedSQL(ok(t, answers[byEvent], "SEQ_ACTOR")); !strings.Contains(sql, "GLOBAL IN") {
		t.Errorf("%s, actor key: want the global plan, got\n%s", byEvent, sql)
	}
	if sql := executedSQL(ok(t, answers[byActor], "SEQ_ACTOR")); strings.Contains(sql, "GLOBAL IN") || !strings.Contains(sql, schema.LocalTable(byActor)) {
		t.Errorf("%s, actor key: want the local plan, got\n%s", byActor, sql)
	}
	if sql := executedSQL(ok(t, answers[byActor], "SEQ_TOKEN")); !strings.Contains(sql, "GLOBAL IN") {
		t.Errorf("%s, token key: want the global plan, got\n%s", byActor, sql)
	}
	// The default key takes the compact batched path (its key set an
	// external table) and the baselines read the Distributed rollup, on
	// both layouts, so the equality above covers them.
	for _, table := range layouts {
		sql := executedSQL(ok(t, answers[table], "SEQ"))
		for _, want := range []string{"IN (\n  SELECT k FROM " + chsql.CandidatesTable + "\n", "FROM " + f.db + "." + chsql.RollupTable(table) + "\n"} {
			if !strings.Contains(sql, want) {
				t.Errorf("%s: the sequences statements lack %q:\n%s", table, want, sql)
			}
		}
	}

	// The editor's value suggestions and "Save & test" read the same
	// table: the same values, the same row count and span.
	for _, field := range []string{"app_id", "actor_id", "category"} {
		var want string
		for _, name := range append([]string{"single"}, layouts...) {
			out, err := h.CallResource(ctx, &backend.CallResourceRequest{PluginContext: pcs[name], Method: "GET", Path: "values", URL: "values?field=" + field})
			if err != nil || len(out) != 1 || out[0].Status != 200 {
				t.Fatalf("%s: values of %s: %v %+v", name, field, err, out)
			}
			if got := string(out[0].Body); name == "single" {
				want = got
			} else if got != want {
				t.Errorf("%s: values of %s differ:\n%s\nsingle:\n%s", name, field, got, want)
			}
		}
		if !strings.Contains(want, `"values":["`) {
			t.Errorf("no values of %s in the last 30 days: %s", field, want)
		}
	}
	health := map[string]string{}
	for name, pc := range pcs {
		res, err := h.CheckHealth(ctx, pc)
		if err != nil || res.Status != backend.HealthStatusOk {
			t.Fatalf("%s: health %v %+v", name, err, res)
		}
		health[name] = res.Message
	}
	span := regexp.MustCompile(`holds \d+ events from \S+ to \S+\.`)
	want := span.FindString(health["single"])
	for _, name := range layouts {
		if want == "" || span.FindString(health[name]) != want || !strings.Contains(health[name], "Distributed over 2 shards (2 replicas each) of cluster "+f.cluster.Name) {
			t.Errorf("%s: health %q; the single table's %q", name, health[name], health["single"])
		}
	}
	t.Logf("%d events; %d episodes, %d of %d planted chains' keys; %d token episodes; identical on %v",
		len(events), seq.Rows(), planted, len(truth.Chains), single["SEQ_TOKEN"][0].Rows(), layouts)
}

// manyValues returns n distinct values no event carries.
func manyValues(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("nobody-%04d", i)
	}
	return out
}
