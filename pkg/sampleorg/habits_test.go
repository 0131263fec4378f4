package sampleorg

import (
	"strings"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// habitStats watches people's events while a world is generated: on which
// days each person signed in, with which vendors, and where travellers'
// own (interactive) events came from. Plans come from a second instance of
// the same organisation, which proves them pure as well.
type habitStats struct {
	o         *org
	byActor   map[string]*person
	signIns   map[personDay]uint8 // a bit per vendor that recorded a sign-in
	trip      map[personDay][]string
	nonEmail  int // sign-ins whose actor_name is not an e-mail
	tripSigns int // sign-ins on trip days
}

type personDay struct {
	p   int
	day int64
}

// Vendor bits of habitStats.signIns.
const (
	signOkta uint8 = 1 << iota
	signM365
	signGoogle
	signSlack
)

func newHabitStats(cfg Config) *habitStats {
	c, err := cfg.withDefaults()
	if err != nil {
		panic(err)
	}
	h := &habitStats{o: newGenerator(c).o, byActor: map[string]*person{}, signIns: map[personDay]uint8{}, trip: map[personDay][]string{}}
	for _, p := range h.o.people {
		for _, id := range []*identity{&p.okta, &p.google, &p.m365, &p.github, &p.slack} {
			h.byActor[id.id] = p
		}
	}
	return h
}

func (h *habitStats) observe(e *event.Event) {
	p := h.byActor[e.ActorID]
	if p == nil {
		return
	}
	pl := h.o.planAt(p, e.EventTime)
	k := personDay{p.idx, pl.day}
	if e.Category == event.CategorySignin && e.Outcome == "success" {
		if !strings.Contains(e.ActorName, "@") {
			h.nonEmail++
		}
		switch {
		case e.Source == event.SourceOkta && e.Action == "user.session.start":
			h.signIns[k] |= signOkta
		case e.Source == event.SourceMicrosoft && e.AppID == officeHome:
			h.signIns[k] |= signM365
		case e.Source == event.SourceGoogle:
			h.signIns[k] |= signGoogle
		case e.Source == event.SourceSlack:
			h.signIns[k] |= signSlack
		}
		if pl.trip {
			h.tripSigns++
		}
	}
	// A trip day begins with the person's morning; a session begun the
	// evening before at home may still run into the early hours.
	if pl.trip && e.AuthMethod == event.AuthInteractive && !e.EventTime.Before(pl.start.Add(-20*time.Minute)) {
		h.trip[k] = append(h.trip[k], e.SrcIP)
	}
}

// isTravelIP reports whether ip is in the travel block, 198.19.0.0/17.
func isTravelIP(ip string) bool {
	if !strings.HasPrefix(ip, "198.19.") {
		return false
	}
	third := 0
	for _, c := range ip[len("198.19."):] {
		if c == '.' {
			break
		}
		third = third*10 + int(c-'0')
	}
	return third < 128
}

// TestSignInHabits: people with the daily habit sign in interactively on
// nearly every workday, with Okta and then with each vendor's own sign-in;
// the others sign in on one or two days a week; every sign-in names the
// person by e-mail, which is how sign-ins correlate across vendors.
func TestSignInHabits(t *testing.T) {
	w := worldOf(t, mediumConfig(4))
	h := w.habits
	type tally struct{ days, okta, m365, google, slack int }
	var daily, weekly tally
	for _, p := range h.o.people {
		tl := &weekly
		if p.habits.daily {
			tl = &daily
		}
		for day := localDay(w.truth.RangeStart) + 1; day < localDay(w.truth.End)-1; day++ {
			pl := h.o.planFor(p, day)
			if !pl.works || !pl.routine {
				continue
			}
			tl.days++
			b := h.signIns[personDay{p.idx, day}]
			for bit, n := range map[uint8]*int{signOkta: &tl.okta, signM365: &tl.m365, signGoogle: &tl.google, signSlack: &tl.slack} {
				if b&bit != 0 {
					*n++
				}
			}
		}
	}
	share := func(n, of int) float64 { return float64(n) / float64(max(of, 1)) }
	t.Logf("daily habit: %d workdays, Okta %.2f, M365 %.2f, Google %.2f, Slack %.2f; others: %d workdays, Okta %.2f",
		daily.days, share(daily.okta, daily.days), share(daily.m365, daily.days), share(daily.google, daily.days), share(daily.slack, daily.days),
		weekly.days, share(weekly.okta, weekly.days))
	if daily.days == 0 || weekly.days == 0 {
		t.Fatalf("no workdays of habitual (%d) or other (%d) people: the medium organisation is thinned", daily.days, weekly.days)
	}
	if s := share(daily.okta, daily.days); s < 0.9 {
		t.Errorf("habitual people signed in to Okta on %.2f of their workdays, want at least 0.9", s)
	}
	for name, n := range map[string]int{"Microsoft 365": daily.m365, "Google": daily.google, "Slack": daily.slack} {
		if s := share(n, daily.days); s < 0.75 {
			t.Errorf("habitual people signed in to %s on %.2f of their workdays, want at least 0.75", name, s)
		}
	}
	if s := share(weekly.okta, weekly.days); s > 0.5 || s < 0.1 {
		t.Errorf("people without the habit signed in on %.2f of their workdays, want one or two days a week (0.1..0.5)", s)
	}
	if h.nonEmail != 0 {
		t.Errorf("%d sign-ins name the actor without an e-mail", h.nonEmail)
	}
}

// TestTravellersUseTravelNetworks: while a person travels, everything they
// do themselves, sign-ins included, comes from the trip's network.
func TestTravellersUseTravelNetworks(t *testing.T) {
	w := worldOf(t, mediumConfig(4))
	h := w.habits
	victims := map[personDay]bool{} // a phished sign-in comes from the attacker
	for _, c := range w.truth.Chains {
		if p := h.byActor[c.ActorID]; p != nil {
			day := h.o.planAt(p, c.AccessTime).day
			victims[personDay{p.idx, day}], victims[personDay{p.idx, day - 1}] = true, true
		}
	}
	events, off, days := 0, 0, 0
	for k, ips := range h.trip {
		if victims[k] {
			continue
		}
		days++
		for _, ip := range ips {
			events++
			if !isTravelIP(ip) {
				if off++; off <= 5 {
					t.Errorf("person %d on a trip on day %d acted from %s, not a travel network", k.p, k.day, ip)
				}
			}
		}
	}
	t.Logf("%d trip days, %d interactive events on them, %d sign-ins", days, events, h.tripSigns)
	if days < 20 || events == 0 || h.tripSigns == 0 {
		t.Errorf("too little travel to test: %d trip days, %d events, %d sign-ins", days, events, h.tripSigns)
	}
	if off > 0 {
		t.Errorf("%d of %d travellers' interactive events came from outside the travel block", off, events)
	}
}
