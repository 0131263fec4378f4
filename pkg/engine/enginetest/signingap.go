package enginetest

import (
	"time"

	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/event"
)

// SigninGapCase is one AN0528 rule pinned by its own small timeline.
type SigninGapCase struct {
	Name   string
	Params func(*engine.SigninGapParams)
	Rows   []engine.Row
	Want   []Summary
}

// SigninGapParams returns BaseSigninGapParams adjusted by the case.
func (c SigninGapCase) SigninGapParams() engine.SigninGapParams {
	p := engine.SigninGapParams{SigninWindow: 12 * hour, MaxSpan: hour, From: T0.Add(-24 * hour), To: T0.Add(48 * hour)}
	if c.Params != nil {
		c.Params(&p)
	}
	return p
}

// Signin is a successful interactive sign-in of alice.
func Signin(id string, at time.Duration, opts ...Option) engine.Row {
	return NewRow(id, at, event.CategorySignin, event.AuthInteractive, append([]Option{App("idp")}, opts...)...)
}

// Use is a token use: an OAuth read of app1 by alice.
func Use(id string, at time.Duration, opts ...Option) engine.Row {
	return NewRow(id, at, event.CategoryDataAccess, event.AuthOAuth, opts...)
}

// SigninGapCases are the AN0528 rules. tick is the storage resolution, as
// for Cases.
func SigninGapCases(tick time.Duration) []SigninGapCase {
	return []SigninGapCase{
		{
			Name: "a use within the window after a sign-in is covered",
			Rows: []engine.Row{Signin("s1", 0), Use("u1", 12*hour)},
		},
		{
			Name: "a use just past the window is uncovered",
			Rows: []engine.Row{Signin("s1", 0), Use("u1", 12*hour+tick)},
			Want: []Summary{{Key: "alice|app1", Anchor: "u1", First: 12*hour + tick, Last: 12*hour + tick, Count: 1}},
		},
		{
			Name: "uncovered uses of one app within maxSpan form one episode; a sign-in ends it",
			Rows: []engine.Row{Signin("s1", 0), Use("u1", 13*hour), Use("u2", 13*hour+30*minute), Signin("s2", 14*hour), Use("u3", 14*hour+minute)},
			Want: []Summary{{Key: "alice|app1", Anchor: "u1", First: 13 * hour, Last: 13*hour + 30*minute, Count: 2}},
		},
		{
			Name: "a gap over maxSpan splits; apps are kept apart; grants, revokes and interactive work are no token use",
			Rows: []engine.Row{
				Signin("s1", 0), Use("u1", 13*hour), Use("u2", 15*hour), Use("x1", 13*hour, App("app2")),
				NewRow("g1", 16*hour, event.CategoryGrant, event.AuthOAuth), NewRow("r1", 16*hour, event.CategoryRevoke, event.AuthOAuth),
				NewRow("i1", 16*hour, event.CategoryDataAccess, event.AuthInteractive),
			},
			Want: []Summary{ // in emission order: a run as it is closed, the rest by app at the actor's end
				{Key: "alice|app1", Anchor: "u1", First: 13 * hour, Last: 13 * hour, Count: 1},
				{Key: "alice|app1", Anchor: "u2", First: 15 * hour, Last: 15 * hour, Count: 1},
				{Key: "alice|app2", Anchor: "x1", First: 13 * hour, Last: 13 * hour, Count: 1},
			},
		},
		{
			Name: "a sign-in made with a token covers nothing; another actor's sign-in neither",
			Rows: []engine.Row{
				Signin("s0", -20*hour), NewRow("t1", 0, event.CategorySignin, event.AuthAPIToken), Signin("b1", 0, Actor("bob")), Use("u1", hour),
			},
			Want: []Summary{
				{Key: "alice|app1", Anchor: "t1", First: 0, Last: hour, Count: 2},
			},
		},
		{
			Name:   "a sign-in before the range still covers a use at its start; uses outside the range are not reported",
			Params: func(p *engine.SigninGapParams) { p.From, p.To = T0.Add(2*hour), T0.Add(20*hour) },
			Rows:   []engine.Row{Signin("s1", 0), Use("u0", hour), Use("u1", 2*hour), Use("u2", 21*hour)},
		},
		{
			Name:   "approved apps are dropped, or kept and marked",
			Params: func(p *engine.SigninGapParams) { p.ApprovedApps = map[string]bool{"app2": true} },
			Rows:   []engine.Row{Signin("s0", -20*hour), Use("u1", hour), Use("x1", hour, App("app2"))},
			Want:   []Summary{{Key: "alice|app1", Anchor: "u1", First: hour, Last: hour, Count: 1}},
		},
		{
			Name: "an actor who never signs in interactively (a service) is not read",
			Rows: []engine.Row{Use("u1", hour, Actor("svc")), NewRow("t1", 0, event.CategorySignin, event.AuthAPIToken, Actor("svc"))},
		},
	}
}
