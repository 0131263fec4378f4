package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/tokentrail/tokentrail/pkg/catalog"
	"github.com/tokentrail/tokentrail/pkg/chhttp"
	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/ingest"
	"github.com/tokentrail/tokentrail/pkg/normalize"
)

// The Microsoft 365 chain of the public dataset, as vendor records: a user
// consents to an app for Mail.ReadWrite (the record names the service
// principal's object id only), adds a secret to it, reads mail in Outlook,
// and seven minutes after the consent Graph reads the mailbox with the app's
// client id. The two ids never meet in one record, so no normalizer can
// link them; the default key cannot tie the mail read to the consent, the
// broad preset must.
func loadBroadChain(t *testing.T, f *fixture) []event.Event {
	t.Helper()
	n, err := normalize.New(event.SourceMicrosoft, catalog.Default())
	if err != nil {
		t.Fatal(err)
	}
	file, err := os.Open("testdata/m365_broad_chain.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	var events []event.Event
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		evs, err := n.Normalize(json.RawMessage(sc.Bytes()))
		if err != nil {
			t.Fatalf("the M365 normalizer rejected a chain record: %v", err)
		}
		events = append(events, evs...)
	}
	if len(events) != 4 || events[0].AppID == events[3].AppID {
		t.Fatalf("the chain must normalize to 4 events whose grant and mail read name the app differently, got %+v", events)
	}
	w, err := ingest.NewWriter(context.Background(), &chhttp.Client{BaseURL: f.server.HTTPURL(), User: "default"}, f.db, "saas_audit_events")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.Write(context.Background(), events); err != nil {
		t.Fatal(err)
	}
	return events
}

func TestBroadPresetFindsTheM365Chain(t *testing.T) {
	f := newFixture(t)
	events := loadBroadChain(t, f)
	h := launch(t)
	pc := pluginContext(t, f.settings(nil))
	from, to := events[0].EventTime.Add(-time.Hour), events[0].EventTime.Add(time.Hour)
	actor := map[string]any{"filters": []map[string]any{{"field": "actor_id", "op": "=", "values": []string{events[0].ActorID}}}}
	withPreset := func(preset string, extra map[string]any) map[string]any {
		js := map[string]any{"preset": preset}
		for k, v := range extra {
			js[k] = v
		}
		return js
	}
	resp, err := h.QueryData(context.Background(), &backend.QueryDataRequest{PluginContext: pc, Queries: []backend.DataQuery{
		query("DEFAULT", "sequences", withPreset("an0020", nil), from, to),
		query("BROAD", "sequences", withPreset("an0020-broad", nil), from, to),
		query("ANNO", "sequences", withPreset("an0020-broad", map[string]any{"format": "annotations"}), from, to),
		query("ROLES", "timeline", withPreset("an0020-broad", actor), from, to),
		query("ROLES0", "timeline", withPreset("an0020", actor), from, to),
	}})
	if err != nil {
		t.Fatal(err)
	}
	// The default key sees the consent and the secret added to the same
	// object id, but never links them to the mail read of the client id.
	def := single(t, ok(t, resp, "DEFAULT"))
	for i := range def.Rows() {
		if strings.Contains(stringAt(t, def, "actions", i), "MailItemsAccessed") {
			t.Errorf("the default key (actor_id, app_id) cannot link the consent to the mail read, yet episode %d has it", i)
		}
	}
	broad := single(t, ok(t, resp, "BROAD"))
	if broad.Rows() != 1 {
		t.Fatalf("an0020-broad: %d episodes, want the one chain (%s)", broad.Rows(), describe(broad))
	}
	checks := map[string]any{
		"actor_id": events[0].ActorID, "access_action": "Consent to application.",
		"sensitive_count": int64(2), "actions": "Add service principal credentials., MailItemsAccessed",
		"access_time": events[0].EventTime.UTC(), "last_sensitive_time": events[3].EventTime.UTC(),
	}
	for name, want := range checks {
		if got := at(broad, name, 0); got != want {
			t.Errorf("broad episode %s = %v, want %v", name, got, want)
		}
	}
	if got := at(broad, "timeline_app", 0); got != "%" {
		t.Errorf("the broad episode's timeline link must show every app of the actor, got app pattern %v", got)
	}
	if resp := stringAt(t, broad, "response", 0); !strings.Contains(resp, "permission grants") || !strings.Contains(resp, "Revoke the user's sessions") {
		t.Errorf("a consent-anchored M365 episode: remove the grants, then revoke sessions; got %q", resp)
	}
	anno := single(t, ok(t, resp, "ANNO"))
	if anno.Rows() != 1 || !strings.HasPrefix(stringAt(t, anno, "text", 0), strings.ToUpper(stringAt(t, broad, "severity", 0))+" (score ") {
		t.Errorf("annotation must lead with the severity: %s", describe(anno))
	}
	wantRoles := map[string][2]string{ // action -> role under the broad rule, under an0020
		"Consent to application.":            {"access", "access"},
		"Add service principal credentials.": {"sensitive", "sensitive"},
		"MailItemsAccessed/interactive":      {"other", "sensitive"},
		"MailItemsAccessed/oauth":            {"sensitive", "sensitive"},
	}
	for i, ref := range []string{"ROLES", "ROLES0"} {
		tl := single(t, ok(t, resp, ref))
		if tl.Rows() != 4 {
			t.Fatalf("%s: %d events, want 4", ref, tl.Rows())
		}
		for r := range tl.Rows() {
			key := stringAt(t, tl, "action", r)
			if key == "MailItemsAccessed" {
				key += "/" + stringAt(t, tl, "auth_method", r)
			}
			if got := stringAt(t, tl, "role", r); got != wantRoles[key][i] {
				t.Errorf("%s: %s has role %q, want %q", ref, key, got, wantRoles[key][i])
			}
		}
	}
	f.checkGolden(t, "sequences_broad_chain", resp.Responses["BROAD"])
}

// Dashboard variables list actors, apps, tokens, sources and tenants from
// the table, most frequent first, narrowed by a prefix of the id or name.
func TestVariablesResource(t *testing.T) {
	f := newFixture(t)
	events := loadBroadChain(t, f)
	h := launch(t)
	pc := pluginContext(t, f.settings(nil))
	from, to := events[0].EventTime.Add(-time.Hour).UnixMilli(), events[0].EventTime.Add(time.Hour).UnixMilli()
	call := func(url string) (int, string) {
		out, err := h.CallResource(context.Background(), &backend.CallResourceRequest{PluginContext: pc, Path: "variables", Method: "GET", URL: url})
		if err != nil || len(out) != 1 {
			t.Fatalf("CallResource %s: %v", url, err)
		}
		return out[0].Status, string(out[0].Body)
	}
	cases := []struct {
		url    string
		status int
		want   string
	}{
		{"variables?kind=actors&prefix=JON&from=" + itoa(from) + "&to=" + itoa(to), 200, `{"values":[{"text":"jonas.berg@contoso.example","value":"jonas.berg@contoso.example"}]}`},
		{"variables?kind=apps&prefix=inbox&limit=1&from=" + itoa(from) + "&to=" + itoa(to), 200, `"text":"Inbox Organizer"`},
		{"variables?kind=tokens&from=" + itoa(from) + "&to=" + itoa(to), 200, `"value":"Zx81QmT4vL0aW9sK2pR7cA"`},
		{"variables?kind=sources&from=" + itoa(from) + "&to=" + itoa(to), 200, `{"values":[{"text":"m365","value":"m365"}]}`},
		{"variables?kind=tenants&prefix=%27%20OR%201%3D1&from=" + itoa(from) + "&to=" + itoa(to), 200, `{"values":[]}`},
		{"variables?kind=actors", 200, `{"values":[]}`}, // the last 30 days hold nothing of 2025
		{"variables?kind=passwords", 400, "use actors, apps, tokens, sources or tenants"},
		{"variables?kind=apps&limit=0", 400, "out of range: use 1-1000"},
		{"variables?kind=apps&from=yesterday", 400, "is not epoch milliseconds"},
		{"variables?kind=apps&from=20&to=10", 400, "to is before from"},
	}
	for _, c := range cases {
		status, body := call(c.url)
		if status != c.status || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %s, want %d containing %s", c.url, status, body, c.status, c.want)
		}
	}
}

func itoa(v int64) string {
	b, _ := json.Marshal(v)
	return string(b)
}
