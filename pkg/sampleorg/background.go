package sampleorg

import (
	"time"
)

// Background sessions. Every session is a short burst of one person's or one
// automation app's work. The rule that keeps Truth honest lives here: a
// token-authenticated key (actor and app) that is not approved never does
// anything sensitive in the background. Third-party apps only sign in, mint
// tokens and read non-sensitive data; people do their sensitive work
// interactively (no app); approved automation does the bulk token work.
// TestNoUnplannedChains checks the rule on generated data.

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
// within one session of the budget.
func (g *generator) background(ws time.Time, q quota) {
	g.debtHuman += q.human
	g.debtAuto += q.auto
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
	if g.planting {
		g.planted = append(g.planted, a)
	} else {
		g.q.push(a)
	}
	return 1
}

// gap returns a pause between two events of a session: lo plus up to span.
func (g *generator) gap(lo, span time.Duration) time.Duration {
	return lo + time.Duration(g.bg.Int64N(int64(span)))
}

func (g *generator) anyone() *person { return g.o.people[g.bg.IntN(len(g.o.people))] }
func (g *generator) anyAdmin() *person {
	return g.o.admins[g.bg.IntN(len(g.o.admins))]
}
func (g *generator) anyDev() *person { return g.o.devs[g.bg.IntN(len(g.o.devs))] }

// ipOf is where a person works from: mostly the office, sometimes home.
func (g *generator) ipOf(p *person) string {
	if g.bg.IntN(4) == 0 {
		return p.homeIP
	}
	return g.o.officeIPs[p.idx%len(g.o.officeIPs)]
}
