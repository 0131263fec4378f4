package normalize

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/catalog"
	"github.com/tokentrail/tokentrail/pkg/event"
)

// github normalizes GitHub enterprise and organization audit log events, as
// returned by GET /enterprises/{e}/audit-log or /orgs/{o}/audit-log (one
// array element) and as written by audit log streaming (one JSON object per
// line). Git events (git.clone, git.push) need include=all or git.
//
// Supported record shape:
//
//	{
//	  "@timestamp": 1714989600123,               // event_time, Unix ms (required; created_at is the fallback)
//	  "_document_id": "Xk2p…",                   // event_id
//	  "action": "git.clone",                     // action (required)
//	  "actor": "dreyes", "actor_id": 5123456, "actor_ip": "203.0.113.41",
//	  "user_agent": "git/2.45.0",
//	  "business": "acme", "org": "acme-eng",     // tenant: business, else org
//	  "repo": "acme-eng/payments", "repo_id": 7712345,
//	  "repository_public": false, "visibility": "private",
//	  "programmatic_access_type": "Fine-grained personal access token",
//	  "token_id": 402211, "hashed_token": "q1w2…=", "token_scopes": "repo,read:org",
//	  "oauth_application_id": 998877, "oauth_application_name": "Release Bot",
//	  "integration": "deploy-helper",            // GitHub App slug
//	  "user": "lpark", "user_id": 6234567,       // member an org.* action changes
//	  "permission": "admin", "old_permission": "read"
//	}
//
// Mapping decisions:
//   - actor_id is the lower-cased login (actor), the same in every record
//     type; organization audit-log entries often carry no numeric actor_id.
//     Only a record without a login falls back to actor_id.
//   - auth_method from programmatic_access_type: personal access tokens
//     (classic or fine-grained) are pat, OAuth app tokens and GitHub App
//     user-to-server tokens are oauth, GitHub App installation
//     (server-to-server) tokens are service_account. Without it: a "[bot]"
//     actor is service_account, OAuth token lifecycle actions are oauth,
//     personal_access_token.* actions are pat, else unknown (the audit log
//     does not mark web sessions).
//   - app_id / app_name: oauth_application_id / oauth_application_name, else
//     the integration slug, else the slug of a "<slug>[bot]" actor, else
//     (bare personal access tokens) the token id and the token's name
//     (user_programmatic_access_name). A token the record does not type
//     ("Authentication token created before 2021-04-05", or api.request
//     with only token_id, hashed_token and token_scopes) is an OAuth token
//     when an OAuth app is named, a GitHub App token when an app is, else a
//     personal access token.
//   - token_id: token_id, else hashed_token.
//   - target: the token for personal_access_token.* actions, the member
//     (user) for org membership changes, else the repository, else the app
//     for OAuth and installation actions, else the organization.
//   - outcome is success: the audit log records completed actions.
//   - facts: private_repo when repository_public is false or visibility is
//     private or internal; admin_role when a member becomes admin;
//     external_sharing when repo.access makes a repository public.
type github struct{ cat *catalog.Catalog }

func (*github) source() string { return event.SourceGitHub }

type githubRecord struct {
	Timestamp              text      `json:"@timestamp"`
	CreatedAt              text      `json:"created_at"`
	DocumentID             string    `json:"_document_id"`
	Action                 string    `json:"action"`
	Actor                  string    `json:"actor"`
	ActorID                text      `json:"actor_id"`
	ActorIP                string    `json:"actor_ip"`
	UserAgent              string    `json:"user_agent"`
	Business               string    `json:"business"`
	Org                    string    `json:"org"`
	OrgID                  text      `json:"org_id"`
	Repo                   string    `json:"repo"`
	Repository             string    `json:"repository"`
	RepoID                 text      `json:"repo_id"`
	RepositoryPublic       *bool     `json:"repository_public"`
	Visibility             string    `json:"visibility"`
	ProgrammaticAccessType string    `json:"programmatic_access_type"`
	TokenID                text      `json:"token_id"`
	HashedToken            string    `json:"hashed_token"`
	TokenScopes            scopeList `json:"token_scopes"`
	Scopes                 scopeList `json:"scopes"`
	OAuthApplicationID     text      `json:"oauth_application_id"`
	OAuthApplicationName   string    `json:"oauth_application_name"`
	OAuthApplication       string    `json:"oauth_application"`
	Integration            string    `json:"integration"`
	User                   string    `json:"user"`
	UserID                 text      `json:"user_id"`
	Permission             string    `json:"permission"`
	TokenName              string    `json:"user_programmatic_access_name"`
}

func (n *github) parse(rec json.RawMessage, nt *notes) ([]event.Event, error) {
	var r githubRecord
	raw, err := decode(event.SourceGitHub, rec, &r, nt)
	if err != nil {
		return nil, err
	}
	action := strings.TrimSpace(r.Action)
	if action == "" {
		return nil, recordErr(event.SourceGitHub, "action", "is missing; it is the action of the event")
	}
	t, err := githubTime(&r)
	if err != nil {
		return nil, err
	}
	e := event.Event{
		EventTime: t,
		EventID:   strings.TrimSpace(r.DocumentID),
		Tenant:    firstNonEmpty(strings.TrimSpace(r.Business), strings.TrimSpace(r.Org)),
		Source:    event.SourceGitHub,
		Action:    action,
		Outcome:   "success",
		ActorID:   firstNonEmpty(strings.ToLower(strings.TrimSpace(r.Actor)), r.ActorID.String()),
		ActorName: firstNonEmpty(strings.TrimSpace(r.Actor), r.ActorID.String()),
		AppID:     firstNonEmpty(r.OAuthApplicationID.String(), strings.TrimSpace(r.Integration), botSlug(r.Actor)),
		AppName:   firstNonEmpty(strings.TrimSpace(r.OAuthApplicationName), strings.TrimSpace(r.OAuthApplication), strings.TrimSpace(r.Integration), botSlug(r.Actor)),
		TokenID:   firstNonEmpty(r.TokenID.String(), strings.TrimSpace(r.HashedToken)),
		SrcIP:     strings.TrimSpace(r.ActorIP),
		UserAgent: strings.TrimSpace(r.UserAgent),
		Scopes:    uniq(append(append([]string{}, r.TokenScopes...), r.Scopes...)),
		Raw:       raw,
	}
	if e.EventID == "" {
		if e.EventID, err = canonicalID(rec); err != nil {
			return nil, recordErr(event.SourceGitHub, "_document_id", "is missing and the record cannot be hashed: %v", err)
		}
	}
	e.AuthMethod = githubAuth(&r, action)
	n.fillTarget(&e, &r, action)
	if e.AppID == "" && e.AppName == "" && (e.AuthMethod == event.AuthPAT || e.AuthMethod == event.AuthAPIToken) {
		// A bare token becomes its own app in finish; its name is the
		// token's name when the record has it.
		e.AppName = strings.TrimSpace(r.TokenName)
	}

	f := catalog.Facts{}
	vis := strings.ToLower(r.Visibility)
	if (r.RepositoryPublic != nil && !*r.RepositoryPublic) || vis == "private" || vis == "internal" {
		f[catalog.FactPrivateRepo] = true
	}
	if strings.HasPrefix(action, "org.") && strings.EqualFold(r.Permission, "admin") {
		f[catalog.FactAdminRole] = true
	}
	if action == "repo.access" && vis == "public" {
		f[catalog.FactExternalSharing] = true
	}
	finish(n.cat, &e, f)
	return []event.Event{e}, nil
}

func githubTime(r *githubRecord) (time.Time, error) {
	field, v := "@timestamp", r.Timestamp
	if v.String() == "" {
		field, v = "created_at", r.CreatedAt
	}
	if v.String() == "" {
		return time.Time{}, recordErr(event.SourceGitHub, "@timestamp", "is missing (and so is created_at); every record needs its event time")
	}
	// Some streaming sinks rewrite the epoch as an RFC 3339 string.
	if strings.Contains(v.String(), "-") {
		return parseTime(event.SourceGitHub, field, v.String())
	}
	return parseUnix(event.SourceGitHub, field, v, time.Millisecond)
}

func githubAuth(r *githubRecord, action string) event.AuthMethod {
	pat := strings.ToLower(r.ProgrammaticAccessType)
	hasToken := r.TokenID.String() != "" || strings.TrimSpace(r.HashedToken) != "" || len(r.TokenScopes) > 0
	switch {
	case strings.Contains(pat, "authentication token"), pat == "" && hasToken:
		// "Authentication token created before 2021-04-05", or a token
		// the record does not type (api.request): a token of an OAuth app
		// when one is named, of a GitHub App when one is, else a PAT.
		switch {
		case r.OAuthApplicationID.String() != "":
			return event.AuthOAuth
		case strings.TrimSpace(r.Integration) != "", botSlug(r.Actor) != "":
			return event.AuthServiceAccount
		}
		return event.AuthPAT
	case strings.Contains(pat, "user-to-server"):
		return event.AuthOAuth
	case strings.Contains(pat, "server-to-server"), strings.Contains(pat, "installation"), strings.Contains(pat, "github app"):
		return event.AuthServiceAccount
	case strings.Contains(pat, "personal access token"), strings.Contains(pat, "fine-grained"):
		return event.AuthPAT
	case strings.Contains(pat, "oauth"):
		return event.AuthOAuth
	case strings.HasSuffix(r.Actor, "[bot]"):
		return event.AuthServiceAccount
	case strings.HasPrefix(action, "oauth_access."), strings.HasPrefix(action, "oauth_authorization."):
		return event.AuthOAuth
	case strings.HasPrefix(action, "personal_access_token."):
		return event.AuthPAT
	}
	return event.AuthUnknown
}

func (*github) fillTarget(e *event.Event, r *githubRecord, action string) {
	repo := firstNonEmpty(strings.TrimSpace(r.Repo), strings.TrimSpace(r.Repository))
	switch {
	case strings.HasPrefix(action, "personal_access_token.") && r.TokenID.String() != "":
		e.TargetType, e.TargetID, e.TargetName = "token", r.TokenID.String(), strings.TrimSpace(r.TokenName)
	case r.User != "" && (strings.HasPrefix(action, "org.") || strings.HasPrefix(action, "business.")):
		e.TargetType, e.TargetID, e.TargetName = "user", r.UserID.String(), r.User
	case repo != "":
		e.TargetType, e.TargetID, e.TargetName = "repository", r.RepoID.String(), repo
	case e.AppID != "":
		e.TargetType, e.TargetID, e.TargetName = "app", e.AppID, e.AppName
	case r.Org != "":
		e.TargetType, e.TargetID, e.TargetName = "organization", r.OrgID.String(), r.Org
	}
}

// botSlug returns the GitHub App slug of a "<slug>[bot]" actor, else "".
// Installation tokens act as that bot, and the slug is what the audit log
// calls the app in "integration", so both name one app.
func botSlug(actor string) string {
	slug, ok := strings.CutSuffix(strings.TrimSpace(actor), "[bot]")
	if !ok {
		return ""
	}
	return slug
}
