package risk

import (
	"math"
	"strings"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// Impact signal names.
const (
	SigBase         = "base"
	SigSensitivity  = "sensitivity"
	SigConfigChange = "config_change"
	SigVolume       = "volume"
	SigFirstBulkDay = "first_bulk_day"
	SigTargetSpread = "target_spread"
)

// impactSignals scores what the episode did.
func (c *context) impactSignals() []Signal {
	ep, ip := c.ep, &c.p.Impact
	out := []Signal{signal(SigBase, KindImpact, Fired, ip.Base,
		"base: token access (%s) followed by %s", ep.AccessAction, plural(ep.SensitiveCount, "sensitive event", "sensitive events"))}
	switch {
	case ep.MaxSensitivity >= event.SensitivityHigh:
		out = append(out, signal(SigSensitivity, KindImpact, Fired, ip.Sensitivity.High,
			"%s of high sensitivity", plural(ep.HighSensitivityCount, "event", "events")))
	case ep.MaxSensitivity == event.SensitivityMedium:
		out = append(out, signal(SigSensitivity, KindImpact, Fired, ip.Sensitivity.Medium, "medium sensitivity"))
	default:
		out = append(out, quiet(SigSensitivity, KindImpact, "low sensitivity"))
	}
	return append(out, c.volumeSignal(), c.configSignal(), c.bulkSignal(), c.spreadSignal())
}

// volumeSignal weighs how much the episode touched, whatever the key's
// history: a hundred files read through a token matter even when the
// token reads a hundred files every day (the deviation decides the rest).
// It grows with the logarithm, so each tenfold adds the same points and
// episodes of different size rarely tie.
func (c *context) volumeSignal() Signal {
	n := c.ep.SensitiveCount
	if n <= 1 {
		return quiet(SigVolume, KindImpact, "one sensitive event")
	}
	return signal(SigVolume, KindImpact, Fired, c.p.Impact.VolumePerDecade*math.Log10(float64(n)), "volume: %d sensitive events", n)
}

// configKind returns the first configured kind whose keywords match action.
func configKind(kinds []ConfigKind, action string) (ConfigKind, bool) {
	a := strings.ToLower(action)
	for _, k := range kinds {
		for _, m := range k.Match {
			if m != "" && strings.Contains(a, strings.ToLower(m)) {
				return k, true
			}
		}
	}
	return ConfigKind{}, false
}

// configSignal weighs the riskiest configuration change of the episode by
// its kind (MFA or policy weakened, forwarding, app credential, admin role),
// discounted when the key made the same change before: admins' tools change
// security settings every week, an attacker does it once.
func (c *context) configSignal() Signal {
	ep, ip := c.ep, &c.p.Impact
	if ep.ConfigChangeCount == 0 {
		return quiet(SigConfigChange, KindImpact, "no configuration change")
	}
	points, kind, action := ip.ConfigChange, "configuration change", ""
	if len(ep.ConfigActions) > 0 {
		action = ep.ConfigActions[0]
	}
	for _, a := range ep.ConfigActions {
		if k, ok := configKind(ip.ConfigKinds, a); ok && k.Points > points {
			points, kind, action = k.Points, k.Kind, a
		}
	}
	routine := c.hasBaseline() && len(ep.ConfigActions) > 0
	for _, a := range ep.ConfigActions {
		routine = routine && c.key.configActions[a]
	}
	if routine {
		return signal(SigConfigChange, KindImpact, Fired, points*ip.RoutineConfigFactor,
			"%s (%s), routine: this key made the same change on earlier days", kind, action)
	}
	return signal(SigConfigChange, KindImpact, Fired, points, "%s (%s)", kind, action)
}

// bulkSignal fires on a key's first bulk day: sensitive events far above
// the key's own busiest earlier day, or bulk from a key with no history.
func (c *context) bulkSignal() Signal {
	ep, ip := c.ep, &c.p.Impact
	if !c.hasBaseline() {
		return unknown(SigFirstBulkDay, KindImpact, noBaseline)
	}
	if c.key.activeDays == 0 {
		return quiet(SigFirstBulkDay, KindImpact, "no earlier days to compare with")
	}
	busiest := max(c.key.maxSensitive, 1)
	if ep.SensitiveCount >= ip.FirstBulkDay.MinEvents && float64(ep.SensitiveCount) >= ip.FirstBulkDay.Factor*float64(busiest) {
		c.bulk = true
		return signal(SigFirstBulkDay, KindImpact, Fired, ip.FirstBulkDay.Points,
			"first bulk day: %d sensitive events, %.1f× this key's busiest earlier day (%d)", ep.SensitiveCount, float64(ep.SensitiveCount)/float64(busiest), c.key.maxSensitive)
	}
	return quiet(SigFirstBulkDay, KindImpact, "%d sensitive events; busiest earlier day %d", ep.SensitiveCount, c.key.maxSensitive)
}

// spreadSignal fires when the episode touches far more distinct targets
// than the key ever did in a day.
func (c *context) spreadSignal() Signal {
	ep, ip := c.ep, &c.p.Impact
	if !c.hasBaseline() {
		return unknown(SigTargetSpread, KindImpact, noBaseline)
	}
	if c.key.activeDays == 0 {
		return quiet(SigTargetSpread, KindImpact, "no earlier days to compare with")
	}
	widest := max(c.key.maxTargets, 1)
	if ep.DistinctTargets >= ip.TargetSpread.MinTargets && float64(ep.DistinctTargets) >= ip.TargetSpread.Factor*float64(widest) {
		return signal(SigTargetSpread, KindImpact, Fired, ip.TargetSpread.Points,
			"%d distinct targets, %.1f× this key's widest earlier day (%d)", ep.DistinctTargets, float64(ep.DistinctTargets)/float64(widest), c.key.maxTargets)
	}
	return quiet(SigTargetSpread, KindImpact, "%d distinct targets; widest earlier day %d", ep.DistinctTargets, c.key.maxTargets)
}
