package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/models"
)

// findingText is how each finding's words begin in blind_spots.
var findingText = map[string][]string{
	"silent": {"no events for"}, "short_retention": {"keeps "}, "no_token_ids": {"token ids on ", "no token-based events"},
	"no_signins": {"no interactive sign-ins"}, "zero_days": {"whole days since"}, "late_ingest": {"p95 ingest delay"},
}

func hasFinding(text, kind string) bool {
	for _, w := range findingText[kind] {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

// The coverage query through the plugin binary over the posture world: one
// source stopped two days ago, one lost its token ids, one keeps 20 days
// and arrives late. Every blind spot of the issue must be named, on the
// source that has it, with its threshold, and every finding on any source
// must agree with that source's own figures.
func TestPostureCoverageThroughPlugin(t *testing.T) {
	f := newFixture(t)
	events, truth := f.loadWorld(t)
	h := launch(t)
	pc := pluginContext(t, f.settings(worldSettings(truth)))
	from, to := worldEnd.Add(-7*24*time.Hour), worldEnd
	resp, err := h.QueryData(context.Background(), &backend.QueryDataRequest{PluginContext: pc, Queries: []backend.DataQuery{
		query("TABLE", "coverage", nil, from, to),
		query("COUNT", "coverage", map[string]any{"format": "count", "require": []string{"blind_spot"}}, from, to),
		query("ALERT", "coverage", map[string]any{"format": "numeric", "require": []string{"silent"}}, from, to),
		query("SILENT", "coverage", map[string]any{"require": []string{"silent", "zero_days"}}, from, to),
	}})
	if err != nil {
		t.Fatal(err)
	}
	table := single(t, ok(t, resp, "TABLE"))
	findings := map[string]string{} // source -> blind_spots text, all tenants
	seen := map[string]bool{}       // finding kinds reported anywhere
	withSpots, silentRows := 0, map[string]bool{}
	for i := range table.Rows() {
		src, text := stringAt(t, table, "source", i), stringAt(t, table, "blind_spots", i)
		findings[src] += text + ";"
		if text != "" {
			withSpots++
		}
		// Each finding is there exactly when the row's own figures pass
		// its threshold (worldSettings), whatever the generator made.
		num := func(name string) float64 {
			switch v := at(table, name, i).(type) {
			case float64:
				return v
			case int64:
				return float64(v)
			}
			t.Fatalf("%s is not a number", name)
			return 0
		}
		should := map[string]bool{
			"silent":          num("hours_since_last") > 24,
			"short_retention": num("retention_days") < 25,
			"no_token_ids":    num("token_events") == 0 || num("token_events_with_id_pct") < 1,
			"no_signins":      num("signins") == 0,
			"zero_days":       num("zero_days") > 0,
			"late_ingest":     num("late_pct") > 5,
		}
		for kind, want := range should {
			has := hasFinding(text, kind)
			if has != want {
				t.Errorf("row %d (%s): %s reported %v, but its figures say %v: %q", i, src, kind, has, want, text)
			}
			seen[kind] = seen[kind] || has
		}
		if should["silent"] {
			silentRows[src+"|"+stringAt(t, table, "tenant", i)] = true
		}
		if n := at(table, "blind_spot_count", i).(int64); (n > 0) != (text != "") {
			t.Errorf("row %d: blind_spot_count %d disagrees with the text", i, n)
		}
	}
	planted := []struct{ source, finding, threshold string }{
		{stoppedSource, "no events for 2.", "silenceHours 24"},
		{stoppedSource, "2 of 26 whole days", "maxZeroDays 0"},
		{stoppedSource, "no interactive sign-ins", "identity-provider correlation"},
		{noTokenIDSource, "token ids on 0.0% of", "minTokenIdPercent 1"},
		{shortSource, "keeps 20.0 days of events", "minRetentionDays 25"},
		{shortSource, "p95 ingest delay", "alertLookbackMinutes"},
	}
	for _, p := range planted {
		if !strings.Contains(findings[p.source], p.finding) || !strings.Contains(findings[p.source], p.threshold) {
			t.Errorf("%s: want a blind spot %q naming %q, got %q", p.source, p.finding, p.threshold, findings[p.source])
		}
	}
	for src, text := range findings {
		if src != shortSource && hasFinding(text, "late_ingest") {
			t.Errorf("only %s arrives late, yet %s: %q", shortSource, src, text)
		}
	}
	if len(seen) != len(models.CoverageFindings) {
		t.Errorf("only %d of the %d blind spots were reported: %v", len(seen), len(models.CoverageFindings), seen)
	}

	count := single(t, ok(t, resp, "COUNT"))
	if count.Meta.Type != data.FrameTypeNumericWide || count.Fields[0].At(0).(float64) != float64(withSpots) {
		t.Errorf("count of sources with blind spots %v, want %d (%s)", count.Fields[0].At(0), withSpots, describe(count))
	}
	alert := numericLong(t, asEpisodes(single(t, ok(t, resp, "ALERT"))))
	for key, v := range alert {
		if (v == 1) != silentRows[key] || (v != 0 && v != 1) {
			t.Errorf("alert instance %s = %d: 1 exactly for the silent sources %v", key, v, silentRows)
		}
	}
	if alert[stoppedSource+"|acme"] != 1 {
		t.Errorf("the stopped source's alert instance must fire: %v", alert)
	}
	if len(alert) != table.Rows() {
		t.Errorf("the alert frame has %d instances, the table %d sources: a healthy source must be an instance at 0", len(alert), table.Rows())
	}
	silent := single(t, ok(t, resp, "SILENT"))
	for i := range silent.Rows() {
		text := stringAt(t, silent, "blind_spots", i)
		if !hasFinding(text, "silent") || !hasFinding(text, "zero_days") {
			t.Errorf("require [silent, zero_days] let through %s: %q", stringAt(t, silent, "source", i), text)
		}
	}
	if silent.Rows() == 0 {
		t.Error("require [silent, zero_days] dropped the stopped source")
	}
	// The window coverage reads: minRetentionDays (25) and a day before
	// the end, which is earlier than the panel's start.
	checkDelayQuantiles(t, table, events, to.Add(-26*24*time.Hour), to)
	f.checkGolden(t, "coverage_world", resp.Responses["TABLE"])
}

// checkDelayQuantiles holds each row's ingest delay p50 and p95 to the
// delays of the row's own events in [from, to], rounded as the statement
// documents (to the second below an hour, the minute below a day): the
// quantile at level l of n delays is a value v with #(d < v) <= l*n <=
// #(d <= v). The late source's delays (20 minutes to 2 hours) cross the
// first rounding step.
func checkDelayQuantiles(t *testing.T, table *data.Frame, events []event.Event, from, to time.Time) {
	t.Helper()
	round := func(d int64) int64 {
		a := max(d, -d)
		switch {
		case a >= 86400:
			a -= a % 3600
		case a >= 3600:
			a -= a % 60
		}
		if d < 0 {
			return -a
		}
		return a
	}
	delays := map[string][]int64{}
	for _, e := range events {
		if !e.EventTime.Before(from) && !e.EventTime.After(to) {
			k := e.Source + "|" + e.Tenant
			delays[k] = append(delays[k], round(e.IngestTime.Unix()-e.EventTime.Unix()))
		}
	}
	for i := range table.Rows() {
		k := stringAt(t, table, "source", i) + "|" + stringAt(t, table, "tenant", i)
		ds := delays[k]
		if len(ds) == 0 {
			t.Errorf("%s: a coverage row for a source with no events in the window", k)
			continue
		}
		for _, q := range []struct {
			field string
			level float64
		}{{"ingest_delay_p50", 0.5}, {"ingest_delay_p95", 0.95}} {
			v := int64(at(table, q.field, i).(float64))
			below, upTo := 0, 0
			for _, d := range ds {
				if d < v {
					below++
				}
				if d <= v {
					upTo++
				}
			}
			if n := q.level * float64(len(ds)); float64(below) > n || float64(upTo) < n {
				t.Errorf("%s: %s = %d s, but %d of its %d delays are below it and %d at most it", k, q.field, v, below, len(ds), upTo)
			}
			if v >= 3600 && v%60 != 0 {
				t.Errorf("%s: %s = %d s is not rounded to the minute", k, q.field, v)
			}
		}
	}
}

// asEpisodes renames a numeric-long frame's value field to "episodes", so
// numericLong, written for the counts, checks the coverage alert frame by
// the same data-plane rules.
func asEpisodes(f *data.Frame) *data.Frame {
	for _, fld := range f.Fields {
		if fld.Type().Numeric() {
			fld.Name = "episodes"
		}
	}
	return f
}
