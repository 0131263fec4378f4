package normalize

import (
	"testing"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// Shared values of the Slack fixtures.
const (
	slWorkspace  = "T07ENG0001"
	slEnterprise = "E07ACME42"
	slAppID      = "A07MMPRO01"
	slAppName    = "MailMerge Pro"
	slDanaUA     = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15"
	slAdminUA    = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
)

var slAppScopes = []string{"channels:history", "files:read", "users:read"}

// slDana is an action by Dana in her desktop session; slAdmin one by the
// org admin. Both default to the Engineering workspace.
func slDana(e event.Event) event.Event {
	e.ActorID, e.ActorName = "W07DREYES1", "dana.reyes@acme.example"
	if e.SrcIP == "" {
		e.SrcIP = "203.0.113.41"
	}
	if e.UserAgent == "" {
		e.UserAgent, e.SessionID = slDanaUA, "4823019561"
	}
	return slEvent(e)
}

func slAdmin(e event.Event) event.Event {
	e.ActorID, e.ActorName = "W07ITADMN1", "it-admin@acme.example"
	e.SrcIP, e.UserAgent, e.SessionID = "203.0.113.77", slAdminUA, "4823019777"
	return slEvent(e)
}

func slEvent(e event.Event) event.Event {
	e.Source = event.SourceSlack
	if e.Tenant == "" {
		e.Tenant = slWorkspace
	}
	if e.Outcome == "" {
		e.Outcome = "success"
	}
	if e.Scopes == nil {
		e.Scopes = []string{}
	}
	return e
}

// slApp fills the fields every event about the MailMerge Pro app shares.
func slApp(e event.Event) event.Event {
	e.AuthMethod = event.AuthOAuth
	e.AppID, e.AppName, e.TokenID = slAppID, slAppName, slAppID
	e.TargetType, e.TargetID, e.TargetName = "app", slAppID, slAppName
	if e.Scopes == nil {
		e.Scopes = slAppScopes
	}
	return e
}

var slackCases = []fixtureCase{
	{file: "app_installed.json", want: []event.Event{slDana(slApp(event.Event{
		EventTime: ts("2024-05-06T10:02:10Z"), EventID: "5d1c7e2a-8b4f-4a3e-9c6d-1e0f2a3b4c5d", Action: "app_installed",
		Category: event.CategoryGrant, Scopes: []string{"chat:write", "files:read"}, Sensitivity: 2,
	}))}},
	{file: "app_approved.json", want: []event.Event{slAdmin(slApp(event.Event{
		EventTime: ts("2024-05-06T10:05:00Z"), EventID: "6e2d8f3b-9c5a-4b4f-8d7e-2f1a3b4c5d6e", Action: "app_approved",
		Tenant: slEnterprise, Category: event.CategoryGrant,
		Sensitivity: 3, // approved for the whole Grid org: tenant_wide raises 2 to 3
	}))}},
	{file: "app_scopes_expanded.json", want: []event.Event{slDana(slApp(event.Event{
		EventTime: ts("2024-05-06T11:55:00Z"), EventID: "7f3e9a4c-0d6b-4c5a-9e8f-3a2b4c5d6e7f", Action: "app_scopes_expanded",
		Category: event.CategoryGrant, SrcIP: "198.51.100.23",
		Scopes:      []string{"admin.users:read", "channels:history", "files:read", "users:read"},
		Sensitivity: 3, // admin.* scope: admin_role raises 2 to 3
	}))}},
	{file: "app_resources_added.json", want: []event.Event{slDana(slApp(event.Event{
		EventTime: ts("2024-05-06T11:56:00Z"), EventID: "8a4f0b5d-1e7c-4d6b-8f9a-4b3c5d6e7f8a", Action: "app_resources_added",
		Category: event.CategoryGrant, SrcIP: "198.51.100.23", Sensitivity: 1,
	}))}},
	{file: "app_uninstalled.json", want: []event.Event{slAdmin(slApp(event.Event{
		EventTime: ts("2024-05-09T18:05:00Z"), EventID: "9b5a1c6e-2f8d-4e7c-9a0b-5c4d6e7f8a9b", Action: "app_uninstalled",
		Category: event.CategoryRevoke, Sensitivity: 1,
	}))}},
	{file: "app_restricted.json", want: []event.Event{slAdmin(slApp(event.Event{
		EventTime: ts("2024-05-09T18:06:00Z"), EventID: "0c6b2d7f-3a9e-4f8d-8b1c-6d5e7f8a9b0c", Action: "app_restricted",
		Tenant: slEnterprise, Category: event.CategoryRevoke, Sensitivity: 1,
	}))}},
	{file: "bot_token_upgraded.json", want: []event.Event{slDana(slApp(event.Event{
		EventTime: ts("2024-05-06T10:02:40Z"), EventID: "1d7c3e8a-4b0f-4a9e-9c2d-7e6f8a9b0c1d", Action: "bot_token_upgraded",
		Category: event.CategoryGrant, Sensitivity: 2,
	}))}},
	{file: "file_downloaded.json", want: []event.Event{slDana(event.Event{
		EventTime: ts("2024-05-06T10:11:40Z"), EventID: "2e8d4f9b-5c1a-4b0f-8d3e-8f7a9b0c1d2e", Action: "file_downloaded",
		Category: event.CategoryDataAccess, AuthMethod: event.AuthInteractive, // a user in a client session
		TargetType: "file", TargetID: "F07PAYROLL1", TargetName: "payroll-fy24.xlsx", Sensitivity: 1,
	})}},
	{file: "user_login.json", want: []event.Event{slDana(event.Event{
		EventTime: ts("2024-05-06T08:00:31Z"), EventID: "3f9e5a0c-6d2b-4c1a-9e4f-9a8b0c1d2e3f", Action: "user_login",
		Category: event.CategorySignin, AuthMethod: event.AuthInteractive,
		TargetType: "user", TargetID: "W07DREYES1", TargetName: "dana.reyes@acme.example",
	})}},
	{file: "user_login_failed.json", want: []event.Event{slDana(event.Event{
		EventTime: ts("2024-05-06T07:58:00Z"), EventID: "4a0f6b1d-7e3c-4d2b-8f5a-0b9c1d2e3f4a", Action: "user_login_failed",
		Category: event.CategorySignin, AuthMethod: event.AuthInteractive, Outcome: "failure",
		SrcIP: "198.51.100.200", UserAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
		TargetType: "user", TargetID: "W07DREYES1", TargetName: "dana.reyes@acme.example",
	})}},
	{file: "pref_sso_setting_changed.json", want: []event.Event{slAdmin(event.Event{
		EventTime: ts("2024-05-06T13:00:00Z"), EventID: "5b1a7c2e-8f4d-4e3c-9a6b-1c0d2e3f4a5b", Action: "pref.sso_setting_changed",
		Tenant: slEnterprise, Category: event.CategoryConfigChange, AuthMethod: event.AuthInteractive,
		TargetType: "organization", TargetID: slEnterprise, TargetName: "Acme", Sensitivity: 3,
	})}},
	{file: "pref_two_factor_auth_changed.json", want: []event.Event{slAdmin(event.Event{
		EventTime: ts("2024-05-06T13:01:00Z"), EventID: "6c2b8d3f-9a5e-4f4d-8b7c-2d1e3f4a5b6c", Action: "pref.two_factor_auth_changed",
		Category: event.CategoryConfigChange, AuthMethod: event.AuthInteractive,
		TargetType: "workspace", TargetID: slWorkspace, TargetName: "Acme Engineering", Sensitivity: 3,
	})}},
}

func TestSlack(t *testing.T) { runFixtures(t, event.SourceSlack, slackCases) }
