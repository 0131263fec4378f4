package sampleorg

import (
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// Attacks on automation and admin tools: a service account's token exports
// outside its schedule, an admin tool's token makes a security change.

// plantServiceHijack: an unapproved service account's token is used from a
// new network outside the service's schedule.
func (g *generator) plantServiceHijack(t time.Time) (*act, []*act) {
	var cands []*service
	for _, s := range g.o.services {
		if s.lastDay == 0 {
			cands = append(cands, s)
		}
	}
	sv := cands[g.pl.IntN(len(cands))]
	for i := range cands {
		c := cands[(i+g.pl.IntN(len(cands)))%len(cands)]
		if g.claimKey(c.actor.id, c.appID()) {
			sv = c
			break
		}
	}
	s := g.drawStyle(0)
	// Off its schedule: hours away from its first run of the day.
	day := time.Unix(utcDay(t)*86400, 0).UTC()
	t = g.clampPlant(day.Add(time.Duration(sv.firstMin)*time.Minute + g.jitter(6*time.Hour, 10*time.Hour)))
	n := g.volume(s, 40, 200)
	key, acts := g.serviceTheft(sv, t, s, n)
	g.established = true
	g.describe(s, "hijacked service account "+sv.name+" off its schedule", n, t, nil)
	return key, acts
}

// serviceTheft is n items taken with service sv's token by an attacker.
func (g *generator) serviceTheft(sv *service, t time.Time, s style, n int) (*act, []*act) {
	mark := len(g.planted)
	var key *act
	tok := g.o.mintToken(event.SourceMicrosoft)
	for i := 0; i < n; i++ {
		var a *act
		switch sv.kind {
		case svcDriveETL:
			a = g.googleDriveBy(t, "download", sv.actor, nil, g.anyDriveFile(g.pl), sv.app, s.ip)
		case svcReports:
			if i%3 == 2 {
				a = g.m365MailRead(t, g.victim(false), sv.app, s.ip, tok, "")
			} else {
				a = g.m365FileByApp(t, sv.actor, sv.app, g.o.spFiles[g.pl.IntN(len(g.o.spFiles))], s.ip, tok, "")
			}
		case svcDeployBot, svcReleasePAT:
			access := ghAppServer
			if sv.kind == svcReleasePAT {
				access = ghPAT
			}
			a = g.githubRepoAct(t, "git.clone", sv.actor, g.o.repos[i%len(g.o.repos)], access, sv.app, s.ip)
		case svcSlackBot:
			a = slackByApp(g.slackAct(t, "file_downloaded", sv.actor, s.ip, "Slack-API-Client/1.0"), sv.app)
			a.target = g.anySlackFile(g.pl)
		case svcOktaSync:
			v := g.victim(false)
			tg := target{typ: "user", id: v.okta.id, name: v.okta.display, alt: v.email}
			action := "user.mfa.factor.deactivate"
			if i == 0 {
				action = "user.account.privilege.grant"
			}
			a = g.oktaAPITokenAct(t, action, sv.actor, sv.app, s.ip, oktaSyncUA, tg)
		}
		if s.ua != "" && sv.kind != svcDriveETL {
			a.ua = s.ua
		}
		g.keep(a)
		if key == nil {
			key = a
		}
		t = t.Add(g.pace(s))
	}
	return key, g.since(mark)
}

// plantAdminToolHijack: an admin's tool token (GAM, Exchange Online
// PowerShell, gh, an Okta API-token script) is used by an attacker to
// weaken security: external forwarding, 2SV off, a super admin granted,
// MFA factors removed, branch protection and secret scanning off.
func (g *generator) plantAdminToolHijack(t time.Time) (*act, []*act) {
	var cands []*client
	for k := ckGAM; k < clientKinds; k++ {
		cands = append(cands, g.o.byKind[k]...)
	}
	c := g.pickClient(cands)
	p := c.owner
	s := g.drawStyle(0.3)
	t = g.attackTime(p, t, s.during)
	return g.toolHijack(c, g.pl.IntN(2), t, s)
}

// toolHijack is the attack through admin tool c at t; variant picks
// between the two changes a GAM token can make.
func (g *generator) toolHijack(c *client, variant int, t time.Time, s style) (*act, []*act) {
	p := c.owner
	mark := len(g.planted)
	if s.signIn {
		g.phishedSignIn(p, t, s)
	}
	ua := s.ua
	if ua == "" {
		ua = c.ua
	}
	var what string
	n := 2 + g.pl.IntN(4)
	switch c.kind {
	case ckEXO:
		what = "mail forwarding to an outside address"
		tok := g.o.mintToken(event.SourceMicrosoft)
		for i := 0; i < n; i++ {
			a := g.exoCmdlet(t, "Set-Mailbox", c, g.victim(false), s.ip, tok, "")
			a.facts, a.detail = factForwarding, externalRecipients[g.pl.IntN(len(externalRecipients))]
			g.keep(a)
			t = t.Add(g.jitter(10*time.Second, 3*time.Minute))
		}
	case ckGAM:
		if variant == 0 {
			what = "a new super admin"
			backdoor := g.victim(false)
			g.keep(g.googleAdmin(t, "admin.CREATE_USER", p, c.app, s.ip, "", nil))
			t = t.Add(g.jitter(20*time.Second, time.Minute))
			g.keep(g.googleAdmin(t, "admin.ASSIGN_ROLE", p, c.app, s.ip, "Super Admin", backdoor))
			n = 2
		} else {
			what = "2-Step Verification enforcement off"
			for i := 0; i < n; i++ {
				g.keep(g.googleAdmin(t, "admin.ENFORCE_STRONG_AUTHENTICATION", p, c.app, s.ip, "2-Step Verification enforcement: off", nil))
				t = t.Add(g.jitter(10*time.Second, 2*time.Minute))
			}
		}
	case ckGhAdmin:
		what = "branch protection and secret scanning off"
		for i := 0; i < n; i++ {
			action := "protected_branch.destroy"
			if i%2 == 1 {
				action = "repository_secret_scanning.disable"
			}
			a := g.gitAct(t, action, c, g.o.repos[g.pl.IntN(len(g.o.repos))], ghOAuth, s.ip)
			a.ua = ua
			g.keep(a)
			t = t.Add(g.jitter(10*time.Second, 2*time.Minute))
		}
	default: // ckOktaScript
		what = "super admin granted and MFA factors removed"
		for i := 0; i < n; i++ {
			v := g.victim(false)
			action := "user.mfa.factor.deactivate"
			if i == 0 {
				action = "user.account.privilege.grant"
			}
			tg := target{typ: "user", id: v.okta.id, name: v.okta.display, alt: v.email}
			g.keep(g.oktaAPITokenAct(t, action, &p.okta, c.app, s.ip, ua, tg))
			t = t.Add(g.jitter(5*time.Second, 90*time.Second))
		}
	}
	acts := g.since(mark)
	key := acts[0]
	for _, a := range acts {
		if a.appID() == c.appID() {
			key = a
			break
		}
	}
	g.established = true
	g.describe(s, clientKindNames[c.kind]+" token of "+p.email+": "+what, n, key.t, p)
	return key, acts
}
