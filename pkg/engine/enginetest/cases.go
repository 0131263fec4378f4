package enginetest

import (
	"fmt"
	"time"

	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/event"
)

const (
	minute = time.Minute
	hour   = time.Hour
)

// Case is one AN0020 rule pinned by its own small timeline.
type Case struct {
	Name string
	// Params adjusts BaseParams for the case; nil keeps them.
	Params func(*engine.Params)
	// Rows are in no particular order: the engine's Detect sorts them and a
	// store returns them sorted.
	Rows []engine.Row
	// Want lists the episodes in the order the detector emits them: by
	// key, then by time.
	Want []Summary
}

// DetectParams returns BaseParams adjusted by the case.
func (c Case) DetectParams() engine.Params {
	p := BaseParams()
	if c.Params != nil {
		c.Params(&p)
	}
	return p
}

// Cases returns the rule cases with every "just past a boundary" offset set
// to tick, the smallest time step the store under test keeps: 1ms in
// memory and in the DateTime64 table, 1s in the legacy DateTime table. The
// same boundary is thus tested at the resolution the data really has,
// instead of being rounded away by the storage. All other offsets are whole
// minutes.
//
// tick must be positive and shorter than a minute, or the cases would
// contradict themselves; like httptest.NewRequest, Cases panics on such a
// programming error in a test rather than return cases that mean nothing.
func Cases(tick time.Duration) []Case {
	if tick <= 0 || tick >= minute {
		panic(fmt.Sprintf("enginetest.Cases: tick %s is not a storage resolution: pass a positive step shorter than a minute, such as time.Millisecond or time.Second", tick))
	}
	return []Case{
		{
			Name: "token access then sensitive read matches",
			Rows: []engine.Row{Access("a1", 0), Read("b1", 5*minute)},
			Want: []Summary{{Key: "alice|app1", Anchor: "a1", First: 5 * minute, Last: 5 * minute, Count: 1}},
		},
		{
			Name: "sensitive read without any access does not match",
			Rows: []engine.Row{Read("b1", 5*minute), NewRow("s1", 6*minute, event.CategorySignin, event.AuthInteractive)},
		},
		{
			Name: "grant with interactive auth is an access",
			Rows: []engine.Row{NewRow("g1", 0, event.CategoryGrant, event.AuthInteractive), Read("b1", minute)},
			Want: []Summary{{Key: "alice|app1", Anchor: "g1", First: minute, Last: minute, Count: 1}},
		},
		{
			Name: "any token auth method on a non-revoke event is an access",
			Rows: []engine.Row{
				NewRow("p1", 0, event.CategoryOther, event.AuthPAT, Actor("pat")),
				Read("b1", minute, Actor("pat")),
				NewRow("k1", 0, event.CategorySignin, event.AuthAPIToken, Actor("key")),
				Read("b2", minute, Actor("key")),
				NewRow("s1", 0, event.CategoryOther, event.AuthServiceAccount, Actor("svc")),
				Read("b3", minute, Actor("svc")),
			},
			Want: []Summary{
				{Key: "key|app1", Anchor: "k1", First: minute, Last: minute, Count: 1},
				{Key: "pat|app1", Anchor: "p1", First: minute, Last: minute, Count: 1},
				{Key: "svc|app1", Anchor: "s1", First: minute, Last: minute, Count: 1},
			},
		},
		{
			Name: "interactive sign-in is not an access",
			Rows: []engine.Row{NewRow("s1", 0, event.CategorySignin, event.AuthInteractive), Read("b1", minute)},
		},
		{
			Name: "config change is sensitive and counted apart",
			Rows: []engine.Row{Access("a1", 0), NewRow("c1", minute, event.CategoryConfigChange, event.AuthInteractive), Read("b1", 2*minute)},
			Want: []Summary{{Key: "alice|app1", Anchor: "a1", First: minute, Last: 2 * minute, Count: 2}},
		},
		{
			Name:   "sensitivity below minSensitivity is not sensitive",
			Params: func(p *engine.Params) { p.MinSensitivity = event.SensitivityMedium },
			Rows:   []engine.Row{Access("a1", 0), Read("b1", minute, Sensitivity(event.SensitivityLow)), Read("b2", 2*minute, Sensitivity(event.SensitivityMedium))},
			Want:   []Summary{{Key: "alice|app1", Anchor: "a1", First: 2 * minute, Last: 2 * minute, Count: 1}},
		},
		{
			Name: "equal timestamps: access with the smaller event_id comes first and matches",
			Rows: []engine.Row{Read("e2", 10*minute), Access("e1", 10*minute)},
			Want: []Summary{{Key: "alice|app1", Anchor: "e1", First: 10 * minute, Last: 10 * minute, Count: 1}},
		},
		{
			Name: "equal timestamps: access with the larger event_id comes after and does not match",
			Rows: []engine.Row{Access("e2", 10*minute), Read("e1", 10*minute)},
		},
		{
			Name: "exactly maxSpan after the access matches",
			Rows: []engine.Row{Access("a1", 0), Read("b1", hour)},
			Want: []Summary{{Key: "alice|app1", Anchor: "a1", First: hour, Last: hour, Count: 1}},
		},
		{
			Name: "one tick past maxSpan does not match",
			Rows: []engine.Row{Access("a1", 0), Read("b1", hour+tick)},
		},
		{
			Name: "revoke between access and sensitive event prevents the match",
			Rows: []engine.Row{Access("a1", 0), Revoke("r1", minute), Read("b1", 2*minute)},
		},
		{
			Name: "revoke at the same time but ordered after the read does not prevent it",
			Rows: []engine.Row{Access("a1", 0), Read("b1", minute), Revoke("c1", minute)},
			Want: []Summary{{Key: "alice|app1", Anchor: "a1", First: minute, Last: minute, Count: 1}},
		},
		{
			Name: "re-access after a revoke matches again and anchors there",
			Rows: []engine.Row{Access("a1", 0), Revoke("r1", minute), Read("b1", 2*minute), Access("a2", 3*minute), Read("b2", 4*minute)},
			Want: []Summary{{Key: "alice|app1", Anchor: "a2", First: 4 * minute, Last: 4 * minute, Count: 1}},
		},
		{
			Name: "revoke of another key does not affect this key",
			Rows: []engine.Row{Access("a1", 0), Revoke("r1", minute, App("app2")), Read("b1", 2*minute)},
			Want: []Summary{{Key: "alice|app1", Anchor: "a1", First: 2 * minute, Last: 2 * minute, Count: 1}},
		},
		{
			Name: "access of another key does not match",
			Rows: []engine.Row{Access("a1", 0, Actor("bob")), Read("b1", minute)},
		},
		{
			Name: "empty correlateBy value on the access ignores it",
			Rows: []engine.Row{Access("a1", 0, App("")), Read("b1", minute)},
		},
		{
			Name: "empty correlateBy value on the sensitive event ignores it",
			Rows: []engine.Row{Access("a1", 0, App("")), Read("b1", minute, App(""))},
		},
		{
			Name:   "empty value outside correlateBy does not matter",
			Params: func(p *engine.Params) { p.CorrelateBy = []string{engine.FieldActorID} },
			Rows:   []engine.Row{Access("a1", 0, App("")), Read("b1", minute, App(""))},
			Want:   []Summary{{Key: "alice", Anchor: "a1", First: minute, Last: minute, Count: 1}},
		},
		{
			Name: "duplicate event_id of a sensitive event counts once",
			Rows: []engine.Row{Access("a1", 0), Read("b1", minute), Read("b1", minute), Read("b2", 2*minute)},
			Want: []Summary{{Key: "alice|app1", Anchor: "a1", First: minute, Last: 2 * minute, Count: 2}},
		},
		{
			Name: "duplicate of an access-and-sensitive event does not match its original",
			Rows: []engine.Row{NewRow("x1", minute, event.CategoryDataAccess, event.AuthOAuth), NewRow("x1", minute, event.CategoryDataAccess, event.AuthOAuth)},
		},
		{
			Name: "access-and-sensitive event is not matched by itself",
			Rows: []engine.Row{NewRow("x1", minute, event.CategoryDataAccess, event.AuthOAuth)},
		},
		{
			Name: "access-and-sensitive event is matched by an earlier access and then anchors nothing new",
			Rows: []engine.Row{Access("a1", 0), NewRow("x1", minute, event.CategoryDataAccess, event.AuthOAuth), NewRow("x2", 2*minute, event.CategoryDataAccess, event.AuthOAuth)},
			Want: []Summary{{Key: "alice|app1", Anchor: "a1", First: minute, Last: 2 * minute, Count: 2}},
		},
		{
			Name: "access-and-sensitive event can anchor a later sensitive event",
			Rows: []engine.Row{NewRow("x1", minute, event.CategoryDataAccess, event.AuthOAuth), Read("b1", 2*minute)},
			Want: []Summary{{Key: "alice|app1", Anchor: "x1", First: 2 * minute, Last: 2 * minute, Count: 1}},
		},
		{
			Name: "anchor is the earliest access within maxSpan of the first sensitive event",
			Rows: []engine.Row{Access("a1", 0), Access("a2", 20*minute), Access("a3", 40*minute), Read("b1", 70*minute)},
			Want: []Summary{{Key: "alice|app1", Anchor: "a2", First: 70 * minute, Last: 70 * minute, Count: 1}},
		},
		{
			Name: "gap larger than maxSpan between matched events splits the episode",
			Rows: []engine.Row{Access("a1", 0), Read("b1", 10*minute), Access("a2", 60*minute), Read("b2", 70*minute+tick)},
			Want: []Summary{
				{Key: "alice|app1", Anchor: "a1", First: 10 * minute, Last: 10 * minute, Count: 1},
				{Key: "alice|app1", Anchor: "a2", First: 70*minute + tick, Last: 70*minute + tick, Count: 1},
			},
		},
		{
			Name: "gap of exactly maxSpan keeps one episode",
			Rows: []engine.Row{Access("a1", 0), Read("b1", 10*minute), Access("a2", 60*minute), Read("b2", 70*minute)},
			Want: []Summary{{Key: "alice|app1", Anchor: "a1", First: 10 * minute, Last: 70 * minute, Count: 2}},
		},
		{
			Name: "unmatched sensitive events neither join nor split an episode",
			Rows: []engine.Row{Access("a1", 0), Read("b1", 10*minute), Revoke("r1", 20*minute), Read("u1", 30*minute), Access("a2", 40*minute), Read("b2", 50*minute)},
			Want: []Summary{{Key: "alice|app1", Anchor: "a1", First: 10 * minute, Last: 50 * minute, Count: 2}},
		},
		{
			Name:   "access before From anchors but sensitive events before From are not reported",
			Params: func(p *engine.Params) { p.From = T0.Add(30 * minute) },
			Rows:   []engine.Row{Access("a1", 0), Read("b0", 20*minute), Read("b1", 30*minute), Read("b2", 40*minute)},
			Want:   []Summary{{Key: "alice|app1", Anchor: "a1", First: 30 * minute, Last: 40 * minute, Count: 2}},
		},
		{
			Name:   "sensitive events after To are not reported and To is inclusive",
			Params: func(p *engine.Params) { p.To = T0.Add(30 * minute) },
			Rows:   []engine.Row{Access("a1", 0), Read("b1", 10*minute), Read("b2", 30*minute), Read("b3", 30*minute+tick)},
			Want:   []Summary{{Key: "alice|app1", Anchor: "a1", First: 10 * minute, Last: 30 * minute, Count: 2}},
		},
		{
			Name:   "approved app is dropped",
			Params: func(p *engine.Params) { p.ApprovedApps = map[string]bool{"app1": true} },
			Rows:   []engine.Row{Access("a1", 0), Read("b1", minute), Access("a2", 0, App("app2")), Read("b2", minute, App("app2"))},
			Want:   []Summary{{Key: "alice|app2", Anchor: "a2", First: minute, Last: minute, Count: 1}},
		},
		{
			Name: "approved app is kept and marked with includeApproved",
			Params: func(p *engine.Params) {
				p.ApprovedApps = map[string]bool{"app1": true}
				p.IncludeApproved = true
			},
			Rows: []engine.Row{Access("a1", 0), Read("b1", minute), Access("a2", 0, App("app2")), Read("b2", minute, App("app2"))},
			Want: []Summary{
				{Key: "alice|app1", Anchor: "a1", First: minute, Last: minute, Count: 1, Approved: true},
				{Key: "alice|app2", Anchor: "a2", First: minute, Last: minute, Count: 1},
			},
		},
		{
			Name: "broad rule: by actor alone a grant and a read that name the app differently match",
			Params: func(p *engine.Params) {
				p.CorrelateBy = []string{engine.FieldActorID}
				p.SensitiveNeedsToken = true
			},
			Rows: []engine.Row{
				NewRow("g1", 0, event.CategoryGrant, event.AuthUnknown, App("sp-object-id")),
				NewRow("b1", 7*minute, event.CategoryDataAccess, event.AuthOAuth, App("client-id")),
				// The person's own interactive client, and an event with no app: not token work.
				NewRow("i1", 8*minute, event.CategoryDataAccess, event.AuthInteractive, App("office")),
				NewRow("n1", 9*minute, event.CategoryDataAccess, event.AuthUnknown, App("")),
				// A change made through an app without a recorded auth method is.
				NewRow("c1", 10*minute, event.CategoryConfigChange, event.AuthUnknown, App("sp-object-id")),
			},
			Want: []Summary{{Key: "alice", Anchor: "g1", First: 7 * minute, Last: 10 * minute, Count: 2}},
		},
		{
			Name:   "broad rule: interactive sensitive work alone never matches",
			Params: func(p *engine.Params) { p.CorrelateBy, p.SensitiveNeedsToken = []string{engine.FieldActorID}, true },
			Rows:   []engine.Row{Access("a1", 0), Read("b1", minute), Read("b2", 2*minute, App(""))},
		},
		{
			Name: "input order does not matter to Detect",
			Rows: []engine.Row{Read("b2", 2*minute, Actor("bob")), Read("b1", minute), Access("a2", 0, Actor("bob")), Access("a1", 0)},
			Want: []Summary{
				{Key: "alice|app1", Anchor: "a1", First: minute, Last: minute, Count: 1},
				{Key: "bob|app1", Anchor: "a2", First: 2 * minute, Last: 2 * minute, Count: 1},
			},
		},
	}
}
