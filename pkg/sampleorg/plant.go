package sampleorg

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"
)

// Planting. Attacks and look-alikes are planted inside the range only.
// Fresh-app attacks and every look-alike get an app or token of their own;
// attacks on established keys (a sync client's token, a PAT, a service
// account, an admin tool) ride a key the background uses, which is what
// makes them hard. No two planted scenarios share a key, so each chain's
// truth can be computed from its own events.

// scenario plants the acts of one chain or look-alike starting near t and
// returns the key the truth should name and, for look-alikes, why the
// default query must stay silent. A chain's plant function may set
// g.note and g.established for its truth.
type scenario struct {
	shape string
	chain bool
	why   string
	plant func(g *generator, t time.Time) (*act, []*act) // key act (actor and app of the truth) and all acts
}

// instances scales how many of each look-alike are planted: a handful at
// the smallest size, one more per tenfold growth.
func instances(events, base int) int {
	return base + int(math.Log10(float64(events)/MinEvents))
}

// attackCounts apportions the attacks over the shapes by the Realism mix:
// AttackShare of the expected benign episodes in all, at least one of every
// shape with a positive weight, the rest by largest remainder.
func (g *generator) attackCounts() map[string]int {
	mix := g.cfg.Realism.AttackMix
	var shapes []string
	sum := 0.0
	for _, s := range ChainShapes {
		if mix[s] > 0 && g.plantable(s) {
			shapes = append(shapes, s)
			sum += mix[s]
		}
	}
	total := max(len(shapes), int(math.Round(g.cfg.Realism.AttackShare*g.o.expectedBenign())))
	counts := map[string]int{}
	rest := total - len(shapes)
	type rem struct {
		shape string
		frac  float64
	}
	var rems []rem
	given := 0
	for _, s := range shapes {
		exact := float64(rest) * mix[s] / sum
		counts[s] = 1 + int(exact)
		given += int(exact)
		rems = append(rems, rem{s, exact - math.Floor(exact)})
	}
	slices.SortStableFunc(rems, func(a, b rem) int { return cmp.Compare(b.frac, a.frac) })
	for i := 0; i < rest-given; i++ {
		counts[rems[i%len(rems)].shape]++
	}
	return counts
}

// plantable reports whether the organisation has what a shape attacks: an
// organisation without unapproved services has none to hijack.
func (g *generator) plantable(shape string) bool {
	if shape != ShapeServiceHijack {
		return true
	}
	for _, s := range g.o.services {
		if s.lastDay == 0 {
			return true
		}
	}
	return false
}

// plant schedules every scenario over the range, computes their truth and
// leaves their acts sorted in g.planted.
func (g *generator) plant() {
	g.planting = true
	defer func() { g.planting = false }()

	var todo []scenario
	counts := g.attackCounts()
	for _, s := range chainScenarios {
		for range counts[s.shape] {
			todo = append(todo, s)
		}
	}
	for _, s := range lookAlikeScenarios {
		for range instances(g.cfg.Events, 2) {
			todo = append(todo, s)
		}
	}
	g.pl.Shuffle(len(todo), func(i, j int) { todo[i], todo[j] = todo[j], todo[i] })

	// Scenarios start in equal slots between 30 minutes after the range
	// starts and three hours before the end, so the longest (a late
	// follow-up after 61+ minutes) still ends inside the data.
	first, last := g.plantBounds()
	slot := last.Sub(first) / time.Duration(len(todo))
	seen := map[string]int{}
	for i, s := range todo {
		t := first.Add(time.Duration(i)*slot + time.Duration(g.pl.Int64N(int64(slot/2)+1)))
		seen[s.shape]++
		id := fmt.Sprintf("%s-%02d", s.shape, seen[s.shape])
		g.note, g.established = "", false
		key, acts := s.plant(g, t)
		if s.chain {
			c := g.chainTruth(id, s.shape, key, acts)
			c.Note, c.Established = g.note, g.established
			g.truth.Chains = append(g.truth.Chains, c)
		} else {
			g.truth.LookAlikes = append(g.truth.LookAlikes, LookAlike{
				ID: id, Shape: s.shape, Why: s.why, Source: key.source,
				ActorID: key.actorIdentity().id, AppID: key.appID(), Time: key.t,
			})
		}
	}
	slices.SortFunc(g.planted, func(a, b *act) int { return cmp.Or(a.t.Compare(b.t), cmp.Compare(a.seq, b.seq)) })
	slices.SortFunc(g.truth.Chains, func(a, b Chain) int { return cmp.Or(a.AccessTime.Compare(b.AccessTime), cmp.Compare(a.ID, b.ID)) })
	slices.SortFunc(g.truth.LookAlikes, func(a, b LookAlike) int { return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.ID, b.ID)) })
}

// plantBounds is where scenarios may start: the range, less 30 minutes at
// the start and three hours at the end.
func (g *generator) plantBounds() (time.Time, time.Time) {
	return g.rangeStart.Add(30 * time.Minute), g.end.Add(-3 * time.Hour)
}

// clampPlant keeps a scenario's start inside plantBounds.
func (g *generator) clampPlant(t time.Time) time.Time {
	first, last := g.plantBounds()
	switch {
	case t.Before(first):
		return first
	case t.After(last):
		return last
	}
	return t
}

// chainTruth runs the reference detector over the chain's own acts and
// describes the single episode it must yield.
func (g *generator) chainTruth(id, shape string, key *act, acts []*act) Chain {
	rows := make([]refRow, 0, len(acts))
	for _, a := range acts {
		rows = append(rows, g.refRowOfAct(a))
	}
	c := Chain{ID: id, Shape: shape, Source: key.source, ActorID: key.actorIdentity().id, AppID: key.appID()}
	for _, ep := range referenceDetect(rows, DefaultMaxSpan) {
		if ep.key.actor != c.ActorID || ep.key.app != c.AppID {
			continue
		}
		if c.SensitiveEvents == 0 {
			c.AccessTime, c.FirstSensitive = ep.access, ep.first
		}
		c.LastSensitive = ep.last
		c.SensitiveEvents += ep.count
	}
	return c
}

// refRowOfAct is the reference detector's view of a classified act.
func (g *generator) refRowOfAct(a *act) refRow {
	r := refRow{t: a.t, id: g.normalizedID(a), app: a.appID(), access: a.isAccess(), sensitive: a.isSensitive(), revoke: a.isRevoke()}
	if id := a.actorIdentity(); id != nil {
		r.actor = id.id
	}
	return r
}

// since returns the acts planted after mark, for a scenario's truth.
func (g *generator) since(mark int) []*act { return g.planted[mark:] }

// jitter returns lo plus a random part of span from the planting stream.
func (g *generator) jitter(lo, span time.Duration) time.Duration {
	return lo + time.Duration(g.pl.Int64N(int64(span)+1))
}

// victim picks the person a scenario happens to: a developer when dev is
// set, else anyone.
func (g *generator) victim(dev bool) *person {
	if dev {
		return g.o.devs[g.pl.IntN(len(g.o.devs))]
	}
	return g.o.people[g.pl.IntN(len(g.o.people))]
}

// attackerIP is an address of a network an attacker rents.
func (g *generator) attackerIP() string {
	return attackerIP(netHosting, g.pl.Uint64())
}
