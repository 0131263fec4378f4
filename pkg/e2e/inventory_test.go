package e2e

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// appTruth is what the apps inventory must say about one app, computed in
// Go from the events the world loaded: an independent second count.
type appTruth struct {
	first, last     time.Time
	actors          map[string]bool
	grants, revokes int64
	scopes          map[string]bool
}

func appsTruth(events []event.Event, tick time.Duration, from, to time.Time) map[string]*appTruth {
	out := map[string]*appTruth{}
	for _, e := range events {
		e.EventTime = e.EventTime.Truncate(tick) // what the table keeps
		if e.AppID == "" || e.EventTime.Before(from) || e.EventTime.After(to) {
			continue
		}
		k := e.Tenant + "|" + e.Source + "|" + e.AppID
		a := out[k]
		if a == nil {
			a = &appTruth{first: e.EventTime, last: e.EventTime, actors: map[string]bool{}, scopes: map[string]bool{}}
			out[k] = a
		}
		a.first, a.last = minTime(a.first, e.EventTime), maxTime(a.last, e.EventTime)
		if e.ActorID != "" {
			a.actors[e.ActorID] = true
		}
		switch e.Category {
		case event.CategoryGrant:
			a.grants++
		case event.CategoryRevoke:
			a.revokes++
		}
		for _, s := range e.Scopes {
			a.scopes[s] = true
		}
	}
	return out
}

// The inventory through the plugin binary over the posture world: every
// app row agrees with a count made in Go from the same events, the approved
// automation is marked, a planted chain's app carries its last episode, and
// grants, tokens, require, count and the row cap behave as documented.
func TestPostureInventoryThroughPlugin(t *testing.T) {
	f := newFixture(t)
	events, truth := f.loadWorld(t)
	h := launch(t)
	pc := pluginContext(t, f.settings(worldSettings(truth)))
	from, to := worldEnd.Add(-7*24*time.Hour), worldEnd
	inv := func(ref string, js map[string]any) backend.DataQuery {
		js["queryType"] = "inventory"
		return query(ref, "", js, from, to)
	}
	resp, err := h.QueryData(context.Background(), &backend.QueryDataRequest{PluginContext: pc, Queries: []backend.DataQuery{
		inv("APPS", map[string]any{"limit": 10000}),
		query("SEQ", "sequences", nil, from, to),
		inv("CAPPED", map[string]any{"limit": 3}),
		inv("PRIV", map[string]any{"require": []string{"privileged", "unapproved"}, "limit": 10000}),
		inv("PRIVCOUNT", map[string]any{"require": []string{"privileged", "unapproved"}, "format": "count"}),
		inv("GRANTS", map[string]any{"kind": "grants", "filters": []map[string]any{{"field": "source", "op": "in", "values": []string{"m365", "github"}}}, "limit": 12}),
		inv("TOKENS", map[string]any{"kind": "tokens", "longLivedDays": 20, "unusedDays": 5, "limit": 10000}),
	}})
	if err != nil {
		t.Fatal(err)
	}

	apps := single(t, ok(t, resp, "APPS"))
	tick := time.Millisecond
	if f.variant == schema.Legacy {
		tick = time.Second
	}
	// The window the inventory reads: the panel range and baselineDays (30,
	// the setting's default) before it.
	want := appsTruth(events, tick, from.Add(-30*24*time.Hour), to)
	if apps.Rows() != len(want) {
		t.Errorf("%d app rows, want %d (every tenant, source and app id seen)", apps.Rows(), len(want))
	}
	approved := map[string]bool{}
	for _, a := range truth.ApprovedApps {
		approved[a] = true
	}
	for i := range apps.Rows() {
		k := stringAt(t, apps, "tenant", i) + "|" + stringAt(t, apps, "source", i) + "|" + stringAt(t, apps, "app_id", i)
		w := want[k]
		if w == nil {
			t.Errorf("row %d: app %s is not in the events", i, k)
			continue
		}
		got := fmt.Sprint(at(apps, "first_seen", i), at(apps, "last_seen", i), at(apps, "actors", i), at(apps, "grants", i), at(apps, "revokes", i), at(apps, "scopes", i))
		exp := fmt.Sprint(w.first.UTC(), w.last.UTC(), int64(len(w.actors)), w.grants, w.revokes, strings.Join(slices.Sorted(maps.Keys(w.scopes)), " "))
		if got != exp {
			t.Errorf("app %s:\n got %s\nwant %s", k, got, exp)
		}
		if at(apps, "approved", i).(bool) != approved[stringAt(t, apps, "app_id", i)] {
			t.Errorf("app %s: approved = %v", k, at(apps, "approved", i))
		}
		if at(apps, "rare", i).(bool) != (len(w.actors) <= 2) || at(apps, "new", i).(bool) != !w.first.Before(from) {
			t.Errorf("app %s: rare %v new %v with %d actors first seen %s", k, at(apps, "rare", i), at(apps, "new", i), len(w.actors), w.first)
		}
		if stringAt(t, apps, "response", i) == "" {
			t.Errorf("app %s has no response", k)
		}
	}
	// Each app's last episode is the latest episode of the sequences query.
	seq := single(t, ok(t, resp, "SEQ"))
	lastEp, lastAt := map[string]string{}, map[string]time.Time{}
	for i := range seq.Rows() { // rows are by score: find each app's latest by its first sensitive time
		app, id, first := stringAt(t, seq, "app_id", i), stringAt(t, seq, "episode_id", i), at(seq, "first_sensitive_time", i).(time.Time)
		if cur, ok := lastAt[app]; !ok || first.After(cur) || (first.Equal(cur) && id < lastEp[app]) {
			lastEp[app], lastAt[app] = id, first
		}
	}
	if len(lastEp) == 0 {
		t.Fatal("the world's planted chains gave no episodes in the last week")
	}
	for i := range apps.Rows() {
		app := stringAt(t, apps, "app_id", i)
		if got := stringAt(t, apps, "last_episode_id", i); lastEp[app] != "" && got != lastEp[app] {
			t.Errorf("app %s: last episode %q, want %q", app, got, lastEp[app])
		}
	}

	capped := single(t, ok(t, resp, "CAPPED"))
	if capped.Rows() != 3 || len(capped.Meta.Notices) == 0 || !strings.Contains(capped.Meta.Notices[0].Text, "showing the 3 most recently seen") {
		t.Errorf("a capped inventory shows the limit and says so: %s %+v", describe(capped), capped.Meta.Notices)
	}
	priv := single(t, ok(t, resp, "PRIV"))
	for i := range priv.Rows() {
		if !at(priv, "privileged", i).(bool) || at(priv, "approved", i).(bool) || stringAt(t, priv, "privileged_scopes", i) == "" {
			t.Errorf("require [privileged, unapproved] let through row %d: %s", i, stringAt(t, priv, "app_id", i))
		}
	}
	if priv.Rows() == 0 {
		t.Error("the world has unapproved apps holding mail or file scopes; none were listed")
	}
	if n := single(t, ok(t, resp, "PRIVCOUNT")).Fields[0].At(0).(float64); n != float64(priv.Rows()) {
		t.Errorf("count %g, table %d rows", n, priv.Rows())
	}

	grants := single(t, ok(t, resp, "GRANTS"))
	for i := range grants.Rows() {
		if src := stringAt(t, grants, "source", i); src != "m365" && src != "github" {
			t.Errorf("the source filter let %s through", src)
		}
		if revoked, at := at(grants, "revoked", i).(bool), at(grants, "revoked_at", i).(*time.Time); revoked != (at != nil) {
			t.Errorf("grant row %d: revoked %v but revoked_at %v", i, revoked, at)
		}
		if c := stringAt(t, grants, "consent", i); !slices.Contains([]string{"admin", "user", "unknown"}, c) {
			t.Errorf("consent %q", c)
		}
	}

	tokens := single(t, ok(t, resp, "TOKENS"))
	for i := range tokens.Rows() {
		created, lastUsed := at(tokens, "created", i).(time.Time), at(tokens, "last_used", i).(*time.Time)
		longLived, unused, revoked := at(tokens, "long_lived", i).(bool), at(tokens, "unused", i).(bool), at(tokens, "revoked", i).(bool)
		if longLived != !created.After(to.Add(-20*24*time.Hour)) {
			t.Errorf("token row %d: long_lived %v, created %s (longLivedDays 20 before %s)", i, longLived, created, to)
		}
		idle := lastUsed == nil || lastUsed.Before(to.Add(-5*24*time.Hour))
		if unused != (longLived && !revoked && idle) {
			t.Errorf("token row %d: unused %v, long-lived %v, revoked %v, last used %v (unusedDays 5)", i, unused, longLived, revoked, lastUsed)
		}
		if src := stringAt(t, tokens, "source", i); src == noTokenIDSource {
			t.Errorf("the world dropped %s's token ids, yet a %s token is listed", src, src)
		}
	}
	if tokens.Rows() == 0 {
		t.Error("no tokens listed")
	}
	f.checkGolden(t, "inventory_grants_world", resp.Responses["GRANTS"])
}

func at(f *data.Frame, name string, row int) any {
	fld, _ := f.FieldByName(name)
	if fld == nil {
		return fmt.Sprintf("<no field %s>", name)
	}
	v := fld.At(row)
	if tm, ok := v.(time.Time); ok {
		return tm.UTC()
	}
	return v
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
