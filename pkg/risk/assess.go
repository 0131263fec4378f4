// Package risk ranks AN0020 episodes the way a SOC would: by what the
// episode did (impact) times how unusual the credential use is against the
// key's own history, the actor's habits and the app's peers (deviation),
// damped for established automation at its usual hour. A flat sum of global
// flags cannot separate a stolen sync-client token from the sync client
// itself; the key's own history can.
//
// The package is pure: an episode and its History in, an Assessment out. The
// store fetches the history from ClickHouse; the numbers live in Profile.
package risk

import (
	"fmt"
	"math"
	"strings"

	"github.com/tokentrail/tokentrail/pkg/engine"
)

// State says whether a signal applied.
type State string

// Signal states. Unknown means the telemetry the signal needs is missing:
// it is reported, never counted as evidence either way.
const (
	Fired   State = "fired"
	Quiet   State = "quiet"
	Unknown State = "unknown"
)

// Kinds of signals, by how they enter the score.
const (
	KindImpact    = "impact"
	KindDeviation = "deviation"
	KindDampen    = "dampen"
)

// Signal is one named term of the score with its evidence.
type Signal struct {
	Name     string
	Kind     string
	State    State
	Value    float64 // impact points, deviation weight or dampening factor, when fired
	Points   int     // what it contributed to the score
	Evidence string
}

// Assessment is the scored episode.
type Assessment struct {
	Score     int
	Severity  string
	Impact    float64 // sum of the fired impact points
	Deviation float64 // sum of the fired deviation weights
	Signals   []Signal
}

// Reasons lists the signals that contributed, each starting with its signed
// points; they add up to Score.
func (a Assessment) Reasons() []string {
	var out []string
	for _, s := range a.Signals {
		if s.State == Fired && s.Points != 0 {
			out = append(out, fmt.Sprintf("%+d %s", s.Points, s.Evidence))
		}
	}
	return out
}

// FiredNames lists the names of the signals that contributed.
func (a Assessment) FiredNames() []string {
	var out []string
	for _, s := range a.Signals {
		if s.State == Fired && s.Points != 0 {
			out = append(out, s.Name)
		}
	}
	return out
}

// Unknowns lists the signals that could not be judged, with why.
func (a Assessment) Unknowns() []string {
	var out []string
	for _, s := range a.Signals {
		if s.State == Unknown {
			out = append(out, s.Name+": "+s.Evidence)
		}
	}
	return out
}

// Assess scores ep against its history. A nil history means no baseline
// was read (baselineDays 0): every history signal reads unknown.
//
// The score has no upper bound, like the risk scores of risk-based
// alerting: capping it would tie the worst episodes at the top of the
// triage table, where their order matters most. Severity bands start at
// the profile's thresholds.
func Assess(ep *engine.Episode, h *History, p *Profile) Assessment {
	c := newContext(ep, h, p)
	impact := c.impactSignals()
	deviation := c.deviationSignals()
	dampen := c.dampenSignals()

	var a Assessment
	total := 0
	for i := range impact {
		s := &impact[i]
		if s.State == Fired {
			s.Points = int(math.Round(s.Value))
			total += s.Points
			a.Impact += s.Value
		}
	}
	base := total
	for i := range deviation {
		s := &deviation[i]
		if s.State == Fired {
			s.Points = int(math.Round(float64(base) * s.Value))
			total += s.Points
			a.Deviation += s.Value
		}
	}
	for i := range dampen {
		s := &dampen[i]
		if s.State == Fired {
			s.Points = -int(math.Round(float64(total) * (1 - s.Value)))
			total += s.Points
		}
	}
	a.Signals = append(append(impact, deviation...), dampen...)
	a.Score = total
	a.Severity = p.Band(total)
	return a
}

// Apply writes a's score, severity, reasons and factors into ep.
func Apply(ep *engine.Episode, a Assessment) {
	ep.Score, ep.Severity = a.Score, a.Severity
	ep.Reasons, ep.Fired, ep.Unknown = a.Reasons(), a.FiredNames(), a.Unknowns()
	ep.Impact, ep.Deviation = a.Impact, a.Deviation
}

// Compare orders episodes for triage: higher score first, then the earlier
// episode, then by id, so the order never depends on the order ClickHouse
// returned keys in.
func Compare(a, b *engine.Episode) int {
	if a.Score != b.Score {
		if a.Score > b.Score {
			return -1
		}
		return 1
	}
	if c := a.FirstSensitive.Compare(b.FirstSensitive); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}
