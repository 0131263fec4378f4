package catalog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// TestDefaultParses guards the embedded file: Default panics if it is
// broken, so this test must fail first.
func TestDefaultParses(t *testing.T) {
	c, err := parse(defaultYAML, defaultOrigin)
	if err != nil {
		t.Fatalf("embedded catalog.yaml: %v", err)
	}
	if len(c.Entries()) == 0 || len(c.Rules()) == 0 {
		t.Fatalf("embedded catalogue has %d entries and %d rules, want both non-empty", len(c.Entries()), len(c.Rules()))
	}
	for _, r := range c.Rules() {
		if r.Sensitivity == 0 {
			t.Errorf("default rule %q has sensitivity 0 and can never raise anything", r.Name)
		}
	}
}

// TestDefaultCoversBrief pins the actions the AN0020 analytic relies on to
// the categories a SOC analyst expects; a catalogue edit that moves one of
// them must be deliberate.
func TestDefaultCoversBrief(t *testing.T) {
	tests := []struct {
		source, action string
		want           event.Category
	}{
		{event.SourceOkta, "app.oauth2.as.token.grant.access_token", event.CategoryTokenAuth},
		{event.SourceOkta, "app.oauth2.as.authorize.code", event.CategoryGrant},
		{event.SourceOkta, "system.api_token.create", event.CategoryGrant},
		{event.SourceOkta, "system.api_token.revoke", event.CategoryRevoke},
		{event.SourceOkta, "user.session.start", event.CategorySignin},
		{event.SourceOkta, "user.authentication.sso", event.CategorySignin},
		{event.SourceOkta, "policy.lifecycle.update", event.CategoryConfigChange},
		{event.SourceOkta, "policy.rule.deactivate", event.CategoryConfigChange},
		{event.SourceOkta, "user.mfa.factor.deactivate", event.CategoryConfigChange},
		{event.SourceOkta, "user.mfa.factor.reset_all", event.CategoryConfigChange},
		{event.SourceOkta, "application.lifecycle.create", event.CategoryConfigChange},
		{event.SourceOkta, "group.privilege.grant", event.CategoryConfigChange},
		{event.SourceOkta, "system.idp.lifecycle.create", event.CategoryConfigChange},
		{event.SourceGoogle, "token.authorize", event.CategoryGrant},
		{event.SourceGoogle, "token.revoke", event.CategoryRevoke},
		{event.SourceGoogle, "drive.download", event.CategoryDataAccess},
		{event.SourceGoogle, "drive.copy", event.CategoryDataAccess},
		{event.SourceGoogle, "drive.change_user_access", event.CategoryConfigChange},
		{event.SourceGoogle, "admin.AUTHORIZE_API_CLIENT_ACCESS", event.CategoryGrant},
		{event.SourceGoogle, "admin.ASSIGN_ROLE", event.CategoryConfigChange},
		{event.SourceGoogle, "admin.ENFORCE_STRONG_AUTHENTICATION", event.CategoryConfigChange},
		{event.SourceGoogle, "login.login_success", event.CategorySignin},
		{event.SourceMicrosoft, "Consent to application.", event.CategoryGrant},
		{event.SourceMicrosoft, "Add delegated permission grant.", event.CategoryGrant},
		{event.SourceMicrosoft, "Add app role assignment grant to user.", event.CategoryGrant},
		{event.SourceMicrosoft, "Add service principal credentials.", event.CategoryConfigChange},
		{event.SourceMicrosoft, "Update application – Certificates and secrets management.", event.CategoryConfigChange},
		{event.SourceMicrosoft, "Update application - Certificates and secrets management", event.CategoryConfigChange},
		{event.SourceMicrosoft, "FileAccessed", event.CategoryDataAccess},
		{event.SourceMicrosoft, "FileCopied", event.CategoryDataAccess},
		{event.SourceMicrosoft, "ModifyFolderPermissions", event.CategoryConfigChange},
		{event.SourceMicrosoft, "MailItemsAccessed", event.CategoryDataAccess},
		{event.SourceMicrosoft, "FileDownloaded", event.CategoryDataAccess},
		{event.SourceMicrosoft, "FileSyncDownloadedFull", event.CategoryDataAccess},
		{event.SourceMicrosoft, "New-InboxRule", event.CategoryConfigChange},
		{event.SourceMicrosoft, "Set-InboxRule", event.CategoryConfigChange},
		{event.SourceMicrosoft, "Set-Mailbox", event.CategoryConfigChange},
		{event.SourceMicrosoft, "New-TransportRule", event.CategoryConfigChange},
		{event.SourceMicrosoft, "UserLoggedIn", event.CategorySignin},
		{event.SourceMicrosoft, "Remove delegated permission grant.", event.CategoryRevoke},
		{event.SourceGitHub, "oauth_authorization.create", event.CategoryGrant},
		{event.SourceGitHub, "oauth_authorization.destroy", event.CategoryRevoke},
		{event.SourceGitHub, "oauth_access.create", event.CategoryGrant},
		{event.SourceGitHub, "org.disable_two_factor_requirement", event.CategoryConfigChange},
		{event.SourceGitHub, "ip_allow_list.disable", event.CategoryConfigChange},
		{event.SourceGitHub, "public_key.create", event.CategoryConfigChange},
		{event.SourceGitHub, "api.request", event.CategoryDataAccess},
		{event.SourceGitHub, "personal_access_token.request_created", event.CategoryTokenAuth},
		{event.SourceGitHub, "integration_installation.create", event.CategoryGrant},
		{event.SourceGitHub, "org.oauth_app_access_approved", event.CategoryGrant},
		{event.SourceGitHub, "git.clone", event.CategoryDataAccess},
		{event.SourceGitHub, "repo.download_zip", event.CategoryDataAccess},
		{event.SourceGitHub, "hook.create", event.CategoryConfigChange},
		{event.SourceGitHub, "protected_branch.update", event.CategoryConfigChange},
		{event.SourceGitHub, "repository_secret_scanning.disable", event.CategoryConfigChange},
		{event.SourceGitHub, "org.update_member", event.CategoryConfigChange},
		{event.SourceSlack, "app_installed", event.CategoryGrant},
		{event.SourceSlack, "app_approved", event.CategoryGrant},
		{event.SourceSlack, "app_scopes_expanded", event.CategoryGrant},
		{event.SourceSlack, "app_uninstalled", event.CategoryRevoke},
		{event.SourceSlack, "bot_token_upgraded", event.CategoryGrant},
		{event.SourceSlack, "app_resources_granted", event.CategoryGrant},
		{event.SourceSlack, "idp_configuration_added", event.CategoryConfigChange},
		{event.SourceSlack, "role_change_to_admin", event.CategoryConfigChange},
		{event.SourceGoogle, "drive.access_item_content", event.CategoryDataAccess},
		{event.SourceGoogle, "user_accounts.2sv_disable", event.CategoryConfigChange},
		{event.SourceGoogle, "vault.export", event.CategoryDataAccess},
		{event.SourceGoogle, "admin.TOGGLE_OAUTH_ACCESS_TO_ALL_APIS", event.CategoryConfigChange},
		{event.SourceOkta, "system.mfa.factor.deactivate", event.CategoryConfigChange},
		{event.SourceOkta, "user.session.impersonation.grant", event.CategoryConfigChange},
		{event.SourceSlack, "file_downloaded", event.CategoryDataAccess},
		{event.SourceSlack, "user_login", event.CategorySignin},
		{event.SourceSlack, "pref.sso_setting_changed", event.CategoryConfigChange},
		{event.SourceSlack, "pref.two_factor_auth_changed", event.CategoryConfigChange},
	}
	c := Default()
	for _, tc := range tests {
		got, _, ok := c.Classify(tc.source, tc.action, nil)
		if !ok || got != tc.want {
			t.Errorf("Classify(%s, %q) = %s (matched %v), want %s", tc.source, tc.action, got, ok, tc.want)
		}
	}
}

const precedenceYAML = `
entries:
  - {source: okta, action: "policy.*", category: config_change, sensitivity: 1}
  - {source: okta, action: "policy.rule.*", category: config_change, sensitivity: 2}
  - {source: okta, action: "policy.rule.delete", category: revoke, sensitivity: 3}
  - {source: okta, action: "policy.rule.archive", category: revoke, sensitivity: 1}
  - {source: github, action: "*", category: other, sensitivity: 1}
  - {source: github, action: "repo.destroy", category: other, sensitivity: 3}
rules:
  - {name: sec, fact: security_setting, sensitivity: 3, categories: [config_change]}
  - {name: gh-private, fact: private_repo, sensitivity: 2, sources: [github]}
  - {name: off, fact: bulk, sensitivity: 0}
`

func TestClassify(t *testing.T) {
	c, err := Parse([]byte(precedenceYAML))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name           string
		source, action string
		facts          Facts
		wantCat        event.Category
		wantSens       uint8
		wantOK         bool
	}{
		{"exact beats pattern", "okta", "policy.rule.delete", nil, event.CategoryRevoke, 3, true},
		{"longer pattern beats shorter", "okta", "policy.rule.update", nil, event.CategoryConfigChange, 2, true},
		{"shorter pattern still matches the rest", "okta", "policy.lifecycle.update", nil, event.CategoryConfigChange, 1, true},
		{"match ignores case and spaces", "OKTA", "  Policy.Rule.Delete ", nil, event.CategoryRevoke, 3, true},
		{"catch-all pattern", "github", "anything.at.all", nil, event.CategoryOther, 1, true},
		{"unknown action", "okta", "user.session.start", nil, event.CategoryOther, 0, false},
		{"unknown source", "salesforce", "policy.rule.delete", nil, event.CategoryOther, 0, false},
		{"rule raises", "okta", "policy.lifecycle.update", Facts{"security_setting": true}, event.CategoryConfigChange, 3, true},
		{"rule never lowers", "github", "repo.destroy", Facts{"private_repo": true}, event.CategoryOther, 3, true},
		{"false fact does nothing", "okta", "policy.lifecycle.update", Facts{"security_setting": false}, event.CategoryConfigChange, 1, true},
		{"rule limited to categories", "okta", "policy.rule.archive", Facts{"security_setting": true}, event.CategoryRevoke, 1, true},
		{"rule limited to sources", "okta", "policy.lifecycle.update", Facts{"private_repo": true}, event.CategoryConfigChange, 1, true},
		{"rule for its source", "github", "git.clone", Facts{"private_repo": true}, event.CategoryOther, 2, true},
		{"sensitivity 0 rule is off", "github", "git.clone", Facts{"bulk": true}, event.CategoryOther, 1, true},
		{"no rule on unmatched action", "okta", "user.session.start", Facts{"security_setting": true}, event.CategoryOther, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cat, sens, ok := c.Classify(tc.source, tc.action, tc.facts)
			if cat != tc.wantCat || sens != tc.wantSens || ok != tc.wantOK {
				t.Errorf("Classify = (%s, %d, %v), want (%s, %d, %v)", cat, sens, ok, tc.wantCat, tc.wantSens, tc.wantOK)
			}
		})
	}
}

func TestLoadMergesUserFileOverDefault(t *testing.T) {
	user := `
entries:
  # override: the SOC treats every Drive download as medium
  - {source: google_workspace, action: "drive.download", category: data_access, sensitivity: 2}
  # addition: a vendor action the default does not know
  - {source: slack, action: "file_shared", category: data_access, sensitivity: 2}
  # same key as a default entry, different case: still an override
  - {source: m365, action: "mailitemsaccessed", category: data_access, sensitivity: 1}
rules:
  - {name: private-repository, fact: private_repo, sensitivity: 2, sources: [github], categories: [data_access]}
  - {name: drive-external, fact: external_sharing, sensitivity: 3, sources: [google_workspace]}
`
	path := filepath.Join(t.TempDir(), "soc.yaml")
	if err := os.WriteFile(path, []byte(user), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name           string
		source, action string
		facts          Facts
		wantSens       uint8
		wantOrigin     string
	}{
		{"user entry wins", "google_workspace", "drive.download", nil, 2, path},
		{"user entry added", "slack", "file_shared", nil, 2, path},
		{"case-folded override", "m365", "MailItemsAccessed", nil, 1, path},
		{"default entry kept", "okta", "system.api_token.create", nil, 2, defaultOrigin},
		{"user rule replaces default by name", "github", "git.clone", Facts{FactPrivateRepo: true}, 2, defaultOrigin},
		{"default rule kept", "m365", "Set-Mailbox", Facts{FactForwarding: true}, 3, defaultOrigin},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, sens, ok := c.Classify(tc.source, tc.action, tc.facts)
			if !ok || sens != tc.wantSens {
				t.Errorf("sensitivity %d (matched %v), want %d", sens, ok, tc.wantSens)
			}
			e, _ := c.Lookup(tc.source, tc.action)
			if !strings.HasPrefix(e.Origin, tc.wantOrigin) {
				t.Errorf("entry origin %q, want it from %q", e.Origin, tc.wantOrigin)
			}
		})
	}
	if n, d := len(c.Entries()), len(Default().Entries()); n != d+1 {
		t.Errorf("merged catalogue has %d entries, want default %d + 1 added", n, d)
	}
	if n, d := len(c.Rules()), len(Default().Rules()); n != d+1 {
		t.Errorf("merged catalogue has %d rules, want default %d + 1 added", n, d)
	}
	if _, sens, _ := Default().Classify("google_workspace", "drive.download", nil); sens != 1 {
		t.Errorf("Load changed the shared default: drive.download sensitivity %d, want 1", sens)
	}
}

// TestRefusedActionsEscapePatterns: a family pattern never turns a refused
// or failed action into a change; an exact entry still can.
func TestRefusedActionsEscapePatterns(t *testing.T) {
	c := Default()
	for _, tc := range []struct{ source, action string }{
		{event.SourceGitHub, "protected_branch.rejected_ref_update"},
		{event.SourceOkta, "app.oauth2.as.authorize.scope_denied"},
		{event.SourceOkta, "application.policy.sign_on.deny_access"},
		{event.SourceGitHub, "personal_access_token.request_denied"},
	} {
		if cat, _, ok := c.Classify(tc.source, tc.action, nil); ok {
			t.Errorf("Classify(%s, %q) = %s through a pattern, want no match", tc.source, tc.action, cat)
		}
	}
	exact, err := Parse([]byte(`entries: [{source: github, action: "protected_branch.rejected_ref_update", category: other, sensitivity: 1}]`))
	if err != nil {
		t.Fatal(err)
	}
	if _, sens, ok := exact.Classify("github", "protected_branch.rejected_ref_update", nil); !ok || sens != 1 {
		t.Errorf("an exact entry for a refused action did not match (ok %v, sensitivity %d)", ok, sens)
	}
}

// TestFoldAction: the spellings vendors and exports use for one operation
// meet in one form.
func TestFoldAction(t *testing.T) {
	want := "update application - certificates and secrets management"
	for _, in := range []string{
		"Update application – Certificates and secrets management.",
		"Update application — Certificates and secrets management",
		"update application  -  certificates and secrets management.",
		" Update application - Certificates and secrets management ",
	} {
		if got := foldAction(in); got != strings.Join(strings.Fields(want), " ") && got != want {
			t.Errorf("foldAction(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLoadEmptyPathIsDefault(t *testing.T) {
	c, err := Load("")
	if err != nil || c != Default() {
		t.Fatalf("Load(\"\") = %p, %v; want Default()", c, err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "absent.yaml"))
	if err == nil || !strings.Contains(err.Error(), "absent.yaml") {
		t.Fatalf("err = %v, want it to name the missing file", err)
	}
}

// TestParseErrors checks that each invalid document is rejected with a
// message naming the entry, its line and what to write instead.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []string
	}{
		{"empty file", ``, []string{"empty"}},
		{"not YAML", "entries: [", []string{"not valid YAML"}},
		{"top level list", "- a\n- b\n", []string{"line 1", "mapping"}},
		{"unknown top key", "entry:\n  - {}\n", []string{"unknown key \"entry\"", "entries"}},
		{"entries not a list", "entries: {a: 1}\n", []string{"line 1", "must be a list"}},
		{"unknown category", "entries:\n  - {source: okta, action: a.b, category: grnt, sensitivity: 1}\n",
			[]string{"line 2", "entries[0]", `okta "a.b"`, `unknown category "grnt"`, "token_auth"}},
		{"sensitivity too high", "entries:\n  - {source: okta, action: a.b, category: grant, sensitivity: 1}\n  - {source: okta, action: a.c, category: grant, sensitivity: 5}\n",
			[]string{"line 3", "entries[1]", "sensitivity 5", "0 (none) to 3 (high)"}},
		{"negative sensitivity", "entries:\n  - {source: okta, action: a.b, category: grant, sensitivity: -1}\n", []string{"sensitivity -1"}},
		{"sensitivity not a number", "entries:\n  - {source: okta, action: a.b, category: grant, sensitivity: high}\n", []string{`"high"`, "whole number"}},
		{"missing sensitivity", "entries:\n  - {source: okta, action: a.b, category: grant}\n", []string{"entries[0]", `"sensitivity" is missing`}},
		{"empty source", "entries:\n  - {source: \"\", action: a.b, category: grant, sensitivity: 1}\n", []string{"line 2", "entries[0]", `"source" is missing or empty`}},
		{"empty action", "entries:\n  - {source: okta, category: grant, sensitivity: 1}\n", []string{"entries[0]", `"action" is missing or empty`}},
		{"unknown source", "entries:\n  - {source: okta2, action: a.b, category: grant, sensitivity: 1}\n", []string{`unknown source "okta2"`, "google_workspace"}},
		{"star inside pattern", "entries:\n  - {source: okta, action: \"a.*.b\", category: grant, sensitivity: 1}\n", []string{"may only end in a single"}},
		{"misspelt key", "entries:\n  - {source: okta, action: a.b, category: grant, sensitvity: 1}\n", []string{`unknown key "sensitvity"`, "sensitivity"}},
		{"duplicate entry", "entries:\n  - {source: okta, action: A.B, category: grant, sensitivity: 1}\n  - {source: okta, action: a.b, category: revoke, sensitivity: 1}\n",
			[]string{"line 3", "entries[1]", "duplicates the entry at catalogue line 2"}},
		{"unknown fact", "rules:\n  - {name: x, fact: privat_repo, sensitivity: 3}\n", []string{"line 2", "rules[0]", `unknown fact "privat_repo"`, "private_repo"}},
		{"rule without name", "rules:\n  - {fact: bulk, sensitivity: 3}\n", []string{"rules[0]", `"name" is missing`}},
		{"duplicate rule", "rules:\n  - {name: x, fact: bulk, sensitivity: 3}\n  - {name: x, fact: mailbox, sensitivity: 3}\n", []string{"rules[1]", `reuses the name "x"`}},
		{"rule bad category", "rules:\n  - {name: x, fact: bulk, sensitivity: 3, categories: [reads]}\n", []string{"categories[0]", `unknown category "reads"`}},
		{"rule bad source", "rules:\n  - {name: x, fact: bulk, sensitivity: 3, sources: [gmail]}\n", []string{"sources[0]", `unknown source "gmail"`}},
		{"every error reported", "entries:\n  - {source: okta, action: a, category: x, sensitivity: 1}\n  - {source: okta, action: b, category: grant, sensitivity: 9}\n",
			[]string{"entries[0]", "entries[1]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte(tc.doc))
			if err == nil {
				t.Fatalf("Parse succeeded with %d entries, want an error", len(c.Entries()))
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestEntriesAreSortedCopies(t *testing.T) {
	c := Default()
	es := c.Entries()
	for i := 1; i < len(es); i++ {
		a, b := es[i-1], es[i]
		if a.Source > b.Source || (a.Source == b.Source && foldAction(a.Action) > foldAction(b.Action)) {
			t.Fatalf("entries not sorted: %s %q before %s %q", a.Source, a.Action, b.Source, b.Action)
		}
	}
	es[0].Sensitivity = 99
	if c.Entries()[0].Sensitivity == 99 {
		t.Error("Entries returned the catalogue's own slice; a caller could change it")
	}
	rs := c.Rules()
	rs[0].Categories = append(rs[0].Categories[:0], event.CategoryOther)
	if c.Rules()[0].Categories[0] == event.CategoryOther {
		t.Error("Rules shares its Categories slice with the catalogue")
	}
}
