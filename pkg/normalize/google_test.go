package normalize

import (
	"testing"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// Shared values of the Google Workspace fixtures.
const (
	gwTenant    = "C03az79cb"
	gwDanaID    = "114387290412385501947"
	gwDana      = "dana.reyes@acme.example"
	gwAdminID   = "108762534190876543210"
	gwAdmin     = "it-admin@acme.example"
	gwClientID  = "406871253044-9m1k7v3q2c8r5t0x6z4b2n8p1s7d3f5h.apps.googleusercontent.com"
	gwServiceSA = "118204937561029384756"
	gwDocID     = "1Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe9Dc8Ba7"
)

// gwAdminEvent is an Admin console action by the IT admin.
func gwAdminEvent(e event.Event) event.Event {
	e.Tenant, e.Source, e.Outcome = gwTenant, event.SourceGoogle, "success"
	e.ActorID, e.ActorName, e.SrcIP = gwAdminID, gwAdmin, "203.0.113.77"
	if e.AuthMethod == "" {
		e.AuthMethod = event.AuthUnknown
	}
	if e.Scopes == nil {
		e.Scopes = []string{}
	}
	return e
}

// gwDanaEvent is an action by the user Dana from her usual address.
func gwDanaEvent(e event.Event) event.Event {
	e.Tenant, e.Source = gwTenant, event.SourceGoogle
	e.ActorID, e.ActorName = gwDanaID, gwDana
	if e.Outcome == "" {
		e.Outcome = "success"
	}
	if e.SrcIP == "" {
		e.SrcIP = "203.0.113.41"
	}
	if e.Scopes == nil {
		e.Scopes = []string{}
	}
	return e
}

var googleCases = []fixtureCase{
	{file: "token_authorize.json", want: []event.Event{gwDanaEvent(event.Event{
		EventTime: ts("2024-05-06T10:02:11.408Z"), EventID: gid("2024-05-06T10:02:11.408Z", "token", "-3195287416823461950"), Action: "token.authorize",
		Category: event.CategoryGrant, AuthMethod: event.AuthOAuth,
		AppID: gwClientID, AppName: "MailMerge Pro", TargetType: "app", TargetID: gwClientID, TargetName: "MailMerge Pro",
		Scopes: []string{"https://www.googleapis.com/auth/userinfo.email", "https://www.googleapis.com/auth/gmail.readonly",
			"https://www.googleapis.com/auth/drive.readonly"},
		Sensitivity: 3, // Gmail scope: mailbox raises 2 to 3
	})}},
	{file: "token_revoke.json", want: []event.Event{gwAdminEvent(event.Event{
		EventTime: ts("2024-05-09T17:30:45.001Z"), EventID: gid("2024-05-09T17:30:45.001Z", "token", "6617043208845172398"), Action: "token.revoke",
		Category: event.CategoryRevoke, AuthMethod: event.AuthOAuth,
		AppID: gwClientID, AppName: "MailMerge Pro", TargetType: "app", TargetID: gwClientID, TargetName: "MailMerge Pro",
		Scopes:      []string{"https://www.googleapis.com/auth/gmail.readonly", "https://www.googleapis.com/auth/drive.readonly"},
		Sensitivity: 1,
	})}},
	{file: "drive_download_by_app.json", want: []event.Event{gwDanaEvent(event.Event{
		EventTime: ts("2024-05-06T10:05:37.912Z"), EventID: gid("2024-05-06T10:05:37.912Z", "drive", "1029384756473829101"), Action: "drive.download",
		Category: event.CategoryDataAccess, AuthMethod: event.AuthOAuth, SrcIP: "198.51.100.23",
		AppID: gwClientID, AppName: "MailMerge Pro",
		TargetType: "file", TargetID: "1aB2cD3eF4gH5iJ6kL7mN8oP9qR0sT1uV2wX3yZ4", TargetName: "FY24 Payroll Forecast",
		Sensitivity: 1,
	})}},
	{file: "drive_copy.json", want: []event.Event{gwDanaEvent(event.Event{
		EventTime: ts("2024-05-06T11:20:03.3Z"), EventID: gid("2024-05-06T11:20:03.3Z", "drive", "-7725104683291023847"), Action: "drive.copy",
		Category: event.CategoryDataAccess, AuthMethod: event.AuthUnknown,
		TargetType: "file", TargetID: gwDocID, TargetName: "Copy of Customer Contracts 2024", Sensitivity: 1,
	})}},
	{file: "drive_share_external.json", want: []event.Event{
		gwDanaEvent(event.Event{
			EventTime: ts("2024-05-06T11:24:52.775Z"), EventID: gid("2024-05-06T11:24:52.775Z", "drive", "4478120966310457782") + ":0", Action: "drive.change_document_visibility",
			Category: event.CategoryConfigChange, AuthMethod: event.AuthUnknown,
			TargetType: "file", TargetID: gwDocID, TargetName: "Copy of Customer Contracts 2024",
			Sensitivity: 3, // the external visibility change now applies: 1 raised to 3
		}),
		gwDanaEvent(event.Event{
			EventTime: ts("2024-05-06T11:24:52.775Z"), EventID: gid("2024-05-06T11:24:52.775Z", "drive", "4478120966310457782") + ":1", Action: "drive.change_user_access",
			Category: event.CategoryConfigChange, AuthMethod: event.AuthUnknown,
			TargetType: "file", TargetID: gwDocID, TargetName: "Copy of Customer Contracts 2024",
			Sensitivity: 3, // shared externally: external_sharing raises 1 to 3
		}),
	}},
	{file: "admin_authorize_api_client_access.json", want: []event.Event{gwAdminEvent(event.Event{
		EventTime: ts("2024-05-07T15:20:14.512Z"), EventID: gid("2024-05-07T15:20:14.512Z", "admin", "-1287364509182736450"), Action: "admin.AUTHORIZE_API_CLIENT_ACCESS",
		Category: event.CategoryGrant, AuthMethod: event.AuthOAuth,
		AppID: gwServiceSA, TargetType: "app", TargetID: gwServiceSA,
		Scopes:      []string{"https://mail.google.com/", "https://www.googleapis.com/auth/admin.directory.user.readonly"},
		Sensitivity: 3,
	})}},
	{file: "admin_remove_api_client_access.json", want: []event.Event{gwAdminEvent(event.Event{
		EventTime: ts("2024-05-09T17:35:02.066Z"), EventID: gid("2024-05-09T17:35:02.066Z", "admin", "2938475610293847561"), Action: "admin.REMOVE_API_CLIENT_ACCESS",
		Category: event.CategoryRevoke, AppID: gwServiceSA, TargetType: "app", TargetID: gwServiceSA, Sensitivity: 1,
	})}},
	{file: "admin_add_trusted_app.json", want: []event.Event{gwAdminEvent(event.Event{
		EventTime: ts("2024-05-07T15:22:40.118Z"), EventID: gid("2024-05-07T15:22:40.118Z", "admin", "-5609182736450918273"), Action: "admin.ADD_TO_TRUSTED_OAUTH2_APPS",
		Category: event.CategoryGrant, AuthMethod: event.AuthOAuth,
		AppID: gwClientID, AppName: "MailMerge Pro", TargetType: "app", TargetID: gwClientID, TargetName: "MailMerge Pro",
		Sensitivity: 2,
	})}},
	{file: "admin_remove_trusted_app.json", want: []event.Event{gwAdminEvent(event.Event{
		EventTime: ts("2024-05-09T17:31:10.54Z"), EventID: gid("2024-05-09T17:31:10.54Z", "admin", "7150293847561029384"), Action: "admin.REMOVE_FROM_TRUSTED_OAUTH2_APPS",
		Category: event.CategoryRevoke,
		AppID:    gwClientID, AppName: "MailMerge Pro", TargetType: "app", TargetID: gwClientID, TargetName: "MailMerge Pro",
		Sensitivity: 1,
	})}},
	{file: "admin_assign_role.json", want: []event.Event{gwAdminEvent(event.Event{
		EventTime: ts("2024-05-07T15:40:09.731Z"), EventID: gid("2024-05-07T15:40:09.731Z", "admin", "-6473829101928374650"), Action: "admin.ASSIGN_ROLE",
		Category: event.CategoryConfigChange, TargetType: "user", TargetID: "lee.park@acme.example", TargetName: "lee.park@acme.example",
		Sensitivity: 3, // super admin role: admin_role raises 2 to 3
	})}},
	{file: "admin_grant_admin_privilege.json", want: []event.Event{gwAdminEvent(event.Event{
		EventTime: ts("2024-05-07T15:41:22.004Z"), EventID: gid("2024-05-07T15:41:22.004Z", "admin", "3847561029384756102"), Action: "admin.GRANT_ADMIN_PRIVILEGE",
		Category: event.CategoryConfigChange, TargetType: "user", TargetID: "lee.park@acme.example", TargetName: "lee.park@acme.example",
		Sensitivity: 3,
	})}},
	{file: "admin_enforce_strong_auth.json", want: []event.Event{gwAdminEvent(event.Event{
		EventTime: ts("2024-05-07T16:02:55.26Z"), EventID: gid("2024-05-07T16:02:55.26Z", "admin", "-8374650918273645091"), Action: "admin.ENFORCE_STRONG_AUTHENTICATION",
		Category: event.CategoryConfigChange, TargetType: "org_unit", TargetName: "Contractors", Sensitivity: 3,
	})}},
	{file: "admin_allow_strong_auth.json", want: []event.Event{gwAdminEvent(event.Event{
		EventTime: ts("2024-05-07T16:03:30.88Z"), EventID: gid("2024-05-07T16:03:30.88Z", "admin", "5610293847561029384"), Action: "admin.ALLOW_STRONG_AUTHENTICATION",
		Category: event.CategoryConfigChange, TargetType: "org_unit", TargetName: "Contractors", Sensitivity: 3,
	})}},
	{file: "admin_change_allowed_2sv_methods.json", want: []event.Event{gwAdminEvent(event.Event{
		EventTime: ts("2024-05-07T16:04:12.145Z"), EventID: gid("2024-05-07T16:04:12.145Z", "admin", "-2736450918273645091"), Action: "admin.CHANGE_ALLOWED_TWO_STEP_VERIFICATION_METHODS",
		Category: event.CategoryConfigChange, TargetType: "org_unit", TargetName: "acme.example", Sensitivity: 3,
	})}},
	{file: "admin_change_2sv_frequency.json", want: []event.Event{gwAdminEvent(event.Event{
		EventTime: ts("2024-05-07T16:05:01.99Z"), EventID: gid("2024-05-07T16:05:01.99Z", "admin", "9182736450918273645"), Action: "admin.CHANGE_TWO_STEP_VERIFICATION_FREQUENCY",
		Category: event.CategoryConfigChange, TargetType: "org_unit", TargetName: "acme.example",
		Sensitivity: 3, // pattern base 2; a 2SV setting is a security control
	})}},
	{file: "admin_change_application_setting.json", want: []event.Event{gwAdminEvent(event.Event{
		EventTime: ts("2024-05-07T16:10:44.371Z"), EventID: gid("2024-05-07T16:10:44.371Z", "admin", "-4650918273645091827"), Action: "admin.CHANGE_APPLICATION_SETTING",
		Category: event.CategoryConfigChange, TargetType: "setting", TargetName: "Less Secure Apps Access",
		Sensitivity: 3, // base 1; less secure apps is a security control
	})}},
	{file: "login_success.json", want: []event.Event{gwDanaEvent(event.Event{
		EventTime: ts("2024-05-06T08:00:31.664Z"), EventID: gid("2024-05-06T08:00:31.664Z", "login", "-1928374650918273645"), Action: "login.login_success",
		Category: event.CategorySignin, AuthMethod: event.AuthInteractive,
		TargetType: "user", TargetID: gwDanaID, TargetName: gwDana,
	})}},
	{file: "login_failure.json", want: []event.Event{gwDanaEvent(event.Event{
		EventTime: ts("2024-05-06T07:58:02.105Z"), EventID: gid("2024-05-06T07:58:02.105Z", "login", "2736450918273645091"), Action: "login.login_failure",
		Category: event.CategorySignin, AuthMethod: event.AuthInteractive, Outcome: "failure", SrcIP: "198.51.100.200",
		TargetType: "user", TargetID: gwDanaID, TargetName: gwDana,
	})}},
}

func TestGoogle(t *testing.T) { runFixtures(t, event.SourceGoogle, googleCases) }

// gid is the event_id of a fixture activity of the test customer.
func gid(t, application, qualifier string) string {
	return GoogleEventID(ts(t), application, "C03az79cb", qualifier)
}
