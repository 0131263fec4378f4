package engine

import (
	"reflect"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

const (
	minute = time.Minute
	hour   = time.Hour
)

// TestDetectRules pins each matching and episode rule with its own timeline.
func TestDetectRules(t *testing.T) {
	tests := []struct {
		name   string
		params func(*Params)
		rows   []Row
		want   []summary
	}{
		{
			name: "token access then sensitive read matches",
			rows: []Row{access("a1", 0), read("b1", 5*minute)},
			want: []summary{{key: "alice|app1", anchor: "a1", first: 5 * minute, last: 5 * minute, count: 1}},
		},
		{
			name: "sensitive read without any access does not match",
			rows: []Row{read("b1", 5*minute), row("s1", 6*minute, event.CategorySignin, event.AuthInteractive)},
		},
		{
			name: "grant with interactive auth is an access",
			rows: []Row{row("g1", 0, event.CategoryGrant, event.AuthInteractive), read("b1", minute)},
			want: []summary{{key: "alice|app1", anchor: "g1", first: minute, last: minute, count: 1}},
		},
		{
			name: "any token auth method on a non-revoke event is an access",
			rows: []Row{
				row("p1", 0, event.CategoryOther, event.AuthPAT, actor("pat")),
				read("b1", minute, actor("pat")),
				row("k1", 0, event.CategorySignin, event.AuthAPIToken, actor("key")),
				read("b2", minute, actor("key")),
				row("s1", 0, event.CategoryOther, event.AuthServiceAccount, actor("svc")),
				read("b3", minute, actor("svc")),
			},
			want: []summary{
				{key: "key|app1", anchor: "k1", first: minute, last: minute, count: 1},
				{key: "pat|app1", anchor: "p1", first: minute, last: minute, count: 1},
				{key: "svc|app1", anchor: "s1", first: minute, last: minute, count: 1},
			},
		},
		{
			name: "interactive sign-in is not an access",
			rows: []Row{row("s1", 0, event.CategorySignin, event.AuthInteractive), read("b1", minute)},
		},
		{
			name: "config change is sensitive and counted apart",
			rows: []Row{access("a1", 0), row("c1", minute, event.CategoryConfigChange, event.AuthInteractive), read("b1", 2*minute)},
			want: []summary{{key: "alice|app1", anchor: "a1", first: minute, last: 2 * minute, count: 2}},
		},
		{
			name:   "sensitivity below minSensitivity is not sensitive",
			params: func(p *Params) { p.MinSensitivity = event.SensitivityMedium },
			rows:   []Row{access("a1", 0), read("b1", minute, sens(event.SensitivityLow)), read("b2", 2*minute, sens(event.SensitivityMedium))},
			want:   []summary{{key: "alice|app1", anchor: "a1", first: 2 * minute, last: 2 * minute, count: 1}},
		},
		{
			name: "equal timestamps: access with the smaller event_id comes first and matches",
			rows: []Row{read("e2", 10*minute), access("e1", 10*minute)},
			want: []summary{{key: "alice|app1", anchor: "e1", first: 10 * minute, last: 10 * minute, count: 1}},
		},
		{
			name: "equal timestamps: access with the larger event_id comes after and does not match",
			rows: []Row{access("e2", 10*minute), read("e1", 10*minute)},
		},
		{
			name: "exactly maxSpan after the access matches",
			rows: []Row{access("a1", 0), read("b1", hour)},
			want: []summary{{key: "alice|app1", anchor: "a1", first: hour, last: hour, count: 1}},
		},
		{
			name: "one millisecond past maxSpan does not match",
			rows: []Row{access("a1", 0), read("b1", hour+time.Millisecond)},
		},
		{
			name: "revoke between access and sensitive event prevents the match",
			rows: []Row{access("a1", 0), revoke("r1", minute), read("b1", 2*minute)},
		},
		{
			name: "revoke at the same time but ordered after the read does not prevent it",
			rows: []Row{access("a1", 0), read("b1", minute), revoke("c1", minute)},
			want: []summary{{key: "alice|app1", anchor: "a1", first: minute, last: minute, count: 1}},
		},
		{
			name: "re-access after a revoke matches again and anchors there",
			rows: []Row{access("a1", 0), revoke("r1", minute), read("b1", 2*minute), access("a2", 3*minute), read("b2", 4*minute)},
			want: []summary{{key: "alice|app1", anchor: "a2", first: 4 * minute, last: 4 * minute, count: 1}},
		},
		{
			name: "revoke of another key does not affect this key",
			rows: []Row{access("a1", 0), revoke("r1", minute, app("app2")), read("b1", 2*minute)},
			want: []summary{{key: "alice|app1", anchor: "a1", first: 2 * minute, last: 2 * minute, count: 1}},
		},
		{
			name: "access of another key does not match",
			rows: []Row{access("a1", 0, actor("bob")), read("b1", minute)},
		},
		{
			name: "empty correlateBy value on the access ignores it",
			rows: []Row{access("a1", 0, app("")), read("b1", minute)},
		},
		{
			name: "empty correlateBy value on the sensitive event ignores it",
			rows: []Row{access("a1", 0, app("")), read("b1", minute, app(""))},
		},
		{
			name:   "empty value outside correlateBy does not matter",
			params: func(p *Params) { p.CorrelateBy = []string{FieldActorID} },
			rows:   []Row{access("a1", 0, app("")), read("b1", minute, app(""))},
			want:   []summary{{key: "alice", anchor: "a1", first: minute, last: minute, count: 1}},
		},
		{
			name: "duplicate event_id of a sensitive event counts once",
			rows: []Row{access("a1", 0), read("b1", minute), read("b1", minute), read("b2", 2*minute)},
			want: []summary{{key: "alice|app1", anchor: "a1", first: minute, last: 2 * minute, count: 2}},
		},
		{
			name: "duplicate of an access-and-sensitive event does not match its original",
			rows: []Row{row("x1", minute, event.CategoryDataAccess, event.AuthOAuth), row("x1", minute, event.CategoryDataAccess, event.AuthOAuth)},
		},
		{
			name: "access-and-sensitive event is not matched by itself",
			rows: []Row{row("x1", minute, event.CategoryDataAccess, event.AuthOAuth)},
		},
		{
			name: "access-and-sensitive event is matched by an earlier access and then anchors nothing new",
			rows: []Row{access("a1", 0), row("x1", minute, event.CategoryDataAccess, event.AuthOAuth), row("x2", 2*minute, event.CategoryDataAccess, event.AuthOAuth)},
			want: []summary{{key: "alice|app1", anchor: "a1", first: minute, last: 2 * minute, count: 2}},
		},
		{
			name: "access-and-sensitive event can anchor a later sensitive event",
			rows: []Row{row("x1", minute, event.CategoryDataAccess, event.AuthOAuth), read("b1", 2*minute)},
			want: []summary{{key: "alice|app1", anchor: "x1", first: 2 * minute, last: 2 * minute, count: 1}},
		},
		{
			name: "anchor is the earliest access within maxSpan of the first sensitive event",
			rows: []Row{access("a1", 0), access("a2", 20*minute), access("a3", 40*minute), read("b1", 70*minute)},
			want: []summary{{key: "alice|app1", anchor: "a2", first: 70 * minute, last: 70 * minute, count: 1}},
		},
		{
			name: "gap larger than maxSpan between matched events splits the episode",
			rows: []Row{access("a1", 0), read("b1", 10*minute), access("a2", 60*minute), read("b2", 70*minute+time.Millisecond)},
			want: []summary{
				{key: "alice|app1", anchor: "a1", first: 10 * minute, last: 10 * minute, count: 1},
				{key: "alice|app1", anchor: "a2", first: 70*minute + time.Millisecond, last: 70*minute + time.Millisecond, count: 1},
			},
		},
		{
			name: "gap of exactly maxSpan keeps one episode",
			rows: []Row{access("a1", 0), read("b1", 10*minute), access("a2", 60*minute), read("b2", 70*minute)},
			want: []summary{{key: "alice|app1", anchor: "a1", first: 10 * minute, last: 70 * minute, count: 2}},
		},
		{
			name: "unmatched sensitive events neither join nor split an episode",
			rows: []Row{access("a1", 0), read("b1", 10*minute), revoke("r1", 20*minute), read("u1", 30*minute), access("a2", 40*minute), read("b2", 50*minute)},
			want: []summary{{key: "alice|app1", anchor: "a1", first: 10 * minute, last: 50 * minute, count: 2}},
		},
		{
			name:   "access before From anchors but sensitive events before From are not reported",
			params: func(p *Params) { p.From = t0.Add(30 * minute) },
			rows:   []Row{access("a1", 0), read("b0", 20*minute), read("b1", 30*minute), read("b2", 40*minute)},
			want:   []summary{{key: "alice|app1", anchor: "a1", first: 30 * minute, last: 40 * minute, count: 2}},
		},
		{
			name:   "sensitive events after To are not reported and To is inclusive",
			params: func(p *Params) { p.To = t0.Add(30 * minute) },
			rows:   []Row{access("a1", 0), read("b1", 10*minute), read("b2", 30*minute), read("b3", 30*minute+time.Millisecond)},
			want:   []summary{{key: "alice|app1", anchor: "a1", first: 10 * minute, last: 30 * minute, count: 2}},
		},
		{
			name:   "approved app is dropped",
			params: func(p *Params) { p.ApprovedApps = map[string]bool{"app1": true} },
			rows:   []Row{access("a1", 0), read("b1", minute), access("a2", 0, app("app2")), read("b2", minute, app("app2"))},
			want:   []summary{{key: "alice|app2", anchor: "a2", first: minute, last: minute, count: 1}},
		},
		{
			name: "approved app is kept and marked with includeApproved",
			params: func(p *Params) {
				p.ApprovedApps = map[string]bool{"app1": true}
				p.IncludeApproved = true
			},
			rows: []Row{access("a1", 0), read("b1", minute), access("a2", 0, app("app2")), read("b2", minute, app("app2"))},
			want: []summary{
				{key: "alice|app1", anchor: "a1", first: minute, last: minute, count: 1, approved: true},
				{key: "alice|app2", anchor: "a2", first: minute, last: minute, count: 1},
			},
		},
		{
			name: "input order does not matter to Detect",
			rows: []Row{read("b2", 2*minute, actor("bob")), read("b1", minute), access("a2", 0, actor("bob")), access("a1", 0)},
			want: []summary{
				{key: "alice|app1", anchor: "a1", first: minute, last: minute, count: 1},
				{key: "bob|app1", anchor: "a2", first: 2 * minute, last: 2 * minute, count: 1},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := baseParams()
			if tc.params != nil {
				tc.params(&p)
			}
			eps, err := Detect(p, tc.rows)
			if err != nil {
				t.Fatalf("Detect: %v", err)
			}
			if got := summarize(eps); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("episodes:\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// TestEpisodeFields checks the reported identity, anchor and aggregates.
func TestEpisodeFields(t *testing.T) {
	p := baseParams()
	p.CorrelateBy = []string{FieldActorID}
	rows := []Row{
		row("g1", 0, event.CategoryGrant, event.AuthInteractive, action("app.oauth2.consent.grant"), func(r *Row) {
			r.SrcIP, r.TokenID, r.AppName = "198.51.100.9", "tok-1", "Exfil Helper"
		}),
		read("b1", minute, action("files.download"), target("q3.xlsx"), func(r *Row) { r.AppName, r.TokenID = "", "" }),
		read("b2", 2*minute, action("files.download"), target("q3.xlsx"), sens(event.SensitivityLow)),
		row("c1", 3*minute, event.CategoryConfigChange, event.AuthOAuth, action("admin.mfa.disable"), target("tenant")),
		read("b3", 4*minute, action("drive.export"), target("hr.pdf")),
		read("b4", 5*minute, action("drive.export"), target("a.pdf")),
		read("b5", 6*minute, action("drive.export"), target("b.pdf")),
		read("b6", 7*minute, action("drive.export"), target("c.pdf")),
	}
	eps, err := Detect(p, rows)
	if err != nil {
		t.Fatalf("Detect: %v", err)
	}
	if len(eps) != 1 {
		t.Fatalf("got %d episodes, want 1", len(eps))
	}
	ep := eps[0]
	checks := []struct {
		name      string
		got, want any
	}{
		{"ID", ep.ID, episodeID([]string{FieldActorID}, []string{"alice"}, "b1")},
		{"Key", ep.Key, []string{"alice"}},
		{"AppName falls back to the anchor", ep.AppName, "Exfil Helper"},
		{"TokenID falls back to the anchor", ep.TokenID, "tok-1"},
		{"ActorName from the first sensitive event", ep.ActorName, "Alice"},
		{"AccessTime", ep.AccessTime, t0},
		{"AccessAction", ep.AccessAction, "app.oauth2.consent.grant"},
		{"AccessIP", ep.AccessIP, "198.51.100.9"},
		{"AccessCategory", ep.AccessCategory, "grant"},
		{"FirstSensitive", ep.FirstSensitive, t0.Add(minute)},
		{"LastSensitive", ep.LastSensitive, t0.Add(7 * minute)},
		{"SensitiveCount", ep.SensitiveCount, 7},
		{"DataAccessCount", ep.DataAccessCount, 6},
		{"ConfigChangeCount", ep.ConfigChangeCount, 1},
		{"MaxSensitivity", ep.MaxSensitivity, event.SensitivityHigh},
		{"Actions distinct and sorted", ep.Actions, []string{"admin.mfa.disable", "drive.export", "files.download"}},
		{"Targets first 5 distinct in order", ep.Targets, []string{"q3.xlsx", "tenant", "hr.pdf", "a.pdf", "b.pdf"}},
		{"Score", ep.Score, pointsBase + pointsConfigChange + pointsHighSensitivity + pointsFreshGrant},
		{"Severity", ep.Severity, SeverityCritical},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

// TestEpisodeIDStable checks that the ID depends on the key and the first
// sensitive event only, so it survives re-running the same query.
func TestEpisodeIDStable(t *testing.T) {
	rows := []Row{access("a1", 0), read("b1", minute), read("b2", 2*minute)}
	first, err := Detect(baseParams(), rows)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Detect(baseParams(), append(rows, read("b3", 3*minute)))
	if err != nil {
		t.Fatal(err)
	}
	other, err := Detect(baseParams(), []Row{access("a1", 0), read("b0", 30*time.Second), read("b1", minute)})
	if err != nil {
		t.Fatal(err)
	}
	if first[0].ID != again[0].ID {
		t.Errorf("ID changed when a later event was added: %s vs %s", first[0].ID, again[0].ID)
	}
	if first[0].ID == other[0].ID {
		t.Errorf("ID %s did not change with the first sensitive event", first[0].ID)
	}
	if a, b := episodeID([]string{"actor_id", "app_id"}, []string{"a", "bc"}, "x"), episodeID([]string{"actor_id", "app_id"}, []string{"ab", "c"}, "x"); a == b {
		t.Errorf("keys (a,bc) and (ab,c) share ID %s", a)
	}
}
