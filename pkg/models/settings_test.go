package models

import (
	"errors"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

func load(js string, secure map[string]string) (*PluginSettings, error) {
	return LoadPluginSettings(backend.DataSourceInstanceSettings{JSONData: []byte(js), DecryptedSecureJSONData: secure})
}

func TestLoadPluginSettingsDefaults(t *testing.T) {
	s, err := load(`{"host":"ch.internal"}`, map[string]string{"password": "pw"})
	if err != nil {
		t.Fatal(err)
	}
	want := PluginSettings{Host: "ch.internal", Port: 9000, Protocol: "native", Database: "default", Table: "saas_audit_events",
		DialTimeoutSeconds: 10, QueryTimeoutSeconds: 60, MaxOpenConns: 10}
	got := *s
	got.Secrets = nil
	if got.Host != want.Host || got.Port != want.Port || got.Protocol != want.Protocol || got.Database != want.Database ||
		got.Table != want.Table || got.DialTimeoutSeconds != 10 || got.QueryTimeoutSeconds != 60 || got.MaxOpenConns != 10 {
		t.Errorf("defaults: got %+v", got)
	}
	if s.Secrets.Password != "pw" {
		t.Error("password not loaded from secureJsonData")
	}
	if s.BaselineDays != DefaultBaselineDays || s.Profile == nil || s.Profile.Severity.High == 0 {
		t.Errorf("risk defaults: baselineDays %d, profile %v", s.BaselineDays, s.Profile)
	}
}

func TestLoadPluginSettingsForms(t *testing.T) {
	cases := []struct {
		name, js string
		check    func(*PluginSettings) bool
	}{
		{"numbers as strings", `{"host":"h","port":"9440","secure":"true","maxOpenConns":"3"}`, func(s *PluginSettings) bool { return s.Port == 9440 && s.Secure && s.MaxOpenConns == 3 }},
		{"http default port", `{"host":"h","protocol":"HTTP"}`, func(s *PluginSettings) bool { return s.Port == 8123 && s.Protocol == "http" }},
		{"https default port", `{"host":"h","protocol":"http","secure":true}`, func(s *PluginSettings) bool { return s.Port == 8443 }},
		{"native tls default port", `{"host":"h","secure":true}`, func(s *PluginSettings) bool { return s.Port == 9440 }},
		{"approved apps list", `{"host":"h","approvedApps":["a"," b "]}`, func(s *PluginSettings) bool { return s.ApprovedSet()["b"] && s.ApprovedSet()["a"] }},
		{"approved apps comma string", `{"host":"h","approvedApps":"a, b,,c"}`, func(s *PluginSettings) bool { return len(s.ApprovedApps) == 3 }},
		{"baselines off", `{"host":"h","baselineDays":"0"}`, func(s *PluginSettings) bool { return s.BaselineDays == 0 }},
		{"profile override", `{"host":"h","scoringProfile":"severity: {high: 61}"}`, func(s *PluginSettings) bool { return s.Profile.Severity.High == 61 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := load(c.js, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !c.check(s) {
				t.Errorf("unexpected settings %+v", *s)
			}
		})
	}
}

func TestLoadPluginSettingsErrors(t *testing.T) {
	cases := []struct {
		name, js string
		secure   map[string]string
		want     string
	}{
		{"malformed JSON", `{"host":`, nil, "settings JSON could not be read"},
		{"wrong JSON type", `{"host": 5}`, nil, `field "host" should be string`},
		{"no host", `{}`, nil, "host is empty"},
		{"host with scheme", `{"host":"http://ch"}`, nil, "bare host name"},
		{"port text", `{"host":"h","port":"ninety"}`, nil, "port must be a whole number"},
		{"port range", `{"host":"h","port":0}`, nil, ""},
		{"port too big", `{"host":"h","port":65536}`, nil, "port 65536 is out of range"},
		{"protocol", `{"host":"h","protocol":"grpc"}`, nil, `protocol "grpc" is not supported`},
		{"database name", `{"host":"h","database":"a-b"}`, nil, `database "a-b" is not a valid name`},
		{"table injection", `{"host":"h","table":"t; DROP TABLE x"}`, nil, "is not a valid name"},
		{"timeouts", `{"host":"h","queryTimeoutSeconds":0.5}`, nil, "queryTimeoutSeconds must be a whole number"},
		{"pool", `{"host":"h","maxOpenConns":500}`, nil, "maxOpenConns 500 is out of range"},
		{"bool", `{"host":"h","secure":"yes"}`, nil, "secure must be true or false"},
		{"empty approved", `{"host":"h","approvedApps":["a",""]}`, nil, "approvedApps entry 2 is empty"},
		{"baseline days", `{"host":"h","baselineDays":400}`, nil, "baselineDays 400 is out of range"},
		{"profile typo", `{"host":"h","scoringProfile":"severty: {high: 61}"}`, nil, "scoringProfile: scoring profile"},
		{"profile bands", `{"host":"h","scoringProfile":"{\"severity\": {\"high\": 199}}"}`, nil, "medium < high < critical"},
		{"cert without key", `{"host":"h","secure":true}`, map[string]string{"tlsClientCert": "-----BEGIN CERTIFICATE-----"}, "must be set together"},
		{"cert without secure", `{"host":"h"}`, map[string]string{"tlsCACert": "x"}, "secure is off"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := load(c.js, c.secure)
			if c.name == "port range" {
				// 0 means "not set" and takes the default, which is valid.
				if err != nil {
					t.Fatalf("port 0 should fall back to the default, got %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("want error containing %q", c.want)
			}
			if !errors.Is(err, ErrInvalidSettings) {
				t.Errorf("error is not ErrInvalidSettings: %v", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q lacks %q", err, c.want)
			}
		})
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	s, err := load(`{"host":"h"}`, map[string]string{"password": "hunter2-secret"})
	if err != nil {
		t.Fatal(err)
	}
	for _, form := range []string{"%v", "%+v", "%#v", "%s"} {
		if out := sprintf(form, s.Secrets); strings.Contains(out, "hunter2") {
			t.Errorf("%s leaks the password: %s", form, out)
		}
		if out := sprintf(form, *s.Secrets); strings.Contains(out, "hunter2") {
			t.Errorf("%s of value leaks the password: %s", form, out)
		}
	}
}
