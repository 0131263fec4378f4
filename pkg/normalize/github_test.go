package normalize

import (
	"testing"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// Shared values of the GitHub fixtures.
const (
	ghDanaUA  = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15"
	ghAdminUA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
	ghAppID   = "998877"
	ghAppName = "Release Notes Helper"
	ghRepo    = "acme-eng/payments-core"
)

// ghDana is an action by the developer dreyes from her usual browser;
// ghAdmin one by the org owner.
func ghDana(e event.Event) event.Event {
	e.ActorID, e.ActorName = "dreyes", "dreyes" // the login is actor_id in every record type
	if e.SrcIP == "" {
		e.SrcIP, e.UserAgent = "203.0.113.41", ghDanaUA
	}
	return ghEvent(e)
}

func ghAdmin(e event.Event) event.Event {
	e.ActorID, e.ActorName, e.SrcIP, e.UserAgent = "acme-admin", "acme-admin", "203.0.113.77", ghAdminUA
	return ghEvent(e)
}

func ghEvent(e event.Event) event.Event {
	e.Tenant, e.Source, e.Outcome = "acme", event.SourceGitHub, "success"
	if e.AuthMethod == "" {
		e.AuthMethod = event.AuthUnknown
	}
	if e.Scopes == nil {
		e.Scopes = []string{}
	}
	return e
}

var githubCases = []fixtureCase{
	{file: "oauth_authorization_create.json", want: []event.Event{ghDana(event.Event{
		EventTime: ts("2024-05-06T10:02:00.123Z"), EventID: "Zb3kQ1VnR7pX2mL9sT4wYg", Action: "oauth_authorization.create",
		Category: event.CategoryGrant, AuthMethod: event.AuthOAuth, AppID: ghAppID, AppName: ghAppName,
		TargetType: "app", TargetID: ghAppID, TargetName: ghAppName,
		Scopes: []string{"repo", "read:org", "workflow"}, Sensitivity: 1,
	})}},
	{file: "oauth_authorization_destroy.json", want: []event.Event{ghDana(event.Event{
		EventTime: ts("2024-05-09T17:45:00.456Z"), EventID: "Ac7mR2WoS8qY3nM0tU5xZh", Action: "oauth_authorization.destroy",
		Category: event.CategoryRevoke, AuthMethod: event.AuthOAuth, AppID: ghAppID, AppName: ghAppName,
		TargetType: "app", TargetID: ghAppID, TargetName: ghAppName, Sensitivity: 1,
	})}},
	{file: "oauth_access_create.json", want: []event.Event{ghDana(event.Event{
		EventTime: ts("2024-05-06T10:02:01.89Z"), EventID: "Bd8nS3XpT9rZ4oN1uV6yAi", Action: "oauth_access.create",
		Category: event.CategoryGrant, AuthMethod: event.AuthOAuth, AppID: ghAppID, AppName: ghAppName, TokenID: "88112233",
		TargetType: "app", TargetID: ghAppID, TargetName: ghAppName,
		Scopes: []string{"repo", "read:org", "workflow"}, Sensitivity: 1,
	})}},
	{file: "oauth_access_destroy.json", want: []event.Event{ghDana(event.Event{
		EventTime: ts("2024-05-09T17:45:01.002Z"), EventID: "Ce9oT4YqU0sA5pO2vW7zBj", Action: "oauth_access.destroy",
		Category: event.CategoryRevoke, AuthMethod: event.AuthOAuth, AppID: ghAppID, AppName: ghAppName, TokenID: "88112233",
		TargetType: "app", TargetID: ghAppID, TargetName: ghAppName, Sensitivity: 1,
	})}},
	{file: "personal_access_token_request_created.json", want: []event.Event{ghDana(event.Event{
		EventTime: ts("2024-05-06T11:00:00.777Z"), EventID: "Df0pU5ZrV1tB6qP3wX8aCk", Action: "personal_access_token.request_created",
		Category: event.CategoryTokenAuth, AuthMethod: event.AuthPAT, AppID: "402211", AppName: "data-export", TokenID: "402211",
		TargetType: "token", TargetID: "402211", TargetName: "data-export", Sensitivity: 1, // via the pattern entry
	})}},
	{file: "personal_access_token_access_granted.json", want: []event.Event{ghAdmin(event.Event{
		EventTime: ts("2024-05-06T11:15:00.333Z"), EventID: "Eg1qV6AsW2uC7rQ4xY9bDl", Action: "personal_access_token.access_granted",
		Category: event.CategoryGrant, AuthMethod: event.AuthPAT, AppID: "402211", AppName: "data-export", TokenID: "402211",
		TargetType: "token", TargetID: "402211", TargetName: "data-export", Sensitivity: 2, // exact entry beats the pattern
	})}},
	{file: "personal_access_token_access_revoked.json", want: []event.Event{ghAdmin(event.Event{
		EventTime: ts("2024-05-09T17:50:00.21Z"), EventID: "Fh2rW7BtX3vD8sR5yZ0cEm", Action: "personal_access_token.access_revoked",
		Category: event.CategoryRevoke, AuthMethod: event.AuthPAT, AppID: "402211", AppName: "data-export", TokenID: "402211",
		TargetType: "token", TargetID: "402211", TargetName: "data-export", Sensitivity: 1,
	})}},
	{file: "integration_installation_create.json", want: []event.Event{ghAdmin(event.Event{
		EventTime: ts("2024-05-06T12:03:20.1Z"), EventID: "Gi3sX8CuY4wE9tS6zA1dFn", Action: "integration_installation.create",
		Category: event.CategoryGrant, AuthMethod: event.AuthOAuth, AppID: "deploy-helper", AppName: "deploy-helper",
		TargetType: "app", TargetID: "deploy-helper", TargetName: "deploy-helper", Sensitivity: 2,
	})}},
	{file: "integration_installation_destroy.json", want: []event.Event{ghAdmin(event.Event{
		EventTime: ts("2024-05-09T17:55:00.64Z"), EventID: "Hj4tY9DvZ5xF0uT7aB2eGo", Action: "integration_installation.destroy",
		Category: event.CategoryRevoke, AppID: "deploy-helper", AppName: "deploy-helper",
		TargetType: "app", TargetID: "deploy-helper", TargetName: "deploy-helper", Sensitivity: 1,
	})}},
	{file: "org_oauth_app_access_approved.json", want: []event.Event{ghAdmin(event.Event{
		EventTime: ts("2024-05-06T10:05:00.55Z"), EventID: "Ik5uZ0EwA6yG1vU8bC3fHp", Action: "org.oauth_app_access_approved",
		Category: event.CategoryGrant, AuthMethod: event.AuthOAuth, AppID: ghAppID, AppName: ghAppName,
		TargetType: "app", TargetID: ghAppID, TargetName: ghAppName, Sensitivity: 2,
	})}},
	{file: "git_clone_private_pat.json", want: []event.Event{ghDana(event.Event{
		EventTime: ts("2024-05-06T11:05:00.421Z"), EventID: "Jl6vA1FxB7zH2wV9cD4gIq", Action: "git.clone",
		Category: event.CategoryDataAccess, AuthMethod: event.AuthPAT, AppID: "402211", TokenID: "402211",
		SrcIP: "198.51.100.23", UserAgent: "git/2.45.0",
		TargetType: "repository", TargetID: "7712345", TargetName: ghRepo,
		Sensitivity: 3, // private repository raises 1 to 3
	})}},
	{file: "git_clone_public_oauth.json", want: []event.Event{ghDana(event.Event{
		EventTime: ts("2024-05-06T10:08:20.099Z"), EventID: "Km7wB2GyC8aI3xW0dE5hJr", Action: "git.clone",
		Category: event.CategoryDataAccess, AuthMethod: event.AuthOAuth, AppID: ghAppID, AppName: ghAppName, TokenID: "88112233",
		SrcIP: "198.51.100.23", UserAgent: "git/2.45.0 (release-notes-helper)",
		TargetType: "repository", TargetID: "7712399", TargetName: "acme-eng/docs-site",
		Sensitivity: 1, // public repository: no raise
	})}},
	{file: "repo_download_zip_app.json", want: []event.Event{ghEvent(event.Event{
		EventTime: ts("2024-05-06T11:30:00.888Z"), EventID: "Ln8xC3HzD9bJ4yX1eF6iKs", Action: "repo.download_zip",
		Category: event.CategoryDataAccess, AuthMethod: event.AuthServiceAccount,
		ActorID: "deploy-helper[bot]", ActorName: "deploy-helper[bot]", AppID: "deploy-helper", AppName: "deploy-helper",
		SrcIP: "198.51.100.64", UserAgent: "deploy-helper/1.8 (+https://deploy-helper.example.com)",
		TargetType: "repository", TargetID: "7712777", TargetName: "acme-eng/infra-secrets",
		Sensitivity: 3, // internal visibility counts as private
	})}},
	{file: "repo_access_public.json", want: []event.Event{ghAdmin(event.Event{
		EventTime: ts("2024-05-06T12:53:20.321Z"), EventID: "Mo9yD4IaE0cK5zY2fG7jLt", Action: "repo.access",
		Category:   event.CategoryConfigChange,
		TargetType: "repository", TargetID: "7712777", TargetName: "acme-eng/infra-secrets",
		Sensitivity: 3, // made public: external_sharing raises 2 to 3
	})}},
	{file: "hook_create.json", want: []event.Event{ghDana(event.Event{
		EventTime: ts("2024-05-06T11:40:00.444Z"), EventID: "Np0zE5JbF1dL6aZ3gH8kMu", Action: "hook.create",
		Category: event.CategoryConfigChange, AuthMethod: event.AuthPAT, AppID: "402988", TokenID: "402988",
		SrcIP: "198.51.100.23", UserAgent: "curl/8.7.1",
		TargetType: "repository", TargetID: "7712345", TargetName: ghRepo,
		Scopes: []string{"repo", "admin:repo_hook"}, Sensitivity: 2,
	})}},
	{file: "protected_branch_destroy.json", want: []event.Event{ghDana(event.Event{
		EventTime: ts("2024-05-06T11:45:00.777Z"), EventID: "Oq1aF6KcG2eM7bA4hI9lNv", Action: "protected_branch.destroy",
		Category:   event.CategoryConfigChange,
		TargetType: "repository", TargetID: "7712345", TargetName: ghRepo, Sensitivity: 2,
	})}},
	{file: "secret_scanning_disable.json", want: []event.Event{ghDana(event.Event{
		EventTime: ts("2024-05-06T11:50:00.111Z"), EventID: "Pr2bG7LdH3fN8cB5iJ0mOw", Action: "repository_secret_scanning.disable",
		Category:   event.CategoryConfigChange,
		TargetType: "repository", TargetID: "7712345", TargetName: ghRepo, Sensitivity: 3,
	})}},
	{file: "secret_scanning_push_protection_disable.json", want: []event.Event{ghDana(event.Event{
		EventTime: ts("2024-05-06T11:51:00.222Z"), EventID: "Qs3cH8MeI4gO9dC6jK1nPx", Action: "repository_secret_scanning_push_protection.disable",
		Category:   event.CategoryConfigChange,
		TargetType: "repository", TargetID: "7712345", TargetName: ghRepo, Sensitivity: 3,
	})}},
	{file: "org_update_member_admin.json", want: []event.Event{ghAdmin(event.Event{
		EventTime: ts("2024-05-06T12:00:00.999Z"), EventID: "Rt4dI9NfJ5hP0eD7kL2oQy", Action: "org.update_member",
		Category:   event.CategoryConfigChange,
		TargetType: "user", TargetID: "6234567", TargetName: "lpark",
		Sensitivity: 3, // promoted to admin raises 1 to 3
	})}},
}

func TestGitHub(t *testing.T) { runFixtures(t, event.SourceGitHub, githubCases) }
