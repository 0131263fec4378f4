package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/risk"
	"github.com/tokentrail/tokentrail/pkg/store"
)

// riskWorld builds a small tenant with 20 days of history before a two-day
// range, one key per behaviour the risk signals must recognise, read back
// through ClickHouse by the real baseline statements.
type riskWorld struct {
	rows  []engine.Row
	start time.Time // first day of the range
	n     int
}

func (w *riskWorld) add(actor, app string, at time.Time, cat event.Category, auth event.AuthMethod, opts ...func(*engine.Row)) {
	w.n++
	r := engine.Row{
		EventTime: at, EventID: fmt.Sprintf("e%05d", w.n), Tenant: "acme", Source: event.SourceMicrosoft,
		Action: string(cat), Category: cat, AuthMethod: auth, ActorID: actor, ActorName: actor,
		AppID: app, AppName: "App " + app, TokenID: "tok-" + actor + "-" + app, SrcIP: "203.0.113.5",
		UserAgent: "SyncClient/1.0", TargetName: "doc-1", Sensitivity: event.SensitivityLow,
	}
	if cat == event.CategorySignin {
		r.AppID, r.AppName, r.TokenID, r.UserAgent, r.Source, r.ActorID = "", "", "", "Mozilla/5.0", event.SourceOkta, "00u"+actor[:3]
	}
	for _, o := range opts {
		o(&r)
	}
	w.rows = append(w.rows, r)
}

func ip(v string) func(*engine.Row)         { return func(r *engine.Row) { r.SrcIP = v } }
func tok(v string) func(*engine.Row)        { return func(r *engine.Row) { r.TokenID = v } }
func agent(v string) func(*engine.Row)      { return func(r *engine.Row) { r.UserAgent = v } }
func act(v string) func(*engine.Row)        { return func(r *engine.Row) { r.Action = v } }
func tgt(v string) func(*engine.Row)        { return func(r *engine.Row) { r.TargetName = v } }
func sensAt(v uint8) func(*engine.Row)      { return func(r *engine.Row) { r.Sensitivity = v } }
func withSource(v string) func(*engine.Row) { return func(r *engine.Row) { r.Source = v } }

// session is a token access followed by n reads a minute apart.
func (w *riskWorld) session(actor, app string, at time.Time, n int, opts ...func(*engine.Row)) {
	w.add(actor, app, at, event.CategoryTokenAuth, event.AuthOAuth, opts...)
	for i := 1; i <= n; i++ {
		w.add(actor, app, at.Add(time.Duration(i)*time.Minute), event.CategoryDataAccess, event.AuthOAuth,
			append([]func(*engine.Row){tgt(fmt.Sprintf("doc-%d", i%3))}, opts...)...)
	}
}

func newRiskWorld() *riskWorld {
	w := &riskWorld{start: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)}
	for d := -20; d < 0; d++ {
		day := w.start.AddDate(0, 0, d)
		for _, who := range []string{"alice@acme.example", "bob@acme.example", "dave@acme.example", "frank@acme.example"} {
			w.add(who, "", day.Add(9*time.Hour), event.CategorySignin, event.AuthInteractive)
		}
		w.session("alice@acme.example", "sync", day.Add(9*time.Hour+5*time.Minute), 5)
		w.session("dave@acme.example", "sync", day.Add(10*time.Hour), 5)
		w.session("bob@acme.example", "mailer", day.Add(11*time.Hour), 1)
		w.add("frank@acme.example", "gam", day.Add(10*time.Hour), event.CategoryTokenAuth, event.AuthOAuth)
		w.add("frank@acme.example", "gam", day.Add(10*time.Hour+time.Minute), event.CategoryConfigChange, event.AuthOAuth,
			act("admin.CHANGE_TWO_STEP_VERIFICATION_FREQUENCY"), sensAt(2))
		if d < -17 {
			w.session("carol@acme.example", "oldapp", day.Add(13*time.Hour), 2)
		}
		if d%3 == 0 { // a team tool that calls from its vendor's cloud
			for _, who := range []string{"alice@acme.example", "bob@acme.example", "dave@acme.example"} {
				w.session(who, "teamapp", day.Add(15*time.Hour), 1, ip("34.120.0.9"))
			}
		}
	}
	w.add("frank@acme.example", "gam", w.start.AddDate(0, 0, -20).Add(8*time.Hour), event.CategoryTokenAuth, event.AuthOAuth, tok("tok-frank-old"))
	day0, day1 := w.start, w.start.AddDate(0, 0, 1)
	for _, who := range []string{"alice@acme.example", "dave@acme.example", "frank@acme.example"} {
		w.add(who, "", day0.Add(9*time.Hour), event.CategorySignin, event.AuthInteractive)
	}
	w.session("alice@acme.example", "sync", day0.Add(9*time.Hour+5*time.Minute), 5) // routine
	// stolen sync token: 03:00 the next day, a stranger's network and agent, 40 distinct files
	w.add("alice@acme.example", "sync", day1.Add(3*time.Hour), event.CategoryTokenAuth, event.AuthOAuth, ip("192.0.2.50"), agent("python-requests/2.32.3"))
	for i := 1; i <= 40; i++ {
		w.add("alice@acme.example", "sync", day1.Add(3*time.Hour+time.Duration(i)*time.Minute), event.CategoryDataAccess, event.AuthOAuth,
			ip("192.0.2.50"), agent("python-requests/2.32.3"), tgt(fmt.Sprintf("secret-%02d", i)), sensAt(3))
	}
	// a fresh consent of a new app that sets a forwarding rule
	w.add("bob@acme.example", "", day0.Add(11*time.Hour+30*time.Minute), event.CategorySignin, event.AuthInteractive)
	w.add("bob@acme.example", "newapp", day0.Add(12*time.Hour), event.CategoryGrant, event.AuthOAuth, act("Consent to application."), ip("198.51.100.77"))
	for i := 1; i <= 25; i++ {
		w.add("bob@acme.example", "newapp", day0.Add(12*time.Hour+time.Duration(i)*time.Minute), event.CategoryDataAccess, event.AuthOAuth, ip("198.51.100.77"), tgt(fmt.Sprintf("mail-%d", i)))
	}
	w.add("bob@acme.example", "newapp", day0.Add(12*time.Hour+30*time.Minute), event.CategoryConfigChange, event.AuthOAuth, act("New-InboxRule"), ip("198.51.100.77"), sensAt(3))
	// carol's app, silent for 17 days, used again
	w.session("carol@acme.example", "oldapp", day0.Add(13*time.Hour), 2)
	// dave travels: a new network, from which he also signs in
	w.add("dave@acme.example", "", day0.Add(16*time.Hour), event.CategorySignin, event.AuthInteractive, ip("198.18.5.20"))
	w.session("dave@acme.example", "sync", day0.Add(16*time.Hour+10*time.Minute), 5, ip("198.18.5.9"))
	// frank's admin tool does what it does every day, with a token last used 20 days ago
	w.add("frank@acme.example", "gam", day0.Add(10*time.Hour), event.CategoryTokenAuth, event.AuthOAuth, tok("tok-frank-old"))
	// frank starts using the team tool, which calls from its vendor's cloud
	w.session("frank@acme.example", "teamapp", day0.Add(15*time.Hour), 2, ip("34.120.0.9"))
	w.add("frank@acme.example", "gam", day0.Add(10*time.Hour+time.Minute), event.CategoryConfigChange, event.AuthOAuth,
		act("admin.CHANGE_TWO_STEP_VERIFICATION_FREQUENCY"), sensAt(2))
	// erin's GitHub app: no IP, no agent, no sign-in telemetry
	w.session("erin", "ghapp", day0.Add(14*time.Hour), 3, ip(""), agent(""), withSource(event.SourceGitHub))
	return w
}

// rank loads the world and runs the ranked sequences query over its range.
func (w *riskWorld) rank(t *testing.T, h *harness, name string, raw string) *store.Ranked {
	t.Helper()
	st := h.open(t, h.table(t, name, w.rows), nil)
	q, err := models.ParseQuery([]byte(raw), "", w.start, w.start.AddDate(0, 0, 2))
	if err != nil {
		t.Fatal(err)
	}
	r, err := st.Rank(context.Background(), q, store.RankOptions{})
	if err != nil {
		t.Fatalf("Rank: %v", err)
	}
	return r
}

func byKey(eps []engine.Episode, key string, hour int) *engine.Episode {
	for i := range eps {
		if strings.Join(eps[i].Key, "|") == key && eps[i].FirstSensitive.Hour() == hour {
			return &eps[i]
		}
	}
	return nil
}

// TestRiskSignalsThroughClickHouse: every signal fires on the key built to
// show it, through the real baseline statements, and stays quiet where the
// behaviour is routine.
func TestRiskSignalsThroughClickHouse(t *testing.T) {
	h := newHarness(t)
	got := newRiskWorld().rank(t, h, "risk_world", `{"queryType":"sequences"}`)
	cases := []struct {
		key       string
		hour      int
		fired     []string
		notFired  []string
		unknown   []string
		severityA string // at least
	}{
		{key: "alice@acme.example|sync", hour: 9, fired: []string{risk.SigEstablished}, notFired: []string{risk.SigNewNetworkKey, risk.SigOffHours, risk.SigNoSignin}},
		{key: "alice@acme.example|sync", hour: 3, fired: []string{risk.SigNewNetworkKey, risk.SigNewNetworkActor, risk.SigOffHours, risk.SigFirstBulkDay,
			risk.SigTargetSpread, risk.SigNoSignin, risk.SigNewUserAgent, risk.SigSensitivity}, notFired: []string{risk.SigEstablished}, severityA: risk.SeverityCritical},
		{key: "bob@acme.example|newapp", hour: 12, fired: []string{risk.SigNewApp, risk.SigFreshGrant, risk.SigNewKey, risk.SigConfigChange, risk.SigVolume},
			notFired: []string{risk.SigNoSignin}, severityA: risk.SeverityHigh},
		{key: "carol@acme.example|oldapp", hour: 13, fired: []string{risk.SigDormant, risk.SigRareApp}, notFired: []string{risk.SigTokenAge}},
		{key: "frank@acme.example|teamapp", hour: 15, fired: []string{risk.SigNewKey}, notFired: []string{risk.SigNewNetworkActor, risk.SigRareApp}},
		{key: "dave@acme.example|sync", hour: 16, fired: []string{risk.SigNewNetworkKey}, notFired: []string{risk.SigNewNetworkActor}},
		{key: "frank@acme.example|gam", hour: 10, fired: []string{risk.SigConfigChange, risk.SigEstablished, risk.SigTokenAge}},
		{key: "erin|ghapp", hour: 14, unknown: []string{risk.SigNewNetworkKey, risk.SigNewNetworkActor, risk.SigNewUserAgent, risk.SigNoSignin}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s@%02d", tc.key, tc.hour), func(t *testing.T) {
			ep := byKey(got.Episodes, tc.key, tc.hour)
			if ep == nil {
				t.Fatalf("no episode of %s at %02d:xx among %d", tc.key, tc.hour, len(got.Episodes))
			}
			for _, s := range tc.fired {
				if !slices.Contains(ep.Fired, s) {
					t.Errorf("%s did not fire; fired %v, reasons %q, unknown %q", s, ep.Fired, ep.Reasons, ep.Unknown)
				}
			}
			for _, s := range tc.notFired {
				if slices.Contains(ep.Fired, s) {
					t.Errorf("%s fired; reasons %q", s, ep.Reasons)
				}
			}
			for _, s := range tc.unknown {
				if !slices.ContainsFunc(ep.Unknown, func(u string) bool { return strings.HasPrefix(u, s+": ") }) {
					t.Errorf("%s is not reported unknown: %q", s, ep.Unknown)
				}
			}
			if tc.severityA != "" && risk.SeverityRank(ep.Severity) < risk.SeverityRank(tc.severityA) {
				t.Errorf("severity %s (score %d), want at least %s; reasons %q", ep.Severity, ep.Score, tc.severityA, ep.Reasons)
			}
		})
	}
	var top []string
	for _, ep := range got.Episodes[:2] {
		top = append(top, fmt.Sprintf("%s@%02d", strings.Join(ep.Key, "|"), ep.FirstSensitive.Hour()))
	}
	slices.Sort(top)
	if want := []string{"alice@acme.example|sync@03", "bob@acme.example|newapp@12"}; !slices.Equal(top, want) {
		t.Errorf("the two attacks do not rank first: top two %v, want %v", top, want)
	}
}
