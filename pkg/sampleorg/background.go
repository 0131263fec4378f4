package sampleorg

import (
	"time"
)

// Background filler sessions. Every session is a short burst of one
// person's or one approved automation app's work, filling the event budget
// around the routines (routine.go). Filler sessions never form an AN0020
// episode of an unapproved key: third-party apps only sign in, mint tokens
// and read non-sensitive data, and people's sensitive filler work is
// interactive. The benign episodes of the organisation come from the
// routines (sync clients, services, admin tools, new apps), each key of
// which Truth.Background names with its class.

// session produces the acts of one session starting at t and returns how
// many it kept.
type session func(g *generator, t time.Time) int

type weighted struct {
	w float64
	s session
}

// humanSessions are people's sessions with their relative frequency.
var humanSessions = []weighted{
	{30, (*generator).sessOktaSignIn},
	{6, (*generator).sessOktaOAuthApp},
	{20, (*generator).sessGoogleWork},
	{5, (*generator).sessGoogleThirdParty},
	{20, (*generator).sessM365Work},
	{4, (*generator).sessM365ThirdParty},
	{9, (*generator).sessGitHubDev},
	{2, (*generator).sessGitHubThirdParty},
	{10, (*generator).sessSlackWork},
	{2, (*generator).sessNewConsent},
	{1, (*generator).sessRevoke},
	{2, (*generator).sessAdminChange},
}

// automationSessions are the approved automation's runs.
var automationSessions = []weighted{
	{1, (*generator).sessOktaTerraform},
	{3, (*generator).sessGoogleBackup},
	{3, (*generator).sessM365Archiver},
	{4, (*generator).sessGitHubCI},
	{1, (*generator).sessSlackExport},
}

func pick(rng randSource, list []weighted) session {
	var sum float64
	for _, x := range list {
		sum += x.w
	}
	r := rng.Float64() * sum
	for _, x := range list {
		if r < x.w {
			return x.s
		}
		r -= x.w
	}
	return list[len(list)-1].s
}

// background starts sessions in [ws, ws+window) until the window's quota is
// met. Over- and undershoot carry to the next window, so the total lands
// within one session of the budget. Routine events booked for the window
// count against its quota.
func (g *generator) background(ws time.Time, q quota, routineHuman, routineAuto float64) {
	g.debtHuman += q.human - routineHuman
	g.debtAuto += q.auto - routineAuto
	for g.debtHuman > 0.5 {
		t := ws.Add(time.Duration(g.bg.Int64N(int64(window))))
		g.debtHuman -= float64(pick(g.bg, humanSessions)(g, t))
	}
	for g.debtAuto > 0.5 {
		t := ws.Add(time.Duration(g.bg.Int64N(int64(window))))
		g.debtAuto -= float64(pick(g.bg, automationSessions)(g, t))
	}
}

// randSource is what verbs need from a random stream, so the same verb
// serves the background (g.bg) and planting (g.pl) without mixing streams.
type randSource interface {
	IntN(n int) int
	Int64N(n int64) int64
	Float64() float64
}

// keep files a finished act: into the queue while streaming, into the
// planted list while planting. It returns 1 when a was kept, 0 when it fell
// outside the data range.
func (g *generator) keep(a *act) int {
	if !a.t.Before(g.end) || a.t.Before(g.start) {
		if !g.planting { // a scenario may still hold a dropped act
			g.free = append(g.free, a)
		}
		return 0
	}
	g.classify(a)
	switch {
	case g.planting:
		g.planted = append(g.planted, a)
	default:
		if g.counting != rkNone {
			g.countRoutine(a)
		}
		g.q.push(a)
	}
	return 1
}

// gap returns a pause between two events of a session: lo plus up to span.
func (g *generator) gap(lo, span time.Duration) time.Duration {
	return lo + time.Duration(g.bg.Int64N(int64(span)))
}

func (g *generator) anyone() *person { return g.o.people[g.bg.IntN(len(g.o.people))] }

// Filler sessions are people at work: a person is picked at random and
// kept if t falls in their own working hours (in the time zone they are
// in), so that everybody's activity follows their habits, travellers'
// included. A few tries keep late and early work possible.
const pickTries = 8

// anyoneAt picks a person who is working at t, most of the time.
func (g *generator) anyoneAt(t time.Time) *person {
	return g.pickAt(t, g.o.people, false)
}

// devAt picks a developer who is working at t, most of the time.
func (g *generator) devAt(t time.Time) *person { return g.pickAt(t, g.o.devs, false) }

// adminAt picks an admin who is working at t, most of the time.
func (g *generator) adminAt(t time.Time) *person { return g.pickAt(t, g.o.admins, false) }

// signerAt picks a person who signs in interactively on the day of t and
// is working at t, most of the time: people without the daily habit keep
// long sessions, and filler sign-ins must not blur that.
func (g *generator) signerAt(t time.Time) *person { return g.pickAt(t, g.o.people, true) }

func (g *generator) pickAt(t time.Time, pool []*person, signer bool) *person {
	var p *person
	for i := 0; i < pickTries; i++ {
		p = pool[g.bg.IntN(len(pool))]
		if signer && !g.o.signsInOn(p, t) {
			continue
		}
		if g.o.working(p, t) {
			return p
		}
	}
	if signer && !g.o.signsInOn(p, t) {
		for _, q := range pool { // rare: nobody drawn signs in today
			if g.o.signsInOn(q, t) {
				return q
			}
		}
	}
	return p
}
