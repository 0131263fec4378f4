package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/tokentrail/tokentrail/pkg/models"
)

// The coverage query through the plugin binary over the posture world: one
// source stopped two days ago, one lost its token ids, one keeps 20 days
// and arrives late. Every blind spot of the issue must be named, on the
// source that has it, with its threshold.
func TestPostureCoverageThroughPlugin(t *testing.T) {
	f := newFixture(t)
	_, truth := f.loadWorld(t)
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
	kinds := map[string]bool{}
	withSpots := 0
	for i := range table.Rows() {
		src, text := stringAt(t, table, "source", i), stringAt(t, table, "blind_spots", i)
		findings[src] += text + ";"
		if text != "" {
			withSpots++
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
	for _, src := range []string{stoppedSource, noTokenIDSource} {
		if strings.Contains(findings[src], "keeps") || strings.Contains(findings[src], "ingest delay") {
			t.Errorf("%s keeps 30 days and arrives on time, yet: %q", src, findings[src])
		}
	}
	if strings.Contains(findings[shortSource], "no events for") || strings.Contains(findings[noTokenIDSource], "no events for") {
		t.Error("only the stopped source is silent")
	}
	for _, src := range []string{shortSource, noTokenIDSource} {
		if strings.Contains(findings[src], "whole days since") {
			t.Errorf("%s sent every day: %q", src, findings[src])
		}
	}
	for i := range table.Rows() {
		if n := table.Fields[fieldIndex(t, table, "blind_spot_count")].At(i).(int64); (n > 0) != (stringAt(t, table, "blind_spots", i) != "") {
			t.Errorf("row %d: blind_spot_count %d disagrees with the text", i, n)
		}
	}
	for _, text := range findings {
		for _, k := range []string{"no events for", "keeps", "token ids on", "no interactive sign-ins", "whole days since", "p95 ingest delay"} {
			if strings.Contains(text, k) {
				kinds[k] = true
			}
		}
	}
	if len(kinds) != len(models.CoverageFindings) {
		t.Errorf("only %d of the %d blind spots were reported: %v", len(kinds), len(models.CoverageFindings), kinds)
	}

	count := single(t, ok(t, resp, "COUNT"))
	if count.Meta.Type != data.FrameTypeNumericWide || count.Fields[0].At(0).(float64) != float64(withSpots) {
		t.Errorf("count of sources with blind spots %v, want %d (%s)", count.Fields[0].At(0), withSpots, describe(count))
	}
	alert := numericLongValues(t, single(t, ok(t, resp, "ALERT")))
	for key, v := range alert {
		if want := strings.HasPrefix(key, stoppedSource+"|"); (v == 1) != want || (v != 0 && v != 1) {
			t.Errorf("alert instance %s = %g: only the stopped source is 1", key, v)
		}
	}
	if len(alert) != table.Rows() {
		t.Errorf("the alert frame has %d instances, the table %d sources: a healthy source must be an instance at 0", len(alert), table.Rows())
	}
	silent := single(t, ok(t, resp, "SILENT"))
	if silent.Rows() != 1 || stringAt(t, silent, "source", 0) != stoppedSource {
		t.Errorf("require [silent, zero_days] keeps only the stopped source, got %s", describe(silent))
	}
	f.checkGolden(t, "coverage_world", resp.Responses["TABLE"])
}

// numericLongValues reads a numeric-long frame with string labels and one
// value into "label|label" -> value, checking it is alertable.
func numericLongValues(t *testing.T, f *data.Frame) map[string]float64 {
	t.Helper()
	if f.Meta == nil || f.Meta.Type != data.FrameTypeNumericLong || f.Meta.TypeVersion != (data.FrameTypeVersion{0, 1}) {
		t.Fatalf("want a numeric-long frame, got %s", describe(f))
	}
	out := map[string]float64{}
	for i := range f.Rows() {
		var labels []string
		var value float64
		values := 0
		for _, fld := range f.Fields {
			switch v := fld.At(i).(type) {
			case string:
				labels = append(labels, v)
			case float64:
				value = v
				values++
			default:
				t.Fatalf("field %s has %T: numeric-long holds non-null strings and one number", fld.Name, v)
			}
		}
		if values != 1 {
			t.Fatalf("row %d has %d values", i, values)
		}
		key := strings.Join(labels, "|")
		if _, dup := out[key]; dup {
			t.Fatalf("label set %s twice", key)
		}
		out[key] = value
	}
	return out
}
