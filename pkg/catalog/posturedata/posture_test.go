package posturedata

import (
	"slices"
	"strings"
	"testing"

	"github.com/tokentrail/tokentrail/pkg/event"
)

func TestDefaultPostureParses(t *testing.T) {
	p := DefaultPosture()
	for _, src := range event.Sources {
		if len(p.PrivilegedFor(src)) == 0 {
			t.Errorf("%s has no privileged scopes", src)
		}
		for _, kind := range []string{RespondToken, RespondApp, RespondGrant, RespondSessions} {
			if a, ok := p.Response(src, kind, ResponseVars{Tenant: "acme", AppID: "a", TokenID: "t", ActorID: "u"}); !ok || a.Text == "" {
				t.Errorf("%s has no %s response", src, kind)
			}
		}
	}
}

func TestPrivilegedClassify(t *testing.T) {
	p := DefaultPosture()
	cases := []struct {
		source  string
		scopes  []string
		want    []string
		classes []string
	}{
		{event.SourceMicrosoft, []string{"openid", "mail.readwrite", "User.Read", "Files.Read.All"}, []string{"mail.readwrite", "Files.Read.All"}, []string{"files", "mail"}},
		{event.SourceMicrosoft, []string{"Calendars.Read"}, nil, nil},
		{event.SourceGitHub, []string{"repo", "read:user", "admin:org"}, []string{"repo", "admin:org"}, []string{"admin", "repository_write"}},
		{event.SourceGitHub, []string{"repo:status"}, nil, nil}, // a name, not a prefix
		{event.SourceOkta, []string{"okta.users.manage", "okta.users.read", "okta.manage"}, []string{"okta.users.manage"}, []string{"admin"}},
		{event.SourceGoogle, []string{"https://www.googleapis.com/auth/gmail.readonly"}, []string{"https://www.googleapis.com/auth/gmail.readonly"}, []string{"mail"}},
		{event.SourceSlack, []string{"repo"}, nil, nil}, // another vendor's scope name
	}
	for _, c := range cases {
		got, classes := p.Classify(c.source, c.scopes)
		if !slices.Equal(got, c.want) || !slices.Equal(classes, c.classes) {
			t.Errorf("%s %v: got %v %v, want %v %v", c.source, c.scopes, got, classes, c.want, c.classes)
		}
	}
}

func TestResponseURLs(t *testing.T) {
	p := DefaultPosture()
	a, _ := p.Response(event.SourceOkta, RespondToken, ResponseVars{Tenant: "acme.okta.com"})
	if a.URL != "https://acme-admin.okta.com/admin/access/api/tokens" {
		t.Errorf("okta token URL %q", a.URL)
	}
	a, _ = p.Response(event.SourceGitHub, RespondApp, ResponseVars{Tenant: "evil/../x?y"})
	if !strings.HasPrefix(a.URL, "https://github.com/organizations/evil%2F..%2Fx%3Fy/") {
		t.Errorf("tenant not escaped: %q", a.URL)
	}
	if a, _ = p.Response(event.SourceGitHub, RespondApp, ResponseVars{}); a.URL != "" || a.Text == "" {
		t.Errorf("a URL needing an empty tenant must be dropped, the text kept: %+v", a)
	}
	if _, ok := p.Response("zoom", RespondApp, ResponseVars{}); ok {
		t.Error("an unknown source has no response")
	}
}

func TestParsePostureRejects(t *testing.T) {
	bad := map[string]string{
		"unknown key":   "privileged_scopes:\n  - {source: m365, scope: Mail.*, klass: mail}\n",
		"bad class":     "privileged_scopes:\n  - {source: m365, scope: Mail.*, class: email}\n",
		"two stars":     "privileged_scopes:\n  - {source: m365, scope: '*.*', class: mail}\n",
		"bad source":    "consent:\n  - {source: zoom, action: x, type: user}\n",
		"bad regexp":    "consent:\n  - {source: m365, action: x, type: user, admin_marker: '('}\n",
		"http url":      "response:\n  - {source: slack, token: {text: a, url: 'http://x'}, app: {text: a}, grant: {text: a}, sessions: {text: a}}\n",
		"missing text":  "response:\n  - {source: slack, token: {text: a}, app: {text: a}, grant: {text: a}}\n",
		"bad consent t": "consent:\n  - {source: m365, action: x, type: tenant}\n",
	}
	for name, doc := range bad {
		if _, err := ParsePosture([]byte(doc)); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}
