package sampleorg

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/catalog"
	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/normalize"
)

// TestEveryActKindRendersInBothModes drives every generator directly, so
// that no kind of act depends on a seed to be covered: every client's and
// admin tool's day, every service's run, every new app's consent, sync and
// removal, every filler session, every planted scenario, and every
// variant of the attacks on established keys. Each act is rendered both
// ways, and its vendor record, normalized by pkg/normalize, must equal the
// normalized row column by column.
func TestEveryActKindRendersInBothModes(t *testing.T) {
	cfg, err := testConfig(12, MinEvents, Normalized).withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	g := newGenerator(cfg)
	g.planting = true
	o := g.o
	day := localDay(cfg.rangeStart()) + 2
	for isWeekend(weekdayOf(day)) {
		day++
	}
	at := midnight(day, localOffset).Add(14 * time.Hour)
	for k := range clientKinds {
		c := o.byKind[k][0]
		for d := day; d < day+12; d++ {
			pl := o.planFor(c.owner, d)
			pl.works, pl.routine = true, true
			g.clientDay(c, &pl, 2)
			if d == day {
				g.morningSignIn(c.owner, &pl)
			}
		}
	}
	rng := g.detail(1, day)
	for _, s := range o.services {
		g.serviceRun(s, at, 1, true, rng)
		g.serviceTheft(s, at, style{ip: attackerIP(netHosting, 7), ua: "curl/8.5.0"}, 3)
	}
	for _, na := range o.newApps {
		for d := na.birth; d < na.birth+25; d++ {
			g.newAppDay(na, d)
		}
	}
	for _, w := range append(slices.Clone(humanSessions), automationSessions...) {
		w.s(g, at)
	}
	for _, s := range append(slices.Clone(chainScenarios), lookAlikeScenarios...) {
		s.plant(g, at)
	}
	for k := ckGAM; k < clientKinds; k++ {
		for v := 0; v < 2; v++ {
			g.toolHijack(o.byKind[k][0], v, at, style{ip: attackerIP(netResidential, uint64(v))})
		}
	}
	for k := ckOutlook; k <= ckGitHubPAT; k++ {
		for _, ua := range []string{"", "python-requests/2.32.3"} {
			g.clientTheft(o.byKind[k][0], at, style{ip: attackerIP(netVendorCloud, 3), ua: ua, signIn: true}, 2)
		}
	}

	norms := map[string]normalize.Normalizer{}
	for _, src := range event.Sources {
		if norms[src], err = normalize.New(src, catalog.Default()); err != nil {
			t.Fatal(err)
		}
	}
	type kind struct {
		source, action string
		auth           event.AuthMethod
	}
	seen := map[kind]int{}
	diffs := 0
	for _, a := range g.planted {
		want := g.normalized(a)
		raw, err := g.vendorRecord(a)
		if err != nil {
			t.Fatalf("render %s %s: %v", a.source, a.action, err)
		}
		got, err := norms[a.source].Normalize(raw)
		if err != nil || len(got) != 1 {
			t.Fatalf("normalize %s: %v (%d events)", raw, err, len(got))
		}
		seen[kind{a.source, a.action, want.AuthMethod}]++
		wv, gv := reflect.ValueOf(want), reflect.ValueOf(got[0])
		for f := 0; f < wv.NumField(); f++ {
			name := wv.Type().Field(f).Name
			if name == "Raw" || reflect.DeepEqual(wv.Field(f).Interface(), gv.Field(f).Interface()) {
				continue
			}
			if diffs++; diffs <= 20 {
				t.Errorf("%s %q %s: normalized mode %#v, vendor→normalize %#v; record %s", a.source, a.action, name, wv.Field(f).Interface(), gv.Field(f).Interface(), raw)
			}
		}
	}
	// The acts the routines and attacks introduced, with the method a
	// detector keys on. Each must have been rendered at least once.
	for _, k := range []kind{
		{event.SourceMicrosoft, "MailItemsAccessed", event.AuthOAuth},
		{event.SourceMicrosoft, "MailItemsAccessed", event.AuthServiceAccount},
		{event.SourceMicrosoft, "FileDownloaded", event.AuthServiceAccount},
		{event.SourceMicrosoft, "Set-Mailbox", event.AuthOAuth},
		{event.SourceMicrosoft, "New-TransportRule", event.AuthOAuth},
		{event.SourceMicrosoft, "Add service principal credentials.", event.AuthUnknown},
		{event.SourceMicrosoft, "UserLoggedIn", event.AuthInteractive},
		{event.SourceGoogle, "drive.download", event.AuthOAuth},
		{event.SourceGoogle, "drive.sync_item_content", event.AuthOAuth},
		{event.SourceGoogle, "drive.download", event.AuthServiceAccount},
		{event.SourceGoogle, "admin.CREATE_USER", event.AuthOAuth},
		{event.SourceGoogle, "admin.ASSIGN_ROLE", event.AuthOAuth},
		{event.SourceGoogle, "admin.ENFORCE_STRONG_AUTHENTICATION", event.AuthOAuth},
		{event.SourceGoogle, "login.login_success", event.AuthInteractive},
		{event.SourceGitHub, "git.fetch", event.AuthOAuth},
		{event.SourceGitHub, "git.clone", event.AuthPAT},
		{event.SourceGitHub, "git.clone", event.AuthServiceAccount},
		{event.SourceGitHub, "protected_branch.update", event.AuthOAuth},
		{event.SourceGitHub, "repository_secret_scanning.disable", event.AuthOAuth},
		{event.SourceGitHub, "oauth_authorization.create", event.AuthOAuth},
		{event.SourceSlack, "file_downloaded", event.AuthOAuth},
		{event.SourceSlack, "user_login", event.AuthInteractive},
		{event.SourceOkta, "user.mfa.factor.reset_all", event.AuthAPIToken},
		{event.SourceOkta, "user.account.privilege.grant", event.AuthAPIToken},
		{event.SourceOkta, "user.session.start", event.AuthInteractive},
	} {
		if seen[k] == 0 {
			t.Errorf("no %s %q act with auth %s was rendered", k.source, k.action, k.auth)
		}
	}
	if diffs > 0 {
		t.Errorf("%d field differences over %d acts", diffs, len(g.planted))
	}
	t.Logf("%d acts of %d kinds rendered both ways", len(g.planted), len(seen))
}
