package frames

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/risk"
)

// Sequences returns the "sequences" table: one row per episode, highest
// score first (then first sensitive time, then episode ID) so that triage
// starts at the top and repeated queries render the same table. The columns are fixed apart from the correlateBy fields, which
// follow source in the order given; zero episodes give the same columns with
// no rows, so panels and transformations keep their field references.
func Sequences(eps []engine.Episode, correlateBy []string, executedSQL string) *data.Frame {
	sorted := make([]*engine.Episode, len(eps))
	for i := range eps {
		sorted[i] = &eps[i]
	}
	slices.SortStableFunc(sorted, risk.Compare)

	n := len(sorted)
	col := func(name, display string, values any) *data.Field {
		f := data.NewField(name, nil, values)
		if display != "" {
			f.Config = &data.FieldConfig{DisplayNameFromDS: display}
		}
		return f
	}
	strs := func(get func(*engine.Episode) string) []string {
		out := make([]string, n)
		for i, ep := range sorted {
			out[i] = get(ep)
		}
		return out
	}
	times := func(get func(*engine.Episode) time.Time) []time.Time {
		out := make([]time.Time, n)
		for i, ep := range sorted {
			out[i] = get(ep)
		}
		return out
	}
	ints := func(get func(*engine.Episode) int) []int64 {
		out := make([]int64, n)
		for i, ep := range sorted {
			out[i] = int64(get(ep))
		}
		return out
	}
	floats := func(get func(*engine.Episode) float64) []float64 {
		out := make([]float64, n)
		for i, ep := range sorted {
			out[i] = math.Round(get(ep)*100) / 100
		}
		return out
	}
	constant := func(v string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = v
		}
		return out
	}

	fields := []*data.Field{
		col("episode_id", "Episode", strs(func(ep *engine.Episode) string { return ep.ID })),
		col(engine.FieldSource, "Source", strs(func(ep *engine.Episode) string { return ep.Source })),
	}
	for _, f := range uniqueFields(correlateBy) {
		if f == engine.FieldSource {
			continue
		}
		fields = append(fields, col(f, "", strs(func(ep *engine.Episode) string { return GroupValue(ep, f) })))
	}
	approved := make([]bool, n)
	for i, ep := range sorted {
		approved[i] = ep.Approved
	}
	ref := AttackRef(analyticOf(sorted))
	technique := col("attack_technique", "ATT&CK technique", constant(ref.Technique))
	technique.Config.Links = []data.DataLink{{Title: "MITRE ATT&CK " + ref.Technique, URL: ref.TechniqueURL, TargetBlank: true}}
	strategy := col("attack_strategy", "ATT&CK detection strategy", constant(ref.Strategy))
	strategy.Config.Links = []data.DataLink{{Title: "MITRE ATT&CK " + ref.Strategy, URL: ref.StrategyURL, TargetBlank: true}}

	fields = append(fields,
		col("actor_name", "Actor", strs(func(ep *engine.Episode) string { return ep.ActorName })),
		col("app_name", "App", strs(func(ep *engine.Episode) string { return ep.AppName })),
		col("access_time", "Access time", times(func(ep *engine.Episode) time.Time { return ep.AccessTime })),
		col("access_action", "Access action", strs(func(ep *engine.Episode) string { return ep.AccessAction })),
		col("access_ip", "Access IP", strs(func(ep *engine.Episode) string { return ep.AccessIP })),
		col("first_sensitive_time", "First sensitive", times(func(ep *engine.Episode) time.Time { return ep.FirstSensitive })),
		col("last_sensitive_time", "Last sensitive", times(func(ep *engine.Episode) time.Time { return ep.LastSensitive })),
		col("sensitive_count", "Sensitive events", ints(func(ep *engine.Episode) int { return ep.SensitiveCount })),
		col("data_access_count", "Data access", ints(func(ep *engine.Episode) int { return ep.DataAccessCount })),
		col("config_change_count", "Config changes", ints(func(ep *engine.Episode) int { return ep.ConfigChangeCount })),
		col("actions", "Actions", strs(func(ep *engine.Episode) string { return strings.Join(ep.Actions, ", ") })),
		col("targets", "Targets (sample)", strs(func(ep *engine.Episode) string { return strings.Join(ep.Targets, ", ") })),
		col("severity", "Severity", strs(func(ep *engine.Episode) string { return ep.Severity })),
		col("score", "Score", ints(func(ep *engine.Episode) int { return ep.Score })),
		col("reasons", "Reasons", strs(func(ep *engine.Episode) string { return strings.Join(ep.Reasons, "; ") })),
		col("impact", "Impact", floats(func(ep *engine.Episode) float64 { return ep.Impact })),
		col("deviation", "Deviation", floats(func(ep *engine.Episode) float64 { return ep.Deviation })),
		col("unknown_signals", "Unknown telemetry", strs(func(ep *engine.Episode) string { return strings.Join(ep.Unknown, "; ") })),
		col("approved", "Approved app", approved),
		col("attack_analytic", "ATT&CK analytic", constant(ref.Analytic)),
		strategy,
		technique,
		col("attack_url", "ATT&CK reference", constant(ref.TechniqueURL)),
	)
	f := data.NewFrame("sequences", fields...).SetMeta(&data.FrameMeta{
		ExecutedQueryString:    executedSQL,
		PreferredVisualization: data.VisTypeTable,
	})
	addInvestigation(f, sorted, correlateBy)
	return f
}
