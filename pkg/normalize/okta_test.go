package normalize

import (
	"testing"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// Shared values of the Okta fixtures.
const (
	oktaAdminID   = "00u1a2b3c4D5e6F7g5d7"
	oktaAdmin     = "it-admin@acme.example"
	oktaAdminIP   = "203.0.113.77"
	oktaAdminUA   = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
	oktaAdminSess = "102b7QmR4cWTkOdqJ3xY8pFzA"
	oktaDanaID    = "00u5r8t2pqHxYb7Ks5d7"
	oktaDana      = "dana.reyes@acme.example"
	oktaDanaUA    = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15"
	oktaDanaSess  = "idxR4n2Fq7mTzK9vB1sW3yLpA"
)

// oktaAdminEvent is an admin console action; each case overrides what the
// record changes.
func oktaAdminEvent(e event.Event) event.Event {
	e.Source = event.SourceOkta
	if e.AuthMethod == "" {
		e.AuthMethod = event.AuthInteractive
	}
	e.Outcome = "success"
	e.ActorID, e.ActorName = oktaAdminID, oktaAdmin
	e.SrcIP, e.UserAgent, e.SessionID = oktaAdminIP, oktaAdminUA, oktaAdminSess
	if e.Scopes == nil {
		e.Scopes = []string{}
	}
	return e
}

var oktaCases = []fixtureCase{
	{file: "token_grant_client_credentials.json", want: []event.Event{{
		EventTime: ts("2024-05-06T09:14:03.512Z"), EventID: "8f3b2c1e-0b8a-11ef-8f5d-2b6a7c1d9e01",
		Tenant: "acme.okta.com", Source: event.SourceOkta, Action: "app.oauth2.as.token.grant.access_token",
		Category: event.CategoryTokenAuth, AuthMethod: event.AuthServiceAccount, Outcome: "success",
		ActorID: "0oa8k2m1xqT4bLr0p5d7", ActorName: "0oa8k2m1xqT4bLr0p5d7",
		AppID: "0oa8k2m1xqT4bLr0p5d7", AppName: "reporting-sync",
		TokenID: "AT.wR2bq1V0c7sJmF3kX9aYzP4nH6tLdE8gU5oQ",
		SrcIP:   "198.51.100.23", UserAgent: "python-requests/2.31.0",
		TargetType: "token", TargetID: "AT.wR2bq1V0c7sJmF3kX9aYzP4nH6tLdE8gU5oQ", TargetName: "Access Token",
		Scopes: []string{"okta.users.read", "okta.logs.read"}, Sensitivity: 1,
	}}},
	{file: "authorize_code.json", want: []event.Event{{
		EventTime: ts("2024-05-06T08:02:47.117Z"), EventID: "1d6e4a90-0b81-11ef-9c3b-6f0e7b2a4d11",
		Source: event.SourceOkta, Action: "app.oauth2.as.authorize.code",
		Category: event.CategoryGrant, AuthMethod: event.AuthOAuth, Outcome: "success",
		ActorID: oktaDanaID, ActorName: oktaDana,
		AppID: "0oa9d3v7bnZ2cWq1k5d7", AppName: "Expense Insights",
		SrcIP: "203.0.113.41", UserAgent: oktaDanaUA, SessionID: oktaDanaSess,
		TargetType: "app", TargetID: "0oa9d3v7bnZ2cWq1k5d7", TargetName: "Expense Insights",
		Scopes: []string{"openid", "profile", "email", "offline_access"}, Sensitivity: 1,
	}}},
	{file: "api_token_create.json", want: []event.Event{oktaAdminEvent(event.Event{
		EventTime: ts("2024-05-07T14:20:11.004Z"), EventID: "b7c1f0a2-0c6b-11ef-8a44-5d2e1f0c3b72",
		Action: "system.api_token.create", Category: event.CategoryGrant, AuthMethod: event.AuthAPIToken,
		AppID: "00Tq8w3e2r1T0y9u5d7", TokenID: "00Tq8w3e2r1T0y9u5d7", TargetType: "token", TargetID: "00Tq8w3e2r1T0y9u5d7", TargetName: "terraform-ci",
		Sensitivity: 2,
	})}},
	{file: "api_token_revoke.json", want: []event.Event{oktaAdminEvent(event.Event{
		EventTime: ts("2024-05-09T16:45:30.25Z"), EventID: "e4a9c6d0-0e1f-11ef-b1c2-9f3a5e7d2c18",
		Action: "system.api_token.revoke", Category: event.CategoryRevoke, AuthMethod: event.AuthAPIToken,
		AppID: "00Tq8w3e2r1T0y9u5d7", TokenID: "00Tq8w3e2r1T0y9u5d7", TargetType: "token", TargetID: "00Tq8w3e2r1T0y9u5d7", TargetName: "terraform-ci",
		Sensitivity: 1,
	})}},
	{file: "session_start_failure.json", want: []event.Event{{
		EventTime: ts("2024-05-06T07:59:12.88Z"), EventID: "0a4f2d18-0b81-11ef-a6d2-1b7c3e9f0a55",
		Source: event.SourceOkta, Action: "user.session.start",
		Category: event.CategorySignin, AuthMethod: event.AuthInteractive, Outcome: "failure",
		ActorID: oktaDanaID, ActorName: oktaDana, SrcIP: "198.51.100.200",
		UserAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
		Scopes:    []string{},
	}}},
	{file: "sso.json", want: []event.Event{{
		EventTime: ts("2024-05-06T08:03:02.431Z"), EventID: "27b0e6c4-0b81-11ef-8d1a-4c9e2f7b3a60",
		Source: event.SourceOkta, Action: "user.authentication.sso",
		Category: event.CategorySignin, AuthMethod: event.AuthInteractive, Outcome: "success",
		ActorID: oktaDanaID, ActorName: oktaDana,
		AppID: "0oa2f4h6j8L0n2P4r5d7", AppName: "GitHub Enterprise Cloud - Organization",
		SrcIP: "203.0.113.41", UserAgent: oktaDanaUA, SessionID: oktaDanaSess,
		TargetType: "app", TargetID: "0oa2f4h6j8L0n2P4r5d7", TargetName: "GitHub Enterprise Cloud - Organization",
		Scopes: []string{},
	}}},
	{file: "policy_lifecycle_update.json", want: []event.Event{oktaAdminEvent(event.Event{
		EventTime: ts("2024-05-07T14:31:58.64Z"), EventID: "5a2e8b34-0c6d-11ef-9f07-8b1d4c6e2a93",
		Action: "policy.lifecycle.update", Category: event.CategoryConfigChange,
		TargetType: "policy", TargetID: "00p4k6m8o0Q2s4U6w5d7", TargetName: "Default Policy",
		Sensitivity: 3, // OKTA_SIGN_ON policy: security_setting raises 2 to 3
	})}},
	{file: "policy_rule_update_api_token.json", want: []event.Event{{
		EventTime: ts("2024-05-08T02:11:40.019Z"), EventID: "9c8d7e6f-0cd6-11ef-a3b4-2e5f8a1c7d04",
		Source: event.SourceOkta, Action: "policy.rule.update",
		Category: event.CategoryConfigChange, AuthMethod: event.AuthAPIToken, Outcome: "success",
		ActorID: oktaAdminID, ActorName: oktaAdmin, AppID: "00Tq8w3e2r1T0y9u5d7", TokenID: "00Tq8w3e2r1T0y9u5d7",
		SrcIP: "198.51.100.64", UserAgent: "okta-sdk-golang/2.20.0 golang/go1.22.2 linux/amd64",
		TargetType: "policy_rule", TargetID: "0pr6m8o0q2S4u6W8y5d7", TargetName: "Allow reporting clients",
		Scopes:      []string{},
		Sensitivity: 2, // an authorization-server policy is not a sign-on control: no raise
	}}},
	{file: "mfa_factor_deactivate.json", want: []event.Event{oktaAdminEvent(event.Event{
		EventTime: ts("2024-05-07T14:40:05.3Z"), EventID: "c0d1e2f3-0c6e-11ef-b5a6-7d8e9f0a1b2c",
		Action: "user.mfa.factor.deactivate", Category: event.CategoryConfigChange,
		TargetType: "user", TargetID: oktaDanaID, TargetName: "Dana Reyes", Sensitivity: 3,
	})}},
	{file: "mfa_factor_reset_all.json", want: []event.Event{oktaAdminEvent(event.Event{
		EventTime: ts("2024-05-07T14:41:17.902Z"), EventID: "c7e8f9a0-0c6e-11ef-8b9c-0d1e2f3a4b5c",
		Action: "user.mfa.factor.reset_all", Category: event.CategoryConfigChange,
		TargetType: "user", TargetID: "00u9w1y3a5C7e9G1i5d7", TargetName: "Lee Park", Sensitivity: 3,
	})}},
	{file: "application_lifecycle_create.json", want: []event.Event{oktaAdminEvent(event.Event{
		EventTime: ts("2024-05-07T14:25:44.718Z"), EventID: "6e5d4c3b-0c6c-11ef-a2b1-3c4d5e6f7a8b",
		Action: "application.lifecycle.create", Category: event.CategoryConfigChange,
		AppID: "0oa8k2m1xqT4bLr0p5d7", AppName: "reporting-sync",
		TargetType: "app", TargetID: "0oa8k2m1xqT4bLr0p5d7", TargetName: "reporting-sync", Sensitivity: 2,
	})}},
	{file: "group_privilege_grant.json", want: []event.Event{oktaAdminEvent(event.Event{
		EventTime: ts("2024-05-07T15:02:09.155Z"), EventID: "f1e2d3c4-0c72-11ef-9a8b-6c5d4e3f2a1b",
		Action: "group.privilege.grant", Category: event.CategoryConfigChange,
		TargetType: "group", TargetID: "00g2i4k6m8O0q2S4u5d7", TargetName: "Cloud Ops",
		Sensitivity: 3, // Super administrator: admin_role raises 2 to 3
	})}},
	{file: "user_privilege_grant.json", want: []event.Event{oktaAdminEvent(event.Event{
		EventTime: ts("2024-05-07T15:05:48.412Z"), EventID: "8d9e0f1a-0c73-11ef-8a9b-7c6d5e4f3a2b",
		Action: "user.account.privilege.grant", Category: event.CategoryConfigChange,
		TargetType: "user", TargetID: "00u9w1y3a5C7e9G1i5d7", TargetName: "Lee Park",
		Sensitivity: 2, // Help Desk administrator is not a top-level role: no raise
	})}},
	{file: "consent_grant.json", want: []event.Event{{
		EventTime: ts("2024-05-06T08:02:45.87Z"), EventID: "1f2e3d4c-0b81-11ef-9c3b-6f0e7b2a4d12",
		Source: event.SourceOkta, Action: "app.oauth2.as.consent.grant",
		Category: event.CategoryGrant, AuthMethod: event.AuthOAuth, Outcome: "success",
		ActorID: oktaDanaID, ActorName: oktaDana,
		AppID: "0oa9d3v7bnZ2cWq1k5d7", AppName: "Expense Insights",
		SrcIP: "203.0.113.41", UserAgent: oktaDanaUA, SessionID: oktaDanaSess,
		TargetType: "app", TargetID: "0oa9d3v7bnZ2cWq1k5d7", TargetName: "Expense Insights",
		Scopes: []string{"openid", "email", "offline_access", "okta.myAccount.read"}, Sensitivity: 2,
	}}},
	{file: "token_revoke.json", want: []event.Event{oktaAdminEvent(event.Event{
		EventTime: ts("2024-05-09T16:50:12.004Z"), EventID: "4b5c6d7e-0e20-11ef-a1b2-3c4d5e6f7a8b",
		Action: "app.oauth2.as.token.revoke", Category: event.CategoryRevoke, AuthMethod: event.AuthOAuth,
		AppID: "0oa9d3v7bnZ2cWq1k5d7", AppName: "Expense Insights", TokenID: "RT.xK7pQ2mN9vB4cL1zR8sT3wY6",
		TargetType: "app", TargetID: "0oa9d3v7bnZ2cWq1k5d7", TargetName: "Expense Insights", Sensitivity: 1,
	})}},
	{file: "org_token_grant_refresh.json", want: []event.Event{{
		EventTime: ts("2024-05-06T11:02:47.333Z"), EventID: "7c8d9e0f-0b8c-11ef-b3c4-5d6e7f8a9b0c",
		Tenant: "acme.okta.com", Source: event.SourceOkta, Action: "app.oauth2.token.grant.refresh_token",
		Category: event.CategoryTokenAuth, AuthMethod: event.AuthOAuth, Outcome: "success",
		ActorID: oktaDanaID, ActorName: oktaDana, AppID: "0oa9d3v7bnZ2cWq1k5d7",
		TokenID: "RT.aQ3wE5rT7yU9iO1pA3sD5fG7", SrcIP: "198.51.100.23", UserAgent: "ExpenseInsights/4.1 (iPhone; iOS 17.4.1)",
		TargetType: "token", TargetID: "RT.aQ3wE5rT7yU9iO1pA3sD5fG7", TargetName: "Refresh Token",
		Scopes: []string{"openid", "offline_access", "okta.users.read.self"}, Sensitivity: 1,
	}}},
	{file: "auth_via_mfa.json", want: []event.Event{{
		EventTime: ts("2024-05-06T08:00:58.219Z"), EventID: "9e0f1a2b-0b81-11ef-9f8e-6a5b4c3d2e1f",
		Source: event.SourceOkta, Action: "user.authentication.auth_via_mfa",
		Category: event.CategorySignin, AuthMethod: event.AuthInteractive, Outcome: "success",
		ActorID: oktaDanaID, ActorName: oktaDana, SrcIP: "203.0.113.41", UserAgent: oktaDanaUA, SessionID: oktaDanaSess,
		TargetType: "authenticatorenrollment", TargetID: "pfd2h4j6l8N0p2R4t5d7", TargetName: "Okta Verify",
		Scopes: []string{},
	}}},
	{file: "idp_lifecycle_create.json", want: []event.Event{oktaAdminEvent(event.Event{
		EventTime: ts("2024-05-07T15:10:27.066Z"), EventID: "2b3c4d5e-0c74-11ef-8f9a-1b2c3d4e5f60",
		Action: "system.idp.lifecycle.create", Category: event.CategoryConfigChange,
		TargetType: "idp", TargetID: "0oa5q7s9u1W3y5A7c5d7", TargetName: "Partner SAML IdP", Sensitivity: 3,
	})}},
	{file: "unknown_action.json", want: []event.Event{{
		EventTime: ts("2024-05-06T08:10:00Z"), EventID: "3e4f5a6b-0b82-11ef-9d8e-7f6a5b4c3d2e",
		Source: event.SourceOkta, Action: "user.account.update_profile",
		Category: event.CategoryOther, AuthMethod: event.AuthInteractive, Outcome: "success",
		ActorID: oktaDanaID, ActorName: oktaDana, SrcIP: "203.0.113.41", SessionID: oktaDanaSess,
		TargetType: "user", TargetID: oktaDanaID, TargetName: "Dana Reyes", Scopes: []string{},
	}}},
}

func TestOkta(t *testing.T) { runFixtures(t, event.SourceOkta, oktaCases) }
