package collect

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// OktaConfig reads the System Log of one Okta org, with an API token (SSWS)
// or an OAuth service app (client credentials with a private-key JWT).
type OktaConfig struct {
	Domain     string  `yaml:"domain"`      // acme.okta.com
	APIToken   *Secret `yaml:"api_token"`   // either this ...
	ClientID   string  `yaml:"client_id"`   // ... or a service app: its client id,
	PrivateKey *Secret `yaml:"private_key"` // its PEM private key (RSA),
	KeyID      string  `yaml:"key_id"`      // and the key's id when the app has several
}

// GoogleConfig reads the Admin SDK Reports API with a service account that
// has domain-wide delegation, impersonating an administrator.
type GoogleConfig struct {
	Credentials  *Secret  `yaml:"credentials"`  // the service account's JSON key
	Subject      string   `yaml:"subject"`      // the administrator to impersonate
	CustomerID   string   `yaml:"customer_id"`  // optional; the account's own customer by default
	Applications []string `yaml:"applications"` // activities.list applicationName values
}

// M365Config reads the Office 365 Management Activity API with an app
// registration's client credentials.
type M365Config struct {
	TenantID     string   `yaml:"tenant_id"`
	ClientID     string   `yaml:"client_id"`
	ClientSecret *Secret  `yaml:"client_secret"`
	ContentTypes []string `yaml:"content_types"`
	LoginURL     string   `yaml:"login_url"` // the identity platform; https://login.microsoftonline.com by default
}

// GitHubConfig reads an organization's or an enterprise's audit log.
type GitHubConfig struct {
	Organization string  `yaml:"organization"`
	Enterprise   string  `yaml:"enterprise"`
	Token        *Secret `yaml:"token"`
}

// SlackConfig reads the Enterprise organization's Audit Logs API.
type SlackConfig struct {
	Token *Secret `yaml:"token"` // an org owner's user token (xoxp-) with auditlogs:read
}

// Defaults for the vendors' lists.
var (
	defaultGoogleApps   = []string{"login", "admin", "token", "drive", "saml", "user_accounts"}
	defaultContentTypes = []string{"Audit.AzureActiveDirectory", "Audit.Exchange", "Audit.SharePoint", "Audit.General"}
	validContentTypes   = map[string]bool{"Audit.AzureActiveDirectory": true, "Audit.Exchange": true, "Audit.SharePoint": true, "Audit.General": true, "DLP.All": true}
	googleAppPattern    = regexp.MustCompile(`^[a-z][a-z_]{1,40}$`)
	slugPattern         = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$`)
	hostPattern         = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]{0,252}(:[0-9]{1,5})?$`)
	guidPattern         = regexp.MustCompile(`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$`)
)

func (s *SourceConfig) validateVendor() error {
	blocks := map[string]bool{
		event.SourceOkta: s.Okta != nil, event.SourceGoogle: s.Google != nil, event.SourceMicrosoft: s.M365 != nil,
		event.SourceGitHub: s.GitHub != nil, event.SourceSlack: s.Slack != nil,
	}
	for typ, present := range blocks {
		if present && typ != s.Type {
			return fmt.Errorf("has a %s block but type %s: keep only the block of its type", typ, s.Type)
		}
	}
	if !blocks[s.Type] {
		return fmt.Errorf("type %s needs its %s: block with the API's settings and credentials", s.Type, s.Type)
	}
	switch s.Type {
	case event.SourceOkta:
		return s.Okta.validate(s.BaseURL != "")
	case event.SourceGoogle:
		return s.Google.validate()
	case event.SourceMicrosoft:
		return s.M365.validate()
	case event.SourceGitHub:
		return s.GitHub.validate()
	}
	return needSecret("slack.token", s.Slack.Token)
}

func needSecret(what string, s *Secret) error {
	if s == nil {
		return fmt.Errorf("%s is required: write {env: VARIABLE_NAME} or {file: /path}", what)
	}
	return nil
}

func (o *OktaConfig) validate(hasBaseURL bool) error {
	if o.Domain == "" && !hasBaseURL {
		return errors.New("okta.domain is required, such as acme.okta.com")
	}
	if o.Domain != "" && !hostPattern.MatchString(o.Domain) {
		return fmt.Errorf("okta.domain %q: give the org's host name only, such as acme.okta.com, without https:// or a path", o.Domain)
	}
	switch {
	case o.APIToken != nil && (o.ClientID != "" || o.PrivateKey != nil):
		return errors.New("okta: give either api_token or client_id with private_key, not both")
	case o.APIToken == nil && (o.ClientID == "" || o.PrivateKey == nil):
		return errors.New("okta: give api_token, or client_id and private_key of an OAuth service app granted okta.logs.read")
	}
	return nil
}

func (g *GoogleConfig) validate() error {
	if err := needSecret("google_workspace.credentials", g.Credentials); err != nil {
		return err
	}
	if !strings.Contains(g.Subject, "@") {
		return fmt.Errorf("google_workspace.subject %q: give the e-mail of the administrator the service account impersonates", g.Subject)
	}
	if len(g.Applications) == 0 {
		g.Applications = defaultGoogleApps
	}
	seen := map[string]bool{}
	for _, a := range g.Applications {
		if !googleAppPattern.MatchString(a) || seen[a] {
			return fmt.Errorf("google_workspace.applications: %q is not a Reports API applicationName (such as login, admin, token, drive) or is listed twice", a)
		}
		seen[a] = true
	}
	if g.CustomerID != "" && !slugPattern.MatchString(g.CustomerID) {
		return fmt.Errorf("google_workspace.customer_id %q: letters and digits only, such as C03az79cb", g.CustomerID)
	}
	return nil
}

func (m *M365Config) validate() error {
	if !guidPattern.MatchString(m.TenantID) {
		return fmt.Errorf("m365.tenant_id %q: give the directory (tenant) id, a GUID", m.TenantID)
	}
	if !guidPattern.MatchString(m.ClientID) {
		return fmt.Errorf("m365.client_id %q: give the app registration's application (client) id, a GUID", m.ClientID)
	}
	if err := needSecret("m365.client_secret", m.ClientSecret); err != nil {
		return err
	}
	if len(m.ContentTypes) == 0 {
		m.ContentTypes = defaultContentTypes
	}
	seen := map[string]bool{}
	for _, c := range m.ContentTypes {
		if !validContentTypes[c] || seen[c] {
			return fmt.Errorf("m365.content_types: %q is not one of Audit.AzureActiveDirectory, Audit.Exchange, Audit.SharePoint, Audit.General, DLP.All, or is listed twice", c)
		}
		seen[c] = true
	}
	if m.LoginURL != "" {
		return checkAPIURL("m365.login_url", m.LoginURL)
	}
	return nil
}

func (g *GitHubConfig) validate() error {
	if (g.Organization == "") == (g.Enterprise == "") {
		return errors.New("github: give exactly one of organization or enterprise")
	}
	for _, v := range []string{g.Organization, g.Enterprise} {
		if v != "" && !slugPattern.MatchString(v) {
			return fmt.Errorf("github: %q is not an organization or enterprise slug", v)
		}
	}
	return needSecret("github.token", g.Token)
}
