package chsql

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/event"
)

// The baselines' lists come hashed by ClickHouse, as text (see hashed), and are looked up with
// hashes computed in Go (event.Hash, event.AgentHash): the two must agree
// on every string, or every network would look new to the scorer.
func TestHashedListsMatchGo(t *testing.T) {
	s := chlocal.ForTest(t)
	ctx := context.Background()
	networks := []string{"203.0.113.0/24", "2001:db8:1::/48", "", "ünïcödé ☃", "quote ' and \\ backslash", strings.Repeat("x", 300)}
	pairs := []struct{ net, app string }{{"203.0.113.0/24", "0oa1b2c3"}, {"198.51.100.0/24", "app|with|pipes"}, {"", "lonely-app"}}
	var lits []string
	for _, p := range pairs {
		lits = append(lits, p.net+"|"+p.app)
	}
	array := func(vals []string) string {
		return "[" + strings.TrimSuffix(strings.TrimPrefix(QuoteList(vals), "("), ")") + "]"
	}
	out, err := s.Exec(ctx, fmt.Sprintf("SELECT %s, %s FORMAT TSV", hashed(array(networks)), networkAppLists(array(lits))), nil)
	if err != nil {
		t.Fatal(err)
	}
	cols := strings.Split(strings.TrimSuffix(out, "\n"), "\t")
	if len(cols) != 3 {
		t.Fatalf("want 3 columns, got %q", out)
	}
	want := func(vals []string) string {
		var hs []string
		for _, v := range vals {
			hs = append(hs, fmt.Sprint(event.Hash(v)))
		}
		return strings.Join(hs, ",")
	}
	var nets, apps []string
	for _, p := range pairs {
		nets, apps = append(nets, p.net), append(apps, p.app)
	}
	for i, w := range []string{want(networks), want(nets), want(apps)} {
		if cols[i] != w {
			t.Errorf("column %d: ClickHouse %s, Go %s", i, cols[i], w)
		}
	}
	out, err = s.Exec(ctx, "SELECT "+numbers("[toUInt32(0), toUInt32(4294967295)]")+", "+hashed("CAST([] AS Array(String))")+" FORMAT TSV", nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := "0,4294967295\t\n"; out != want {
		t.Errorf("numbers and an empty list: %q, want %q", out, want)
	}
	for _, ua := range []string{"", "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0", "python-requests/2.31.0", "ünï 12 cödé"} {
		out, err := s.Exec(ctx, "SELECT "+strings.ReplaceAll(AgentHashSQL, "user_agent", Quote(ua))+" FORMAT TSV", nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := strings.TrimSpace(out), fmt.Sprint(event.AgentHash(ua)); got != want {
			t.Errorf("agent %q: ClickHouse %s, Go %s", ua, got, want)
		}
	}
}
