package sampleorg

import (
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// Cross-vendor background sessions: consents, revocations and admin work.

func (g *generator) anyThirdParty(source string) *app {
	list := g.o.thirdParty[source]
	return list[g.bg.IntN(len(list))]
}

// sessNewConsent: a person consents to a third-party app that asks only
// for profile, calendar or similar non-sensitive scopes.
func (g *generator) sessNewConsent(t time.Time) int {
	p := g.anyoneAt(t)
	ip := g.o.ipAt(p, t)
	switch g.bg.IntN(5) {
	case 0:
		return g.oktaOAuth(t, p, g.anyThirdParty(event.SourceOkta), ip, true, g.bg)
	case 1:
		return g.keep(g.googleToken(t, "authorize", p, g.anyThirdParty(event.SourceGoogle), ip))
	case 2:
		app := g.anyThirdParty(event.SourceMicrosoft)
		n := g.keep(g.m365Grant(t, "Consent to application.", p, app, ip))
		return n + g.keep(g.m365Grant(t.Add(2*time.Second), "Add delegated permission grant.", p, app, ip))
	case 3:
		return g.keep(g.githubOAuth(t, "oauth_authorization.create", p, g.anyThirdParty(event.SourceGitHub), ip))
	default:
		app := g.anyThirdParty(event.SourceSlack)
		return g.keep(g.slackApp(t, "app_installed", p, app, app.scopes, ip))
	}
}

// sessRevoke: a person or admin removes a third-party app.
func (g *generator) sessRevoke(t time.Time) int {
	p := g.anyoneAt(t)
	ip := g.o.ipAt(p, t)
	switch g.bg.IntN(4) {
	case 0:
		return g.keep(g.googleToken(t, "revoke", p, g.anyThirdParty(event.SourceGoogle), ip))
	case 1:
		return g.keep(g.m365Grant(t, "Remove delegated permission grant.", p, g.anyThirdParty(event.SourceMicrosoft), ip))
	case 2:
		return g.keep(g.githubOAuth(t, "oauth_authorization.destroy", p, g.anyThirdParty(event.SourceGitHub), ip))
	default:
		app := g.anyThirdParty(event.SourceSlack)
		return g.keep(g.slackApp(t, "app_uninstalled", p, app, app.scopes, ip))
	}
}

// sessAdminChange: an admin signs in and changes configuration in the
// console. Interactive, so never an AN0020 sequence, but sensitive: it is
// what a detector keyed on actor alone would confuse with an attack.
func (g *generator) sessAdminChange(t time.Time) int {
	p := g.adminAt(t)
	ip := g.o.ipAt(p, t)
	switch g.bg.IntN(5) {
	case 0:
		a := g.oktaAct(t, "policy.rule.update", &p.okta, ip, p.ua)
		a.auth, a.sess = event.AuthInteractive, g.oktaSession(p, t)
		a.target = g.o.oktaRules[g.bg.IntN(len(g.o.oktaRules))]
		a.facts |= factSecuritySetting
		return g.keep(a)
	case 1:
		a := g.googleAct(t, "admin.CHANGE_TWO_STEP_VERIFICATION_FREQUENCY", &p.google, ip)
		a.detail = "2-Step Verification frequency"
		a.target = target{typ: "setting", name: a.detail}
		a.facts |= factSecuritySetting
		return g.keep(a)
	case 2:
		owner := g.anyone()
		a := g.m365Act(t, "Set-Mailbox", &p.m365, ip)
		a.target = target{typ: "mailbox", id: owner.mailboxGUID, name: owner.email}
		return g.keep(a)
	case 3:
		r := g.anyRepo(g.bg)
		a := g.githubRepoAct(t, "protected_branch.update", &p.github, r, ghSSH, nil, ip)
		a.ua = p.ua
		return g.keep(a)
	default:
		a := g.slackInteractive(g.slackAct(t, "pref.two_factor_auth_changed", &p.slack, ip, p.ua), p)
		a.target = target{typ: "workspace", id: g.o.tenantSlack, name: g.cfg.Tenant}
		return g.keep(a)
	}
}
