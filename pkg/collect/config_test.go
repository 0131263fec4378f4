package collect

import (
	"os"
	"strings"
	"testing"
	"time"
)

const okSource = `
  - name: okta-main
    type: okta
    okta: {domain: acme.okta.com, api_token: {env: OKTA_TOKEN}}
`

func TestParseConfigDefaults(t *testing.T) {
	cfg, err := ParseConfig([]byte("sources:" + okSource))
	if err != nil {
		t.Fatal(err)
	}
	ch, s := cfg.ClickHouse, cfg.Sources[0]
	if ch.URL != "http://127.0.0.1:8123" || ch.Table != "saas_audit_events" || ch.CheckpointTable != "tokentrail_checkpoints" || ch.BatchSize != 5000 {
		t.Errorf("clickhouse defaults %+v", ch)
	}
	if s.PollInterval != time.Minute || s.Overlap != 5*time.Minute || s.PageSize != 1000 || s.Retry.MaxAttempts != 5 || s.MaxWindow != time.Hour {
		t.Errorf("source defaults %+v", s)
	}
}

// TestParseConfigErrors: every bad config names the field and the fix.
func TestParseConfigErrors(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"inline secret", "sources:\n  - name: gh\n    type: github\n    github: {organization: acme, token: ghp_secret}\n", "a credential is never written in the config"},
		{"secret with both", "sources:\n  - name: gh\n    type: github\n    github: {organization: acme, token: {env: A, file: /b}}\n", "exactly one of env or file"},
		{"no sources", "clickhouse: {url: http://127.0.0.1:8123}\n", "name at least one vendor API"},
		{"unknown key", "sources:" + okSource + "    poll_intervall: 1m\n", "field poll_intervall not found"},
		{"unknown type", "sources:\n  - name: x\n    type: jira\n", `type "jira" is not a supported vendor API`},
		{"bad name", "sources:\n  - name: Okta Main\n    type: okta\n", `name "Okta Main"`},
		{"duplicate name", "sources:" + okSource + okSource, "is used twice"},
		{"wrong block", "sources:\n  - name: x\n    type: slack\n    github: {organization: a, token: {env: T}}\n", "has a github block but type slack"},
		{"missing block", "sources:\n  - name: x\n    type: slack\n", "needs its slack: block"},
		{"okta both auths", "sources:\n  - name: o\n    type: okta\n    okta: {domain: a.okta.com, api_token: {env: T}, client_id: c, private_key: {file: k}}\n", "not both"},
		{"okta domain url", "sources:\n  - name: o\n    type: okta\n    okta: {domain: 'https://a.okta.com/', api_token: {env: T}}\n", "host name only"},
		{"plain http", "sources:" + okSource + "    base_url: http://okta.example.com\n", "plain http is allowed only to this machine"},
		{"url with user", "sources:" + okSource + "    base_url: https://u:p@okta.example.com\n", "remove the user information"},
		{"bad start", "sources:" + okSource + "    start: yesterday\n", `start "yesterday"`},
		{"negative start", "sources:" + okSource + "    start: -1h\n", "must be positive"},
		{"page size", "sources:\n  - name: gh\n    type: github\n    page_size: 500\n    github: {organization: acme, token: {env: T}}\n", "takes 1..100 records per page"},
		{"m365 window", "sources:\n  - name: m\n    type: m365\n    max_window: 48h\n    m365: {tenant_id: 9a3e5c71-2b4d-4f68-8e1a-0c7d6b5f4e32, client_id: 9a3e5c71-2b4d-4f68-8e1a-0c7d6b5f4e32, client_secret: {env: S}}\n", "max_window 48h0m0s: choose 1s..24h0m0s"},
		{"m365 tenant", "sources:\n  - name: m\n    type: m365\n    m365: {tenant_id: contoso, client_id: x, client_secret: {env: S}}\n", "give the directory (tenant) id"},
		{"m365 content type", "sources:\n  - name: m\n    type: m365\n    m365: {tenant_id: 9a3e5c71-2b4d-4f68-8e1a-0c7d6b5f4e32, client_id: 9a3e5c71-2b4d-4f68-8e1a-0c7d6b5f4e32, client_secret: {env: S}, content_types: [Audit.Teams]}\n", `"Audit.Teams" is not one of`},
		{"google subject", "sources:\n  - name: g\n    type: google_workspace\n    google_workspace: {credentials: {file: k.json}, subject: admin}\n", "the e-mail of the administrator"},
		{"google app", "sources:\n  - name: g\n    type: google_workspace\n    google_workspace: {credentials: {file: k.json}, subject: a@b.c, applications: ['drive; DROP']}\n", "is not a Reports API applicationName"},
		{"github both", "sources:\n  - name: gh\n    type: github\n    github: {organization: a, enterprise: b, token: {env: T}}\n", "exactly one of organization or enterprise"},
		{"bad table", "clickhouse: {table: 'events; DROP TABLE x'}\nsources:" + okSource, "clickhouse.table"},
		{"metrics listen", "metrics: {listen: '9464'}\nsources:" + okSource, "metrics.listen"},
		{"retry", "sources:" + okSource + "    retry: {max_attempts: 1000}\n", "retry.max_attempts 1000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestSecretValue(t *testing.T) {
	dir := t.TempDir()
	file := dir + "/tok"
	if err := os.WriteFile(file, []byte("  from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TT_SECRET_SET", "from-env")
	t.Setenv("TT_SECRET_EMPTY", " ")
	tests := []struct {
		s       Secret
		want    string
		wantErr string
	}{
		{Secret{Env: "TT_SECRET_SET"}, "from-env", ""},
		{Secret{File: file}, "from-file", ""},
		{Secret{Env: "TT_SECRET_UNSET_XYZ"}, "", "environment variable TT_SECRET_UNSET_XYZ is not set"},
		{Secret{Env: "TT_SECRET_EMPTY"}, "", "is empty"},
		{Secret{File: dir + "/missing"}, "", "read the credential file"},
	}
	for _, tt := range tests {
		got, err := tt.s.Value()
		if got != tt.want || (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%s: got %q, %v; want %q, %q", tt.s.String(), got, err, tt.want, tt.wantErr)
		}
	}
}

func TestStartTime(t *testing.T) {
	now := time.Date(2024, 5, 6, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"":                          now.Add(-24 * time.Hour),
		"72h":                       now.Add(-72 * time.Hour),
		"2024-05-01T00:00:00Z":      time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC),
		"2024-05-01T02:00:00+02:00": time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC),
	} {
		s := SourceConfig{Start: in}
		got, err := s.startTime(now)
		if err != nil || !got.Equal(want) {
			t.Errorf("start %q = %s, %v; want %s", in, got, err, want)
		}
	}
}
