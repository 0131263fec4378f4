package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"gopkg.in/yaml.v3"
)

// The Microsoft 365 chain of issue 7, from a public incident dataset: a
// user grants Mail.ReadWrite to an app, a secret is added to the app, and
// minutes later Graph reads the user's mail, with no sign-in. The grant
// names the app's service principal object id and the mail access its
// client id, so only correlateBy [actor_id] links them. The user has two
// weeks of ordinary history: a morning sign-in and Outlook syncing mail.
var chainDay = time.Date(2026, 11, 17, 0, 0, 0, 0, time.UTC) // a Tuesday

const (
	megan        = "megan@contoso.example"
	outlookApp   = "d3590ed6-52b3-4102-aeff-aad2292ab01c"
	chainSPObjID = "6f2ab3d1-9c1e-4a8f-8b0c-3f9e2d1c7a55" // the grant names the service principal
	chainClient  = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0" // Graph names the client id
)

func m365ChainFixture() []map[string]any {
	n := 0
	ev := func(at time.Time, action, category, auth, app, ip string, sens int, target string) map[string]any {
		n++
		return map[string]any{
			"event_time": at, "event_id": fmt.Sprintf("m365-%04d", n), "tenant": "contoso", "source": "m365", "action": action,
			"category": category, "auth_method": auth, "actor_id": megan, "actor_name": megan, "app_id": app,
			"src_ip": ip, "user_agent": "Microsoft Office/16.0", "target_name": target, "sensitivity": sens, "outcome": "success",
		}
	}
	var rows []map[string]any
	for d := -14; d < 0; d++ {
		day := chainDay.AddDate(0, 0, d)
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		rows = append(rows, ev(day.Add(9*time.Hour), "UserLoggedIn", "signin", "interactive", "", "203.0.113.10", 0, ""))
		for i := 0; i < 6; i++ {
			at := day.Add(9*time.Hour + time.Duration(i)*80*time.Minute)
			rows = append(rows, ev(at, "MailItemsAccessed", "data_access", "oauth", outlookApp, "203.0.113.10", 2, "megan inbox"))
		}
	}
	attacker := "192.0.2.77"
	t := chainDay.Add(2*time.Hour + 10*time.Minute)
	rows = append(rows,
		ev(t, "Consent to application.", "grant", "oauth", chainSPObjID, attacker, 2, "Mail Security Scan"),
		ev(t.Add(2*time.Minute), "Update application – Certificates and secrets management ", "config_change", "oauth", chainSPObjID, attacker, 3, "Mail Security Scan"),
	)
	for i := 0; i < 12; i++ {
		rows = append(rows, ev(t.Add(7*time.Minute+time.Duration(i)*20*time.Second), "MailItemsAccessed", "data_access", "oauth", chainClient, attacker, 3, fmt.Sprintf("message %d", i)))
	}
	return rows
}

// TestM365ChainScoresHighByActor runs the chain through the plugin binary
// with correlateBy [actor_id] and requires high or critical, with reasons
// that name what made it so. It also checks minSeverity and the severity
// grouping an alert rule uses.
func TestM365ChainScoresHighByActor(t *testing.T) {
	f := newFixture(t)
	f.insert(t, "saas_audit_events", m365ChainFixture())
	h := launch(t)
	pc := pluginContext(t, f.settings(nil))
	from, to := chainDay, chainDay.Add(24*time.Hour)
	resp, err := h.QueryData(context.Background(), &backend.QueryDataRequest{PluginContext: pc, Queries: []backend.DataQuery{
		query("ACTOR", "", map[string]any{"queryType": "sequences", "correlateBy": []string{"actor_id"}}, from, to),
		query("HIGH", "", map[string]any{"queryType": "sequenceCounts", "correlateBy": []string{"actor_id"}, "minSeverity": "high",
			"groupBy": []string{"actor_id", "severity"}}, from, to),
	}})
	if err != nil {
		t.Fatal(err)
	}
	seq := single(t, ok(t, resp, "ACTOR"))
	if seq.Rows() != 1 {
		t.Fatalf("correlateBy actor_id: %d episodes, want the one chain", seq.Rows())
	}
	sev, reasons := stringAt(t, seq, "severity", 0), stringAt(t, seq, "reasons", 0)
	if sev != "high" && sev != "critical" {
		t.Errorf("the chain scores %s (%v): %s", sev, seq.Fields[fieldIndex(t, seq, "score")].At(0), reasons)
	}
	for _, want := range []string{"app_credential_added", "fresh grant", "no interactive sign-in", "new network 192.0.2.0/24"} {
		if !strings.Contains(reasons, want) {
			t.Errorf("reasons do not mention %q: %s", want, reasons)
		}
	}
	counts := numericLong(t, single(t, ok(t, resp, "HIGH")))
	if len(counts) != 1 || (counts[megan+"|high"] != 1 && counts[megan+"|critical"] != 1) {
		t.Errorf("minSeverity high grouped by severity: %v, want the chain alone", counts)
	}
	// Only the actor key joins the grant (object id) with the mail reads
	// (client id) into one episode: the secret added and all twelve reads.
	if n := seq.Fields[fieldIndex(t, seq, "sensitive_count")].At(0).(int64); n != 13 {
		t.Errorf("the actor episode holds %d sensitive events, want 13", n)
	}
}

// TestProvisionedAlertRuleFiresOnHighOnly runs the provisioned alert rule's
// query, as Grafana's alerting would send it, over the chain day with
// Megan's Outlook syncing as usual: only high and critical episodes become
// alert instances, each labelled with its severity.
func TestProvisionedAlertRuleFiresOnHighOnly(t *testing.T) {
	f := newFixture(t)
	rows := m365ChainFixture()
	for i := 0; i < 6; i++ { // the usual sync on the chain day
		rows = append(rows, map[string]any{
			"event_time": chainDay.Add(9*time.Hour + time.Duration(i)*10*time.Minute), "event_id": fmt.Sprintf("sync-%d", i),
			"tenant": "contoso", "source": "m365", "action": "MailItemsAccessed", "category": "data_access", "auth_method": "oauth",
			"actor_id": megan, "actor_name": megan, "app_id": outlookApp, "src_ip": "203.0.113.10", "user_agent": "Microsoft Office/16.0",
			"target_name": "megan inbox", "sensitivity": 2, "outcome": "success",
		})
	}
	f.insert(t, "saas_audit_events", rows)
	model := provisionedAlertModel(t)
	h := launch(t)
	pc := pluginContext(t, f.settings(nil))
	day := backend.TimeRange{From: chainDay, To: chainDay.Add(24 * time.Hour)}
	resp, err := h.QueryData(context.Background(), &backend.QueryDataRequest{PluginContext: pc, Queries: []backend.DataQuery{
		{RefID: "A", JSON: model, TimeRange: day},
		{RefID: "ALL", JSON: []byte(`{"queryType":"sequences"}`), TimeRange: day},
	}})
	if err != nil {
		t.Fatal(err)
	}
	counts := numericLong(t, single(t, ok(t, resp, "A")))
	all := single(t, ok(t, resp, "ALL"))
	low := 0
	for i := 0; i < all.Rows(); i++ {
		if s := stringAt(t, all, "severity", i); s == "low" || s == "medium" {
			low++
		}
	}
	if low == 0 || len(counts) == 0 || len(counts) >= all.Rows() {
		t.Fatalf("fixture must hold both kinds: %d episodes, %d below high, %d alert instances", all.Rows(), low, len(counts))
	}
	for labels := range counts {
		if !strings.HasSuffix(labels, "|high") && !strings.HasSuffix(labels, "|critical") {
			t.Errorf("alert instance %s is below high", labels)
		}
		if strings.Contains(labels, outlookApp) {
			t.Errorf("the routine Outlook sync raised an alert: %s", labels)
		}
	}
}

// provisionedAlertModel reads refId A's model from the provisioned rule.
func provisionedAlertModel(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "provisioning", "alerting", "tokentrail-alerts.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Groups []struct {
			Rules []struct {
				Data []struct {
					RefID string         `yaml:"refId"`
					Model map[string]any `yaml:"model"`
				} `yaml:"data"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, g := range doc.Groups {
		for _, r := range g.Rules {
			for _, d := range r.Data {
				if d.RefID == "A" {
					js, err := json.Marshal(d.Model)
					if err != nil {
						t.Fatal(err)
					}
					return js
				}
			}
		}
	}
	t.Fatal("the provisioned alert rule has no query A")
	return nil
}
