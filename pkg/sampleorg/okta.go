package sampleorg

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// Okta acts. Conventions follow pkg/normalize's Okta normalizer: actor_id is
// the Okta user id, actor_name its login; app_id is client.id on app.oauth2
// events and otherwise the AppInstance target; token_id is the API token
// that made the request; tenant is known only from an OAuth issuer URL.

func (g *generator) oktaAct(t time.Time, action string, actor *identity, ip, ua string) *act {
	a := g.newAct(t, event.SourceOkta, action)
	a.actor, a.ip, a.ua = actor, ip, ua
	return a
}

// oktaSession is the externalSessionId of a person's browser session on a
// given day: stable within the day, different across days and people.
func (g *generator) oktaSession(p *person, t time.Time) string {
	return "102" + base62Fixed(g.o.ids.unique62(nsSession, uint64(p.idx)<<16|uint64(t.Unix()/86400)&0xffff), 11) + base62Fixed(splitmix(uint64(p.idx)^g.o.ids.fill), 11)
}

// sessOktaSignIn: somebody who signs in today signs in (again) to Okta and
// opens a few apps via SSO.
func (g *generator) sessOktaSignIn(t time.Time) int {
	p := g.signerAt(t)
	return g.oktaSignIn(t, p, g.o.ipAt(p, t), g.bg)
}

// oktaSignIn is an Okta session start, sometimes after a mistyped
// password, followed by SSO into one to four apps.
func (g *generator) oktaSignIn(t time.Time, p *person, ip string, rng randSource) int {
	n := 0
	if rng.IntN(25) == 0 { // a mistyped password first
		a := g.oktaAct(t, "user.session.start", &p.okta, ip, p.ua)
		a.auth, a.failed = event.AuthInteractive, true
		n += g.keep(a)
		t = t.Add(10*time.Second + time.Duration(rng.Int64N(int64(40*time.Second))))
	}
	a := g.oktaAct(t, "user.session.start", &p.okta, ip, p.ua)
	a.auth, a.sess = event.AuthInteractive, g.oktaSession(p, t)
	n += g.keep(a)
	for i := rng.IntN(4); i >= 0; i-- {
		t = t.Add(5*time.Second + time.Duration(rng.Int64N(int64(8*time.Minute))))
		sso := g.o.oktaSSO[rng.IntN(len(g.o.oktaSSO))]
		a := g.oktaAct(t, "user.authentication.sso", &p.okta, ip, p.ua)
		a.auth, a.sess, a.app = event.AuthInteractive, g.oktaSession(p, t), sso
		a.target = target{typ: "app", id: sso.id, name: sso.name}
		n += g.keep(a)
	}
	return n
}

// sessOktaOAuthApp: a third-party app registered in Okta gets an access
// token for a person (authorization code flow). Token only, nothing sensitive.
func (g *generator) sessOktaOAuthApp(t time.Time) int {
	p := g.anyoneAt(t)
	return g.oktaOAuth(t, p, g.anyThirdParty(event.SourceOkta), g.o.ipAt(p, t), true, g.bg)
}

// oktaOAuth emits an authorization and the access token it yields.
func (g *generator) oktaOAuth(t time.Time, p *person, app *app, ip string, authorize bool, rng randSource) int {
	n := 0
	if authorize {
		a := g.oktaAct(t, "app.oauth2.as.authorize.code", &p.okta, ip, p.ua)
		g.oktaClient(a, app)
		n += g.keep(a)
		t = t.Add(time.Duration(1+rng.IntN(3)) * time.Second)
	}
	a := g.oktaAct(t, "app.oauth2.as.token.grant.access_token", &p.okta, ip, p.ua)
	g.oktaClient(a, app)
	a.token = "AT." + base62Fixed(g.o.ids.unique62(nsToken, g.seq), 11)
	return n + g.keep(a)
}

// oktaClient marks a as an OAuth event of app. The normalized target is the
// authorization server: the normalizer skips the minted token, which it
// reports as token_id instead.
func (g *generator) oktaClient(a *act, app *app) {
	a.app, a.auth, a.scopes = app, event.AuthOAuth, app.scopes
	a.noAppName = true // the record names the client by id only
	a.tenant = g.o.oktaHost
	a.target = target{typ: "authorization_server", id: "aus" + app.id[3:], name: "default"}
}

// sessOktaTerraform: the approved Terraform provider reconciles groups and,
// now and then, a sign-on policy rule, with its SSWS API token.
func (g *generator) sessOktaTerraform(t time.Time) int {
	app := g.o.automation[event.SourceOkta]
	n := 0
	for i := 1 + g.bg.IntN(6); i > 0; i-- {
		action := "group.user_membership.add"
		var tg target
		if g.bg.IntN(5) == 0 {
			action = "policy.rule.update"
			tg = g.o.oktaRules[g.bg.IntN(len(g.o.oktaRules))]
		} else {
			p := g.anyone()
			tg = target{typ: "user", id: p.okta.id, name: p.okta.display, alt: p.email}
		}
		n += g.keep(g.oktaAPITokenAct(t, action, app.actor, app, g.o.cloudIPs[0], terraformUA, tg))
		t = t.Add(g.gap(time.Second, 20*time.Second))
	}
	return n
}

// User agents of Okta API clients.
const (
	terraformUA = "okta-sdk-golang/2.20.0 golang/go1.22 terraform/1.8.5"
	scriptUA    = "python-requests/2.32.3"
)

// oktaAPITokenAct is a request authenticated by an SSWS API token held by
// tokenApp (the approved automation or an attacker's token).
func (g *generator) oktaAPITokenAct(t time.Time, action string, actor *identity, tokenApp *app, ip, ua string, tg target) *act {
	a := g.oktaAct(t, action, actor, ip, ua)
	a.auth, a.token, a.target = event.AuthAPIToken, tokenApp.tokenID, tg
	switch {
	case tg.typ == "policy_rule":
		a.facts |= factSecuritySetting
	case action == "user.account.privilege.grant":
		a.detail, a.facts = "Super administrator", factAdminRole
	}
	return a // no app: the token is the app (BareTokenAppID)
}

// Okta System Log LogEvent, the fields this package fills, in the API's order.
type (
	oktaEntity struct {
		ID          string            `json:"id"`
		Type        string            `json:"type"`
		AlternateID string            `json:"alternateId,omitempty"`
		DisplayName string            `json:"displayName"`
		DetailEntry map[string]string `json:"detailEntry"`
	}
	oktaClient struct {
		UserAgent struct {
			RawUserAgent string `json:"rawUserAgent"`
			OS           string `json:"os"`
			Browser      string `json:"browser"`
		} `json:"userAgent"`
		Zone                string `json:"zone"`
		Device              string `json:"device"`
		ID                  string `json:"id,omitempty"`
		IPAddress           string `json:"ipAddress"`
		GeographicalContext struct {
			Country string `json:"country"`
			State   string `json:"state"`
			City    string `json:"city"`
		} `json:"geographicalContext"`
	}
	oktaLogEvent struct {
		Actor                 oktaEntity `json:"actor"`
		Client                oktaClient `json:"client"`
		AuthenticationContext struct {
			AuthenticationStep int    `json:"authenticationStep"`
			ExternalSessionID  string `json:"externalSessionId"`
		} `json:"authenticationContext"`
		DisplayMessage string `json:"displayMessage"`
		EventType      string `json:"eventType"`
		Outcome        struct {
			Result string  `json:"result"`
			Reason *string `json:"reason"`
		} `json:"outcome"`
		Published    string `json:"published"`
		Severity     string `json:"severity"`
		DebugContext struct {
			DebugData struct {
				RequestURI       string `json:"requestUri"`
				Issuer           string `json:"issuer,omitempty"`
				GrantType        string `json:"grantType,omitempty"`
				GrantedScopes    string `json:"grantedScopes,omitempty"`
				PrivilegeGranted string `json:"privilegeGranted,omitempty"`
			} `json:"debugData"`
		} `json:"debugContext"`
		LegacyEventType *string `json:"legacyEventType"`
		Transaction     struct {
			Type   string `json:"type"`
			ID     string `json:"id"`
			Detail struct {
				RequestAPITokenID string `json:"requestApiTokenId,omitempty"`
			} `json:"detail"`
		} `json:"transaction"`
		UUID    string       `json:"uuid"`
		Version string       `json:"version"`
		Target  []oktaEntity `json:"target"`
	}
)

// oktaRecord renders a as an Okta System Log LogEvent.
func (g *generator) oktaRecord(a *act) (json.RawMessage, error) {
	actor := a.actorIdentity()
	var r oktaLogEvent
	r.Actor = oktaEntity{ID: actor.id, Type: "User", AlternateID: actor.email, DisplayName: actor.display}
	r.Client.UserAgent.RawUserAgent, r.Client.UserAgent.OS, r.Client.UserAgent.Browser = a.ua, "Unknown", "UNKNOWN"
	r.Client.Zone, r.Client.Device, r.Client.IPAddress = "null", "Computer", a.ip
	r.Client.GeographicalContext.Country, r.Client.GeographicalContext.State, r.Client.GeographicalContext.City = "United States", "New York", "New York"
	r.AuthenticationContext.ExternalSessionID = "unknown"
	if a.sess != "" {
		r.AuthenticationContext.ExternalSessionID = a.sess
	}
	r.DisplayMessage = oktaMessage(a.action)
	r.EventType = a.action
	r.Outcome.Result = strings.ToUpper(a.outcome())
	r.Published = a.t.Format("2006-01-02T15:04:05.000Z")
	r.Severity = "INFO"
	r.DebugContext.DebugData.RequestURI = "/api/v1/" + strings.ReplaceAll(a.action, ".", "/")
	r.Transaction.Type = "WEB"
	r.Transaction.ID = base62Fixed(g.o.ids.unique62(nsSession, 1<<40|a.seq), 11)
	if a.auth == event.AuthAPIToken && a.token != "" && a.action != "system.api_token.create" {
		r.Transaction.Detail.RequestAPITokenID = a.token
	}
	if strings.HasPrefix(a.action, "app.oauth2.") && a.app != nil {
		r.Client.ID = a.app.id
		d := &r.DebugContext.DebugData
		d.Issuer, d.GrantType, d.GrantedScopes = "https://"+g.o.oktaHost+"/oauth2/default", "authorization_code", strings.Join(a.scopes, " ")
	}
	if a.facts&factAdminRole != 0 {
		r.DebugContext.DebugData.PrivilegeGranted = a.detail
	}
	r.UUID = g.eventID(a)
	r.Version = "0"
	r.Target = []oktaEntity{}
	switch a.target.typ {
	case "app":
		r.Target = append(r.Target, oktaEntity{ID: a.target.id, Type: "AppInstance", AlternateID: a.target.name, DisplayName: a.target.name})
		if actor.person != nil {
			r.Target = append(r.Target, oktaEntity{ID: "0ua" + actor.id[3:], Type: "AppUser", AlternateID: actor.email, DisplayName: actor.display})
		}
	case "authorization_server":
		r.Target = append(r.Target, oktaEntity{ID: a.target.id, Type: "AuthorizationServer", DisplayName: a.target.name})
		if a.token != "" {
			r.Target = append(r.Target, oktaEntity{ID: a.token, Type: "access_token", DisplayName: "Access Token"})
		}
	case "token":
		r.Target = append(r.Target, oktaEntity{ID: a.target.id, Type: "Token", DisplayName: a.target.name})
	case "policy_rule":
		r.Target = append(r.Target,
			oktaEntity{ID: a.target.id, Type: "PolicyRule", DisplayName: a.target.name},
			oktaEntity{ID: "00p" + a.target.id[3:], Type: "PolicyEntity", DisplayName: "Okta sign-on policy", DetailEntry: map[string]string{"policyType": "OKTA_SIGN_ON"}})
	case "user":
		r.Target = append(r.Target, oktaEntity{ID: a.target.id, Type: "User", AlternateID: a.target.alt, DisplayName: a.target.name})
	}
	return json.Marshal(&r)
}

func oktaMessage(action string) string {
	switch action {
	case "user.session.start":
		return "User login to Okta"
	case "user.authentication.sso":
		return "User single sign on to app"
	case "app.oauth2.as.authorize.code":
		return "OAuth2 authorization code request"
	case "app.oauth2.as.token.grant.access_token":
		return "OAuth2 access token is granted"
	case "system.api_token.create":
		return "Create API token"
	case "system.api_token.revoke":
		return "Revoke API token"
	case "policy.rule.update":
		return "Update policy rule"
	case "user.mfa.factor.deactivate":
		return "Reset factor for user"
	case "user.mfa.factor.reset_all":
		return "Reset all factors for user"
	case "user.account.privilege.grant":
		return "Grant user privilege"
	case "group.user_membership.add":
		return "Add user to group membership"
	}
	return action
}
