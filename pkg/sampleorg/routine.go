package sampleorg

import (
	"math/rand/v2"
	"time"
)

// Routines. People, services and new apps each live one day at a time: at
// the window that contains the start of an entity's day, the whole day's
// acts are generated into the queue (they all lie at or after that start),
// and the entity moves on to its next day. The queue therefore holds about
// one day of routine events, whatever the total.
//
// Routine events come out of the same event budget as the filler sessions:
// each act is counted against the window it falls in, and that window's
// filler quota shrinks by as much, so the range still lands on
// Config.Events and history keeps the range's rates.

type routineKind uint8

const (
	rkNone routineKind = iota
	rkPerson
	rkService
	rkNewApp
)

// agendaItem is one entity's next day.
type agendaItem struct {
	next int64 // Unix ns at which the next day starts
	day  int64 // local day (people) or UTC day (services, new apps)
	kind routineKind
	idx  int
}

// ringSize bounds how far ahead of its window a routine may place an act,
// in windows. A day spans at most about 26 hours.
const ringSize = 64

func (g *generator) initAgenda() {
	for i, p := range g.o.people {
		day := localDay(g.start) - 1
		g.agenda = append(g.agenda, agendaItem{next: g.o.plan(p, day).anchor.UnixNano(), day: day, kind: rkPerson, idx: i})
	}
	for i := range g.o.services {
		day := utcDay(g.start) - 1
		g.agenda = append(g.agenda, agendaItem{next: day * 86400 * int64(time.Second), day: day, kind: rkService, idx: i})
	}
	for i, na := range g.o.newApps {
		g.agenda = append(g.agenda, agendaItem{next: na.birth * 86400 * int64(time.Second), day: na.birth, kind: rkNewApp, idx: i})
	}
}

// runRoutines generates every entity day that starts before we.
func (g *generator) runRoutines(we int64) {
	for i := range g.agenda {
		it := &g.agenda[i]
		for it.next < we {
			g.runDay(it)
		}
	}
	g.counting = rkNone
}

func (g *generator) runDay(it *agendaItem) {
	g.counting = it.kind
	switch it.kind {
	case rkPerson:
		p := g.o.people[it.idx]
		g.personDay(p, it.day)
		it.day++
		it.next = g.o.plan(p, it.day).anchor.UnixNano()
		return
	case rkService:
		g.serviceDay(g.o.services[it.idx], it.day)
	case rkNewApp:
		g.newAppDay(g.o.newApps[it.idx], it.day)
	}
	it.day++
	it.next = it.day * 86400 * int64(time.Second)
}

// countRoutine books a kept routine act against its window's quota.
func (g *generator) countRoutine(a *act) {
	w := (a.ns - g.startNs) / int64(window)
	if w < g.window || w >= g.window+ringSize {
		return // outside the ring: too far ahead to book (never happens in practice)
	}
	if g.counting == rkService {
		g.ringAuto[w%ringSize]++
		g.routineAuto++
	} else {
		g.ringHuman[w%ringSize]++
		g.routineHuman++
	}
}

// booked returns and clears the routine events booked for window w.
func (g *generator) booked(w int64) (human, auto float64) {
	i := w % ringSize
	human, auto = g.ringHuman[i], g.ringAuto[i]
	g.ringHuman[i], g.ringAuto[i] = 0, 0
	return human, auto
}

// detail reseeds the detail stream for one entity's day and returns it.
// Details (counts, minutes, files) then depend only on the entity and the
// day, not on what was generated before.
func (g *generator) detail(key uint64, day int64) *rand.Rand {
	g.dpcg.Seed(splitmix(key^saltDetail), uint64(day)^g.o.ids.fill)
	return g.drng
}

// within returns t plus a uniform duration in [lo, lo+span].
func within(rng *rand.Rand, t time.Time, lo, span time.Duration) time.Time {
	return t.Add(lo + time.Duration(rng.Int64N(int64(span)+1)))
}

// personDay generates one person's routine for local day: the morning
// sign-in, each client in use, and admin tool sessions.
func (g *generator) personDay(p *person, day int64) {
	pl := *g.o.plan(p, day)
	if pl.signIn {
		g.morningSignIn(p, &pl)
	}
	for _, c := range p.clients {
		if n := g.o.clientSessions(c, &pl); n > 0 {
			g.clientDay(c, &pl, n)
		}
	}
}

// clientSessions is how many sessions client c has on the plan's day (0:
// not used). It is pure, so the expected episode count can be computed
// before generating.
func (o *org) clientSessions(c *client, pl *dayPlan) int {
	if c.lastDay != 0 {
		if pl.day > c.lastDay || !pl.works {
			return 0
		}
		return 1
	}
	if !pl.routine {
		return 0
	}
	u := unit(o.hash(saltClient, c.key, uint64(pl.day)))
	switch {
	case c.kind == ckMobileMail:
		switch {
		case pl.works && u < 0.6:
			return 2
		case pl.works || u < 0.5:
			return 1
		}
		return 0
	case !pl.works:
		return 0
	case c.kind.adminTool():
		if u < o.cfg.Realism.AdminToolDaily/float64(c.owner.tools()) {
			return 1
		}
		return 0
	case u < 0.93:
		return 1
	}
	return 0
}

// tools is the number of admin tools p uses.
func (p *person) tools() int {
	n := 0
	for _, c := range p.clients {
		if c.kind.adminTool() {
			n++
		}
	}
	return max(n, 1)
}
