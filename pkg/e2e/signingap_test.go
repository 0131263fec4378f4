package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// AN0528 through the plugin binary: token use with no interactive sign-in
// by the same actor within signinWindow. A use hours after the morning's
// sign-in is uncovered even though a failed sign-in came just before it; a
// use right after a sign-in is covered; a service that never signs in is
// not compared at all.
func TestAN0528ThroughPlugin(t *testing.T) {
	f := newFixture(t)
	t0 := time.Date(2026, 11, 12, 8, 0, 0, 0, time.UTC)
	ev := func(at time.Duration, id, source, action, category, auth, outcome, actor, app string) map[string]any {
		return map[string]any{"event_time": t0.Add(at), "event_id": id, "tenant": "acme", "source": source, "action": action,
			"category": category, "auth_method": auth, "outcome": outcome, "actor_id": actor, "app_id": app, "app_name": app,
			"target_name": "mailbox of " + actor, "sensitivity": 3}
	}
	h := time.Hour
	f.insert(t, "saas_audit_events", []map[string]any{
		ev(0, "s1", "m365", "UserLoggedIn", "signin", "interactive", "success", "ana@acme.example", "office"),
		ev(h, "u1", "m365", "MailItemsAccessed", "data_access", "oauth", "success", "ana@acme.example", "mailsync"),
		ev(13*h+30*time.Minute, "f1", "m365", "UserLoginFailed", "signin", "interactive", "failure", "ana@acme.example", "office"),
		ev(14*h, "u2", "m365", "MailItemsAccessed", "data_access", "oauth", "success", "ana@acme.example", "mailsync"),
		ev(14*h+10*time.Minute, "u3", "m365", "MailItemsAccessed", "data_access", "oauth", "success", "ana@acme.example", "mailsync"),
		ev(2*h, "b1", "m365", "UserLoggedIn", "signin", "interactive", "success", "bob@acme.example", "office"),
		ev(3*h, "b2", "m365", "MailItemsAccessed", "data_access", "oauth", "success", "bob@acme.example", "mailsync"),
		ev(5*h, "v1", "m365", "MailItemsAccessed", "data_access", "service_account", "success", "svc-archiver", "archiver"),
		ev(15*h, "v2", "m365", "MailItemsAccessed", "data_access", "service_account", "success", "svc-archiver", "archiver"),
	})
	hst := launch(t)
	pc := pluginContext(t, f.settings(nil))
	from, to := t0, t0.Add(24*h)
	preset := map[string]any{"preset": "an0528", "signinWindow": "12h"}
	resp, err := hst.QueryData(context.Background(), &backend.QueryDataRequest{PluginContext: pc, Queries: []backend.DataQuery{
		query("SEQ", "sequences", preset, from, to),
		query("NUM", "sequenceCounts", map[string]any{"preset": "an0528", "format": "numeric", "groupBy": []string{"actor_id"}}, from, to),
	}})
	if err != nil {
		t.Fatal(err)
	}
	seq := single(t, ok(t, resp, "SEQ"))
	if seq.Rows() != 1 {
		t.Fatalf("want ana's uncovered mail reads as one episode, got %s", describe(seq))
	}
	for name, want := range map[string]any{
		"actor_id": "ana@acme.example", "app_id": "mailsync", "sensitive_count": int64(2),
		"first_sensitive_time": t0.Add(14 * h), "attack_analytic": "AN0528", "attack_strategy": "DET0185", "attack_technique": "T1550.001",
	} {
		if got := at(seq, name, 0); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	if got := numericLong(t, single(t, ok(t, resp, "NUM"))); len(got) != 1 || got["ana@acme.example"] != 1 {
		t.Errorf("counts by actor: %v, want ana only", got)
	}
}
