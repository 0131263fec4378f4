package engine

import (
	"fmt"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// Scoring
//
// Every episode gets a score from 0 to 100 built from fixed, additive rules,
// so that an analyst can read off why it ranks where it does. Each rule that
// fires adds one reason string that starts with the signed number of points
// it contributed; the reasons always sum to the score.
//
//	+20  base: a token access was followed by sensitive activity
//	+25  the episode contains at least one configuration change
//	     (persistence and defence evasion weigh more than reading data)
//	+15  bulk activity: at least 10 sensitive events
//	+10  bulk activity: at least 10 distinct target names
//	+20  maximum sensitivity 3 (high), or
//	+10  maximum sensitivity 2 (medium)
//	+15  the access anchor is a grant (fresh consent or token grant), the
//	     classic illicit-consent pattern, rather than use of an old token
//	-20  the app is in the approved list (only seen with includeApproved)
//
// The total is capped at 100 (a "capped at 100" reason records the cut).
// Severity follows from the score:
//
//	critical  80..100
//	high      60..79
//	medium    40..59
//	low        0..39
//
// Examples: a high-sensitivity download after token use scores 40 (medium);
// the same after a fresh consent scores 55 (medium); a fresh consent followed
// by a high-sensitivity configuration change scores 80 (critical).

// Severities, lowest first.
const (
	SeverityLow      = "low"
	SeverityMedium   = "medium"
	SeverityHigh     = "high"
	SeverityCritical = "critical"
)

// Points and thresholds of the scoring rules above.
const (
	pointsBase              = 20
	pointsConfigChange      = 25
	pointsBulkEvents        = 15
	pointsBulkTargets       = 10
	pointsHighSensitivity   = 20
	pointsMediumSensitivity = 10
	pointsFreshGrant        = 15
	pointsApproved          = -20

	bulkEvents  = 10
	bulkTargets = 10
	maxScore    = 100
)

// score applies the rules to ep. distinctTargets is the number of distinct
// target names, counted up to bulkTargets.
func score(ep *Episode, distinctTargets int) (int, string, []string) {
	total := 0
	var reasons []string
	add := func(points int, format string, args ...any) {
		total += points
		reasons = append(reasons, fmt.Sprintf("%+d ", points)+fmt.Sprintf(format, args...))
	}
	add(pointsBase, "token access followed by sensitive activity")
	if ep.ConfigChangeCount > 0 {
		add(pointsConfigChange, "%d configuration change(s)", ep.ConfigChangeCount)
	}
	if ep.SensitiveCount >= bulkEvents {
		add(pointsBulkEvents, "bulk activity: %d sensitive events (threshold %d)", ep.SensitiveCount, bulkEvents)
	}
	if distinctTargets >= bulkTargets {
		add(pointsBulkTargets, "bulk activity: at least %d distinct targets", bulkTargets)
	}
	switch {
	case ep.MaxSensitivity >= event.SensitivityHigh:
		add(pointsHighSensitivity, "high sensitivity (max %d)", ep.MaxSensitivity)
	case ep.MaxSensitivity == event.SensitivityMedium:
		add(pointsMediumSensitivity, "medium sensitivity (max %d)", ep.MaxSensitivity)
	}
	if ep.AccessCategory == string(event.CategoryGrant) {
		add(pointsFreshGrant, "access anchor is a fresh grant/consent (%s)", ep.AccessAction)
	}
	if ep.Approved {
		add(pointsApproved, "approved app %s", ep.AppID)
	}
	if total > maxScore {
		add(maxScore-total, "capped at %d", maxScore)
	}
	return total, severity(total), reasons
}

// severity maps a score to its band.
func severity(score int) string {
	switch {
	case score >= 80:
		return SeverityCritical
	case score >= 60:
		return SeverityHigh
	case score >= 40:
		return SeverityMedium
	}
	return SeverityLow
}
