// Package posturedata is the data the posture queries and the episodes
// response read at query time: which scopes are privileged, how each vendor
// records admin and user consent, and each vendor's containment steps. It
// lives beside the event catalogue but apart from it: the catalogue
// classifies events at ingest and may read users' files; this package is
// compiled into the plugin, which reads nothing from disk.
package posturedata

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/tokentrail/tokentrail/pkg/event"
)

//go:embed posture.yaml
var postureYAML []byte

// Scope classes a privileged scope belongs to.
var ScopeClasses = []string{"mail", "files", "messages", "admin", "repository_write"}

// Consent types of a grant.
const (
	ConsentAdmin   = "admin"
	ConsentUser    = "user"
	ConsentUnknown = "unknown"
)

// Response kinds: what a containment step acts on.
const (
	RespondToken    = "token"
	RespondApp      = "app"
	RespondGrant    = "grant"
	RespondSessions = "sessions"
)

// PrivilegedScope marks a scope (or a family, "Mail.*") as reaching mail,
// files, messages, admin powers or repository write.
type PrivilegedScope struct {
	Source string `yaml:"source"`
	Scope  string `yaml:"scope"`
	Class  string `yaml:"class"`
}

// Matches reports whether the scope, compared without case, is this entry's
// scope or, for a pattern with one "*", has its text before and after the
// star ("Mail.*", "okta.*.manage").
func (p PrivilegedScope) Matches(scope string) bool {
	s, pat := strings.ToLower(strings.TrimSpace(scope)), strings.ToLower(p.Scope)
	if prefix, suffix, ok := strings.Cut(pat, "*"); ok {
		return len(s) >= len(prefix)+len(suffix) && strings.HasPrefix(s, prefix) && strings.HasSuffix(s, suffix)
	}
	return s == pat
}

// ConsentRule says whether a grant action is an admin or a user consent.
// AdminMarker, when set, is an RE2 expression: a record of this action whose
// raw vendor JSON matches it is an admin consent, because the vendor keeps
// the distinction only inside the record.
type ConsentRule struct {
	Source      string `yaml:"source"`
	Action      string `yaml:"action"`
	Type        string `yaml:"type"`
	AdminMarker string `yaml:"admin_marker"`
}

// Action is one containment step: what to do and where.
type Action struct {
	Text string `yaml:"text"`
	URL  string `yaml:"url"`
}

// SourceResponse holds a source's containment steps by kind.
type SourceResponse struct {
	Source   string `yaml:"source"`
	Token    Action `yaml:"token"`
	App      Action `yaml:"app"`
	Grant    Action `yaml:"grant"`
	Sessions Action `yaml:"sessions"`
}

// Posture is the data the inventory, coverage and episode responses read at
// query time. It is immutable once parsed and safe for concurrent use.
type Posture struct {
	Privileged []PrivilegedScope `yaml:"privileged_scopes"`
	Consent    []ConsentRule     `yaml:"consent"`
	Responses  []SourceResponse  `yaml:"response"`
}

var (
	postureOnce sync.Once
	posture     *Posture
)

// DefaultPosture returns the embedded posture data, parsed once. It panics
// only if the embedded file is invalid, which TestDefaultPostureParses
// guards at build time.
func DefaultPosture() *Posture {
	postureOnce.Do(func() {
		p, err := ParsePosture(postureYAML)
		if err != nil {
			panic(fmt.Sprintf("catalog: the embedded posture.yaml is invalid: %v", err))
		}
		posture = p
	})
	return posture
}

// ParsePosture decodes and validates a posture document. Unknown keys are
// errors, so a misspelt field never silently means "not set".
func ParsePosture(b []byte) (*Posture, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var p Posture
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("posture: %w", err)
	}
	return &p, p.validate()
}

func (p *Posture) validate() error {
	var errs []error
	for i, s := range p.Privileged {
		if !slices.Contains(event.Sources, s.Source) {
			errs = append(errs, fmt.Errorf("privileged_scopes[%d]: source %q is not one of %s", i, s.Source, strings.Join(event.Sources, ", ")))
		}
		if s.Scope == "" || s.Scope == "*" || strings.Count(s.Scope, "*") > 1 {
			errs = append(errs, fmt.Errorf("privileged_scopes[%d]: scope %q must be a name or a pattern with one \"*\" (Mail.*)", i, s.Scope))
		}
		if !slices.Contains(ScopeClasses, s.Class) {
			errs = append(errs, fmt.Errorf("privileged_scopes[%d]: class %q is not one of %s", i, s.Class, strings.Join(ScopeClasses, ", ")))
		}
	}
	for i, c := range p.Consent {
		if !slices.Contains(event.Sources, c.Source) || c.Action == "" {
			errs = append(errs, fmt.Errorf("consent[%d]: needs a known source and an action", i))
		}
		if c.Type != ConsentAdmin && c.Type != ConsentUser {
			errs = append(errs, fmt.Errorf("consent[%d]: type %q must be admin or user", i, c.Type))
		}
		if _, err := regexp.Compile(c.AdminMarker); err != nil {
			errs = append(errs, fmt.Errorf("consent[%d]: admin_marker is not an RE2 expression: %v", i, err))
		}
	}
	for i, r := range p.Responses {
		if !slices.Contains(event.Sources, r.Source) {
			errs = append(errs, fmt.Errorf("response[%d]: source %q is not one of %s", i, r.Source, strings.Join(event.Sources, ", ")))
		}
		for kind, a := range map[string]Action{RespondToken: r.Token, RespondApp: r.App, RespondGrant: r.Grant, RespondSessions: r.Sessions} {
			if a.Text == "" {
				errs = append(errs, fmt.Errorf("response[%d] (%s): %s.text is empty", i, r.Source, kind))
			}
			if a.URL != "" && !strings.HasPrefix(a.URL, "https://") {
				errs = append(errs, fmt.Errorf("response[%d] (%s): %s.url must start with https://", i, r.Source, kind))
			}
		}
	}
	return errors.Join(errs...)
}

// PrivilegedFor returns the privileged scope entries of a source.
func (p *Posture) PrivilegedFor(source string) []PrivilegedScope {
	var out []PrivilegedScope
	for _, s := range p.Privileged {
		if s.Source == source {
			out = append(out, s)
		}
	}
	return out
}

// Classify returns which of scopes are privileged for source, in the order
// given, and the sorted distinct classes they belong to.
func (p *Posture) Classify(source string, scopes []string) (privileged, classes []string) {
	entries := p.PrivilegedFor(source)
	for _, s := range scopes {
		for _, e := range entries {
			if e.Matches(s) {
				privileged = append(privileged, s)
				if !slices.Contains(classes, e.Class) {
					classes = append(classes, e.Class)
				}
				break
			}
		}
	}
	slices.Sort(classes)
	return privileged, classes
}

// ResponseVars are the values a response URL template may use.
type ResponseVars struct {
	Tenant, AppID, TokenID, ActorID string
}

// Response returns the containment step of kind for source with its URL
// filled in, or ok=false when the source has none. A URL whose template
// needs a value that is empty comes back as "": a link to the wrong page is
// worse than none.
func (p *Posture) Response(source, kind string, v ResponseVars) (a Action, ok bool) {
	for _, r := range p.Responses {
		if r.Source != source {
			continue
		}
		switch kind {
		case RespondToken:
			a = r.Token
		case RespondApp:
			a = r.App
		case RespondGrant:
			a = r.Grant
		case RespondSessions:
			a = r.Sessions
		default:
			return Action{}, false
		}
		a.URL = fillURL(a.URL, v)
		return a, true
	}
	return Action{}, false
}

func fillURL(tmpl string, v ResponseVars) string {
	if tmpl == "" {
		return ""
	}
	label, _, _ := strings.Cut(v.Tenant, ".")
	values := map[string]string{
		"{tenant}": v.Tenant, "{tenant_label}": label, "{app_id}": v.AppID,
		"{token_id}": v.TokenID, "{actor_id}": v.ActorID,
	}
	out := tmpl
	for k, val := range values {
		if !strings.Contains(out, k) {
			continue
		}
		if val == "" {
			return ""
		}
		out = strings.ReplaceAll(out, k, url.PathEscape(val))
	}
	return out
}
