// Package collect reads the five vendors' audit-log APIs continuously and
// loads what it reads into the normalized TokenTrail table: Okta's System
// Log, Google Workspace's Reports API, Microsoft 365's Management Activity
// API, GitHub's audit log and Slack's Audit Logs API.
//
// Every record goes through the same normalizers and the same
// deduplicating writer as `tokentrail ingest` (pkg/normalize, pkg/ingest),
// so a record collected here and the same record ingested from an export
// are one row. Each feed keeps a checkpoint in ClickHouse that moves only
// after the events before it have landed; a restart resumes from it, and
// every listing re-reads an overlap window for events the vendor publishes
// late. Reading twice is harmless (deduplication by event_id); reading too
// little is what the checkpoint rules prevent.
//
// The package sits beside ingest; the plugin never imports it.
package collect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/tokentrail/tokentrail/pkg/catalog"
	"github.com/tokentrail/tokentrail/pkg/chhttp"
	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/ingest"
	"github.com/tokentrail/tokentrail/pkg/normalize"
)

// Options tune a Collector beyond its config file.
type Options struct {
	Log     io.Writer        // progress, summaries and rejects; nil discards them
	Now     func() time.Time // the wall clock; nil means time.Now
	Catalog *catalog.Catalog // nil means catalog.Default()
	Once    bool             // poll every source until caught up, then return
}

// Collector runs the configured sources.
type Collector struct {
	cfg         *Config
	opt         Options
	client      *chhttp.Client
	writer      *ingest.Writer
	checkpoints *Checkpoints
	metrics     *metrics
	runners     []*sourceRunner

	logMu       sync.Mutex
	metricsAddr chan net.Addr
}

// New resolves every credential and builds the sources. A missing
// environment variable or unreadable key fails here, before anything runs,
// naming the source and the reference (never the value).
func New(cfg *Config, opt Options) (*Collector, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Log == nil {
		opt.Log = io.Discard
	}
	c := &Collector{cfg: cfg, opt: opt, metrics: newMetrics(), metricsAddr: make(chan net.Addr, 1)}
	c.client = &chhttp.Client{BaseURL: cfg.ClickHouse.URL, User: cfg.ClickHouse.User}
	if cfg.ClickHouse.Password != nil {
		pw, err := cfg.ClickHouse.Password.Value()
		if err != nil {
			return nil, fmt.Errorf("clickhouse.password: %w", err)
		}
		c.client.Password = pw
	}
	for i := range cfg.Sources {
		r, err := c.newRunner(&cfg.Sources[i])
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", cfg.Sources[i].Name, err)
		}
		c.runners = append(c.runners, r)
	}
	return c, nil
}

// defaultBase is each vendor API's public root.
func defaultBase(s *SourceConfig) string {
	switch s.Type {
	case event.SourceOkta:
		return "https://" + s.Okta.Domain
	case event.SourceGoogle:
		return "https://admin.googleapis.com"
	case event.SourceMicrosoft:
		return "https://manage.office.com"
	case event.SourceGitHub:
		return "https://api.github.com"
	}
	return "https://api.slack.com"
}

func (c *Collector) newRunner(s *SourceConfig) (*sourceRunner, error) {
	norm, err := normalize.New(s.Type, c.opt.Catalog)
	if err != nil {
		return nil, err
	}
	base := strings.TrimRight(s.BaseURL, "/")
	if base == "" {
		base = defaultBase(s)
	}
	api := &apiClient{source: s.Name, retry: s.Retry, metrics: c.metrics}
	r := &sourceRunner{c: c, cfg: s, norm: norm}
	add := func(st stream) { r.streams = append(r.streams, &streamState{stream: st}) }
	switch s.Type {
	case event.SourceOkta:
		api.http, api.secrets, err = newOktaAuth(s.Okta, base)
		add(newOktaStream(s.Name, base, s, api))
	case event.SourceGitHub:
		api.http, api.secrets, err = bearerAuth("github.token", s.GitHub.Token, map[string]string{
			"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28",
		})
		add(newGitHubStream(s.Name, base, s, api))
	case event.SourceSlack:
		api.http, api.secrets, err = bearerAuth("slack.token", s.Slack.Token, nil)
		add(newSlackStream(s.Name, base, s, api, c.opt.Now))
	case event.SourceGoogle:
		api.http, api.secrets, err = newGoogleAuth(s.Google)
		for _, app := range s.Google.Applications {
			add(newGoogleStream(s.Name+"/"+app, base, app, s, api, c.opt.Now))
		}
	case event.SourceMicrosoft:
		api.http, api.secrets, err = newM365Auth(s.M365)
		subs := &m365Subscriptions{}
		for _, ct := range s.M365.ContentTypes {
			add(&m365Stream{
				id: s.Name + "/" + ct, contentType: ct, tenant: s.M365.TenantID, api: api, cfg: s, wall: c.opt.Now, subs: subs,
				feed: base + "/api/v1.0/" + s.M365.TenantID + "/activity/feed",
				warn: func(format string, args ...any) {
					c.logf("collect %s/%s: WARNING: "+format, append([]any{s.Name, ct}, args...)...)
				},
			})
		}
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

func (c *Collector) now() time.Time { return c.opt.Now().UTC() }

func (c *Collector) logf(format string, args ...any) {
	c.logMu.Lock()
	defer c.logMu.Unlock()
	fmt.Fprintf(c.opt.Log, format+"\n", args...)
}

// MetricsAddr waits for the metrics endpoint to listen and returns its
// address; nil when none is configured.
func (c *Collector) MetricsAddr(ctx context.Context) net.Addr {
	select {
	case a := <-c.metricsAddr:
		c.metricsAddr <- a
		return a
	case <-ctx.Done():
		return nil
	}
}

// Run connects to ClickHouse, then runs every source on its own goroutine
// until ctx ends (or, with Once, until each has caught up). A source that
// fails is reported on every poll and retried; it never stops the others.
// With Once, Run returns the sources' failures joined.
func (c *Collector) Run(ctx context.Context) error {
	db, table := c.cfg.ClickHouse.Database, c.cfg.ClickHouse.Table
	w, err := ingest.NewWriter(ctx, c.client, db, table)
	if err != nil {
		return err
	}
	w.Now = c.now
	c.writer = w
	if c.checkpoints, err = OpenCheckpoints(ctx, c.client, db, c.cfg.ClickHouse.CheckpointTable); err != nil {
		return err
	}
	mctx, stopMetrics := context.WithCancel(ctx)
	defer stopMetrics()
	if c.cfg.Metrics.Listen != "" {
		addr, _, err := c.metrics.serve(mctx, c.cfg.Metrics.Listen)
		if err != nil {
			return err
		}
		c.metricsAddr <- addr
		c.logf("collect: metrics on http://%s/metrics", addr)
	} else {
		c.metricsAddr <- nil
	}
	names := make([]string, len(c.runners))
	for i, r := range c.runners {
		names[i] = r.cfg.Name
	}
	c.logf("collect: %d sources (%s) into %s.%s, checkpoints in %s.%s", len(c.runners), strings.Join(names, ", "), db, table, db, c.cfg.ClickHouse.CheckpointTable)
	errs := make([]error, len(c.runners))
	var wg sync.WaitGroup
	for i, r := range c.runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = r.run(ctx)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
