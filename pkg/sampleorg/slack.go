package sampleorg

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// Slack acts. Conventions follow pkg/normalize's Slack normalizer: the
// tenant is the workspace the action happened in; the app is entity.app or
// actor.app, and as Slack logs no token ids, the app id doubles as token_id;
// a user acting in a client session is interactive, an app is oauth.

func (g *generator) slackAct(t time.Time, action string, actor *identity, ip, ua string) *act {
	a := g.newAct(t, event.SourceSlack, action)
	a.actor, a.ip, a.ua, a.tenant = actor, ip, ua, g.o.tenantSlack
	return a
}

// slackSession is a person's client session id of the day.
func (g *generator) slackSession(p *person, t time.Time) string {
	return strconv.FormatUint(1_000_000_000+g.o.ids.unique62(nsSession, 1<<44|uint64(p.idx)<<16|uint64(t.Unix()/86400)&0xffff)%9_000_000_000, 10)
}

// slackInteractive marks a as done by p in a Slack client.
func (g *generator) slackInteractive(a *act, p *person) *act {
	a.auth, a.sess = event.AuthInteractive, g.slackSession(p, a.t)
	return a
}

// slackByApp marks a as done by app, with a user token or its bot token.
func slackByApp(a *act, app *app) *act {
	a.app, a.auth, a.token = app, event.AuthOAuth, app.id
	return a
}

// slackApp is an app lifecycle event (install, scopes expanded, uninstall)
// performed by a person.
func (g *generator) slackApp(t time.Time, action string, p *person, app *app, scopes []string, ip string) *act {
	a := slackByApp(g.slackAct(t, action, &p.slack, ip, p.ua), app)
	a.scopes = scopes
	a.target = target{typ: "app", id: app.id, name: app.name}
	return a
}

// slackFileDownload is a file download, in the client or by app with the
// person's token.
func (g *generator) slackFileDownload(t time.Time, p *person, f target, app *app, ip string) *act {
	a := g.slackAct(t, "file_downloaded", &p.slack, ip, p.ua)
	a.target = f
	if app == nil {
		return g.slackInteractive(a, p)
	}
	a.ua = "Slack-API-Client/1.0"
	return slackByApp(a, app)
}

func (g *generator) anySlackFile(rng randSource) target {
	return g.o.slackFiles[rng.IntN(len(g.o.slackFiles))]
}

// slackLogin is an interactive sign-in to Slack.
func (g *generator) slackLogin(t time.Time, p *person, ip string) *act {
	a := g.slackInteractive(g.slackAct(t, "user_login", &p.slack, ip, p.ua), p)
	a.target = target{typ: "user", id: p.slack.id, name: p.email}
	return a
}

// sessSlackWork: a person works in Slack and sometimes downloads a shared
// file, signing in first if they sign in on that day.
func (g *generator) sessSlackWork(t time.Time) int {
	p := g.anyoneAt(t)
	ip := g.o.ipAt(p, t)
	n := 0
	if g.o.signsInOn(p, t) {
		n += g.keep(g.slackLogin(t, p, ip))
	}
	for i := g.bg.IntN(3); i > 0; i-- {
		t = t.Add(g.gap(time.Minute, 30*time.Minute))
		n += g.keep(g.slackFileDownload(t, p, g.anySlackFile(g.bg), nil, ip))
	}
	return n
}

// sessSlackExport: the approved compliance export downloads files.
func (g *generator) sessSlackExport(t time.Time) int {
	app := g.o.automation[event.SourceSlack]
	n := 0
	for i := 2 + g.bg.IntN(15); i > 0; i-- {
		a := slackByApp(g.slackAct(t, "file_downloaded", app.actor, g.o.cloudIPs[4], "Slack-API-Client/1.0"), app)
		a.target = g.anySlackFile(g.bg)
		n += g.keep(a)
		t = t.Add(g.gap(time.Second, 10*time.Second))
	}
	return n
}

// Slack Audit Logs API entry, the fields this package fills.
type (
	slackNamed struct {
		ID                  string   `json:"id"`
		Name                string   `json:"name"`
		Email               string   `json:"email,omitempty"`
		Team                string   `json:"team,omitempty"`
		Title               string   `json:"title,omitempty"`
		Domain              string   `json:"domain,omitempty"`
		IsDistributed       *bool    `json:"is_distributed,omitempty"`
		IsDirectoryApproved *bool    `json:"is_directory_approved,omitempty"`
		Scopes              []string `json:"scopes,omitempty"`
	}
	slackEntry struct {
		ID         string `json:"id"`
		DateCreate int64  `json:"date_create"`
		Action     string `json:"action"`
		Actor      struct {
			Type string      `json:"type"`
			User *slackNamed `json:"user"`
			App  *slackNamed `json:"app,omitempty"`
		} `json:"actor"`
		Entity struct {
			Type      string      `json:"type"`
			User      *slackNamed `json:"user,omitempty"`
			App       *slackNamed `json:"app,omitempty"`
			File      *slackNamed `json:"file,omitempty"`
			Workspace *slackNamed `json:"workspace,omitempty"`
		} `json:"entity"`
		Context struct {
			Location struct {
				Type   string `json:"type"`
				ID     string `json:"id"`
				Name   string `json:"name"`
				Domain string `json:"domain"`
			} `json:"location"`
			UA        string `json:"ua"`
			IPAddress string `json:"ip_address"`
			SessionID string `json:"session_id,omitempty"`
		} `json:"context"`
		Details *slackDetails `json:"details,omitempty"`
	}
	slackDetails struct {
		NewScopes      []string `json:"new_scopes"`
		PreviousScopes []string `json:"previous_scopes"`
	}
)

var slackFalse, slackTrue = false, true

// slackRecord renders a as a Slack Audit Logs API entry.
func (g *generator) slackRecord(a *act) (json.RawMessage, error) {
	actor := a.actorIdentity()
	user := &slackNamed{ID: actor.id, Name: actor.display, Email: actor.email, Team: g.o.tenantSlack}
	var r slackEntry
	r.ID, r.DateCreate, r.Action = g.eventID(a), a.t.Unix(), a.action
	r.Actor.Type, r.Actor.User = "user", user
	if a.app != nil && a.target.typ != "app" { // the app acted with the user's token
		r.Actor.App = &slackNamed{ID: a.app.id, Name: a.app.name}
	}
	loc := &r.Context.Location
	loc.Type, loc.ID, loc.Name, loc.Domain = "workspace", g.o.tenantSlack, g.cfg.Tenant, g.cfg.Tenant
	r.Context.UA, r.Context.IPAddress, r.Context.SessionID = a.ua, a.ip, a.sess
	r.Entity.Type = a.target.typ
	switch a.target.typ {
	case "app":
		r.Entity.App = &slackNamed{ID: a.app.id, Name: a.app.name, IsDistributed: &slackTrue, IsDirectoryApproved: &slackFalse, Scopes: a.app.scopes}
		if a.action == "app_scopes_expanded" {
			r.Details = &slackDetails{NewScopes: a.scopes, PreviousScopes: a.app.scopes}
		}
	case "file":
		r.Entity.File = &slackNamed{ID: a.target.id, Name: a.target.name, Title: a.target.name}
	case "workspace":
		r.Entity.Workspace = &slackNamed{ID: a.target.id, Name: a.target.name, Domain: a.target.name}
	default:
		r.Entity.Type, r.Entity.User = "user", user
	}
	return json.Marshal(&r)
}
