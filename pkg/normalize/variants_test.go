package normalize

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/tokentrail/tokentrail/pkg/catalog"
	"github.com/tokentrail/tokentrail/pkg/event"
)

// variantCase is a vendor record in one of the shapes real exports take
// (a field left out, a value of another type, an action the first fixtures
// did not cover) and the fields that matter for AN0020: classification and
// the correlation key. The fixture tables check every field of the
// canonical shapes; these check what each variant is about.
type variantCase struct {
	source, file string
	action       string
	category     event.Category
	auth         event.AuthMethod
	actor, app   string
	token        string // "" = not checked
	sensitivity  uint8
}

var variantCases = []variantCase{
	{event.SourceOkta, "debugdata_empty_string.json", "user.session.start", event.CategorySignin, event.AuthInteractive, "00u8f2kq1xW9aZ0Lp5d7", "", "", 0},
	{event.SourceOkta, "debugdata_null.json", "app.oauth2.as.token.grant.access_token", event.CategoryTokenAuth, event.AuthOAuth, "00u8f2kq1xW9aZ0Lp5d7", "0oa5r2t9yU1iO3pA7s4d", "AT.q1w2e3r4t5y6u7i8o9", 1},
	{event.SourceOkta, "system_mfa_factor_deactivate.json", "system.mfa.factor.deactivate", event.CategoryConfigChange, event.AuthAPIToken, "00u1a2b3c4d5e6f7g8h9", "00Tq8w3e2r1T0y9u5d7", "00Tq8w3e2r1T0y9u5d7", 3},
	{event.SourceOkta, "impersonation_grant.json", "user.session.impersonation.grant", event.CategoryConfigChange, event.AuthInteractive, "00u1a2b3c4d5e6f7g8h9", "", "", 3},

	{event.SourceGoogle, "events_object.json", "login.login_success", event.CategorySignin, event.AuthInteractive, "114455667788990011223", "", "", 0},
	{event.SourceGoogle, "drive_access_item_content_oauth.json", "drive.access_item_content", event.CategoryDataAccess, event.AuthOAuth, "114455667788990011223", "771234509876-q1w2e3r4t5.apps.googleusercontent.com", "", 1},
	{event.SourceGoogle, "drive_api_project_only.json", "drive.download", event.CategoryDataAccess, event.AuthOAuth, "114455667788990011223", "558877669900", "", 1},
	{event.SourceGoogle, "user_accounts_2sv_disable.json", "user_accounts.2sv_disable", event.CategoryConfigChange, event.AuthUnknown, "114455667788990011223", "", "", 3},
	{event.SourceGoogle, "user_accounts_forwarding_out_of_domain.json", "user_accounts.email_forwarding_out_of_domain", event.CategoryConfigChange, event.AuthUnknown, "114455667788990011223", "", "", 3},
	{event.SourceGoogle, "vault_export.json", "vault.export", event.CategoryDataAccess, event.AuthUnknown, "100200300400500600700", "", "", 3},
	{event.SourceGoogle, "admin_toggle_oauth_access_all_apis.json", "admin.TOGGLE_OAUTH_ACCESS_TO_ALL_APIS", event.CategoryConfigChange, event.AuthUnknown, "100200300400500600700", "", "", 3},
	{event.SourceGoogle, "admin_weak_programmatic_login.json", "admin.WEAK_PROGRAMMATIC_LOGIN_SETTINGS_CHANGED", event.CategoryConfigChange, event.AuthUnknown, "100200300400500600700", "", "", 3},

	{event.SourceMicrosoft, "file_accessed_by_app.json", "FileAccessed", event.CategoryDataAccess, event.AuthOAuth, "dana.ito@example.com", msAppID, "", 1},
	{event.SourceMicrosoft, "file_copied.json", "FileCopied", event.CategoryDataAccess, event.AuthOAuth, "dana.ito@example.com", msAppID, "", 1},
	{event.SourceMicrosoft, "update_application_permissions.json", "Update application.", event.CategoryConfigChange, event.AuthUnknown, "admin@example.com", msAppID, "", 2},
	{event.SourceMicrosoft, "add_service_principal_by_app.json", "Add service principal.", event.CategoryConfigChange, event.AuthServiceAccount, "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b", "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b", "", 2},
	{event.SourceMicrosoft, "user_logged_in_owa.json", "UserLoggedIn", event.CategorySignin, event.AuthInteractive, "dana.ito@example.com", "", "", 0},
	{event.SourceMicrosoft, "mail_items_accessed_usertype_name.json", "MailItemsAccessed", event.CategoryDataAccess, event.AuthServiceAccount, msAppID, msAppID, "", 3},
	{event.SourceMicrosoft, "update_user_strong_auth.json", "Update user.", event.CategoryConfigChange, event.AuthUnknown, "admin@example.com", "", "", 3},
	{event.SourceMicrosoft, "modify_folder_permissions.json", "ModifyFolderPermissions", event.CategoryConfigChange, event.AuthOAuth, "dana.ito@example.com", msAppID, "", 2},

	{event.SourceGitHub, "api_request_token.json", "api.request", event.CategoryDataAccess, event.AuthPAT, "dreyes", "402211", "402211", 1},
	{event.SourceGitHub, "hook_create_old_token.json", "hook.create", event.CategoryConfigChange, event.AuthPAT, "dreyes", "Zx1Yw2Vu3Ts4Rq5Po6Nm7Lk8Ji9Hg0Fe1Dc2Ba3Zx4=", "Zx1Yw2Vu3Ts4Rq5Po6Nm7Lk8Ji9Hg0Fe1Dc2Ba3Zx4=", 2},
	{event.SourceGitHub, "git_clone_oauth_no_actor_id.json", "git.clone", event.CategoryDataAccess, event.AuthOAuth, "dreyes", "998877", "88112233", 3},
	{event.SourceGitHub, "git_clone_app_bot.json", "git.clone", event.CategoryDataAccess, event.AuthServiceAccount, "deploy-helper[bot]", "deploy-helper", "", 3},
	{event.SourceGitHub, "org_disable_two_factor_requirement.json", "org.disable_two_factor_requirement", event.CategoryConfigChange, event.AuthUnknown, "acme-admin", "", "", 3},
	{event.SourceGitHub, "protected_branch_rejected_ref_update.json", "protected_branch.rejected_ref_update", event.CategoryOther, event.AuthUnknown, "dreyes", "", "", 0},
	{event.SourceGitHub, "ip_allow_list_disable.json", "ip_allow_list.disable", event.CategoryConfigChange, event.AuthUnknown, "acme-admin", "", "", 3},
	{event.SourceGitHub, "public_key_create.json", "public_key.create", event.CategoryConfigChange, event.AuthUnknown, "dreyes", "", "", 2},

	{event.SourceSlack, "app_resources_granted.json", "app_resources_granted", event.CategoryGrant, event.AuthOAuth, "W0DANA001", "A0MAILMRG1", "A0MAILMRG1", 1},
	{event.SourceSlack, "idp_configuration_added.json", "idp_configuration_added", event.CategoryConfigChange, event.AuthInteractive, "W0ADMIN01", "", "", 3},
	{event.SourceSlack, "role_change_to_admin.json", "role_change_to_admin", event.CategoryConfigChange, event.AuthInteractive, "W0ADMIN01", "", "", 3},
}

func TestVariants(t *testing.T) {
	for _, tc := range variantCases {
		t.Run(tc.source+"/"+tc.file, func(t *testing.T) {
			n, err := New(tc.source, nil)
			if err != nil {
				t.Fatal(err)
			}
			evs, notes, err := n.Check(readFixture(t, tc.source, tc.file))
			if err != nil {
				t.Fatalf("rejected: %v", err)
			}
			if len(notes) > 0 {
				t.Errorf("notes %v, want none: every field of this shape is understood", notes)
			}
			e := evs[0]
			got := fmt.Sprintf("%s %s %s actor=%q app=%q sens=%d", e.Action, e.Category, e.AuthMethod, e.ActorID, e.AppID, e.Sensitivity)
			want := fmt.Sprintf("%s %s %s actor=%q app=%q sens=%d", tc.action, tc.category, tc.auth, tc.actor, tc.app, tc.sensitivity)
			if got != want {
				t.Errorf("\n got %s\nwant %s", got, want)
			}
			if tc.token != "" && e.TokenID != tc.token {
				t.Errorf("token_id %q, want %q", e.TokenID, tc.token)
			}
			if e.AuthMethod.IsTokenAuth() && (e.ActorID == "" || e.AppID == "") {
				t.Errorf("token-based event without a full correlation key: actor %q app %q", e.ActorID, e.AppID)
			}
		})
	}
}

// TestGoogleIDsDistinct: two activities sharing a uniqueQualifier but not
// their application and time keep distinct event ids.
func TestGoogleIDsDistinct(t *testing.T) {
	n, _ := New(event.SourceGoogle, nil)
	ids := map[string]string{}
	for _, f := range []string{"events_object.json", "drive_access_item_content_oauth.json"} {
		evs, err := n.Normalize(readFixture(t, event.SourceGoogle, f))
		if err != nil {
			t.Fatal(err)
		}
		if prev, ok := ids[evs[0].EventID]; ok {
			t.Errorf("%s and %s share event_id %q", prev, f, evs[0].EventID)
		}
		ids[evs[0].EventID] = f
	}
}

// TestM365Links: a record naming an app only by its service principal
// object id gets the app id a previous record linked it to.
func TestM365Links(t *testing.T) {
	n, _ := New(event.SourceMicrosoft, nil)
	grant := func() event.Event {
		t.Helper()
		evs, err := n.Normalize(json.RawMessage(`{"CreationTime":"2024-05-08T11:14:00","Id":"g1","Operation":"Add app role assignment to service principal.","RecordType":8,"Workload":"AzureActiveDirectory","UserId":"admin@example.com",
			"Target":[{"ID":"ServicePrincipal_aaaaaaaa-0000-4000-8000-000000000003","Type":2},{"ID":"Microsoft Graph","Type":1},{"ID":"00000003-0000-0000-c000-000000000000","Type":2}],
			"ModifiedProperties":[{"Name":"AppRole.Value","NewValue":"Mail.Read"},{"Name":"ServicePrincipal.ObjectID","NewValue":"7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d"}]}`))
		if err != nil {
			t.Fatal(err)
		}
		return evs[0]
	}
	if e := grant(); e.AppID != "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d" {
		t.Fatalf("before any link: app_id %q, want the object id", e.AppID)
	}
	if _, err := n.Normalize(readFixture(t, event.SourceMicrosoft, "add_service_principal_by_app.json")); err != nil {
		t.Fatal(err)
	}
	if e := grant(); e.AppID != "4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e" || e.Category != event.CategoryGrant {
		t.Errorf("after the link: app_id %q (%s), want the app id 4b5c6d7e-… as a grant", e.AppID, e.Category)
	}
}

// TestEveryCatalogueEntryReachable proves that each entry of the default
// catalogue is reached through its vendor's normalizer: a minimal record of
// the source carrying the entry's action (a pattern filled with "x") must
// come out classified by that very entry. The fixtures above test the
// records in depth; this guards the spelling of every action.
func TestEveryCatalogueEntryReachable(t *testing.T) {
	cat := catalog.Default()
	var failed []string
	for _, entry := range cat.Entries() {
		action := strings.TrimSuffix(entry.Action, "*")
		if entry.IsPattern() {
			action += "x"
		}
		n, err := New(entry.Source, cat)
		if err != nil {
			t.Fatal(err)
		}
		evs, err := n.Normalize(minimalRecord(entry.Source, action))
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s %q: %v", entry.Source, entry.Action, err))
			continue
		}
		got, ok := cat.Lookup(evs[0].Source, evs[0].Action)
		if !ok || got.Origin != entry.Origin || evs[0].Category != entry.Category {
			failed = append(failed, fmt.Sprintf("%s %q: the normalized action %q is classified %s by %q", entry.Source, entry.Action, evs[0].Action, evs[0].Category, got.Origin))
		}
	}
	sort.Strings(failed)
	for _, f := range failed {
		t.Error(f)
	}
}

// minimalRecord is the smallest record of a source with the given action.
func minimalRecord(source, action string) json.RawMessage {
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	switch source {
	case event.SourceOkta:
		return json.RawMessage(`{"uuid":"u","published":"2024-05-06T09:14:03Z","eventType":` + q(action) + `}`)
	case event.SourceGoogle:
		app, name, _ := strings.Cut(action, ".")
		return json.RawMessage(`{"id":{"time":"2024-05-06T09:14:03Z","uniqueQualifier":"1","applicationName":` + q(app) + `},"events":[{"name":` + q(name) + `}]}`)
	case event.SourceMicrosoft:
		return json.RawMessage(`{"Id":"m","CreationTime":"2024-05-06T09:14:03","Operation":` + q(action) + `}`)
	case event.SourceGitHub:
		return json.RawMessage(`{"_document_id":"g","@timestamp":1714989720123,"action":` + q(action) + `}`)
	}
	return json.RawMessage(`{"id":"s","date_create":1714989720,"action":` + q(action) + `}`)
}
