package sampleorg

import (
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// Microsoft 365 acts. Conventions follow pkg/normalize's Microsoft 365
// normalizer: actor_id is the lower-cased UserId (UPN); app_id is the client
// (application) id, which the normalizer recovers from directory audit
// records too, so a consent and the app's later mail reads share app_id;
// sign-ins are interactive whatever the client; the tenant is the
// OrganizationId.

// Record types of the Management Activity API.
const (
	m365ExchangeAdmin = 1
	m365SharePoint    = 6
	m365AzureAD       = 8
	m365AzureADLogon  = 15
	m365MailItems     = 50
)

// officeHome is Microsoft's own portal client, the application of an
// ordinary browser sign-in.
const officeHome = "4765445b-32c6-49b0-83e6-1d93765276ca"

// graphAPI is the resource a sign-in record names as its object.
const graphAPI = "00000003-0000-0000-c000-000000000000"

// exchangeRESTClient is the ClientInfoString of Graph mail access, which the
// normalizer reports as user_agent.
const exchangeRESTClient = "Client=REST;Client=RESTSystem;;"

func (g *generator) m365Act(t time.Time, action string, actor *identity, ip string) *act {
	a := g.newAct(t, event.SourceMicrosoft, action)
	a.actor, a.ip, a.tenant = actor, ip, g.o.tenantM365
	return a
}

// m365Grant is a directory audit record about app: consent, permission
// grant or its removal. Grants are OAuth; a removal names no method.
func (g *generator) m365Grant(t time.Time, action string, p *person, app *app, ip string) *act {
	a := g.m365Act(t, action, &p.m365, ip)
	a.app, a.scopes, a.ua = app, app.scopes, p.ua
	if !strings.HasPrefix(action, "Remove") {
		a.auth = event.AuthOAuth
	}
	a.target = target{typ: "app", id: app.objectID, name: app.name}
	if hasMailScope(app.scopes) {
		a.facts |= factMailbox
	}
	return a
}

func hasMailScope(scopes []string) bool {
	for _, s := range scopes {
		if strings.HasPrefix(s, "Mail.") || strings.HasPrefix(s, "MailboxSettings.") {
			return true
		}
	}
	return false
}

// m365MailRead is a MailItemsAccessed record: owner's mailbox read by app,
// delegated with the owner's token, or app-only when the app acts as itself.
func (g *generator) m365MailRead(t time.Time, owner *person, app *app, ip, tokenID, aadSession string) *act {
	actor := &owner.m365
	auth := event.AuthOAuth
	if app.actor != nil {
		actor, auth = app.actor, event.AuthServiceAccount
	}
	a := g.m365Act(t, "MailItemsAccessed", actor, ip)
	a.app, a.auth, a.token, a.ua, a.sess = app, auth, tokenID, exchangeRESTClient, aadSession
	a.facts |= factMailbox
	a.target = target{typ: "mailbox", id: owner.mailboxGUID, name: owner.email, owner: &owner.m365}
	return a
}

// m365SignIn is an Azure AD sign-in of p to app (Office itself when nil).
// The normalizer names the client in app_id but not its display name.
func (g *generator) m365SignIn(t time.Time, p *person, app *app, ip string) *act {
	a := g.m365Act(t, "UserLoggedIn", &p.m365, ip)
	a.auth, a.ua, a.noAppName = event.AuthInteractive, p.ua, true
	a.app = app
	if app == nil {
		a.app = g.o.officePortal
	}
	a.sess = g.o.ids.uuid(nsSession, uint64(p.idx)<<20|uint64(t.Unix()/86400)&0xfffff)
	a.target = target{typ: "app", id: graphAPI}
	return a
}

// sessM365Work: a person works on SharePoint files, signing in first if
// they sign in on that day.
func (g *generator) sessM365Work(t time.Time) int {
	p := g.anyoneAt(t)
	ip := g.o.ipAt(p, t)
	n := 0
	if g.o.signsInOn(p, t) {
		n += g.keep(g.m365SignIn(t, p, nil, ip))
	}
	for i := 1 + g.bg.IntN(5); i > 0; i-- {
		t = t.Add(g.gap(15*time.Second, 5*time.Minute))
		op := "FileAccessed"
		switch r := g.bg.IntN(100); {
		case r < 25:
			op = "FileModified"
		case r < 33:
			op = "FileDownloaded"
		}
		f := g.o.spFiles[g.bg.IntN(len(g.o.spFiles))]
		a := g.m365Act(t, op, &p.m365, ip)
		a.ua, a.detail = p.ua, f.id
		if op != "FileModified" { // the normalizer maps a target only for reads
			a.target = f
		}
		n += g.keep(a)
	}
	return n
}

// sessM365ThirdParty: a consented app signs a person in (OpenID Connect);
// nothing else.
func (g *generator) sessM365ThirdParty(t time.Time) int {
	p := g.signerAt(t)
	return g.keep(g.m365SignIn(t, p, g.anyThirdParty(event.SourceMicrosoft), g.o.ipAt(p, t)))
}

// m365FileByApp is a SharePoint download by app, acting as itself (a
// service principal with an application permission) when it has an actor.
func (g *generator) m365FileByApp(t time.Time, actor *identity, app *app, f target, ip, token, sess string) *act {
	a := g.m365Act(t, "FileDownloaded", actor, ip)
	a.app, a.auth, a.token, a.sess, a.ua = app, event.AuthOAuth, token, sess, "python-requests/2.31.0"
	if app.actor != nil {
		a.auth = event.AuthServiceAccount
	}
	a.target, a.detail = f, f.id
	return a
}

// sessM365Archiver: the approved archiver reads a batch of mailboxes with
// its application permission.
func (g *generator) sessM365Archiver(t time.Time) int {
	app := g.o.automation[event.SourceMicrosoft]
	n := 0
	for i := 2 + g.bg.IntN(20); i > 0; i-- {
		n += g.keep(g.m365MailRead(t, g.anyone(), app, g.o.cloudIPs[2], "", ""))
		t = t.Add(g.gap(time.Second, 20*time.Second))
	}
	return n
}
