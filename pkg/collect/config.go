package collect

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// Config is the collector's YAML file: where to write, and which vendor
// APIs to read. Credentials are never values in this file, only references
// to environment variables or files (see Secret), so the file can be kept
// in version control and shown in a ticket.
type Config struct {
	ClickHouse ClickHouseConfig `yaml:"clickhouse"`
	Metrics    MetricsConfig    `yaml:"metrics"`
	Sources    []SourceConfig   `yaml:"sources"`
}

// ClickHouseConfig names the server and the tables the collector writes.
type ClickHouseConfig struct {
	URL             string  `yaml:"url"`              // HTTP interface, such as http://127.0.0.1:8123
	User            string  `yaml:"user"`             // a user allowed to INSERT and SELECT
	Password        *Secret `yaml:"password"`         // optional
	Database        string  `yaml:"database"`         // default "default"
	Table           string  `yaml:"table"`            // default "saas_audit_events"
	CheckpointTable string  `yaml:"checkpoint_table"` // default "tokentrail_checkpoints"
	// BatchSize is the number of events collected before they are inserted
	// and the checkpoint advances. Fewer, larger inserts suit ClickHouse;
	// a listing's last pages are always flushed when it ends.
	BatchSize int `yaml:"batch_size"`
}

// MetricsConfig is the Prometheus endpoint. An empty Listen serves none.
type MetricsConfig struct {
	Listen string `yaml:"listen"` // such as 127.0.0.1:9464; /metrics is served there
}

// SourceConfig is one vendor API to read. Exactly one vendor block, the one
// named by Type, must be present.
type SourceConfig struct {
	Name   string `yaml:"name"`   // unique; names the checkpoint, log lines and metrics
	Type   string `yaml:"type"`   // okta, google_workspace, m365, github or slack
	Tenant string `yaml:"tenant"` // written to the tenant column; empty keeps the vendor's own tenant id
	// Start is where the first run begins: an RFC 3339 time or a duration
	// before the first run ("72h"). Later runs resume from the checkpoint.
	Start        string        `yaml:"start"`
	PollInterval time.Duration `yaml:"poll_interval"` // pause between polls
	// Overlap is re-read at the start of every listing, so that events the
	// vendor publishes late (after newer ones) are still collected.
	Overlap time.Duration `yaml:"overlap"`
	// MaxWindow bounds one listing of the vendors that list newest first
	// (Google, Slack) or by publication window (Microsoft 365): the
	// checkpoint advances at the end of each window.
	MaxWindow time.Duration `yaml:"max_window"`
	PageSize  int           `yaml:"page_size"` // records asked per page
	BaseURL   string        `yaml:"base_url"`  // the vendor API's root; for proxies, sovereign clouds and tests
	Retry     RetryConfig   `yaml:"retry"`

	Okta   *OktaConfig   `yaml:"okta"`
	Google *GoogleConfig `yaml:"google_workspace"`
	M365   *M365Config   `yaml:"m365"`
	GitHub *GitHubConfig `yaml:"github"`
	Slack  *SlackConfig  `yaml:"slack"`
}

// RetryConfig bounds how hard a source retries before a poll fails.
type RetryConfig struct {
	MaxAttempts int           `yaml:"max_attempts"` // tries per request for 5xx, network errors and broken pages
	Initial     time.Duration `yaml:"initial"`      // first backoff; doubles per attempt, with jitter
	Max         time.Duration `yaml:"max"`          // backoff ceiling
	// MaxRateLimitWait caps one wait the vendor asks for (Retry-After or a
	// rate-limit reset); a longer demand fails the poll instead of stalling.
	MaxRateLimitWait time.Duration `yaml:"max_rate_limit_wait"`
	MaxRateLimited   int           `yaml:"max_rate_limited"` // 429 answers tolerated per request
}

var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,62}$`)

// LoadConfig reads and validates a config file. Unknown keys are errors, so
// a misspelt option never silently falls back to its default.
func LoadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the collector config: %w", err)
	}
	cfg, err := ParseConfig(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// ParseConfig decodes and validates YAML, filling in defaults.
func ParseConfig(b []byte) (*Config, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var cfg Config
	if err := dec.Decode(&cfg); err != nil {
		return nil, fmt.Errorf("the config is not valid YAML for the collector: %w", err)
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

func (c *Config) validate() error {
	if err := c.ClickHouse.validate(); err != nil {
		return err
	}
	if c.Metrics.Listen != "" {
		if _, _, err := net.SplitHostPort(c.Metrics.Listen); err != nil {
			return fmt.Errorf("metrics.listen %q must be host:port, such as 127.0.0.1:9464: %v", c.Metrics.Listen, err)
		}
	}
	if len(c.Sources) == 0 {
		return errors.New("sources: name at least one vendor API to collect from")
	}
	seen := map[string]bool{}
	for i := range c.Sources {
		s := &c.Sources[i]
		if err := s.validate(); err != nil {
			if s.Name != "" {
				return fmt.Errorf("sources[%d] (%s): %w", i, s.Name, err)
			}
			return fmt.Errorf("sources[%d]: %w", i, err)
		}
		if seen[s.Name] {
			return fmt.Errorf("sources[%d]: the name %q is used twice; each source needs its own name because it names the checkpoint", i, s.Name)
		}
		seen[s.Name] = true
	}
	return nil
}

func (c *ClickHouseConfig) validate() error {
	if c.URL == "" {
		c.URL = "http://127.0.0.1:8123"
	}
	if c.User == "" {
		c.User = "default"
	}
	if c.Database == "" {
		c.Database = "default"
	}
	if c.Table == "" {
		c.Table = "saas_audit_events"
	}
	if c.CheckpointTable == "" {
		c.CheckpointTable = "tokentrail_checkpoints"
	}
	if c.BatchSize == 0 {
		c.BatchSize = 5000
	}
	if c.BatchSize < 1 || c.BatchSize > 100000 {
		return fmt.Errorf("clickhouse.batch_size %d: choose 1..100000 events", c.BatchSize)
	}
	for _, id := range []struct{ what, v string }{{"clickhouse.database", c.Database}, {"clickhouse.table", c.Table}, {"clickhouse.checkpoint_table", c.CheckpointTable}} {
		if err := schema.CheckIdentifier(id.what, id.v); err != nil {
			return err
		}
	}
	return nil
}

// Defaults per vendor. Overlaps follow each vendor's publishing delay:
// Google documents hours for some applications, the others minutes.
var (
	defaultOverlap = map[string]time.Duration{
		event.SourceOkta: 5 * time.Minute, event.SourceGoogle: time.Hour, event.SourceMicrosoft: 15 * time.Minute,
		event.SourceGitHub: 10 * time.Minute, event.SourceSlack: 10 * time.Minute,
	}
	defaultPageSize = map[string]int{
		event.SourceOkta: 1000, event.SourceGoogle: 1000, event.SourceMicrosoft: 0,
		event.SourceGitHub: 100, event.SourceSlack: 1000,
	}
	maxPageSize = map[string]int{
		event.SourceOkta: 1000, event.SourceGoogle: 1000, event.SourceMicrosoft: 0,
		event.SourceGitHub: 100, event.SourceSlack: 9999,
	}
)

// m365MaxWindow is the Management Activity API's limit on one content
// listing.
const m365MaxWindow = 24 * time.Hour

func (s *SourceConfig) validate() error {
	if !namePattern.MatchString(s.Name) {
		return fmt.Errorf("name %q: use 1-63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit", s.Name)
	}
	if _, ok := defaultOverlap[s.Type]; !ok {
		return fmt.Errorf("type %q is not a supported vendor API: use one of %s", s.Type, strings.Join(event.Sources, ", "))
	}
	if len(s.Tenant) > 64 || strings.ContainsAny(s.Tenant, "\x00\n\r\t") {
		return fmt.Errorf("tenant %q: use a short label of at most 64 printable characters", s.Tenant)
	}
	if _, err := s.startTime(time.Now()); err != nil {
		return err
	}
	if s.PollInterval == 0 {
		s.PollInterval = time.Minute
	}
	if s.PollInterval < 10*time.Millisecond {
		return fmt.Errorf("poll_interval %s is too short: use at least 10ms (a minute suits every vendor's rate limits)", s.PollInterval)
	}
	if s.Overlap == 0 {
		s.Overlap = defaultOverlap[s.Type]
	}
	if s.Overlap < 0 || s.Overlap > 7*24*time.Hour {
		return fmt.Errorf("overlap %s: choose 0s..168h", s.Overlap)
	}
	if err := s.validateWindow(); err != nil {
		return err
	}
	if s.PageSize == 0 {
		s.PageSize = defaultPageSize[s.Type]
	}
	if top := maxPageSize[s.Type]; s.PageSize < 0 || s.PageSize > top || (top > 0 && s.PageSize == 0) {
		return fmt.Errorf("page_size %d: the %s API takes 1..%d records per page", s.PageSize, s.Type, top)
	}
	if err := s.Retry.validate(); err != nil {
		return err
	}
	if err := s.validateVendor(); err != nil {
		return err
	}
	if s.BaseURL != "" {
		if err := checkAPIURL("base_url", s.BaseURL); err != nil {
			return err
		}
	}
	return nil
}

func (s *SourceConfig) validateWindow() error {
	if s.MaxWindow == 0 {
		s.MaxWindow = time.Hour
	}
	limit := 7 * 24 * time.Hour
	if s.Type == event.SourceMicrosoft {
		limit = m365MaxWindow
	}
	if s.MaxWindow < time.Second || s.MaxWindow > limit {
		return fmt.Errorf("max_window %s: choose 1s..%s", s.MaxWindow, limit)
	}
	return nil
}

// startTime resolves Start against the moment of the first run.
func (s *SourceConfig) startTime(now time.Time) (time.Time, error) {
	v := strings.TrimSpace(s.Start)
	if v == "" {
		v = "24h"
	}
	if d, err := time.ParseDuration(v); err == nil {
		if d < 0 {
			return time.Time{}, fmt.Errorf("start %q: a duration counts back from the first run and must be positive, such as 72h", s.Start)
		}
		return now.Add(-d).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("start %q: use an RFC 3339 time (2024-05-01T00:00:00Z) or a duration before the first run (72h)", s.Start)
	}
	return t.UTC(), nil
}

func (r *RetryConfig) validate() error {
	if r.MaxAttempts == 0 {
		r.MaxAttempts = 5
	}
	if r.Initial == 0 {
		r.Initial = time.Second
	}
	if r.Max == 0 {
		r.Max = 30 * time.Second
	}
	if r.MaxRateLimitWait == 0 {
		r.MaxRateLimitWait = 15 * time.Minute
	}
	if r.MaxRateLimited == 0 {
		r.MaxRateLimited = 20
	}
	switch {
	case r.MaxAttempts < 1 || r.MaxAttempts > 100:
		return fmt.Errorf("retry.max_attempts %d: choose 1..100", r.MaxAttempts)
	case r.Initial < time.Millisecond || r.Max < r.Initial:
		return fmt.Errorf("retry.initial %s and retry.max %s: the initial backoff must be at least 1ms and no more than the maximum", r.Initial, r.Max)
	case r.MaxRateLimitWait < time.Second:
		return fmt.Errorf("retry.max_rate_limit_wait %s: use at least 1s, vendors ask for whole seconds", r.MaxRateLimitWait)
	case r.MaxRateLimited < 1:
		return fmt.Errorf("retry.max_rate_limited %d: use at least 1", r.MaxRateLimited)
	}
	return nil
}

// checkAPIURL refuses URLs that would send a credential in clear text over
// the network: https, or http only to this machine (local fakes, a proxy on
// loopback).
func checkAPIURL(what, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("%s %q: use an absolute https:// URL", what, raw)
	}
	if u.User != nil {
		return fmt.Errorf("%s: remove the user information from the URL; credentials come from secrets only", what)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return fmt.Errorf("%s %q: plain http is allowed only to this machine (127.0.0.1, ::1, localhost); use https so the credential is not sent in clear text", what, u.Redacted())
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
