package normalize

import (
	"testing"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// Shared values of the Microsoft 365 fixtures.
const (
	msTenant   = "9a3e5c71-2b4d-4f68-8e1a-0c7d6b5f4e32"
	msAppID    = "7c1f4e2a-9b3d-4a6e-8f05-2d9c1b7e3a64" // MailMerge Pro client id
	msSPObject = "e5b2d8f1-3c4a-4b7e-9d6f-1a2c3e4f5b60" // its service principal object id
	msGraphSP  = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e" // Microsoft Graph service principal object id
	msDana     = "dana.reyes@acme.example"
	msAdmin    = "it-admin@acme.example"
	msMailbox  = "0d9c8b7a-6f5e-4d3c-9b2a-1f0e9d8c7b6a"
	msDanaUA   = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15"
	msAdminUA  = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0"
	msExoIPv6  = "2001:db8:85a3::8a2e:370:7334"
	msTokenID  = "qR7sT1uV2wX3yZ4aB5cD6e"
	msSession  = "00b8e2c4-6a1d-4f3e-9b5c-7d0e2f4a6c81"
)

// msEvent fills what every Microsoft 365 fixture shares; an empty actor
// keeps the one set in e.
func msEvent(actor string, e event.Event) event.Event {
	e.Tenant, e.Source = msTenant, event.SourceMicrosoft
	if actor != "" {
		e.ActorID, e.ActorName = actor, actor
	}
	if e.AuthMethod == "" {
		e.AuthMethod = event.AuthUnknown
	}
	if e.Outcome == "" {
		e.Outcome = "success"
	}
	if e.Scopes == nil {
		e.Scopes = []string{}
	}
	return e
}

var m365Cases = []fixtureCase{
	{file: "consent_to_application.json", want: []event.Event{msEvent(msDana, event.Event{
		EventTime: ts("2024-05-06T10:01:58Z"), EventID: "3a7c9e1f-5b2d-4f8a-b6c4-0d2e8f1a3b57", Action: "Consent to application.",
		Category: event.CategoryGrant, AuthMethod: event.AuthOAuth, UserAgent: msDanaUA,
		AppID: msAppID, AppName: "MailMerge Pro", TargetType: "app", TargetID: msSPObject, TargetName: "MailMerge Pro",
		Scopes:      []string{"Mail.Read", "User.Read", "offline_access"},
		Sensitivity: 3, // Mail.Read: mailbox raises 2 to 3
	})}},
	{file: "add_delegated_permission_grant.json", want: []event.Event{msEvent(msDana, event.Event{
		EventTime: ts("2024-05-06T10:01:58Z"), EventID: "b4d6f8a0-2c1e-4b3d-9f5a-7e6c8d0b2a41", Action: "Add delegated permission grant.",
		Category: event.CategoryGrant, AuthMethod: event.AuthOAuth, UserAgent: msDanaUA,
		AppID: msAppID, AppName: "MailMerge Pro", TargetType: "app", TargetID: msGraphSP, TargetName: "Microsoft Graph",
		Scopes: []string{"Mail.Read", "User.Read", "offline_access"}, Sensitivity: 3,
	})}},
	{file: "add_app_role_assignment_grant_to_user.json", want: []event.Event{msEvent(msDana, event.Event{
		EventTime: ts("2024-05-06T10:01:59Z"), EventID: "c5e7a9b1-3d2f-4c4e-8a6b-8f7d9e1c3b52", Action: "Add app role assignment grant to user.",
		Category: event.CategoryGrant, AuthMethod: event.AuthOAuth, UserAgent: msDanaUA,
		AppID: msAppID, AppName: "MailMerge Pro", TargetType: "app", TargetID: msSPObject, TargetName: "MailMerge Pro",
		Sensitivity: 2,
	})}},
	{file: "add_app_role_assignment_to_sp.json", want: []event.Event{msEvent(msAdmin, event.Event{
		EventTime: ts("2024-05-07T15:30:12Z"), EventID: "d6f8b0c2-4e3a-4d5f-9b7c-9a8e0f2d4c63", Action: "Add app role assignment to service principal.",
		Category: event.CategoryGrant, AuthMethod: event.AuthOAuth, UserAgent: msAdminUA,
		AppID: msAppID, AppName: "MailMerge Pro", TargetType: "app", TargetID: msGraphSP, TargetName: "Microsoft Graph",
		Scopes: []string{"Mail.Read"}, Sensitivity: 3,
	})}},
	{file: "add_sp_credentials.json", want: []event.Event{msEvent("", event.Event{
		EventTime: ts("2024-05-07T15:45:03Z"), EventID: "e7a9c1d3-5f4b-4e6a-8c8d-0b9f1a3e5d74", Action: "Add service principal credentials.",
		Category: event.CategoryConfigChange, AuthMethod: event.AuthServiceAccount, UserAgent: "Microsoft.OData.Client/7.12.5",
		ActorID: msAppID, ActorName: "MailMerge Pro", // the app acted as itself: the Actor list names it
		AppID: msAppID, AppName: "MailMerge Pro", TokenID: "1f2e3d4c-5b6a-4978-8a1b-2c3d4e5f6a7b",
		TargetType: "app", TargetID: msSPObject, TargetName: "MailMerge Pro", Sensitivity: 3,
	})}},
	{file: "update_application_certificates.json", want: []event.Event{msEvent(msAdmin, event.Event{
		EventTime: ts("2024-05-07T15:47:30Z"), EventID: "f8b0d2e4-6a5c-4f7b-9d9e-1c0a2b4f6e85",
		Action:   "Update application – Certificates and secrets management", // the vendor's trailing space is trimmed
		Category: event.CategoryConfigChange, UserAgent: msAdminUA,
		AppID: msAppID, AppName: "MailMerge Pro", TokenID: "2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d",
		TargetType: "app", TargetID: "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b", TargetName: "MailMerge Pro", Sensitivity: 3,
	})}},
	{file: "remove_delegated_permission_grant.json", want: []event.Event{msEvent(msAdmin, event.Event{
		EventTime: ts("2024-05-09T17:40:21Z"), EventID: "a9c1e3f5-7b6d-4a8c-8e0f-2d1b3c5a7f96", Action: "Remove delegated permission grant.",
		Category: event.CategoryRevoke, UserAgent: msAdminUA,
		AppID: msAppID, AppName: "MailMerge Pro", TargetType: "app", TargetID: msGraphSP, TargetName: "Microsoft Graph",
		Scopes: []string{"Mail.Read", "User.Read", "offline_access"}, Sensitivity: 1, // the revoked scopes, from OldValue
	})}},
	{file: "remove_sp_credentials.json", want: []event.Event{msEvent(msAdmin, event.Event{
		EventTime: ts("2024-05-09T17:42:05Z"), EventID: "b0d2f4a6-8c7e-4b9d-9f1a-3e2c4d6b8a07", Action: "Remove service principal credentials.",
		Category: event.CategoryRevoke, UserAgent: msAdminUA,
		AppID: msAppID, AppName: "MailMerge Pro", TokenID: "1f2e3d4c-5b6a-4978-8a1b-2c3d4e5f6a7b",
		TargetType: "app", TargetID: msSPObject, TargetName: "MailMerge Pro", Sensitivity: 1,
	})}},
	{file: "add_member_to_role.json", want: []event.Event{msEvent(msAdmin, event.Event{
		EventTime: ts("2024-05-07T15:50:44Z"), EventID: "c1e3a5b7-9d8f-4cae-8a2b-4f3d5e7c9b18", Action: "Add member to role.",
		Category: event.CategoryConfigChange, UserAgent: msAdminUA,
		TargetType: "user", TargetID: "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d", TargetName: "lee.park@acme.example",
		Sensitivity: 3, // Global Administrator: admin_role raises 2 to 3
	})}},
	{file: "mail_items_accessed_delegated.json", want: []event.Event{msEvent(msDana, event.Event{
		EventTime: ts("2024-05-06T10:04:12Z"), EventID: "d2f4b6c8-0a9e-4fbd-8c3e-5a4f6b8d0c29", Action: "MailItemsAccessed",
		Category: event.CategoryDataAccess, AuthMethod: event.AuthOAuth,
		AppID: msAppID, AppName: "MailMerge Pro", TokenID: msTokenID, SrcIP: "198.51.100.23",
		UserAgent: "Client=REST;Client=RESTSystem;;", SessionID: msSession,
		TargetType: "mailbox", TargetID: msMailbox, TargetName: msDana, Sensitivity: 3,
	})}},
	{file: "mail_items_accessed_app_only_sync.json", want: []event.Event{msEvent("", event.Event{
		EventTime: ts("2024-05-08T03:12:40Z"), EventID: "e3a5c7d9-1b0f-4ace-9d4f-6b5a7c9e1d30", Action: "MailItemsAccessed",
		Category: event.CategoryDataAccess, AuthMethod: event.AuthServiceAccount,
		ActorID: msAppID, ActorName: "MailMerge Pro", // app-only: the app is its own actor
		AppID: msAppID, AppName: "MailMerge Pro", TokenID: "Zx9Yw8Vu7Ts6Rq5Po4Nm3L", SrcIP: "198.51.100.99",
		UserAgent:  "Client=REST;Client=RESTSystem;;",
		TargetType: "mailbox", TargetID: msMailbox, TargetName: msDana, Sensitivity: 3,
	})}},
	{file: "mail_items_accessed_outlook.json", want: []event.Event{msEvent(msDana, event.Event{
		EventTime: ts("2024-05-06T08:15:03Z"), EventID: "f4b6d8e0-2c1a-4bdf-8e5a-7c6b8d0f2e41", Action: "MailItemsAccessed",
		Category: event.CategoryDataAccess, AuthMethod: event.AuthInteractive, // Microsoft Office is a first-party client
		AppID: "d3590ed6-52b3-4102-aeff-aad2292ab01c", SrcIP: "203.0.113.41",
		UserAgent: "Client=MSExchangeRPC", SessionID: "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
		TargetType: "mailbox", TargetID: msMailbox, TargetName: msDana, Sensitivity: 3,
	})}},
	{file: "file_downloaded.json", want: []event.Event{msEvent(msDana, event.Event{
		EventTime: ts("2024-05-06T10:06:20Z"), EventID: "a5c7e9f1-3d2b-4ce0-9f6b-8d7c9e1a3f52", Action: "FileDownloaded",
		Category: event.CategoryDataAccess, AuthMethod: event.AuthOAuth,
		AppID: msAppID, AppName: "MailMerge Pro", TokenID: "hJ8kL9mN0pQ1rS2tU3vW4x", SrcIP: "198.51.100.23",
		UserAgent: "MailMergePro/3.2 (+https://mailmerge.example.com)", SessionID: msSession,
		TargetType: "file", TargetID: "https://acme.sharepoint.com/sites/Finance/Shared Documents/Payroll/FY24 Payroll.xlsx",
		TargetName: "FY24 Payroll.xlsx", Sensitivity: 1,
	})}},
	{file: "file_sync_downloaded_full.json", want: []event.Event{msEvent(msDana, event.Event{
		EventTime: ts("2024-05-06T12:30:55Z"), EventID: "b6d8f0a2-4e3c-4df1-8a7c-9e8d0f2b4a63", Action: "FileSyncDownloadedFull",
		Category: event.CategoryDataAccess, AuthMethod: event.AuthInteractive, // OneDrive SyncEngine
		AppID: "ab9b8c07-8f02-4f72-87fa-80105867a763", SrcIP: "203.0.113.41",
		UserAgent:  "Microsoft SkyDriveSync 24.076.0414.0003 ship; Windows NT 10.0 (22631)",
		TargetType: "file", TargetID: "https://acme-my.sharepoint.com/personal/dana_reyes_acme_example/Documents/Contracts/Customer Contracts 2024.docx",
		TargetName: "Customer Contracts 2024.docx", Sensitivity: 3, // full sync: bulk raises 2 to 3
	})}},
	{file: "new_inbox_rule_forward.json", want: []event.Event{msEvent(msDana, event.Event{
		EventTime: ts("2024-05-06T10:09:41Z"), EventID: "c7e9a1b3-5f4d-4e02-9b8d-0f9e1a3c5b74", Action: "New-InboxRule",
		Category: event.CategoryConfigChange, AuthMethod: event.AuthOAuth,
		AppID: msAppID, AppName: "MailMerge Pro", TokenID: msTokenID, SrcIP: "198.51.100.23",
		TargetType: "inbox_rule", TargetID: `acme.onmicrosoft.com/Users/dana.reyes\..`, TargetName: "..",
		Sensitivity: 3, // ForwardTo: forwarding raises 2 to 3
	})}},
	{file: "set_inbox_rule_move.json", want: []event.Event{msEvent(msDana, event.Event{
		EventTime: ts("2024-05-06T13:02:17Z"), EventID: "d8f0b2c4-6a5e-4f13-8c9e-1a0f2b4d6c85", Action: "Set-InboxRule",
		Category: event.CategoryConfigChange, SrcIP: msExoIPv6,
		TargetType: "inbox_rule", TargetID: `acme.onmicrosoft.com/Users/dana.reyes\Newsletters`, TargetName: `dana.reyes\Newsletters`,
		Sensitivity: 2, // moving to a folder is not forwarding
	})}},
	{file: "set_mailbox_forwarding.json", want: []event.Event{msEvent(msAdmin, event.Event{
		EventTime: ts("2024-05-06T10:11:02Z"), EventID: "e9a1c3d5-7b6f-4a24-9d0f-2b1a3c5e7d96", Action: "Set-Mailbox",
		Category: event.CategoryConfigChange, SrcIP: msExoIPv6,
		TargetType: "mailbox", TargetID: "dana.reyes", TargetName: msDana, Sensitivity: 3,
	})}},
	{file: "set_mailbox_clear_forwarding.json", want: []event.Event{msEvent(msAdmin, event.Event{
		EventTime: ts("2024-05-09T17:50:30Z"), EventID: "f0b2d4e6-8c7a-4b35-8e1a-3c2b4d6f8ea7", Action: "Set-Mailbox",
		Category: event.CategoryConfigChange, SrcIP: msExoIPv6,
		TargetType: "mailbox", TargetID: "dana.reyes", TargetName: msDana,
		Sensitivity: 1, // ForwardingSmtpAddress $null clears forwarding: no raise
	})}},
	{file: "new_transport_rule_bcc.json", want: []event.Event{msEvent(msAdmin, event.Event{
		EventTime: ts("2024-05-07T16:20:09Z"), EventID: "a1c3e5f7-9d8b-4c46-9f2b-4d3c5e7a9fb8", Action: "New-TransportRule",
		Category: event.CategoryConfigChange, SrcIP: msExoIPv6,
		TargetType: "transport_rule", TargetID: "Compliance copy", TargetName: "Compliance copy", Sensitivity: 3,
	})}},
	{file: "set_transport_rule.json", want: []event.Event{msEvent(msAdmin, event.Event{
		EventTime: ts("2024-05-07T16:25:44Z"), EventID: "b2d4f6a8-0e9c-4d57-8a3c-5e4d6f8b0ac9", Action: "Set-TransportRule",
		Category: event.CategoryConfigChange, SrcIP: msExoIPv6,
		TargetType: "transport_rule", TargetID: "External sender banner", TargetName: "External sender banner", Sensitivity: 2,
	})}},
	{file: "user_logged_in.json", want: []event.Event{msEvent(msDana, event.Event{
		EventTime: ts("2024-05-06T10:01:40Z"), EventID: "c3e5a7b9-1f0d-4e68-9b4d-6f5e7a9c1bd0", Action: "UserLoggedIn",
		Category: event.CategorySignin, AuthMethod: event.AuthInteractive,
		AppID: msAppID, SrcIP: "203.0.113.41", UserAgent: msDanaUA, SessionID: msSession,
		TargetType: "app", TargetID: "00000003-0000-0000-c000-000000000000",
	})}},
	{file: "user_login_failed.json", want: []event.Event{msEvent(msDana, event.Event{
		EventTime: ts("2024-05-06T07:57:44Z"), EventID: "d4f6b8c0-2a1e-4f79-8c5e-7a6f8b0d2ce1", Action: "UserLoginFailed",
		Category: event.CategorySignin, AuthMethod: event.AuthInteractive, Outcome: "failure",
		AppID: "d3590ed6-52b3-4102-aeff-aad2292ab01c", SrcIP: "198.51.100.200",
		UserAgent:  "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
		SessionID:  "7e8f9a0b-1c2d-4e3f-a4b5-c6d7e8f9a0b1",
		TargetType: "app", TargetID: "00000003-0000-0000-c000-000000000000",
	})}},
}

func TestM365(t *testing.T) { runFixtures(t, event.SourceMicrosoft, m365Cases) }

// TestM365GrantAndUseShareAppID is the correlation AN0020 depends on: the
// directory records name the app by service principal object id, the
// Exchange and SharePoint records by client id. Every record about the same
// app must come out with the same app_id, and it must be the client id.
func TestM365GrantAndUseShareAppID(t *testing.T) {
	n, err := New(event.SourceMicrosoft, nil)
	if err != nil {
		t.Fatal(err)
	}
	files := []struct{ file, via string }{
		{"consent_to_application.json", "ModifiedProperties TargetId.ServicePrincipalNames"},
		{"add_delegated_permission_grant.json", "ModifiedProperties ServicePrincipal.AppId (Target is Microsoft Graph)"},
		{"add_app_role_assignment_grant_to_user.json", "a Type 2 Target GUID other than the object id"},
		{"add_app_role_assignment_to_sp.json", "ModifiedProperties ServicePrincipal.AppId (Target is Microsoft Graph)"},
		{"add_sp_credentials.json", "a Type 2 Target GUID other than the object id"},
		{"mail_items_accessed_delegated.json", "AppAccessContext.ClientAppId"},
		{"mail_items_accessed_app_only_sync.json", "ClientAppId"},
		{"file_downloaded.json", "ApplicationId"},
		{"new_inbox_rule_forward.json", "AppId"},
	}
	for _, f := range files {
		t.Run(f.file, func(t *testing.T) {
			evs, err := n.Normalize(readFixture(t, event.SourceMicrosoft, f.file))
			if err != nil {
				t.Fatal(err)
			}
			if got := evs[0].AppID; got != msAppID {
				t.Errorf("app_id = %q, want the client id %q taken from %s", got, msAppID, f.via)
			}
		})
	}
}

// TestM365ClientAppFallbacks covers directory records that lack the usual
// client id fields.
func TestM365ClientAppFallbacks(t *testing.T) {
	spTarget := []m365Identity{
		{ID: "ServicePrincipal_" + msSPObject, Type: 2}, {ID: msSPObject, Type: 2},
		{ID: "ServicePrincipal", Type: 2}, {ID: "MailMerge Pro", Type: 1},
	}
	graphTarget := []m365Identity{
		{ID: "ServicePrincipal_" + msGraphSP, Type: 2}, {ID: msGraphSP, Type: 2},
		{ID: "Microsoft Graph", Type: 1}, {ID: "00000003-0000-0000-c000-000000000000", Type: 4},
	}
	tests := []struct {
		name             string
		target           []m365Identity
		mods             []m365Property
		wantID, wantName string
	}{
		{"object id only: fall back to it", spTarget, nil, msSPObject, "MailMerge Pro"},
		{"upper-case client id in SPNs is lower-cased", spTarget,
			[]m365Property{{Name: "TargetId.ServicePrincipalNames", NewValue: "7C1F4E2A-9B3D-4A6E-8F05-2D9C1B7E3A64;https://x"}}, msAppID, "MailMerge Pro"},
		{"resource target without client id: client object id, never Graph", graphTarget,
			[]m365Property{{Name: "ServicePrincipal.ObjectID", NewValue: msSPObject}}, msSPObject, ""},
		{"resource SPNs are skipped", graphTarget,
			[]m365Property{{Name: "TargetId.ServicePrincipalNames", NewValue: "00000003-0000-0000-c000-000000000000;https://graph.microsoft.com"},
				{Name: "ServicePrincipal.AppId", NewValue: `"` + msAppID + `"`}}, msAppID, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, name, _ := clientApp(parseTargets(tc.target, tc.mods), tc.mods)
			if id != tc.wantID || name != tc.wantName {
				t.Errorf("clientApp = (%q, %q), want (%q, %q)", id, name, tc.wantID, tc.wantName)
			}
		})
	}
}
