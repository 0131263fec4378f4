package sampleorg

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"
)

// Planting. Every chain and look-alike gets its own app (or token), so no
// two planted scenarios and no background session share a correlation key;
// that is what lets the truth be computed from a scenario's own events.

// scenario plants the acts of one chain or look-alike starting near t and
// returns the key the truth should name and, for look-alikes, why the
// default query must stay silent.
type scenario struct {
	shape string
	chain bool
	why   string
	plant func(g *generator, t time.Time) (*act, []*act) // key act (actor and app of the truth) and all acts
}

// instances scales how many of each scenario are planted: a handful at the
// smallest size, one more per tenfold growth.
func instances(events, base int) int {
	return base + int(math.Log10(float64(events)/MinEvents))
}

// plant schedules every scenario over the data range, computes their truth
// and leaves their acts sorted in g.planted.
func (g *generator) plant() {
	g.planting = true
	defer func() { g.planting = false }()

	var todo []scenario
	for _, s := range chainScenarios {
		for range instances(g.cfg.Events, 3) {
			todo = append(todo, s)
		}
	}
	for _, s := range lookAlikeScenarios {
		for range instances(g.cfg.Events, 2) {
			todo = append(todo, s)
		}
	}
	g.pl.Shuffle(len(todo), func(i, j int) { todo[i], todo[j] = todo[j], todo[i] })

	// Scenarios start in equal slots between 30 minutes after the start and
	// three hours before the end, so the longest (a late follow-up after 61+
	// minutes) still ends inside the data.
	first := g.start.Add(30 * time.Minute)
	slot := g.end.Add(-3*time.Hour).Sub(first) / time.Duration(len(todo))
	counts := map[string]int{}
	for i, s := range todo {
		t := first.Add(time.Duration(i)*slot + time.Duration(g.pl.Int64N(int64(slot/2)+1)))
		counts[s.shape]++
		id := fmt.Sprintf("%s-%02d", s.shape, counts[s.shape])
		key, acts := s.plant(g, t)
		if s.chain {
			g.truth.Chains = append(g.truth.Chains, g.chainTruth(id, s.shape, key, acts))
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
	r := refRow{t: a.t, id: g.eventID(a), app: a.appID(), access: a.isAccess(), sensitive: a.isSensitive(), revoke: a.isRevoke()}
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

// attackerIP is an address outside the organisation's ranges.
func (g *generator) attackerIP() string {
	return fmt.Sprintf("192.0.2.%d", 1+g.pl.IntN(254))
}
