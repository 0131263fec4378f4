package sampleorg

import (
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// chainScenarios are the planted attacks, one entry per shape.
var chainScenarios = []scenario{
	{shape: ShapeM365IllicitConsent, chain: true, plant: (*generator).plantM365IllicitConsent},
	{shape: ShapeGitHubStolenPAT, chain: true, plant: (*generator).plantGitHubStolenPAT},
	{shape: ShapeOktaAPIToken, chain: true, plant: (*generator).plantOktaAPIToken},
	{shape: ShapeGoogleOAuthDrive, chain: true, plant: (*generator).plantGoogleOAuthDrive},
	{shape: ShapeSlackScopeExpanded, chain: true, plant: (*generator).plantSlackScopes},
	{shape: ShapeStolenSyncToken, chain: true, plant: (*generator).plantStolenSyncToken},
	{shape: ShapeOldPAT, chain: true, plant: (*generator).plantOldPAT},
	{shape: ShapeDormantKey, chain: true, plant: (*generator).plantDormant},
	{shape: ShapeServiceHijack, chain: true, plant: (*generator).plantServiceHijack},
	{shape: ShapeAdminToolHijack, chain: true, plant: (*generator).plantAdminToolHijack},
	{shape: ShapeM365AppCredential, chain: true, plant: (*generator).plantM365AppCredential},
}

// lookAlikeScenarios resemble attacks but must stay silent.
var lookAlikeScenarios = []scenario{
	{shape: LookLateFollowUp, why: "the sensitive event comes more than maxSpan (1h) after the token access", plant: (*generator).plantLate},
	{shape: LookRevokedFirst, why: "the grant was revoked between the access and the sensitive event", plant: (*generator).plantRevoked},
	{shape: LookInteractive, why: "the downloads were made in the browser without a token: no app, so no key shared with the grant", plant: (*generator).plantInteractive},
	{shape: LookApprovedBulk, why: "the app is approved automation (listed in approvedApps)", plant: (*generator).plantApprovedBulk},
	{shape: LookNonSensitive, why: "everything after the grant has sensitivity 0", plant: (*generator).plantNonSensitive},
	{shape: LookDifferentApp, why: "the sensitive event was made by a different app than the one that got the grant", plant: (*generator).plantDifferentApp},
}

// attackerApp mints the app of one planted attack.
func (g *generator) attackerApp(source string, scopes []string) *app {
	return g.plantedApp(source, attackerAppNames[g.pl.IntN(len(attackerAppNames))], scopes)
}

// benignApp mints the app of one look-alike.
func (g *generator) benignApp(source string, scopes []string) *app {
	return g.plantedApp(source, benignAppNames[g.pl.IntN(len(benignAppNames))], scopes)
}

func (g *generator) plantedApp(source, name string, scopes []string) *app {
	a := g.o.newApp(source, name, classPlanted, scopes)
	a.tokenID = g.tokenIDFor(source)
	return a
}

// Names of planted apps: consent-phishing favourites for attacks, everyday
// utilities for look-alikes.
var (
	attackerAppNames = []string{
		"Document Viewer Pro", "Mail Security Scan", "PDF Converter Online", "Secure File Share",
		"Calendar Sync Plus", "Invoice Reader", "Drive Organizer", "Team Backup Assistant",
	}
	benignAppNames = []string{
		"Expense Snap", "Slide Helper", "Meeting Notes Assistant", "Travel Planner", "Sign Easy Docs", "Photo Sorter",
	}
)

// tokenIDFor mints a token id in the vendor's format.
func (g *generator) tokenIDFor(source string) string { return g.o.mintToken(source) }

var externalRecipients = []string{"archive.box@mailbox.example.net", "ops-backup@example.org", "j.smith.private@example.net"}

// plantM365IllicitConsent: a user is phished into consenting a mail-reading
// app; the app reads the mailbox and may add a forwarding rule.
func (g *generator) plantM365IllicitConsent(t time.Time) (*act, []*act) {
	p := g.victim(false)
	s := g.drawStyle(0)
	t = g.attackTime(p, t, g.pl.IntN(3) > 0) // mostly consented at work, sometimes from home at night
	app := g.attackerApp(event.SourceMicrosoft, []string{"openid", "offline_access", "User.Read", "Mail.Read", "Mail.ReadWrite", "MailboxSettings.ReadWrite"})
	mark := len(g.planted)
	key := g.m365Grant(t, "Consent to application.", p, app, g.o.ipAt(p, t))
	g.keep(key)
	g.keep(g.m365Grant(t.Add(g.jitter(time.Second, 3*time.Second)), "Add delegated permission grant.", p, app, g.o.ipAt(p, t)))
	ip := s.ip
	sess := g.tokenIDFor(event.SourceMicrosoft)
	t = t.Add(g.jitter(2*time.Minute, 10*time.Minute))
	n := g.volume(s, 8, 32)
	g.describe(s, "illicit consent of a mail app", n, key.t, p)
	rule := g.pl.IntN(2) == 0
	for i := 0; i < n; i++ {
		g.keep(g.m365MailRead(t, p, app, ip, app.tokenID, sess))
		if rule && i == n/2 {
			// A rule named "." that forwards everything: a classic of
			// business e-mail compromise.
			a := g.m365Act(t.Add(time.Second), "New-InboxRule", &p.m365, ip)
			a.app, a.auth, a.facts, a.token, a.sess = app, event.AuthOAuth, factForwarding, app.tokenID, sess
			a.detail = externalRecipients[g.pl.IntN(len(externalRecipients))]
			a.target = target{typ: "inbox_rule", id: p.email + `\.`, name: "."}
			g.keep(a)
		}
		t = t.Add(g.pace(s))
	}
	return key, g.since(mark)
}

// plantGitHubStolenPAT: a developer's leaked classic PAT clones private
// repositories and downloads archives from an unknown address.
func (g *generator) plantGitHubStolenPAT(t time.Time) (*act, []*act) {
	p := g.victim(true)
	pat := &app{source: event.SourceGitHub, class: classPlanted, tokenID: g.tokenIDFor(event.SourceGitHub)}
	s := g.drawStyle(0)
	t = g.attackTime(p, t, s.during)
	ip := s.ip
	mark := len(g.planted)
	var key *act
	n := g.volume(s, 5, 20)
	g.describe(s, "a PAT nobody had seen clones private repositories", n, t, p)
	for i := 0; i < n; i++ {
		action := "git.clone"
		if g.pl.IntN(5) == 0 {
			action = "repo.download_zip"
		}
		r := g.o.repos[g.pl.IntN(len(g.o.repos))]
		if !r.private {
			r = g.o.repos[0]
		}
		a := g.githubRepoAct(t, action, &p.github, r, ghPAT, pat, ip)
		a.ua = "python-requests/2.32.3"
		if action == "git.clone" {
			a.ua = "git/2.39.2"
		}
		g.keep(a)
		if key == nil {
			key = a
		}
		t = t.Add(g.pace(s))
	}
	return key, g.since(mark)
}

// plantOktaAPIToken: a hijacked admin session mints an SSWS API token, then
// uses it to weaken a sign-on rule and strip users' MFA factors.
func (g *generator) plantOktaAPIToken(t time.Time) (*act, []*act) {
	admin := g.o.admins[g.pl.IntN(len(g.o.admins))]
	tok := g.attackerApp(event.SourceOkta, nil)
	tok.name = "sync-service"
	s := g.drawStyle(0)
	t = g.attackTime(admin, t, s.during)
	ip := s.ip
	mark := len(g.planted)
	key := g.oktaAct(t, "system.api_token.create", &admin.okta, ip, admin.ua)
	key.auth, key.sess, key.token = event.AuthAPIToken, g.oktaSession(admin, t), tok.tokenID
	key.target = target{typ: "token", id: tok.tokenID, name: tok.name}
	g.keep(key)
	t = t.Add(g.jitter(time.Minute, 8*time.Minute))
	for i := 1 + g.pl.IntN(2); i > 0; i-- {
		g.keep(g.oktaAPITokenAct(t, "policy.rule.update", &admin.okta, tok, ip, scriptUA, g.o.oktaRules[g.pl.IntN(len(g.o.oktaRules))]))
		t = t.Add(g.jitter(20*time.Second, 3*time.Minute))
	}
	for i := 2 + g.pl.IntN(4); i > 0; i-- {
		v := g.victim(false)
		g.keep(g.oktaAPITokenAct(t, "user.mfa.factor.deactivate", &admin.okta, tok, ip, scriptUA, target{typ: "user", id: v.okta.id, name: v.okta.display, alt: v.email}))
		t = t.Add(g.jitter(5*time.Second, 90*time.Second))
	}
	g.describe(s, "API token minted in a hijacked admin session weakens sign-on and MFA", len(g.since(mark))-1, key.t, admin)
	return key, g.since(mark)
}

// plantGoogleOAuthDrive: a user authorizes a Drive app that downloads and
// copies many files and shares one outside the company.
func (g *generator) plantGoogleOAuthDrive(t time.Time) (*act, []*act) {
	p := g.victim(false)
	s := g.drawStyle(0)
	t = g.attackTime(p, t, g.pl.IntN(3) > 0)
	app := g.attackerApp(event.SourceGoogle, []string{"openid", "https://www.googleapis.com/auth/userinfo.email", "https://www.googleapis.com/auth/drive"})
	mark := len(g.planted)
	key := g.googleToken(t, "authorize", p, app, g.o.ipAt(p, t))
	g.keep(key)
	ip := s.ip
	t = t.Add(g.jitter(time.Minute, 6*time.Minute))
	n := g.volume(s, 10, 50)
	g.describe(s, "a Drive app downloads and shares outside", n, key.t, p)
	for i := 0; i < n; i++ {
		name := "download"
		if g.pl.IntN(6) == 0 {
			name = "copy"
		}
		g.keep(g.googleDrive(t, name, p, g.anyDriveFile(g.pl), app, ip))
		t = t.Add(g.pace(s))
	}
	for i := 1 + g.pl.IntN(2); i > 0; i-- {
		a := g.googleDrive(t, "change_user_access", p, g.anyDriveFile(g.pl), app, ip)
		a.facts |= factExternalSharing
		a.detail = externalRecipients[g.pl.IntN(len(externalRecipients))]
		g.keep(a)
		t = t.Add(g.jitter(5*time.Second, 30*time.Second))
	}
	return key, g.since(mark)
}

// plantSlackScopes: an app installed days ago with harmless scopes gets
// files:read approved, then downloads files with the approving user's token.
func (g *generator) plantSlackScopes(t time.Time) (*act, []*act) {
	p := g.victim(false)
	s := g.drawStyle(0)
	t = g.attackTime(p, t, true)
	app := g.attackerApp(event.SourceSlack, []string{"commands", "chat:write"})
	mark := len(g.planted)
	before := t.Add(-g.jitter(48*time.Hour, 96*time.Hour))
	g.keep(g.slackApp(before, "app_installed", p, app, app.scopes, g.o.ipAt(p, before)))
	key := g.slackApp(t, "app_scopes_expanded", p, app, []string{"commands", "chat:write", "files:read", "channels:history"}, g.o.ipAt(p, t))
	g.keep(key)
	t = t.Add(g.jitter(time.Minute, 5*time.Minute))
	n := g.volume(s, 5, 25)
	for i := n; i > 0; i-- {
		a := g.slackFileDownload(t, p, g.anySlackFile(g.pl), app, s.ip)
		if s.ua != "" {
			a.ua = s.ua
		}
		g.keep(a)
		t = t.Add(g.pace(s))
	}
	g.describe(s, "a Slack app installed days ago gains files:read", n, key.t, p)
	return key, g.since(mark)
}

// plantLate: a Drive app downloads one file 61 or more minutes after the
// user authorized it.
func (g *generator) plantLate(t time.Time) (*act, []*act) {
	p := g.victim(false)
	app := g.benignApp(event.SourceGoogle, []string{"openid", "https://www.googleapis.com/auth/drive.readonly"})
	mark := len(g.planted)
	key := g.googleToken(t, "authorize", p, app, p.homeIP)
	g.keep(key)
	g.keep(g.googleDrive(t.Add(g.jitter(61*time.Minute, 40*time.Minute)), "download", p, g.anyDriveFile(g.pl), app, g.attackerIP()))
	return key, g.since(mark)
}

// plantRevoked: a user consents a mail app, thinks better of it and removes
// the grant; a token issued before the removal still reads one message.
func (g *generator) plantRevoked(t time.Time) (*act, []*act) {
	p := g.victim(false)
	app := g.benignApp(event.SourceMicrosoft, []string{"openid", "User.Read", "Mail.Read"})
	mark := len(g.planted)
	key := g.m365Grant(t, "Consent to application.", p, app, p.homeIP)
	g.keep(key)
	g.keep(g.m365Grant(t.Add(2*time.Second), "Add delegated permission grant.", p, app, p.homeIP))
	t = t.Add(g.jitter(5*time.Minute, 10*time.Minute))
	g.keep(g.m365Grant(t, "Remove delegated permission grant.", p, app, p.homeIP))
	g.keep(g.m365MailRead(t.Add(g.jitter(5*time.Minute, 20*time.Minute)), p, app, g.attackerIP(), app.tokenID, ""))
	return key, g.since(mark)
}

// plantInteractive: a user authorizes a harmless app, then downloads many
// files in the browser.
func (g *generator) plantInteractive(t time.Time) (*act, []*act) {
	p := g.victim(false)
	app := g.benignApp(event.SourceGoogle, thirdPartyScopes[event.SourceGoogle])
	mark := len(g.planted)
	key := g.googleToken(t, "authorize", p, app, p.homeIP)
	g.keep(key)
	t = t.Add(g.jitter(2*time.Minute, 20*time.Minute))
	for i := 5 + g.pl.IntN(10); i > 0; i-- {
		g.keep(g.googleDrive(t, "download", p, g.anyDriveFile(g.pl), nil, p.homeIP))
		t = t.Add(g.jitter(5*time.Second, 30*time.Second))
	}
	return key, g.since(mark)
}

// plantApprovedBulk: the approved CI app clones many private repositories
// in a burst (a release build of everything).
func (g *generator) plantApprovedBulk(t time.Time) (*act, []*act) {
	app := g.o.automation[event.SourceGitHub]
	mark := len(g.planted)
	var key *act
	for i := 0; i < len(g.o.repos); i++ {
		a := g.githubRepoAct(t, "git.clone", app.actor, g.o.repos[i], ghAppServer, app, g.o.cloudIPs[3])
		g.keep(a)
		if key == nil {
			key = a
		}
		t = t.Add(g.jitter(time.Second, 20*time.Second))
	}
	return key, g.since(mark)
}

// plantNonSensitive: a user authorizes an app that then only reads file
// metadata (Drive views, sensitivity 0).
func (g *generator) plantNonSensitive(t time.Time) (*act, []*act) {
	p := g.victim(false)
	app := g.benignApp(event.SourceGoogle, thirdPartyScopes[event.SourceGoogle])
	mark := len(g.planted)
	key := g.googleToken(t, "authorize", p, app, p.homeIP)
	g.keep(key)
	for i := 3 + g.pl.IntN(10); i > 0; i-- {
		t = t.Add(g.jitter(10*time.Second, 3*time.Minute))
		g.keep(g.googleDrive(t, "view", p, g.anyDriveFile(g.pl), app, vendorCloudIP(app.cloud, uint64(t.Unix()))))
	}
	return key, g.since(mark)
}

// plantDifferentApp: a user authorizes app X; minutes later app Y, which
// the user authorized days ago, downloads one file.
func (g *generator) plantDifferentApp(t time.Time) (*act, []*act) {
	p := g.victim(false)
	x := g.benignApp(event.SourceGoogle, thirdPartyScopes[event.SourceGoogle])
	y := g.benignApp(event.SourceGoogle, []string{"openid", "https://www.googleapis.com/auth/drive.readonly"})
	mark := len(g.planted)
	g.keep(g.googleToken(t.Add(-g.jitter(24*time.Hour, 72*time.Hour)), "authorize", p, y, p.homeIP))
	key := g.googleToken(t, "authorize", p, x, p.homeIP)
	g.keep(key)
	g.keep(g.googleDrive(t.Add(g.jitter(2*time.Minute, 30*time.Minute)), "download", p, g.anyDriveFile(g.pl), y, vendorCloudIP(y.cloud, 7)))
	return key, g.since(mark)
}
