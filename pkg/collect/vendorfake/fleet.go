package vendorfake

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/normalize"
)

// Identities the fleet's fakes accept.
const (
	M365Tenant   = "9a3e5c71-2b4d-4f68-8e1a-0c7d6b5f4e32"
	M365Client   = "3f2b8c4e-1d6a-4e7b-9c0f-5a8d2e6b1c47"
	OktaClientID = "0oa1fake2collector3"
	GoogleEmail  = "tokentrail@fake-project.iam.gserviceaccount.com"
	GoogleAdmin  = "admin@acme.example.com"
	GitHubOrg    = "acme"
)

// Fleet is the five vendor fakes with the credentials the collector needs:
// secrets in environment variables (Env) and key files under a folder.
type Fleet struct {
	Okta, Google, M365, GitHub, Slack *Fake
	Env                               map[string]string
	oktaKeyFile, googleKeyFile        string
}

// StartFleet starts a fake per vendor serving data, with the options
// options returns for each source. Keys are written under dir.
func StartFleet(data Dataset, options func(source string) Options, dir string) (*Fleet, error) {
	oktaKey, err := NewKey()
	if err != nil {
		return nil, err
	}
	googleKey, err := NewKey()
	if err != nil {
		return nil, err
	}
	fl := &Fleet{Env: map[string]string{
		"TT_GITHUB_TOKEN": "ghp_fakeAuditToken0123456789",
		"TT_SLACK_TOKEN":  "xoxp-fake-audit-token",
		"TT_M365_SECRET":  "fake~m365~secret",
	}}
	fl.Okta = NewOkta(data[event.SourceOkta], options(event.SourceOkta), "", OktaClientID, oktaKey)
	fl.Google = NewGoogle(data[event.SourceGoogle], options(event.SourceGoogle), GoogleEmail, GoogleAdmin, googleKey)
	fl.M365 = NewM365(data[event.SourceMicrosoft], options(event.SourceMicrosoft), M365Tenant, M365Client, fl.Env["TT_M365_SECRET"])
	fl.GitHub = NewGitHub(data[event.SourceGitHub], options(event.SourceGitHub), fl.Env["TT_GITHUB_TOKEN"])
	fl.Slack = NewSlack(data[event.SourceSlack], options(event.SourceSlack), fl.Env["TT_SLACK_TOKEN"])
	fl.oktaKeyFile = filepath.Join(dir, "okta-key.pem")
	fl.googleKeyFile = filepath.Join(dir, "google-key.json")
	if err := os.WriteFile(fl.oktaKeyFile, []byte(oktaKey.PEM), 0o600); err != nil {
		fl.Close()
		return nil, err
	}
	if err := os.WriteFile(fl.googleKeyFile, []byte(googleKey.GoogleKeyJSON(GoogleEmail, fl.Google.URL()+"/token")), 0o600); err != nil {
		fl.Close()
		return nil, err
	}
	return fl, nil
}

// Fakes lists the five fakes.
func (fl *Fleet) Fakes() []*Fake { return []*Fake{fl.Okta, fl.Google, fl.M365, fl.GitHub, fl.Slack} }

// Close stops every fake.
func (fl *Fleet) Close() {
	for _, f := range fl.Fakes() {
		if f != nil {
			f.Close()
		}
	}
}

// Tuning is what tests and the benchmark change in the generated config.
type Tuning struct {
	Start        string        // first-run start, such as 72h
	PollInterval time.Duration // short in tests
	Overlap      time.Duration
	MaxWindow    time.Duration
	PageSize     int // for the paged APIs; capped at GitHub's 100
	BatchSize    int
	RetryInitial time.Duration
	Metrics      string // metrics.listen; empty for none
}

// Config renders a collector config reading every fake into db on the
// ClickHouse at chURL. Only the sources named in only are included (all
// when only is empty).
func (fl *Fleet) Config(chURL, db string, t Tuning, only ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "clickhouse:\n  url: %s\n  database: %s\n  batch_size: %d\n", chURL, db, t.BatchSize)
	if t.Metrics != "" {
		fmt.Fprintf(&b, "metrics:\n  listen: %q\n", t.Metrics)
	}
	b.WriteString("sources:\n")
	common := func(name, typ, base string, pageSize int) {
		fmt.Fprintf(&b, "  - name: %s\n    type: %s\n    base_url: %s\n    start: %s\n    poll_interval: %s\n    overlap: %s\n    max_window: %s\n",
			name, typ, base, t.Start, t.PollInterval, t.Overlap, t.MaxWindow)
		if pageSize > 0 {
			fmt.Fprintf(&b, "    page_size: %d\n", pageSize)
		}
		fmt.Fprintf(&b, "    retry: {initial: %s, max: %s}\n", t.RetryInitial, 10*t.RetryInitial)
	}
	want := func(s string) bool {
		if len(only) == 0 {
			return true
		}
		for _, o := range only {
			if o == s {
				return true
			}
		}
		return false
	}
	if want(event.SourceOkta) {
		common("okta-main", event.SourceOkta, fl.Okta.URL(), t.PageSize)
		fmt.Fprintf(&b, "    okta: {client_id: %s, private_key: {file: %s}}\n", OktaClientID, fl.oktaKeyFile)
	}
	if want(event.SourceGoogle) {
		common("gws", event.SourceGoogle, fl.Google.URL(), t.PageSize)
		fmt.Fprintf(&b, "    google_workspace:\n      credentials: {file: %s}\n      subject: %s\n      applications: [%s]\n",
			fl.googleKeyFile, GoogleAdmin, strings.Join(Groups(fl.Google.Records()), ", "))
	}
	if want(event.SourceMicrosoft) {
		common("m365", event.SourceMicrosoft, fl.M365.URL(), 0)
		fmt.Fprintf(&b, "    m365:\n      tenant_id: %s\n      client_id: %s\n      client_secret: {env: TT_M365_SECRET}\n      login_url: %s\n",
			M365Tenant, M365Client, fl.M365.URL())
	}
	if want(event.SourceGitHub) {
		common("github", event.SourceGitHub, fl.GitHub.URL(), min(t.PageSize, 100))
		fmt.Fprintf(&b, "    github: {organization: %s, token: {env: TT_GITHUB_TOKEN}}\n", GitHubOrg)
	}
	if want(event.SourceSlack) {
		common("slack", event.SourceSlack, fl.Slack.URL(), t.PageSize)
		b.WriteString("    slack: {token: {env: TT_SLACK_TOKEN}}\n")
	}
	return b.String()
}

// Streams maps each checkpoint stream of the fleet's config to its fake.
func (fl *Fleet) Streams() map[string]*Fake {
	out := map[string]*Fake{"okta-main": fl.Okta, "github": fl.GitHub, "slack": fl.Slack}
	for _, app := range Groups(fl.Google.Records()) {
		out["gws/"+app] = fl.Google
	}
	for _, ct := range Groups(fl.M365.Records()) {
		out["m365/"+ct] = fl.M365
	}
	return out
}

// EventIDs normalizes every record the fakes serve through the normalizers'
// public API, as the collector does, and describes the record behind each
// event id. Records the normalizer refuses (deliberately bad ones) are left
// out: they must be rejected, not loaded.
func EventIDs(fakes ...*Fake) (map[string]string, error) {
	out := map[string]string{}
	for _, f := range fakes {
		norm, err := normalize.New(f.Source(), nil)
		if err != nil {
			return nil, err
		}
		for _, r := range f.Records() {
			events, err := norm.Normalize(r.Raw)
			if err != nil {
				continue
			}
			desc := fmt.Sprintf("%s %s record of %s", f.Source(), r.Group, r.Time.Format(time.RFC3339Nano))
			if r.Late {
				desc += " (published late)"
			}
			for _, e := range events {
				out[e.EventID] = desc
			}
		}
	}
	return out, nil
}
