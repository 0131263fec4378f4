// Package models holds the typed settings and query models the backend reads
// from Grafana, with the validation that turns bad input into messages a
// Grafana admin or panel author can act on.
package models

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/tokentrail/tokentrail/pkg/echo"
	"github.com/tokentrail/tokentrail/pkg/risk"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// Protocols the datasource can speak to ClickHouse.
const (
	ProtocolNative = "native"
	ProtocolHTTP   = "http"
)

// Defaults applied when a setting is absent.
const (
	DefaultDatabase            = "default"
	DefaultTable               = "saas_audit_events"
	DefaultDialTimeoutSeconds  = 10
	DefaultQueryTimeoutSeconds = 60
	DefaultMaxOpenConns        = 10
	DefaultBaselineDays        = 30
)

// PluginSettings is the datasource's jsonData plus its decrypted secrets.
type PluginSettings struct {
	Host                string   `json:"host"`
	Port                int      `json:"port"`
	Protocol            string   `json:"protocol"`
	Secure              bool     `json:"secure"`
	TLSSkipVerify       bool     `json:"tlsSkipVerify"`
	Username            string   `json:"username"`
	Database            string   `json:"database"`
	Table               string   `json:"table"`
	DialTimeoutSeconds  int      `json:"dialTimeoutSeconds"`
	QueryTimeoutSeconds int      `json:"queryTimeoutSeconds"`
	MaxOpenConns        int      `json:"maxOpenConns"`
	ApprovedApps        []string `json:"approvedApps"`
	// BaselineDays is how many days of history before an episode the risk
	// score compares it with; a query may override it.
	BaselineDays int `json:"baselineDays"`
	// ScoringProfile overrides values of the default scoring profile
	// (pkg/risk/profile.yaml), in YAML or JSON.
	ScoringProfile string `json:"scoringProfile"`
	// Thresholds of the coverage query's blind spots.
	Thresholds Thresholds `json:"-"`
	// SkipUnavailableShards lets a query on a Distributed table answer
	// without a shard none of whose replicas can be reached; the panel
	// then carries a notice naming the shard. Off, such a query fails.
	SkipUnavailableShards bool `json:"skipUnavailableShards"`

	Secrets *SecretSettings `json:"-"`
	// Profile is the parsed scoring profile, defaults included.
	Profile *risk.Profile `json:"-"`
}

// SecretSettings come from secureJsonData. They are never logged and never
// appear in an error text; String hides them if a settings value is printed.
type SecretSettings struct {
	Password      string
	TLSCACert     string
	TLSClientCert string
	TLSClientKey  string
}

// String keeps secrets out of any accidental %v.
func (SecretSettings) String() string { return "SecretSettings{redacted}" }

// GoString keeps secrets out of %#v as well.
func (s SecretSettings) GoString() string { return s.String() }

// rawSettings accepts numbers as JSON numbers or numeric strings and
// booleans as booleans or "true"/"false": provisioning files and older
// editors write both forms.
type rawSettings struct {
	Host                string          `json:"host"`
	Port                json.RawMessage `json:"port"`
	Protocol            string          `json:"protocol"`
	Secure              json.RawMessage `json:"secure"`
	TLSSkipVerify       json.RawMessage `json:"tlsSkipVerify"`
	Username            string          `json:"username"`
	Database            string          `json:"database"`
	Table               string          `json:"table"`
	DialTimeoutSeconds  json.RawMessage `json:"dialTimeoutSeconds"`
	QueryTimeoutSeconds json.RawMessage `json:"queryTimeoutSeconds"`
	MaxOpenConns        json.RawMessage `json:"maxOpenConns"`
	ApprovedApps        json.RawMessage `json:"approvedApps"`
	BaselineDays        json.RawMessage `json:"baselineDays"`
	ScoringProfile      string          `json:"scoringProfile"`
	SkipUnavailable     json.RawMessage `json:"skipUnavailableShards"`
}

// ErrInvalidSettings marks every settings problem, so callers can tell a
// configuration mistake (the admin's to fix) from a server failure.
var ErrInvalidSettings = errors.New("invalid datasource settings")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidSettings, fmt.Sprintf(format, args...))
}

// LoadPluginSettings parses and validates the settings Grafana sends.
func LoadPluginSettings(source backend.DataSourceInstanceSettings) (*PluginSettings, error) {
	var raw rawSettings
	if len(source.JSONData) > 0 {
		if err := json.Unmarshal(source.JSONData, &raw); err != nil {
			return nil, invalid("the settings JSON could not be read (%s); save the datasource again from its settings page", jsonProblem(err))
		}
	}
	s := &PluginSettings{
		Host:     strings.TrimSpace(raw.Host),
		Protocol: strings.ToLower(strings.TrimSpace(raw.Protocol)),
		Username: strings.TrimSpace(raw.Username),
		Database: strings.TrimSpace(raw.Database),
		Table:    strings.TrimSpace(raw.Table),
	}
	var err error
	if s.Port, err = intSetting("port", raw.Port, 0); err != nil {
		return nil, err
	}
	if s.Secure, err = boolSetting("secure", raw.Secure); err != nil {
		return nil, err
	}
	if s.TLSSkipVerify, err = boolSetting("tlsSkipVerify", raw.TLSSkipVerify); err != nil {
		return nil, err
	}
	if s.SkipUnavailableShards, err = boolSetting("skipUnavailableShards", raw.SkipUnavailable); err != nil {
		return nil, err
	}
	if s.DialTimeoutSeconds, err = intSetting("dialTimeoutSeconds", raw.DialTimeoutSeconds, DefaultDialTimeoutSeconds); err != nil {
		return nil, err
	}
	if s.QueryTimeoutSeconds, err = intSetting("queryTimeoutSeconds", raw.QueryTimeoutSeconds, DefaultQueryTimeoutSeconds); err != nil {
		return nil, err
	}
	if s.MaxOpenConns, err = intSetting("maxOpenConns", raw.MaxOpenConns, DefaultMaxOpenConns); err != nil {
		return nil, err
	}
	if s.ApprovedApps, err = listSetting("approvedApps", raw.ApprovedApps); err != nil {
		return nil, err
	}
	if s.BaselineDays, err = intSetting("baselineDays", raw.BaselineDays, DefaultBaselineDays); err != nil {
		return nil, err
	}
	s.ScoringProfile = raw.ScoringProfile
	if s.Profile, err = risk.LoadProfile(raw.ScoringProfile); err != nil {
		return nil, invalid("scoringProfile: %v", err)
	}
	if s.Thresholds, err = loadThresholds(source.JSONData); err != nil {
		return nil, err
	}
	if s.Protocol == "" {
		s.Protocol = ProtocolNative
	}
	if s.Database == "" {
		s.Database = DefaultDatabase
	}
	if s.Table == "" {
		s.Table = DefaultTable
	}
	if s.Port == 0 {
		s.Port = DefaultPort(s.Protocol, s.Secure)
	}
	d := source.DecryptedSecureJSONData
	s.Secrets = &SecretSettings{
		Password:      d["password"],
		TLSCACert:     d["tlsCACert"],
		TLSClientCert: d["tlsClientCert"],
		TLSClientKey:  d["tlsClientKey"],
	}
	return s, s.Validate()
}

// DefaultPort is ClickHouse's standard port for the protocol.
func DefaultPort(protocol string, secure bool) int {
	switch {
	case protocol == ProtocolHTTP && secure:
		return 8443
	case protocol == ProtocolHTTP:
		return 8123
	case secure:
		return 9440
	default:
		return 9000
	}
}

// Validate checks every setting and names the first one that is wrong.
func (s *PluginSettings) Validate() error {
	if s.Host == "" {
		return invalid("host is empty: enter the ClickHouse server's host name or IP address")
	}
	if len(s.Host) > 253 {
		return invalid("host is %d characters long: a host name has at most 253", len(s.Host))
	}
	if len(s.Username) > 256 {
		return invalid("username is %d characters long: use at most 256", len(s.Username))
	}
	if strings.ContainsAny(s.Host, " /?#@") || strings.Contains(s.Host, "://") {
		return invalid("host %s must be a bare host name or IP address, without scheme, port, path or credentials", echo.Quote(s.Host))
	}
	if s.Port < 1 || s.Port > 65535 {
		return invalid("port %d is out of range: use 1-65535 (ClickHouse defaults: 9000 native, 8123 http, 9440/8443 with TLS)", s.Port)
	}
	if s.Protocol != ProtocolNative && s.Protocol != ProtocolHTTP {
		return invalid("protocol %s is not supported: use %q or %q", echo.Quote(s.Protocol), ProtocolNative, ProtocolHTTP)
	}
	if err := schema.CheckIdentifier("database", s.Database); err != nil {
		return invalid("%s", err)
	}
	if err := schema.CheckIdentifier("table", s.Table); err != nil {
		return invalid("%s", err)
	}
	if s.DialTimeoutSeconds < 1 || s.DialTimeoutSeconds > 300 {
		return invalid("dialTimeoutSeconds %d is out of range: use 1-300", s.DialTimeoutSeconds)
	}
	if s.QueryTimeoutSeconds < 1 || s.QueryTimeoutSeconds > 3600 {
		return invalid("queryTimeoutSeconds %d is out of range: use 1-3600", s.QueryTimeoutSeconds)
	}
	if s.MaxOpenConns < 1 || s.MaxOpenConns > 200 {
		return invalid("maxOpenConns %d is out of range: use 1-200", s.MaxOpenConns)
	}
	if s.BaselineDays < 0 || s.BaselineDays > MaxBaselineDays {
		return invalid("baselineDays %d is out of range: use 0 (no behaviour baselines) to %d", s.BaselineDays, MaxBaselineDays)
	}
	for i, app := range s.ApprovedApps {
		if strings.TrimSpace(app) == "" {
			return invalid("approvedApps entry %d is empty: remove it or enter an app id", i+1)
		}
	}
	if s.Secrets != nil && (s.Secrets.TLSClientCert == "") != (s.Secrets.TLSClientKey == "") {
		return invalid("TLS client certificate and key must be set together: fill in both or clear both")
	}
	if s.Secrets != nil && !s.Secure && (s.Secrets.TLSCACert != "" || s.Secrets.TLSClientCert != "") {
		return invalid("TLS certificates are set but secure is off: turn on secure (TLS) or reset the certificates")
	}
	return nil
}

// ApprovedSet returns approvedApps as a set.
func (s *PluginSettings) ApprovedSet() map[string]bool {
	m := make(map[string]bool, len(s.ApprovedApps))
	for _, a := range s.ApprovedApps {
		m[strings.TrimSpace(a)] = true
	}
	return m
}

func intSetting(name string, raw json.RawMessage, def int) (int, error) {
	v := strings.TrimSpace(string(raw))
	if v == "" || v == "null" || v == `""` {
		return def, nil
	}
	v = strings.Trim(v, `"`)
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > math.MaxInt32 {
		return 0, invalid("%s must be a whole number, got %s", name, echo.Clip(string(raw)))
	}
	return int(f), nil
}

func boolSetting(name string, raw json.RawMessage) (bool, error) {
	switch strings.Trim(strings.TrimSpace(string(raw)), `"`) {
	case "", "null", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, invalid("%s must be true or false, got %s", name, echo.Clip(string(raw)))
}

// listSetting accepts a JSON list of strings or one comma-separated string.
func listSetting(name string, raw json.RawMessage) ([]string, error) {
	v := strings.TrimSpace(string(raw))
	if v == "" || v == "null" {
		return nil, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err == nil {
		return list, nil
	}
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		var out []string
		for _, p := range strings.Split(one, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out, nil
	}
	return nil, invalid("%s must be a list of app ids, got %s", name, echo.Clip(string(raw)))
}

// jsonProblem describes a JSON decoding error without echoing the input,
// which may sit next to secrets in a provisioning file.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("syntax error at byte %d", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %q should be %s, not a JSON %s", typ.Field, typ.Type, typ.Value)
	}
	return "malformed JSON"
}
