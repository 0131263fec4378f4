package sampleorg

import "time"

// The organisation works in one fixed time zone, UTC-5, with no daylight
// saving, so the daily rhythm is the same in every month of the data.
const localOffset = -5 * time.Hour

// automationShare is the part of the background produced by approved
// automation, which runs around the clock; people produce the rest.
const automationShare = 0.3

// schedule spreads the background event budget over the windows: people
// follow office hours and weekdays, automation is flat with a nightly
// backup peak.
type schedule struct {
	human, auto []float64 // events to produce from sessions starting in each window
}

// quota is the number of events each kind of session should produce in one
// window.
type quota struct{ human, auto float64 }

// newSchedule spreads budget, the events of the range, over the range's
// windows; history windows get the same rates, so history is the range's
// past rather than a scaled copy.
func newSchedule(cfg Config, start time.Time, budget int) schedule {
	n := (cfg.Days + cfg.history()) * 24
	first := cfg.history() * 24
	s := schedule{human: make([]float64, n), auto: make([]float64, n)}
	var sumH, sumA float64
	for w := 0; w < n; w++ {
		local := start.Add(time.Duration(w)*window + localOffset)
		s.human[w] = officeWeight(local)
		s.auto[w] = automationWeight(local)
		if w >= first {
			sumH += s.human[w]
			sumA += s.auto[w]
		}
	}
	b := float64(max(budget, 0))
	for w := 0; w < n; w++ {
		s.human[w] *= b * (1 - automationShare) / sumH
		s.auto[w] *= b * automationShare / sumA
	}
	return s
}

func (s schedule) windows() int { return len(s.human) }

func (s schedule) quota(w int) quota { return quota{human: s.human[w], auto: s.auto[w]} }

// officeWeight is the relative activity of people in the hour starting at
// local time t.
func officeWeight(t time.Time) float64 {
	day := 1.0
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		day = 0.12
	}
	hour := [24]float64{
		0.03, 0.02, 0.02, 0.02, 0.03, 0.06, 0.15, 0.45, 0.9, 1.0, 1.0, 0.95,
		0.7, 0.9, 1.0, 1.0, 0.9, 0.65, 0.4, 0.25, 0.2, 0.15, 0.08, 0.05,
	}[t.Hour()]
	return day * hour
}

// automationWeight is the relative activity of automation: CI follows the
// developers a little, the backup and archive jobs run at night.
func automationWeight(t time.Time) float64 {
	w := 1.0
	if h := t.Hour(); h >= 1 && h < 5 {
		w += 1.5
	}
	return w + 0.5*officeWeight(t)
}
