package sampleorg

import (
	"math/rand/v2"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// Admins' tools. Admins change security settings as routine, and do it with
// tokens: GAM (a Google OAuth client), Exchange Online PowerShell, the gh
// CLI and scripts holding their Okta API token. A session is a token access
// followed either by configuration changes of the same kinds an attacker
// makes (2SV settings, roles, forwarding, MFA factor resets, branch
// protection) or, more often, by data handling: a leaver's Drive files or
// mailbox exported, repositories cloned for an audit. Either way a benign
// AN0020 episode.

// adminDataShare is the share of sessions (other than Okta scripts, which
// only change settings) that handle data rather than change settings.
const adminDataShare = 0.6

// Routine Google roles admins hand out; none is a super admin role.
var routineRoles = []string{"Help Desk Admin", "Groups Admin", "User Management Admin", "Services Admin"}

// Google 2-Step Verification settings admins adjust routinely.
var twoStepActions = []string{
	"admin.CHANGE_TWO_STEP_VERIFICATION_ENROLLMENT_PERIOD_DURATION",
	"admin.CHANGE_TWO_STEP_VERIFICATION_FREQUENCY",
	"admin.CHANGE_ALLOWED_TWO_STEP_VERIFICATION_METHODS",
	"admin.ENFORCE_STRONG_AUTHENTICATION",
}

// Google admin actions GAM makes that are not security changes.
var gamChores = []string{"admin.CREATE_USER", "admin.CHANGE_USER_ORGANIZATION", "admin.ADD_GROUP_MEMBER"}

func (g *generator) adminSession(c *client, pl *dayPlan, rng *rand.Rand) {
	span := max(pl.end.Sub(pl.start)-2*time.Hour, time.Minute)
	t := within(rng, pl.start, 30*time.Minute, span)
	p := c.owner
	if c.kind != ckOktaScript && rng.Float64() < adminDataShare {
		g.adminData(c, t, pl.ip, rng)
		return
	}
	switch c.kind {
	case ckGAM:
		for i := 1 + rng.IntN(3); i > 0; i-- {
			g.keep(g.googleAdmin(t, gamChores[rng.IntN(len(gamChores))], p, c.app, pl.ip, "", nil))
			t = t.Add(time.Duration(2+rng.IntN(40)) * time.Second)
		}
		for i := 1 + rng.IntN(2); i > 0; i-- {
			if rng.IntN(2) == 0 {
				g.keep(g.googleAdmin(t, "admin.ASSIGN_ROLE", p, c.app, pl.ip, routineRoles[rng.IntN(len(routineRoles))], g.pickPerson(rng)))
			} else {
				g.keep(g.googleAdmin(t, twoStepActions[rng.IntN(len(twoStepActions))], p, c.app, pl.ip, "2-Step Verification", nil))
			}
			t = t.Add(time.Duration(5+rng.IntN(120)) * time.Second)
		}
	case ckEXO:
		tok := g.o.mintToken(event.SourceMicrosoft)
		sess := g.m365Session(c, pl.day)
		for i := 2 + rng.IntN(4); i > 0; i-- {
			owner := g.pickPerson(rng)
			var a *act
			switch rng.IntN(5) {
			case 0: // a leaver's mail goes to their manager
				a = g.exoCmdlet(t, "Set-Mailbox", c, owner, pl.ip, tok, sess)
				a.facts, a.detail = factForwarding, g.pickPerson(rng).email
			case 1:
				a = g.exoCmdlet(t, "New-TransportRule", c, owner, pl.ip, tok, sess)
				a.target = target{typ: "transport_rule", id: "TransportRule\\External disclaimer " + uitoa(uint64(rng.IntN(90)+10)), name: "External disclaimer"}
			default:
				a = g.exoCmdlet(t, "Set-Mailbox", c, owner, pl.ip, tok, sess)
			}
			g.keep(a)
			t = t.Add(time.Duration(5+rng.IntN(90)) * time.Second)
		}
	case ckGhAdmin:
		for i := 2 + rng.IntN(3); i > 0; i-- {
			action := "protected_branch.update"
			if rng.IntN(5) == 0 {
				action = "hook.create"
			}
			g.keep(g.gitAct(t, action, c, g.anyRepo(rng), ghOAuth, pl.ip))
			t = t.Add(time.Duration(10+rng.IntN(120)) * time.Second)
		}
	case ckOktaScript:
		for i := 1 + rng.IntN(3); i > 0; i-- {
			v := g.pickPerson(rng)
			tg := target{typ: "user", id: v.okta.id, name: v.okta.display, alt: v.email}
			g.keep(g.oktaAPITokenAct(t, "group.user_membership.add", &p.okta, c.app, pl.ip, c.ua, tg))
			t = t.Add(time.Duration(1+rng.IntN(20)) * time.Second)
			g.keep(g.oktaAPITokenAct(t, "user.mfa.factor.reset_all", &p.okta, c.app, pl.ip, c.ua, tg))
			t = t.Add(time.Duration(5+rng.IntN(60)) * time.Second)
		}
		if rng.IntN(4) == 0 {
			g.keep(g.oktaAPITokenAct(t, "policy.rule.update", &p.okta, c.app, pl.ip, c.ua, g.o.oktaRules[rng.IntN(len(g.o.oktaRules))]))
		}
	}
}

// adminData: an admin's tool handles a leaver's data or audits code.
func (g *generator) adminData(c *client, t time.Time, ip string, rng *rand.Rand) {
	leaver := g.pickPerson(rng)
	switch c.kind {
	case ckGAM: // Drive files transferred before the account is deleted
		for i := 5 + rng.IntN(25); i > 0; i-- {
			g.keep(g.googleDriveBy(t, "download", &c.owner.google, &leaver.google, g.anyDriveFile(rng), c.app, ip))
			t = t.Add(time.Duration(1+rng.IntN(15)) * time.Second)
		}
	case ckEXO: // a mailbox exported for legal hold
		tok, sess := g.o.mintToken(event.SourceMicrosoft), g.m365Session(c, localDay(t))
		for i := 2 + rng.IntN(9); i > 0; i-- {
			a := g.m365MailRead(t, leaver, c.app, ip, tok, sess)
			a.actor = &c.owner.m365
			g.keep(a)
			t = t.Add(time.Duration(2+rng.IntN(30)) * time.Second)
		}
	default: // gh: repositories cloned for an access review
		for i := 3 + rng.IntN(8); i > 0; i-- {
			g.keep(g.gitAct(t, "git.clone", c, g.anyRepo(rng), ghOAuth, ip))
			t = t.Add(time.Duration(5+rng.IntN(60)) * time.Second)
		}
	}
}

// pickPerson picks anyone from a detail stream.
func (g *generator) pickPerson(rng randSource) *person { return g.o.people[rng.IntN(len(g.o.people))] }

// exoCmdlet is an Exchange cmdlet run by an admin through Exchange Online
// PowerShell on owner's mailbox, with the admin's delegated token.
func (g *generator) exoCmdlet(t time.Time, cmdlet string, c *client, owner *person, ip, token, sess string) *act {
	a := g.m365Act(t, cmdlet, &c.owner.m365, ip)
	a.app, a.auth, a.token, a.sess = c.app, event.AuthOAuth, token, sess
	a.target = target{typ: "mailbox", id: owner.mailboxGUID, name: owner.email}
	return a
}

// googleAdmin is a Google Admin console event, made by p through app (an
// OAuth client such as GAM) or in the console when app is nil. detail is
// the setting name, or the role for ASSIGN_ROLE and GRANT_ADMIN_PRIVILEGE,
// whose subject is user.
func (g *generator) googleAdmin(t time.Time, action string, p *person, app *app, ip, detail string, user *person) *act {
	a := g.googleAct(t, action, &p.google, ip)
	if app != nil {
		a.app, a.auth = app, event.AuthOAuth
	}
	a.detail = detail
	switch action {
	case "admin.ASSIGN_ROLE", "admin.GRANT_ADMIN_PRIVILEGE":
		a.target = target{typ: "user", id: user.email, name: user.email}
		if action == "admin.GRANT_ADMIN_PRIVILEGE" || detail == "Super Admin" {
			a.facts |= factAdminRole
		}
	default:
		if detail != "" {
			a.target = target{typ: "setting", name: detail}
		} else {
			a.target = target{typ: "org_unit", name: g.cfg.Tenant}
		}
		if isTwoStep(action) {
			a.facts |= factSecuritySetting
		}
	}
	return a
}

func isTwoStep(action string) bool {
	for _, s := range twoStepActions {
		if s == action {
			return true
		}
	}
	return false
}
