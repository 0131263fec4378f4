package engine

import (
	"fmt"
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
			r.SrcIP, r.TokenID, r.AppName, r.UserAgent = "198.51.100.9", "tok-1", "Exfil Helper", "Mozilla/5.0"
		}),
		read("b1", minute, action("files.download"), target("q3.xlsx"), func(r *Row) {
			r.AppName, r.TokenID, r.UserAgent, r.SrcIP = "", "", "python-requests/2.32", "2001:db8:abcd:12::1"
		}),
		read("b2", 2*minute, action("files.download"), target("q3.xlsx"), sens(event.SensitivityLow)),
		row("c1", 3*minute, event.CategoryConfigChange, event.AuthOAuth, action("admin.mfa.disable"), target("tenant")),
		read("b3", 4*minute, action("drive.export"), target("hr.pdf")),
		read("b4", 5*minute, action("drive.export"), target("a.pdf")),
		read("b5", 6*minute, action("drive.export"), target("b.pdf")),
		read("b6", 7*minute, action("drive.export"), target("c.pdf")),
		read("b7", 61*minute, action("drive.export"), target("c.pdf"), sens(event.SensitivityMedium)),
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
		{"ID", ep.ID, EpisodeID([]string{FieldActorID}, []string{"alice"}, "b1")},
		{"Key", ep.Key, []string{"alice"}},
		{"AppName falls back to the anchor", ep.AppName, "Exfil Helper"},
		{"TokenID falls back to the anchor", ep.TokenID, "tok-1"},
		{"ActorName from the first sensitive event", ep.ActorName, "Alice"},
		{"AccessTime", ep.AccessTime, t0},
		{"AccessAction", ep.AccessAction, "app.oauth2.consent.grant"},
		{"AccessIP", ep.AccessIP, "198.51.100.9"},
		{"AccessCategory", ep.AccessCategory, "grant"},
		{"FirstSensitive", ep.FirstSensitive, t0.Add(minute)},
		{"LastSensitive", ep.LastSensitive, t0.Add(61 * minute)},
		{"SensitiveCount", ep.SensitiveCount, 8},
		{"DataAccessCount", ep.DataAccessCount, 7},
		{"ConfigChangeCount", ep.ConfigChangeCount, 1},
		{"MaxSensitivity", ep.MaxSensitivity, event.SensitivityHigh},
		{"Actions distinct and sorted", ep.Actions, []string{"admin.mfa.disable", "drive.export", "files.download"}},
		{"Targets first 5 distinct in order", ep.Targets, []string{"q3.xlsx", "tenant", "hr.pdf", "a.pdf", "b.pdf"}},
		{"AccessTokenID", ep.AccessTokenID, "tok-1"},
		{"Hours: UTC 12 (anchor) and 13", ep.Hours, uint32(1<<12 | 1<<13)},
		{"Networks of anchor and sensitive events", ep.Networks, []string{"198.51.100.0/24", "2001:db8:abcd::/48", "203.0.113.0/24"}},
		{"UserAgents distinct, empty skipped", ep.UserAgents, []string{"Mozilla/5.0", "python-requests/2.32"}},
		{"DistinctTargets", ep.DistinctTargets, 6},
		{"HighSensitivityCount", ep.HighSensitivityCount, 6},
		{"ConfigActions", ep.ConfigActions, []string{"admin.mfa.disable"}},
		{"engine leaves the score to pkg/risk", ep.Score, 0},
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
	if a, b := EpisodeID([]string{"actor_id", "app_id"}, []string{"a", "bc"}, "x"), EpisodeID([]string{"actor_id", "app_id"}, []string{"ab", "c"}, "x"); a == b {
		t.Errorf("keys (a,bc) and (ab,c) share ID %s", a)
	}
}

// TestEpisodeEvidenceBounded feeds an episode more networks, user agents and
// targets than it keeps: the lists stop at their bounds and the target
// count at MaxCountedTargets, so a long episode's size stays fixed.
func TestEpisodeEvidenceBounded(t *testing.T) {
	rows := []Row{access("a1", 0)}
	n := MaxCountedTargets + 50
	for i := 0; i < n; i++ {
		i := i
		rows = append(rows, row(fmt.Sprintf("b%05d", i), time.Duration(i)*time.Second, event.CategoryDataAccess, event.AuthOAuth, func(r *Row) {
			r.SrcIP = fmt.Sprintf("10.%d.%d.1", i/256, i%256)
			r.UserAgent = fmt.Sprintf("agent/%d", i)
			r.TargetName = fmt.Sprintf("file-%d", i)
		}))
	}
	eps, err := Detect(baseParams(), rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(eps) != 1 {
		t.Fatalf("got %d episodes, want 1", len(eps))
	}
	ep := eps[0]
	if len(ep.Networks) != MaxEvidence || len(ep.UserAgents) != MaxEvidence {
		t.Errorf("kept %d networks and %d user agents, want %d of each", len(ep.Networks), len(ep.UserAgents), MaxEvidence)
	}
	if ep.DistinctTargets != MaxCountedTargets {
		t.Errorf("DistinctTargets = %d, want the cap %d", ep.DistinctTargets, MaxCountedTargets)
	}
	if ep.SensitiveCount != n {
		t.Errorf("SensitiveCount = %d, want %d: the caps bound the evidence, not the counts", ep.SensitiveCount, n)
	}
}
