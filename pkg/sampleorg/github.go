package sampleorg

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// GitHub acts. The tenant is the organisation login.

// How a git operation authenticated, as the audit log's
// programmatic_access_type tells it.
const (
	ghSSH       = ""
	ghPAT       = "Personal access token (classic)"
	ghOAuth     = "OAuth access token"
	ghAppServer = "GitHub App server-to-server token"
)

func (g *generator) githubAct(t time.Time, action string, actor *identity, ip string) *act {
	a := g.newAct(t, event.SourceGitHub, action)
	a.actor, a.ip, a.tenant = actor, ip, g.o.tenantGitHub
	return a
}

// githubRepoAct is an action on a repository, authenticated by access (one
// of the gh* constants) through app when access is not SSH.
func (g *generator) githubRepoAct(t time.Time, action string, actor *identity, r repo, access string, app *app, ip string) *act {
	a := g.githubAct(t, action, actor, ip)
	a.target = target{typ: "repository", id: strconv.FormatInt(r.id, 10), name: r.name, private: r.private}
	if r.private {
		a.facts |= factPrivateRepo
	}
	a.detail = access
	a.ua = "git/2.45.2"
	switch access {
	case ghPAT:
		a.auth = event.AuthPAT
	case ghOAuth:
		a.auth = event.AuthOAuth
	case ghAppServer:
		a.auth = event.AuthServiceAccount
	}
	if access != ghSSH {
		a.token = app.tokenID
		if access != ghPAT { // a PAT belongs to no app
			a.app = app
		}
	}
	return a
}

func (g *generator) anyRepo(rng randSource) repo { return g.o.repos[rng.IntN(len(g.o.repos))] }

// sessGitHubDev: a developer fetches, clones and pushes over SSH. Developers
// keep their PATs out of the background on purpose: a PAT-authenticated
// private clone is exactly what AN0020 reports.
func (g *generator) sessGitHubDev(t time.Time) int {
	p := g.devAt(t)
	ip := g.o.ipAt(p, t)
	n := 0
	r := g.anyRepo(g.bg)
	for i := 1 + g.bg.IntN(4); i > 0; i-- {
		action := "git.fetch"
		switch x := g.bg.IntN(10); {
		case x < 2:
			action = "git.clone"
		case x < 5:
			action = "git.push"
		}
		n += g.keep(g.githubRepoAct(t, action, &p.github, r, ghSSH, nil, ip))
		t = t.Add(g.gap(30*time.Second, 15*time.Minute))
	}
	if g.bg.IntN(3) == 0 {
		a := g.githubRepoAct(t, "pull_request.create", &p.github, r, ghSSH, nil, ip)
		a.ua = p.ua
		n += g.keep(a)
	}
	return n
}

// sessGitHubThirdParty: a person's third-party OAuth app gets a token.
func (g *generator) sessGitHubThirdParty(t time.Time) int {
	p := g.anyoneAt(t)
	return g.keep(g.githubOAuth(t, "oauth_access.create", p, g.anyThirdParty(event.SourceGitHub), g.o.ipAt(p, t)))
}

// githubOAuth is an OAuth authorization or access-token event for app.
func (g *generator) githubOAuth(t time.Time, action string, p *person, app *app, ip string) *act {
	a := g.githubAct(t, action, &p.github, ip)
	a.app, a.auth, a.scopes, a.ua = app, event.AuthOAuth, app.scopes, p.ua
	a.target = target{typ: "app", id: app.id, name: app.name}
	return a
}

// sessGitHubCI: the approved CI app clones private repositories for a build.
func (g *generator) sessGitHubCI(t time.Time) int {
	app := g.o.automation[event.SourceGitHub]
	n := 0
	for i := 1 + g.bg.IntN(8); i > 0; i-- {
		action := "git.clone"
		if g.bg.IntN(8) == 0 {
			action = "repo.download_zip"
		}
		n += g.keep(g.githubRepoAct(t, action, app.actor, g.anyRepo(g.bg), ghAppServer, app, g.o.cloudIPs[3]))
		t = t.Add(g.gap(2*time.Second, 90*time.Second))
	}
	return n
}

// GitHub audit-log event, the fields this package fills.
type githubEvent struct {
	Timestamp              int64          `json:"@timestamp"`
	DocumentID             string         `json:"_document_id"`
	Action                 string         `json:"action"`
	Actor                  string         `json:"actor"`
	ActorID                int64          `json:"actor_id"`
	ActorIP                string         `json:"actor_ip"`
	ActorLocation          map[string]any `json:"actor_location"`
	Business               string         `json:"business"`
	CreatedAt              int64          `json:"created_at"`
	Integration            string         `json:"integration,omitempty"`
	HashedToken            string         `json:"hashed_token,omitempty"`
	OAuthApplicationID     int64          `json:"oauth_application_id,omitempty"`
	OAuthApplicationName   string         `json:"oauth_application_name,omitempty"`
	OperationType          string         `json:"operation_type"`
	Org                    string         `json:"org"`
	ProgrammaticAccessType string         `json:"programmatic_access_type,omitempty"`
	Repo                   string         `json:"repo,omitempty"`
	RepoID                 int64          `json:"repo_id,omitempty"`
	Repository             string         `json:"repository,omitempty"`
	RepositoryPublic       *bool          `json:"repository_public,omitempty"`
	TokenID                int64          `json:"token_id,omitempty"`
	TokenScopes            string         `json:"token_scopes,omitempty"`
	TransportProtocolName  string         `json:"transport_protocol_name,omitempty"`
	UserAgent              string         `json:"user_agent"`
	Visibility             string         `json:"visibility,omitempty"`
}

var githubLocation = map[string]any{"country_code": "US"}

// githubRecord renders a as a GitHub organisation audit-log event.
func (g *generator) githubRecord(a *act) (json.RawMessage, error) {
	actor := a.actorIdentity()
	ms := a.t.UnixMilli()
	r := githubEvent{
		Timestamp: ms, DocumentID: g.eventID(a), Action: a.action,
		Actor: actor.name, ActorID: actor.numID, ActorIP: a.ip, ActorLocation: githubLocation,
		Business: g.o.tenantGitHub, CreatedAt: ms, OperationType: "access", Org: g.o.tenantGitHub,
		ProgrammaticAccessType: a.detail, UserAgent: a.ua,
	}
	if a.target.typ == "repository" {
		public := !a.target.private
		r.Repo, r.Repository, r.RepositoryPublic = a.target.name, a.target.name, &public
		r.RepoID, _ = strconv.ParseInt(a.target.id, 10, 64)
		r.Visibility = "public"
		if a.target.private {
			r.Visibility = "private"
		}
		if strings.HasPrefix(a.action, "git.") {
			r.TransportProtocolName = "ssh"
			if a.detail != ghSSH {
				r.TransportProtocolName = "http"
			}
		}
	}
	if a.app != nil {
		switch a.auth {
		case event.AuthServiceAccount:
			r.Integration = a.app.name
		case event.AuthOAuth:
			r.OAuthApplicationID, r.OAuthApplicationName = a.app.numID, a.app.name
		}
	}
	if a.token != "" {
		n, err := strconv.ParseInt(a.token, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("token id %q is not numeric: GitHub token_id is an integer", a.token)
		}
		sum := sha256.Sum256([]byte(a.token))
		r.TokenID, r.HashedToken = n, base64.StdEncoding.EncodeToString(sum[:]) // the audit log's form: base64 SHA-256
	}
	r.TokenScopes = strings.Join(a.scopes, ",")
	return json.Marshal(&r)
}
