package engine

import (
	"reflect"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

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
