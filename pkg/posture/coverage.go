package posture

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Thresholds are the datasource settings that decide the blind spots;
// models reads them from the settings.
type Thresholds struct {
	// SilenceHours: no events for longer than this before the end of the
	// range means the source stopped sending.
	SilenceHours int
	// MinRetentionDays: a source whose first event is younger keeps too
	// little history. Coverage reads at least this far back to know.
	MinRetentionDays int
	// MinTokenIDPercent: token events carrying a token_id below this share
	// means one token cannot be told from another.
	MinTokenIDPercent float64
	// MaxZeroDays: more whole days without events than this is a gap.
	MaxZeroDays int
	// AlertLookbackMinutes is the look-back of the organisation's alert
	// rules; when more than LateShare of events arrive later than it (the
	// p95 ingest delay is above it) alerting misses them.
	AlertLookbackMinutes int
}

// LateShare is the share of late events that puts the p95 ingest delay
// above the alert look-back.
const LateShare = 0.05

// Finding kinds, in the order the blind_spots column names them.
const (
	FindingSilent         = "silent"
	FindingShortRetention = "short_retention"
	FindingNoTokenIDs     = "no_token_ids"
	FindingNoSignins      = "no_signins"
	FindingZeroDays       = "zero_days"
	FindingLateIngest     = "late_ingest"
)

// Finding is one blind spot of a source, in words with the threshold that
// tripped it.
type Finding struct {
	Kind, Text string
}

// Coverage is what one source and tenant sent over the coverage window.
type Coverage struct {
	Source, Tenant        string
	Events                uint64
	FirstEvent, LastEvent time.Time
	// ActiveDays counts the whole UTC days before the end's day with events.
	ActiveDays         uint64
	DelayP50, DelayP95 float64 // ingest_time - event_time, seconds
	// Late counts events that arrived later than the alert look-back.
	Late                                           uint64
	WithTokenID, WithAppID, WithSrcIP, WithSession uint64
	// TokenEvents are events made with a token; TokenEventsWithID those of
	// them that carry a token_id.
	TokenEvents, TokenEventsWithID uint64
	Signins                        uint64 // interactive sign-ins
	Categories                     []string

	// Filled by Evaluate.
	HoursSinceLast, RetentionDays, EventsPerDay float64
	ZeroDays                                    int
	Findings                                    []Finding
}

// Percent is part of the source's events in percent, 0 when it sent none.
func (c *Coverage) Percent(part uint64) float64 {
	if c.Events == 0 {
		return 0
	}
	return 100 * float64(part) / float64(c.Events)
}

// Evaluate fills the derived figures and the findings of c relative to to,
// the end of the range.
func Evaluate(c *Coverage, t Thresholds, to time.Time) {
	c.Findings = nil
	c.HoursSinceLast = math.Round(to.Sub(c.LastEvent).Hours()*10) / 10
	c.RetentionDays = math.Round(days(to.Sub(c.FirstEvent))*10) / 10
	span := max(c.RetentionDays, 1)
	c.EventsPerDay = math.Round(float64(c.Events)/span*10) / 10
	firstDay := c.FirstEvent.UTC().Truncate(24 * time.Hour)
	endDay := to.UTC().Truncate(24 * time.Hour)
	wholeDays := int(endDay.Sub(firstDay) / (24 * time.Hour))
	c.ZeroDays = max(wholeDays-int(c.ActiveDays), 0)
	add := func(kind, format string, args ...any) {
		c.Findings = append(c.Findings, Finding{Kind: kind, Text: fmt.Sprintf(format, args...)})
	}
	if c.HoursSinceLast > float64(t.SilenceHours) {
		add(FindingSilent, "no events for %s (last %s; silenceHours %d)",
			hours(c.HoursSinceLast), c.LastEvent.UTC().Format(time.RFC3339), t.SilenceHours)
	}
	if c.FirstEvent.After(to.Add(-time.Duration(t.MinRetentionDays) * 24 * time.Hour)) {
		add(FindingShortRetention, "keeps %.1f days of events (first %s), under minRetentionDays %d",
			c.RetentionDays, c.FirstEvent.UTC().Format("2006-01-02"), t.MinRetentionDays)
	}
	switch {
	case c.TokenEvents == 0:
		add(FindingNoTokenIDs, "no token-based events at all among %d: token use is not recorded (minTokenIdPercent %g)", c.Events, t.MinTokenIDPercent)
	case 100*float64(c.TokenEventsWithID)/float64(c.TokenEvents) < t.MinTokenIDPercent:
		add(FindingNoTokenIDs, "token ids on %.1f%% of %d token-based events, under minTokenIdPercent %g: one token cannot be told from another",
			100*float64(c.TokenEventsWithID)/float64(c.TokenEvents), c.TokenEvents, t.MinTokenIDPercent)
	}
	if c.Signins == 0 {
		add(FindingNoSignins, "no interactive sign-ins among %d events: token use cannot be checked against the actor's sign-ins (identity-provider correlation)", c.Events)
	}
	if c.ZeroDays > t.MaxZeroDays {
		add(FindingZeroDays, "%d of %d whole days since %s had no events (maxZeroDays %d)",
			c.ZeroDays, wholeDays, firstDay.Format("2006-01-02"), t.MaxZeroDays)
	}
	if c.Events > 0 && float64(c.Late) > LateShare*float64(c.Events) {
		add(FindingLateIngest, "p95 ingest delay %s is above the alert look-back of %dm (alertLookbackMinutes): %.1f%% of events arrive after alert rules have looked",
			duration(c.DelayP95), t.AlertLookbackMinutes, c.Percent(c.Late))
	}
}

// Has reports whether c has the finding kind, or any finding for "".
func (c *Coverage) Has(kind string) bool {
	for _, f := range c.Findings {
		if kind == "" || f.Kind == kind {
			return true
		}
	}
	return false
}

// BlindSpots joins the findings' texts for the table.
func (c *Coverage) BlindSpots() string {
	texts := make([]string, len(c.Findings))
	for i, f := range c.Findings {
		texts[i] = f.Text
	}
	return strings.Join(texts, "; ")
}

func hours(h float64) string {
	if h >= 48 {
		return fmt.Sprintf("%.1f days", h/24)
	}
	return fmt.Sprintf("%.1fh", h)
}

func duration(seconds float64) string {
	return (time.Duration(math.Round(seconds)) * time.Second).String()
}
