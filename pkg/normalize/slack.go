package normalize

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/catalog"
	"github.com/tokentrail/tokentrail/pkg/event"
)

// slack normalizes Slack Audit Logs API entries (one element of the
// "entries" array of GET https://api.slack.com/audit/v1/logs).
//
// Supported record shape:
//
//	{
//	  "id": "4f2a6c1e-…",                       // event_id
//	  "date_create": 1714989723,                // event_time, Unix seconds (required)
//	  "action": "app_scopes_expanded",          // action (required)
//	  "actor": {"type": "user",                 // or "bot" / "app"
//	            "user": {"id": "W01…", "name": "…", "email": "ana@example.com", "team": "T01…"},
//	            "app": {"id": "A01…", "name": "…"}},
//	  "entity": {"type": "app",                 // user | file | app | workspace | enterprise | channel
//	             "app": {"id": "A01…", "name": "…", "scopes": ["…"]},
//	             "file": {"id": "F01…", "name": "…", "title": "…"},
//	             "user": {…}, "workspace": {"id": "T01…", "name": "…"}, "enterprise": {…}},
//	  "context": {"location": {"type": "enterprise", "id": "E01…", "name": "…", "domain": "…"},
//	              "ua": "…", "ip_address": "203.0.113.5", "session_id": "8472881900"},
//	  "details": {"new_scopes": ["…"], "previous_scopes": ["…"], "bot_scopes": ["…"]}
//	}
//
// Mapping decisions:
//   - tenant is context.location.id (the enterprise or workspace the action
//     happened in), else the actor's team.
//   - app_id / app_name come from entity.app, else actor.app. Slack logs no
//     token id, so token_id is the app id for app events: every token an app
//     holds is bound to it, which lets a grant join its later use.
//   - auth_method: oauth when an app or bot is the actor or the entity;
//     interactive for sign-ins and for a user acting in a client session
//     (context.session_id); else unknown.
//   - scopes: details.new_scopes, details.scopes and details.bot_scopes,
//     else entity.app.scopes.
//   - outcome is failure for actions whose name says they failed, else
//     success: Slack logs completed actions.
//   - facts: admin_role when an app gains an admin.* scope; tenant_wide when
//     an app is installed or approved for the whole Enterprise Grid org.
type slack struct{ cat *catalog.Catalog }

func (*slack) source() string { return event.SourceSlack }

type slackNamed struct {
	ID     string    `json:"id"`
	Name   string    `json:"name"`
	Email  string    `json:"email"`
	Team   string    `json:"team"`
	Title  string    `json:"title"`
	Scopes scopeList `json:"scopes"`
}

type slackRecord struct {
	ID         string `json:"id"`
	DateCreate text   `json:"date_create"`
	Action     string `json:"action"`
	Actor      struct {
		Type string      `json:"type"`
		User *slackNamed `json:"user"`
		App  *slackNamed `json:"app"`
	} `json:"actor"`
	Entity struct {
		Type       string      `json:"type"`
		User       *slackNamed `json:"user"`
		App        *slackNamed `json:"app"`
		File       *slackNamed `json:"file"`
		Workspace  *slackNamed `json:"workspace"`
		Enterprise *slackNamed `json:"enterprise"`
		Channel    *slackNamed `json:"channel"`
	} `json:"entity"`
	Context struct {
		Location struct {
			Type string `json:"type"`
			ID   string `json:"id"`
		} `json:"location"`
		UA        string `json:"ua"`
		IPAddress string `json:"ip_address"`
		SessionID text   `json:"session_id"`
	} `json:"context"`
	Details struct {
		NewScopes scopeList `json:"new_scopes"`
		Scopes    scopeList `json:"scopes"`
		BotScopes scopeList `json:"bot_scopes"`
	} `json:"details"`
}

var slackTargetTypes = map[string]string{"enterprise": "organization"}

func (n *slack) parse(rec json.RawMessage, nt *notes) ([]event.Event, error) {
	var r slackRecord
	raw, err := decode(event.SourceSlack, rec, &r, nt)
	if err != nil {
		return nil, err
	}
	action := strings.TrimSpace(r.Action)
	if action == "" {
		return nil, recordErr(event.SourceSlack, "action", "is missing; it is the action of the event")
	}
	t, err := parseUnix(event.SourceSlack, "date_create", r.DateCreate, time.Second)
	if err != nil {
		return nil, err
	}
	e := event.Event{
		EventTime: t,
		EventID:   strings.TrimSpace(r.ID),
		Source:    event.SourceSlack,
		Action:    action,
		Outcome:   "success",
		SrcIP:     strings.TrimSpace(r.Context.IPAddress),
		UserAgent: strings.TrimSpace(r.Context.UA),
		SessionID: r.Context.SessionID.String(),
		Raw:       raw,
	}
	if e.EventID == "" {
		if e.EventID, err = canonicalID(rec); err != nil {
			return nil, recordErr(event.SourceSlack, "id", "is missing and the record cannot be hashed: %v", err)
		}
	}
	if strings.Contains(action, "failed") {
		e.Outcome = "failure"
	}
	if u := r.Actor.User; u != nil {
		e.ActorID, e.ActorName = u.ID, firstNonEmpty(u.Email, u.Name)
		e.Tenant = u.Team
	} else if a := r.Actor.App; a != nil {
		e.ActorID, e.ActorName = a.ID, a.Name
	}
	e.Tenant = firstNonEmpty(strings.TrimSpace(r.Context.Location.ID), e.Tenant)

	app := r.Entity.App
	if app == nil {
		app = r.Actor.App
	}
	if app != nil {
		e.AppID, e.AppName, e.TokenID = app.ID, app.Name, app.ID
	}
	e.Scopes = uniq(append(append(append([]string{}, r.Details.NewScopes...), r.Details.Scopes...), r.Details.BotScopes...))
	if len(e.Scopes) == 0 && app != nil {
		e.Scopes = uniq(app.Scopes)
	}
	e.AuthMethod = slackAuth(&r, action)
	n.fillTarget(&e, &r)

	f := catalog.Facts{}
	if anyHasPrefix(e.Scopes, "admin") {
		f[catalog.FactAdminRole] = true
	}
	if (action == "app_installed" || action == "app_approved") && r.Context.Location.Type == "enterprise" {
		f[catalog.FactTenantWide] = true
	}
	finish(n.cat, &e, f)
	return []event.Event{e}, nil
}

func slackAuth(r *slackRecord, action string) event.AuthMethod {
	actorType := strings.ToLower(r.Actor.Type)
	switch {
	case actorType == "bot" || actorType == "app" || r.Actor.App != nil || strings.EqualFold(r.Entity.Type, "app"):
		return event.AuthOAuth
	case strings.HasPrefix(action, "user_login"):
		return event.AuthInteractive
	case actorType == "user" && r.Context.SessionID.String() != "":
		return event.AuthInteractive
	}
	return event.AuthUnknown
}

func (*slack) fillTarget(e *event.Event, r *slackRecord) {
	var obj *slackNamed
	switch strings.ToLower(r.Entity.Type) {
	case "user":
		obj = r.Entity.User
	case "app":
		obj = r.Entity.App
	case "file":
		obj = r.Entity.File
	case "workspace":
		obj = r.Entity.Workspace
	case "enterprise":
		obj = r.Entity.Enterprise
	case "channel":
		obj = r.Entity.Channel
	}
	if obj == nil {
		return
	}
	e.TargetType = mapType(slackTargetTypes, r.Entity.Type)
	e.TargetID = obj.ID
	e.TargetName = firstNonEmpty(obj.Email, obj.Name, obj.Title)
}
