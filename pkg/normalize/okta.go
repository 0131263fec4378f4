package normalize

import (
	"bytes"
	"encoding/json"
	"net/url"
	"reflect"
	"slices"
	"strings"

	"github.com/tokentrail/tokentrail/pkg/catalog"
	"github.com/tokentrail/tokentrail/pkg/event"
)

// okta normalizes Okta System Log API LogEvent objects (GET /api/v1/logs
// returns a JSON array of them; each element is one record).
//
// Supported record shape (fields read; everything else is kept only in raw):
//
//	{
//	  "uuid": "5c2a1f4e-0b3d-11ef-9a8e-0242ac120002",     // event_id (required)
//	  "published": "2024-05-06T09:14:03.512Z",             // event_time (required)
//	  "eventType": "app.oauth2.as.token.grant.access_token", // action (required)
//	  "actor": {"id": "00u…", "type": "User", "alternateId": "ana@example.com", "displayName": "Ana"},
//	  "client": {"id": "0oa…", "ipAddress": "203.0.113.10",
//	             "userAgent": {"rawUserAgent": "Mozilla/5.0 …"}},
//	  "authenticationContext": {"externalSessionId": "102…"},
//	  "outcome": {"result": "SUCCESS", "reason": null},
//	  "target": [{"id": "…", "type": "PolicyEntity", "alternateId": "…", "displayName": "…",
//	              "detailEntry": {"policyType": "OKTA_SIGN_ON"}}],
//	  "transaction": {"type": "WEB", "id": "…", "detail": {"requestApiTokenId": "00T…"}},
//	  "debugContext": {"debugData": {"grantType": "client_credentials",
//	                   "grantedScopes": "okta.users.read, okta.groups.read",
//	                   "requestedScopes": "…", "privilegeGranted": "Super administrator",
//	                   "issuer": "https://example.okta.com/oauth2/default"}}
//	}
//
// Mapping decisions:
//   - tenant is the host of debugData.issuer when the record has one; Okta
//     log events do not otherwise name the org, so it is usually empty.
//   - app_id is client.id for OAuth events (Okta fills it with the OAuth
//     client id), else the id of an AppInstance target.
//   - token_id is transaction.detail.requestApiTokenId (an SSWS API token was
//     used), else the id of a token target (the token created, or the
//     access/refresh token minted).
//   - auth_method: api_token when an API token made the request or the event
//     is an API token lifecycle event; service_account for the
//     client_credentials grant or when a client app is the actor; oauth for
//     other app.oauth2 events; interactive for sign-in events and for users
//     acting in a browser session; else unknown.
//   - facts: security_setting when a policy target is a sign-on, MFA,
//     password or access policy; admin_role when debugData.privilegeGranted
//     names a super or organization administrator.
type okta struct{ cat *catalog.Catalog }

func (*okta) source() string { return event.SourceOkta }

type oktaEntity struct {
	ID          text           `json:"id"`
	Type        string         `json:"type"`
	AlternateID string         `json:"alternateId"`
	DisplayName string         `json:"displayName"`
	DetailEntry map[string]any `json:"detailEntry"`
}

type oktaRecord struct {
	UUID      string     `json:"uuid"`
	Published string     `json:"published"`
	EventType string     `json:"eventType"`
	Actor     oktaEntity `json:"actor"`
	Client    struct {
		ID        text   `json:"id"`
		IPAddress string `json:"ipAddress"`
		UserAgent struct {
			RawUserAgent string `json:"rawUserAgent"`
		} `json:"userAgent"`
	} `json:"client"`
	AuthenticationContext struct {
		ExternalSessionID string `json:"externalSessionId"`
	} `json:"authenticationContext"`
	Outcome struct {
		Result string `json:"result"`
	} `json:"outcome"`
	Target      []oktaEntity `json:"target"`
	Transaction struct {
		Detail struct {
			RequestAPITokenID text `json:"requestApiTokenId"`
		} `json:"detail"`
	} `json:"transaction"`
	DebugContext struct {
		DebugData oktaDebug `json:"debugData"`
	} `json:"debugContext"`
}

// oktaDebug is debugContext.debugData. The API documents it as an object
// of strings; exports also carry it as null, as an empty string, or as the
// object serialized into a string. All of these are read; anything else is
// an empty map, since no detection depends on it.
type oktaDebug map[string]any

// UnmarshalJSON accepts an object, null, "" or a string holding an object.
func (d *oktaDebug) UnmarshalJSON(b []byte) error {
	*d = nil
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		b = []byte(strings.TrimSpace(s))
	}
	if len(b) == 0 || b[0] != '{' {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return &json.UnmarshalTypeError{Value: "malformed object", Type: reflect.TypeOf(m)}
	}
	*d = m
	return nil
}

// Okta target types that are tokens or token issuers rather than the
// object an analyst cares about.
var (
	oktaTokenTypes  = []string{"access_token", "id_token", "refresh_token", "token"}
	oktaClientTypes = []string{"publicclientapp", "clientapp", "appinstance"}
	// Policy types whose change weakens or strengthens authentication.
	oktaSecurityPolicies = []string{"okta_sign_on", "mfa_enroll", "access_policy", "password", "profile_enrollment", "idp_discovery"}
	oktaTargetTypes      = map[string]string{
		"user": "user", "appinstance": "app", "publicclientapp": "app", "clientapp": "app",
		"usergroup": "group", "policyentity": "policy", "policyrule": "policy_rule",
		"token": "token", "access_token": "token", "id_token": "token", "refresh_token": "token",
		"identityprovider": "idp", "authorizationserver": "authorization_server",
		"rolegroup": "role", "role": "role",
	}
)

func (n *okta) parse(rec json.RawMessage, nt *notes) ([]event.Event, error) {
	var r oktaRecord
	raw, err := decode(event.SourceOkta, rec, &r, nt)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(r.EventType) == "" {
		return nil, recordErr(event.SourceOkta, "eventType", "is missing; it is the action of the event")
	}
	t, err := parseTime(event.SourceOkta, "published", r.Published)
	if err != nil {
		return nil, err
	}
	debug := stringMap(r.DebugContext.DebugData)
	e := event.Event{
		EventTime:  t,
		EventID:    strings.TrimSpace(r.UUID),
		Tenant:     hostOf(debug["issuer"]),
		Source:     event.SourceOkta,
		Action:     strings.TrimSpace(r.EventType),
		AuthMethod: n.authMethod(&r, debug),
		Outcome:    outcome(r.Outcome.Result),
		ActorID:    r.Actor.ID.String(),
		ActorName:  firstNonEmpty(known(r.Actor.AlternateID), r.Actor.DisplayName),
		SrcIP:      strings.TrimSpace(r.Client.IPAddress),
		UserAgent:  known(r.Client.UserAgent.RawUserAgent),
		SessionID:  known(r.AuthenticationContext.ExternalSessionID),
		Scopes:     splitScopes(firstNonEmpty(debug["grantedScopes"], debug["requestedScopes"])),
		Raw:        raw,
	}
	if e.EventID == "" {
		if e.EventID, err = canonicalID(rec); err != nil {
			return nil, recordErr(event.SourceOkta, "uuid", "is missing and the record cannot be hashed: %v", err)
		}
	}
	n.fillApp(&e, &r)
	n.fillTarget(&e, &r)
	finish(n.cat, &e, n.facts(&r, debug))
	return []event.Event{e}, nil
}

func (*okta) authMethod(r *oktaRecord, debug map[string]string) event.AuthMethod {
	action := strings.ToLower(r.EventType)
	actorType := strings.ToLower(r.Actor.Type)
	switch {
	case r.Transaction.Detail.RequestAPITokenID.String() != "",
		strings.HasPrefix(action, "system.api_token."):
		return event.AuthAPIToken
	case strings.HasPrefix(action, "app.oauth2."):
		if strings.EqualFold(debug["grantType"], "client_credentials") || slices.Contains(oktaClientTypes, actorType) {
			return event.AuthServiceAccount
		}
		return event.AuthOAuth
	case strings.HasPrefix(action, "user.session."), strings.HasPrefix(action, "user.authentication."):
		return event.AuthInteractive
	case actorType == "user" && known(r.AuthenticationContext.ExternalSessionID) != "":
		return event.AuthInteractive
	}
	return event.AuthUnknown
}

func (*okta) fillApp(e *event.Event, r *oktaRecord) {
	actorIsClient := slices.Contains(oktaClientTypes, strings.ToLower(r.Actor.Type))
	if strings.HasPrefix(strings.ToLower(r.EventType), "app.oauth2.") {
		e.AppID = r.Client.ID.String()
		if e.AppID == "" && actorIsClient {
			e.AppID = r.Actor.ID.String()
		}
	}
	for _, t := range r.Target {
		if !slices.Contains(oktaClientTypes, strings.ToLower(t.Type)) {
			continue
		}
		if e.AppID == "" {
			e.AppID = t.ID.String()
		}
		if e.AppID == t.ID.String() {
			e.AppName = t.DisplayName
		}
		break
	}
	if e.AppName == "" && actorIsClient && r.Actor.ID.String() == e.AppID {
		e.AppName = r.Actor.DisplayName
	}
	e.TokenID = r.Transaction.Detail.RequestAPITokenID.String()
	if e.TokenID == "" {
		for _, t := range r.Target {
			if slices.Contains(oktaTokenTypes, strings.ToLower(t.Type)) {
				e.TokenID = t.ID.String()
				break
			}
		}
	}
}

// fillTarget picks the first target that is not an issuer or a minted
// OAuth token; those are carried in app_id and token_id instead.
func (*okta) fillTarget(e *event.Event, r *oktaRecord) {
	var pick *oktaEntity
	for i := range r.Target {
		tt := strings.ToLower(r.Target[i].Type)
		if tt == "authorizationserver" || (tt != "token" && slices.Contains(oktaTokenTypes, tt)) {
			continue
		}
		pick = &r.Target[i]
		break
	}
	if pick == nil && len(r.Target) > 0 {
		pick = &r.Target[0]
	}
	if pick == nil {
		return
	}
	e.TargetType = mapType(oktaTargetTypes, pick.Type)
	e.TargetID = pick.ID.String()
	e.TargetName = firstNonEmpty(known(pick.DisplayName), known(pick.AlternateID))
}

func (*okta) facts(r *oktaRecord, debug map[string]string) catalog.Facts {
	f := catalog.Facts{}
	for _, t := range r.Target {
		pt, _ := t.DetailEntry["policyType"].(string)
		if slices.Contains(oktaSecurityPolicies, strings.ToLower(pt)) {
			f[catalog.FactSecuritySetting] = true
		}
	}
	priv := strings.ToLower(debug["privilegeGranted"])
	if strings.Contains(priv, "super admin") || strings.Contains(priv, "organization admin") || strings.Contains(priv, "org admin") {
		f[catalog.FactAdminRole] = true
	}
	return f
}

// stringMap flattens Okta debugData, whose values are strings in practice
// but are not typed by the API, into strings.
func stringMap(m map[string]any) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		switch x := v.(type) {
		case string:
			out[k] = strings.TrimSpace(x)
		case nil:
		default:
			b, _ := json.Marshal(x)
			out[k] = string(b)
		}
	}
	return out
}

// hostOf returns the host of an absolute URL, or "".
func hostOf(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Host == "" {
		return ""
	}
	return strings.ToLower(u.Hostname())
}
