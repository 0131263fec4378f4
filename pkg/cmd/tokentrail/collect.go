package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/tokentrail/tokentrail/pkg/catalog"
	"github.com/tokentrail/tokentrail/pkg/collect"
)

func init() {
	commands["collect"] = command{"read the vendors' audit APIs continuously: collect --config FILE [--once]", runCollect}
}

const collectUsage = `usage: tokentrail collect --config FILE [flags]

Reads the audit-log APIs named in FILE (Okta, Google Workspace, Microsoft 365,
GitHub, Slack), normalizes every record as ingest does and loads it into the
TokenTrail table, polling until stopped (SIGINT or SIGTERM). Each feed keeps a
checkpoint in ClickHouse; a restart resumes from it. Credentials come from
environment variables or files that FILE names, never from FILE itself.
Progress, rejects and one summary line per poll go to standard error.

flags:
`

// runCollect implements `tokentrail collect`. A failing source is reported
// on every poll and does not stop the others; with --once the command exits
// non-zero when any source failed.
func runCollect(ctx context.Context, args []string, _, stderr io.Writer) error {
	fs := flag.NewFlagSet("collect", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, collectUsage)
		fs.PrintDefaults()
	}
	configPath := fs.String("config", "", "YAML file naming the sources (see the README)")
	once := fs.Bool("once", false, "poll every source until caught up, then exit (for cron, or a first backfill)")
	catalogPath := fs.String("catalog", "", "YAML file of action mappings merged over the built-in catalogue")
	check := fs.Bool("check", false, "validate the config and read every credential, then exit without collecting")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *configPath == "" || fs.NArg() > 0 {
		return fmt.Errorf("give --config FILE and no other arguments")
	}
	cfg, err := collect.LoadConfig(*configPath)
	if err != nil {
		return err
	}
	cat, err := catalog.Load(*catalogPath)
	if err != nil {
		return err
	}
	c, err := collect.New(cfg, collect.Options{Log: stderr, Catalog: cat, Once: *once})
	if err != nil {
		return err
	}
	if *check {
		fmt.Fprintf(stderr, "collect: the config and the credentials of %d sources are readable\n", len(cfg.Sources))
		return nil
	}
	return c.Run(ctx)
}
