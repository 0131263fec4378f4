package normalize

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/catalog"
	"github.com/tokentrail/tokentrail/pkg/event"
)

// google normalizes Google Workspace Admin SDK Reports API activities (one
// element of the "items" array of activities.list, for any applicationName:
// token, drive, admin, login, ...). One activity can carry several events;
// each becomes one normalized event.
//
// Supported record shape:
//
//	{
//	  "kind": "admin#reports#activity",
//	  "id": {"time": "2024-05-06T10:02:11.408Z",          // event_time (required)
//	         "uniqueQualifier": "-3195287416823461950",   // event_id
//	         "applicationName": "token",                  // action prefix (required)
//	         "customerId": "C03az79cb"},                  // tenant
//	  "actor": {"callerType": "USER", "email": "ana@example.com", "profileId": "1143…",
//	            "applicationInfo": {"oauthClientId": "…apps.googleusercontent.com",
//	                                "applicationName": "…", "impersonation": false}},
//	  "ipAddress": "203.0.113.5",
//	  "events": [{"type": "auth", "name": "authorize",    // action suffix (required)
//	              "parameters": [{"name": "client_id", "value": "…"},
//	                             {"name": "scope", "multiValue": ["…"]},
//	                             {"name": "is_suspicious", "boolValue": false},
//	                             {"name": "num_response_bytes", "intValue": "12"}]}]
//	}
//
// Mapping decisions:
//   - action is "<applicationName>.<eventName>" (token.authorize,
//     drive.download, admin.ASSIGN_ROLE), because event names alone repeat
//     across applications.
//   - event_id is the whole id (see GoogleEventID); when the activity has
//     several events it ends in ":<index>" (0-based) so each row stays
//     unique. Exports that hold events as one object, not a list, are read.
//   - actor_id is actor.profileId, else the lower-cased actor.email, else
//     actor.key (see googleActor).
//   - app_id is the OAuth client id: the client_id parameter of token
//     events, API_CLIENT_NAME / OAUTH2_APP_ID of admin events, else
//     actor.applicationInfo.oauthClientId (an app acting for the user). The
//     drive parameter originating_app_id is a Cloud project number, a
//     different id space; it is app_id only for a Drive API request
//     (api_method set) that names no OAuth client, so the request still
//     has a correlation key.
//   - auth_method: interactive for the login application; oauth for the
//     token application and for actions an OAuth client made
//     (applicationInfo); service_account when the client impersonates the
//     user (domain-wide delegation) or the caller is an API key; else
//     unknown (grants default to oauth, see finish).
//   - outcome is failure for login_failure, else success: the Reports API
//     only records completed actions.
//   - facts: mailbox for Gmail scopes; tenant_wide for domain-wide
//     delegation; admin_role for the super admin role; external_sharing when
//     Drive visibility becomes external or public; security_setting when an
//     application setting names an authentication or security control.
type google struct{ cat *catalog.Catalog }

func (*google) source() string { return event.SourceGoogle }

type googleParam struct {
	Name       string   `json:"name"`
	Value      text     `json:"value"`
	IntValue   text     `json:"intValue"`
	BoolValue  *bool    `json:"boolValue"`
	MultiValue []string `json:"multiValue"`
}

type googleEvent struct {
	Type       string        `json:"type"`
	Name       string        `json:"name"`
	Parameters []googleParam `json:"parameters"`
}

type googleActivity struct {
	ID struct {
		Time            string `json:"time"`
		UniqueQualifier text   `json:"uniqueQualifier"`
		ApplicationName string `json:"applicationName"`
		CustomerID      string `json:"customerId"`
	} `json:"id"`
	Actor struct {
		CallerType      string `json:"callerType"`
		Email           string `json:"email"`
		ProfileID       text   `json:"profileId"`
		Key             string `json:"key"`
		ApplicationInfo struct {
			OAuthClientID   string `json:"oauthClientId"`
			ApplicationName string `json:"applicationName"`
			Impersonation   bool   `json:"impersonation"`
		} `json:"applicationInfo"`
	} `json:"actor"`
	IPAddress string       `json:"ipAddress"`
	Events    googleEvents `json:"events"`
}

// googleEvents is the activity's events: a list in the API's answer, a
// single object in exports written by some collectors. Both are read.
type googleEvents []googleEvent

// UnmarshalJSON accepts a list of events, one event object, or null.
func (g *googleEvents) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var one googleEvent
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*g = googleEvents{one}
		return nil
	}
	var list []googleEvent
	if err := json.Unmarshal(b, &list); err != nil {
		return err
	}
	*g = list
	return nil
}

// googleParams gives typed access to an event's parameters by name.
type googleParams map[string]googleParam

func (p googleParams) str(name string) string {
	v, ok := p[name]
	switch {
	case !ok:
		return ""
	case v.Value != "":
		return v.Value.String()
	case v.IntValue != "":
		return v.IntValue.String()
	case v.BoolValue != nil:
		return fmt.Sprint(*v.BoolValue)
	case len(v.MultiValue) > 0:
		return strings.Join(v.MultiValue, " ")
	}
	return ""
}

func (p googleParams) list(name string) []string {
	v := p[name]
	if len(v.MultiValue) > 0 {
		return uniq(v.MultiValue)
	}
	return splitScopes(v.Value.String())
}

// Scope prefixes that reach mail content.
var gmailScopes = []string{"https://mail.google.com/", "https://www.googleapis.com/auth/gmail."}

// Words in a Google admin setting name that mark it as a security control.
var googleSecurityWords = []string{"2-step", "2sv", "two step", "two-step", "two_step", "strong_authentication", "sso", "single sign-on",
	"password", "login challenge", "session", "less secure", "api access", "audit", "security", "super admin"}

func (n *google) parse(rec json.RawMessage, nt *notes) ([]event.Event, error) {
	var a googleActivity
	raw, err := decode(event.SourceGoogle, rec, &a, nt)
	if err != nil {
		return nil, err
	}
	t, err := parseTime(event.SourceGoogle, "id.time", a.ID.Time)
	if err != nil {
		return nil, err
	}
	app := strings.TrimSpace(a.ID.ApplicationName)
	if app == "" {
		return nil, recordErr(event.SourceGoogle, "id.applicationName", "is missing; it names the application the event belongs to (token, drive, admin, login, ...)")
	}
	if len(a.Events) == 0 {
		return nil, recordErr(event.SourceGoogle, "events", "is missing or empty; an activity needs at least one event")
	}
	baseID := GoogleEventID(t, app, strings.TrimSpace(a.ID.CustomerID), a.ID.UniqueQualifier.String())
	if a.ID.UniqueQualifier.String() == "" {
		if baseID, err = canonicalID(rec); err != nil {
			return nil, recordErr(event.SourceGoogle, "id.uniqueQualifier", "is missing and the record cannot be hashed: %v", err)
		}
	}
	out := make([]event.Event, 0, len(a.Events))
	for i, ev := range a.Events {
		name := strings.TrimSpace(ev.Name)
		if name == "" {
			return nil, recordErr(event.SourceGoogle, fmt.Sprintf("events[%d].name", i), "is missing; it is the action of the event")
		}
		e := event.Event{
			EventTime: t,
			EventID:   baseID,
			Tenant:    strings.TrimSpace(a.ID.CustomerID),
			Source:    event.SourceGoogle,
			Action:    app + "." + name,
			Outcome:   "success",
			ActorID:   googleActor(&a),
			ActorName: firstNonEmpty(a.Actor.Email, a.Actor.Key),
			SrcIP:     strings.TrimSpace(a.IPAddress),
			Scopes:    []string{},
			Raw:       raw,
		}
		if len(a.Events) > 1 {
			e.EventID = fmt.Sprintf("%s:%d", baseID, i)
		}
		if name == "login_failure" {
			e.Outcome = "failure"
		}
		p := googleParams{}
		for _, prm := range ev.Parameters {
			p[prm.Name] = prm
		}
		facts := n.fill(&e, &a, app, name, p)
		finish(n.cat, &e, facts)
		out = append(out, e)
	}
	return out, nil
}

// fill maps the application-specific parameters and returns the facts.
func (n *google) fill(e *event.Event, a *googleActivity, app, name string, p googleParams) catalog.Facts {
	f := catalog.Facts{}
	info := a.Actor.ApplicationInfo
	e.AuthMethod = event.AuthUnknown
	switch {
	case app == "login":
		e.AuthMethod = event.AuthInteractive
	case info.OAuthClientID != "" && info.Impersonation, strings.EqualFold(a.Actor.CallerType, "KEY"):
		e.AuthMethod = event.AuthServiceAccount
	case app == "token", info.OAuthClientID != "":
		e.AuthMethod = event.AuthOAuth
	}
	e.AppID, e.AppName = info.OAuthClientID, info.ApplicationName
	if e.AppID == "" && p.str("api_method") != "" {
		// Drive names the API a request came through but not always the
		// client; the Cloud project it came from is the next best key.
		e.AppID = p.str("originating_app_id")
		if e.AuthMethod == event.AuthUnknown {
			e.AuthMethod = event.AuthOAuth
		}
	}

	switch app {
	case "token":
		e.AppID, e.AppName = firstNonEmpty(p.str("client_id"), e.AppID), firstNonEmpty(p.str("app_name"), e.AppName)
		e.Scopes = p.list("scope")
		e.TargetType, e.TargetID, e.TargetName = "app", e.AppID, e.AppName
	case "drive":
		e.TargetType, e.TargetID, e.TargetName = "file", p.str("doc_id"), p.str("doc_title")
		switch strings.ToLower(p.str("visibility")) {
		case "people_with_link", "public_on_the_web", "shared_externally", "public_in_the_domain_with_link_outside":
			f[catalog.FactExternalSharing] = true
		}
		if strings.EqualFold(p.str("visibility_change"), "external") {
			f[catalog.FactExternalSharing] = true
		}
	case "login":
		e.TargetType, e.TargetID, e.TargetName = "user", e.ActorID, e.ActorName
	case "user_accounts":
		e.TargetType, e.TargetID, e.TargetName = "user", e.ActorID, e.ActorName
		if strings.Contains(name, "forwarding") {
			f[catalog.FactForwarding] = true
		}
	case "admin":
		n.fillAdmin(e, name, p, f)
	}
	if anyHasPrefix(e.Scopes, gmailScopes...) {
		f[catalog.FactMailbox] = true
	}
	return f
}

func (*google) fillAdmin(e *event.Event, name string, p googleParams, f catalog.Facts) {
	switch name {
	case "AUTHORIZE_API_CLIENT_ACCESS", "REMOVE_API_CLIENT_ACCESS":
		// API_CLIENT_NAME holds the client id of the service account.
		e.AppID, e.AppName = p.str("API_CLIENT_NAME"), ""
		e.Scopes = p.list("API_SCOPES")
		e.TargetType, e.TargetID = "app", e.AppID
		if name == "AUTHORIZE_API_CLIENT_ACCESS" {
			f[catalog.FactTenantWide] = true
		}
	case "ADD_TO_TRUSTED_OAUTH2_APPS", "REMOVE_FROM_TRUSTED_OAUTH2_APPS":
		e.AppID, e.AppName = p.str("OAUTH2_APP_ID"), p.str("OAUTH2_APP_NAME")
		e.TargetType, e.TargetID, e.TargetName = "app", e.AppID, e.AppName
	case "ASSIGN_ROLE", "GRANT_ADMIN_PRIVILEGE":
		user := p.str("USER_EMAIL")
		e.TargetType, e.TargetID, e.TargetName = "user", user, user
		role := strings.ToLower(p.str("ROLE_NAME"))
		if name == "GRANT_ADMIN_PRIVILEGE" || role == "_seed_admin_role" || strings.Contains(role, "super admin") {
			f[catalog.FactAdminRole] = true
		}
	default:
		setting := p.str("SETTING_NAME")
		switch {
		case setting != "":
			e.TargetType, e.TargetName = "setting", setting
		case p.str("ORG_UNIT_NAME") != "":
			e.TargetType, e.TargetName = "org_unit", p.str("ORG_UNIT_NAME")
		}
		lower := strings.ToLower(setting + " " + name)
		for _, w := range googleSecurityWords {
			if strings.Contains(lower, w) {
				f[catalog.FactSecuritySetting] = true
			}
		}
		if strings.Contains(lower, "forward") {
			f[catalog.FactForwarding] = true
		}
	}
}

// GoogleEventID is the event_id of a Reports API activity: its whole id.
// The API documents id.uniqueQualifier only as telling apart activities
// that share a time, so the qualifier alone collides across applications,
// customers and times; the activity is identified by all four parts. The
// time is written in its canonical UTC form so that collectors that
// reformat it keep the same id. An activity with several events adds
// ":<index>" per event.
func GoogleEventID(t time.Time, application, customer, qualifier string) string {
	return application + ":" + customer + ":" + t.UTC().Format(time.RFC3339Nano) + ":" + qualifier
}

// googleActor is the actor_id rule: the Google profile id, which every
// application logs for a user; else the lower-cased e-mail; else the API
// key of a KEY caller.
func googleActor(a *googleActivity) string {
	return firstNonEmpty(a.Actor.ProfileID.String(), strings.ToLower(strings.TrimSpace(a.Actor.Email)), strings.TrimSpace(a.Actor.Key))
}
