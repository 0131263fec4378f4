package store_test

import (
	"context"
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/tokentrail/tokentrail/pkg/chsql"
	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/risk"
	"github.com/tokentrail/tokentrail/pkg/store"
)

// TestRankKeepsTheEpisodeSet: scoring orders and labels; without
// minSeverity and below the cap, Rank returns exactly Sequences' episodes.
// minSeverity and the cap then narrow the same set, best first.
func TestRankKeepsTheEpisodeSet(t *testing.T) {
	h := newHarness(t)
	w := newRiskWorld()
	st := h.open(t, h.table(t, "rank_set", w.rows), nil)
	q, err := models.ParseQuery([]byte(`{}`), "", w.start, w.start.AddDate(0, 0, 2))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := h.sequences(t, st, q)
	all, err := st.Rank(context.Background(), q, store.RankOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if all.Found != len(plain) || all.Matched != len(plain) || len(all.Episodes) != len(plain) {
		t.Fatalf("Rank found %d, matched %d, kept %d; Sequences gave %d", all.Found, all.Matched, len(all.Episodes), len(plain))
	}
	ids := map[string]bool{}
	for _, ep := range plain {
		ids[ep.ID] = true
	}
	for i, ep := range all.Episodes {
		if !ids[ep.ID] {
			t.Errorf("Rank returned episode %s that Sequences did not", ep.ID)
		}
		if i > 0 && risk.Compare(&all.Episodes[i-1], &ep) > 0 {
			t.Errorf("episodes %d and %d are out of rank order", i-1, i)
		}
	}
	capped, err := st.Rank(context.Background(), q, store.RankOptions{Keep: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(capped.Episodes) != 2 || capped.Matched != len(plain) || capped.Episodes[0].ID != all.Episodes[0].ID || capped.Episodes[1].ID != all.Episodes[1].ID {
		t.Errorf("cap 2 kept %d episodes (matched %d), want the two best of %d", len(capped.Episodes), capped.Matched, len(plain))
	}
	q.MinSeverity = risk.SeverityHigh
	high, err := st.Rank(context.Background(), q, store.RankOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, ep := range all.Episodes {
		if risk.SeverityRank(ep.Severity) >= risk.SeverityRank(risk.SeverityHigh) {
			want++
		}
	}
	if want == 0 || want == len(plain) || high.Matched != want || len(high.Episodes) != want {
		t.Errorf("minSeverity high kept %d (matched %d), want %d of %d", len(high.Episodes), high.Matched, want, len(plain))
	}
	// Visit sees the matched episodes, scored as the heap keeps them, and
	// nothing is kept.
	scores := map[string]int{}
	for _, ep := range high.Episodes {
		scores[ep.ID] = ep.Score
	}
	visited := map[string]int{}
	seen, err := st.Rank(context.Background(), q, store.RankOptions{Visit: func(ep *engine.Episode) { visited[ep.ID] = ep.Score }})
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(visited, scores) || len(seen.Episodes) != 0 || seen.Matched != want {
		t.Errorf("Visit saw %d episodes (matched %d, kept %d), want the %d that minSeverity high keeps, with their scores", len(visited), seen.Matched, len(seen.Episodes), want)
	}
	if !strings.Contains(all.SQL, "tt_actors") || !strings.Contains(all.SQL, "windowFunnel") {
		t.Errorf("executed SQL lacks the sequence or baseline statements:\n%s", all.SQL)
	}
}

// TestRankWithoutBaselines: baselineDays 0 reads no history and reports
// every history signal as unknown, while the episode set stays the same.
func TestRankWithoutBaselines(t *testing.T) {
	h := newHarness(t)
	w := newRiskWorld()
	st := h.open(t, h.table(t, "rank_nobase", w.rows), nil)
	q, err := models.ParseQuery([]byte(`{"baselineDays": 0}`), "", w.start, w.start.AddDate(0, 0, 2))
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.Rank(context.Background(), q, store.RankOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(got.SQL, "tt_keys") {
		t.Errorf("baselineDays 0 still ran the baseline statements")
	}
	for _, ep := range got.Episodes {
		if len(ep.Unknown) < 10 {
			t.Errorf("episode %v: unknown signals %q, want every history signal", ep.Key, ep.Unknown)
		}
	}
}

// TestNetworkPrefixMatchesSQL: the network rule in Go (event.NetworkPrefix,
// for episodes) and in SQL (chsql.NetworkWith, for baselines) agree on
// every address shape, or a key would look new on its own network.
func TestNetworkPrefixMatchesSQL(t *testing.T) {
	h := newHarness(t)
	ips := []string{"203.0.113.7", "10.0.0.255", "01.2.3.4", "300.1.1.1", "1.2.3", "1.2.3.4:80", "2001:db8:abcd:12::1",
		"2001:DB8:ABCD:FFFF:1:2:3:4", "2001:db8::1.2.3.4", "::ffff:1.2.3.4", "::1", "fe80::1", "fe80::1%eth0", "", "unknown", " 1.2.3.4"}
	var rows []engine.Row
	for i, a := range ips {
		rows = append(rows, engine.Row{EventTime: newRiskWorld().start, EventID: string(rune('a' + i)), ActorID: "x", AppID: "y",
			Category: event.CategoryOther, AuthMethod: event.AuthUnknown, SrcIP: a})
	}
	table := h.table(t, "networks", rows)
	version, _ := h.server.Exec(context.Background(), "SELECT version()", nil)
	major := 0
	for _, c := range strings.TrimSpace(version) {
		if c < '0' || c > '9' {
			break
		}
		major = major*10 + int(c-'0')
	}
	out, err := h.server.Exec(context.Background(), "WITH "+chsql.NetworkWith(major)+" SELECT src_ip, net FROM "+h.db+"."+table+" ORDER BY event_id FORMAT JSONEachRow", nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r struct{ SrcIP, Net string }
		if err := json.Unmarshal([]byte(strings.NewReplacer(`"src_ip"`, `"SrcIP"`, `"net"`, `"Net"`).Replace(line)), &r); err != nil {
			t.Fatal(err)
		}
		if want := event.NetworkPrefix(r.SrcIP); r.Net != want {
			t.Errorf("%q: ClickHouse says %q, Go says %q", r.SrcIP, r.Net, want)
		}
		n++
	}
	if n != len(ips) {
		t.Errorf("compared %d addresses, want %d", n, len(ips))
	}
}

// TestAgentFamilyMatchesSQL: the user-agent family rule agrees in Go (for
// episodes) and in the baseline statement (for history).
func TestAgentFamilyMatchesSQL(t *testing.T) {
	h := newHarness(t)
	agents := []string{"python-requests/2.32.3", "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17531)", "", "git/2.45.2",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", "ünïcødé 12 ☃ 3", strings.Repeat("x1", 150)}
	var rows []engine.Row
	for i, a := range agents {
		rows = append(rows, engine.Row{EventTime: newRiskWorld().start, EventID: string(rune('a' + i)), ActorID: "x", AppID: "y",
			Category: event.CategoryOther, AuthMethod: event.AuthUnknown, UserAgent: a})
	}
	table := h.table(t, "agents", rows)
	sql, err := chsql.KeyDays(chsql.BaselineSpec{Database: h.db, Table: table, WindowStart: newRiskWorld().start.AddDate(0, 0, -1),
		To: newRiskWorld().start.AddDate(0, 0, 1), CorrelateBy: []string{"actor_id", "app_id"}, Variant: h.variant})
	if err != nil {
		t.Fatal(err)
	}
	// The agents column of the key-days statement, for a table without the
	// external key list: every row is the one key (x, y).
	sql = strings.Replace(sql, "WHERE (actor_id, app_id) IN (SELECT actor_id, app_id FROM tt_keys)", "WHERE 1", 1)
	out, err := h.server.Exec(context.Background(), "SELECT arraySort(agents) FROM ("+sql+") FORMAT JSONEachRow", nil)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Agents []string `json:"arraySort(agents)"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	want := map[string]bool{}
	for _, a := range agents {
		if f := event.AgentFamily(a); f != "" {
			want[f] = true
		}
	}
	if len(got.Agents) != len(want) {
		t.Errorf("ClickHouse families %q, Go families %v", got.Agents, want)
	}
	for _, f := range got.Agents {
		if !want[f] {
			t.Errorf("ClickHouse family %q is not one Go computes", f)
		}
	}
}
