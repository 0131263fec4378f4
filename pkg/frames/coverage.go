package frames

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/posture"
)

// CoverageKeep reports whether a coverage row has every finding require
// lists ("blind_spot" standing for any finding).
func CoverageKeep(c *posture.Coverage, require []string) bool {
	for _, r := range require {
		kind := r
		if r == models.AnyBlindSpot {
			kind = ""
		}
		if !c.Has(kind) {
			return false
		}
	}
	return true
}

// CoverageTable is one row per source and tenant with every coverage
// figure and, last, its blind spots in words. blind_spot_count lets a
// table colour the rows that need attention.
func CoverageTable(rows []posture.Coverage, executedSQL string) *data.Frame {
	t := &table{n: len(rows)}
	c := func(i int) *posture.Coverage { return &rows[i] }
	pct := func(name, display string, part func(*posture.Coverage) uint64) {
		f := t.real(name, display, func(i int) float64 { return round1(c(i).Percent(part(c(i)))) })
		f.Config.Unit = "percent"
	}
	seconds := func(name, display string, get func(*posture.Coverage) float64) {
		f := t.real(name, display, func(i int) float64 { return math.Round(get(c(i))) })
		f.Config.Unit = "s"
	}
	t.str("source", "Source", func(i int) string { return c(i).Source })
	t.str("tenant", "Tenant", func(i int) string { return c(i).Tenant })
	t.num("events", "Events", func(i int) int64 { return int64(c(i).Events) })
	t.at("first_event", "First event", func(i int) time.Time { return c(i).FirstEvent })
	t.at("last_event", "Last event", func(i int) time.Time { return c(i).LastEvent })
	t.real("retention_days", "Retention (days)", func(i int) float64 { return c(i).RetentionDays })
	t.real("hours_since_last", "Hours since last event", func(i int) float64 { return c(i).HoursSinceLast })
	seconds("ingest_delay_p50", "Ingest delay p50", func(c *posture.Coverage) float64 { return c.DelayP50 })
	seconds("ingest_delay_p95", "Ingest delay p95", func(c *posture.Coverage) float64 { return c.DelayP95 })
	pct("late_pct", "Later than alert look-back", func(c *posture.Coverage) uint64 { return c.Late })
	t.real("events_per_day", "Events per day", func(i int) float64 { return c(i).EventsPerDay })
	t.num("zero_days", "Days without events", func(i int) int64 { return int64(c(i).ZeroDays) })
	pct("token_id_pct", "token_id filled", func(c *posture.Coverage) uint64 { return c.WithTokenID })
	pct("app_id_pct", "app_id filled", func(c *posture.Coverage) uint64 { return c.WithAppID })
	pct("src_ip_pct", "src_ip filled", func(c *posture.Coverage) uint64 { return c.WithSrcIP })
	pct("session_id_pct", "session_id filled", func(c *posture.Coverage) uint64 { return c.WithSession })
	t.num("token_events", "Token events", func(i int) int64 { return int64(c(i).TokenEvents) })
	t.real("token_events_with_id_pct", "Token events with token_id", func(i int) float64 {
		if c(i).TokenEvents == 0 {
			return 0
		}
		return round1(100 * float64(c(i).TokenEventsWithID) / float64(c(i).TokenEvents))
	}).Config.Unit = "percent"
	t.str("categories", "Categories", func(i int) string { return strings.Join(c(i).Categories, ", ") })
	t.num("signins", "Interactive sign-ins", func(i int) int64 { return int64(c(i).Signins) })
	t.flag("signins_present", "Sign-ins present", func(i int) bool { return c(i).Signins > 0 })
	t.num("blind_spot_count", "Blind spots", func(i int) int64 { return int64(len(c(i).Findings)) })
	t.str("blind_spots", "Blind spots (what and why)", func(i int) string { return c(i).BlindSpots() })
	return t.frame("coverage", executedSQL)
}

// CoverageNumeric is the alerting shape: one numeric-long frame with the
// labels source and tenant and one value, blind_spots, the number of the
// findings require names (all findings when it names none, or
// "blind_spot") that the row has. Every source is a row, so a healthy one
// is an alert instance at 0 rather than missing.
func CoverageNumeric(rows []posture.Coverage, require []string, executedSQL string) *data.Frame {
	kinds := require
	if len(kinds) == 0 || slices.Contains(kinds, models.AnyBlindSpot) {
		kinds = models.CoverageFindings
	}
	sources, tenants, values := make([]string, len(rows)), make([]string, len(rows)), make([]float64, len(rows))
	for i := range rows {
		sources[i], tenants[i] = rows[i].Source, rows[i].Tenant
		for _, k := range kinds {
			if rows[i].Has(k) {
				values[i]++
			}
		}
	}
	return data.NewFrame("blind_spots",
		data.NewField("source", nil, sources),
		data.NewField("tenant", nil, tenants),
		data.NewField("blind_spots", nil, values),
	).SetMeta(&data.FrameMeta{Type: data.FrameTypeNumericLong, TypeVersion: dataplaneVersion, ExecutedQueryString: executedSQL})
}

// Count is one number for a stat panel or a "how many" alert: a data-plane
// numeric-wide frame with one row and one value field named name.
func Count(name string, n uint64, executedSQL string) *data.Frame {
	return data.NewFrame(name, data.NewField(name, nil, []float64{float64(n)})).SetMeta(&data.FrameMeta{
		Type: data.FrameTypeNumericWide, TypeVersion: dataplaneVersion, ExecutedQueryString: executedSQL,
	})
}
