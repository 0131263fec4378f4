package sampleorg

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// Google Workspace acts. The action is "<applicationName>.<eventName>" as
// the catalogue spells it; the tenant is the customer id.

func (g *generator) googleAct(t time.Time, action string, actor *identity, ip string) *act {
	a := g.newAct(t, event.SourceGoogle, action)
	a.actor, a.ip, a.tenant = actor, ip, g.o.tenantGoogle
	return a
}

// googleDrive is a Drive event on a file, in the browser or through app.
// The Reports API does not say how a browser user authenticated, so the
// normalized auth_method of browser work is unknown.
func (g *generator) googleDrive(t time.Time, name string, p *person, f target, app *app, ip string) *act {
	return g.googleDriveBy(t, name, &p.google, &p.google, f, app, ip)
}

// googleDriveBy is a Drive event by actor on a file owned by owner (the
// actor when nil).
func (g *generator) googleDriveBy(t time.Time, name string, actor, owner *identity, f target, app *app, ip string) *act {
	a := g.googleAct(t, "drive."+name, actor, ip)
	a.target = f
	a.target.owner = owner
	if owner == nil {
		a.target.owner = actor
	}
	if app != nil {
		a.app, a.auth = app, googleAppAuth(app)
	}
	return a
}

// googleAppAuth: a client with domain-wide delegation impersonates the
// user (a service account); everything else works with a user's OAuth grant.
func googleAppAuth(app *app) event.AuthMethod {
	if app.dwd {
		return event.AuthServiceAccount
	}
	return event.AuthOAuth
}

// googleLogin is an interactive sign-in to Google.
func (g *generator) googleLogin(t time.Time, p *person, ip string) *act {
	a := g.googleAct(t, "login.login_success", &p.google, ip)
	a.auth = event.AuthInteractive
	a.target = target{typ: "user", id: p.google.id, name: p.google.name}
	return a
}

// googleToken is a token.authorize or token.revoke for app.
func (g *generator) googleToken(t time.Time, name string, p *person, app *app, ip string) *act {
	a := g.googleAct(t, "token."+name, &p.google, ip)
	a.app, a.auth, a.scopes = app, event.AuthOAuth, app.scopes
	a.target = target{typ: "app", id: app.id, name: app.name}
	for _, s := range app.scopes {
		if strings.Contains(s, "mail.google.com") || strings.Contains(s, "gmail") {
			a.facts |= factMailbox
		}
	}
	return a
}

func (g *generator) anyDriveFile(rng randSource) target {
	return g.o.driveFiles[rng.IntN(len(g.o.driveFiles))]
}

// sessGoogleWork: a person works on Drive files in the browser, signing in
// first if they sign in on that day.
func (g *generator) sessGoogleWork(t time.Time) int {
	p := g.anyoneAt(t)
	ip := g.o.ipAt(p, t)
	n := 0
	if g.o.signsInOn(p, t) {
		n += g.keep(g.googleLogin(t, p, ip))
	}
	for i := 1 + g.bg.IntN(6); i > 0; i-- {
		t = t.Add(g.gap(20*time.Second, 6*time.Minute))
		name := "view"
		switch r := g.bg.IntN(100); {
		case r < 20:
			name = "edit"
		case r < 27:
			name = "download"
		case r < 30:
			name = "create"
		}
		n += g.keep(g.googleDrive(t, name, p, g.anyDriveFile(g.bg), nil, ip))
	}
	return n
}

// sessGoogleThirdParty: a consented third-party app refreshes its grant and
// reads file metadata (Drive "view", not sensitive).
func (g *generator) sessGoogleThirdParty(t time.Time) int {
	p := g.anyoneAt(t)
	app := g.anyThirdParty(event.SourceGoogle)
	n := g.keep(g.googleToken(t, "authorize", p, app, g.o.ipAt(p, t)))
	for i := g.bg.IntN(3); i > 0; i-- {
		t = t.Add(g.gap(time.Second, 2*time.Minute))
		n += g.keep(g.googleDrive(t, "view", p, g.anyDriveFile(g.bg), app, vendorCloudIP(app.cloud, uint64(i))))
	}
	return n
}

// sessGoogleBackup: the approved backup service downloads a batch of one
// person's files by domain-wide delegation.
func (g *generator) sessGoogleBackup(t time.Time) int {
	app := g.o.automation[event.SourceGoogle]
	p := g.anyone() // the user whose Drive is backed up, impersonated
	n := 0
	for i := 3 + g.bg.IntN(30); i > 0; i-- {
		n += g.keep(g.googleDrive(t, "download", p, g.anyDriveFile(g.bg), app, g.o.cloudIPs[1]))
		t = t.Add(g.gap(200*time.Millisecond, 8*time.Second))
	}
	return n
}

// Admin SDK Reports API activity, the fields this package fills.
type (
	googleParam struct {
		Name       string   `json:"name"`
		Value      string   `json:"value,omitempty"`
		MultiValue []string `json:"multiValue,omitempty"`
		BoolValue  *bool    `json:"boolValue,omitempty"`
	}
	googleAppInfo struct {
		OAuthClientID   string `json:"oauthClientId"`
		ApplicationName string `json:"applicationName"`
		Impersonation   bool   `json:"impersonation"`
	}
	googleActivity struct {
		Kind string `json:"kind"`
		ID   struct {
			Time            string `json:"time"`
			UniqueQualifier string `json:"uniqueQualifier"`
			ApplicationName string `json:"applicationName"`
			CustomerID      string `json:"customerId"`
		} `json:"id"`
		Etag  string `json:"etag"`
		Actor struct {
			CallerType      string         `json:"callerType"`
			Email           string         `json:"email"`
			ProfileID       string         `json:"profileId"`
			ApplicationInfo *googleAppInfo `json:"applicationInfo,omitempty"`
		} `json:"actor"`
		IPAddress string        `json:"ipAddress"`
		Events    []googleEvent `json:"events"`
	}
	googleEvent struct {
		Type       string        `json:"type"`
		Name       string        `json:"name"`
		Parameters []googleParam `json:"parameters"`
	}
)

var googleTrue = true

// googleRecord renders a as an Admin SDK Reports API activity item.
func (g *generator) googleRecord(a *act) (json.RawMessage, error) {
	appName, evName, _ := strings.Cut(a.action, ".")
	actor := a.actorIdentity()
	var params []googleParam
	evType := ""
	switch appName {
	case "drive":
		evType = "access"
		if evName == "change_user_access" {
			evType = "acl_change"
		}
		params = append(params,
			googleParam{Name: "primary_event", BoolValue: &googleTrue},
			googleParam{Name: "doc_id", Value: a.target.id},
			googleParam{Name: "doc_type", Value: "document"},
			googleParam{Name: "doc_title", Value: a.target.name},
			googleParam{Name: "owner", Value: ownerEmail(a)},
		)
		vis := "shared_internally"
		if a.facts&factExternalSharing != 0 {
			vis = "shared_externally"
			params = append(params, googleParam{Name: "target_user", Value: a.detail}, googleParam{Name: "visibility_change", Value: "external"})
		}
		params = append(params, googleParam{Name: "visibility", Value: vis})
	case "token":
		evType = "auth"
		params = append(params,
			googleParam{Name: "client_id", Value: a.app.id},
			googleParam{Name: "app_name", Value: a.app.name},
			googleParam{Name: "client_type", Value: "WEB"},
			googleParam{Name: "scope", MultiValue: a.scopes},
		)
	case "login":
		evType = "login"
		params = append(params, googleParam{Name: "login_type", Value: "google_password"})
	case "admin":
		evType, params = googleAdminParams(a, g.cfg.Tenant)
	}
	var r googleActivity
	r.Kind = "admin#reports#activity"
	r.ID.Time = a.t.Format("2006-01-02T15:04:05.000Z")
	r.ID.UniqueQualifier = g.eventID(a)
	r.ID.ApplicationName = appName
	r.ID.CustomerID = g.o.tenantGoogle
	r.Etag = `"` + base62Fixed(splitmix(a.seq^g.o.ids.fill), 11) + `"`
	r.Actor.CallerType, r.Actor.Email, r.Actor.ProfileID = "USER", actor.email, actor.id
	if a.app != nil && (appName == "drive" || appName == "admin") {
		r.Actor.ApplicationInfo = &googleAppInfo{OAuthClientID: a.app.id, ApplicationName: a.app.name, Impersonation: a.auth == event.AuthServiceAccount}
	}
	r.IPAddress = a.ip
	r.Events = []googleEvent{{Type: evType, Name: evName, Parameters: params}}
	return json.Marshal(&r)
}

// googleAdminParams are the event type and parameters of an admin event:
// the role and user of a role assignment, else the setting changed.
func googleAdminParams(a *act, tenant string) (string, []googleParam) {
	if a.target.typ == "user" {
		return "DELEGATED_ADMIN_SETTINGS", []googleParam{{Name: "ROLE_NAME", Value: a.detail}, {Name: "USER_EMAIL", Value: a.target.name}}
	}
	var params []googleParam
	if a.detail != "" {
		params = append(params, googleParam{Name: "SETTING_NAME", Value: a.detail})
	}
	return "SECURITY_SETTINGS", append(params, googleParam{Name: "ORG_UNIT_NAME", Value: tenant})
}

func ownerEmail(a *act) string {
	if a.target.owner != nil {
		return a.target.owner.email
	}
	return a.actorIdentity().email
}
