package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/tokentrail/tokentrail/pkg/chhttp"
	"github.com/tokentrail/tokentrail/pkg/collect"
	"github.com/tokentrail/tokentrail/pkg/collect/vendorfake"
	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

func init() {
	commands["collect-bench"] = command{"measure each collector's throughput against local fakes of the vendor APIs: collect-bench [--events N]", runCollectBench}
}

// runCollectBench serves the sample organisation from the vendor fakes and
// times each source's collector alone, from an empty table to caught up,
// with the vendors' largest page sizes. The fakes answer from memory on
// this machine, so the figures are the collector's own cost (requests,
// parsing, normalizing, deduplicating inserts and checkpoints), not a
// vendor's latency or rate limit.
func runCollectBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("collect-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	events := fs.Int("events", 200_000, "sample-organisation events over 5 days, split across the five vendors")
	database := fs.String("database", "tokentrail_collect_bench", "database for the bench's tables (dropped and recreated)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := schema.CheckIdentifier("--database", *database); err != nil {
		return err
	}
	server, cl, err := startLocal(ctx, stderr)
	if err != nil {
		return err
	}
	end := time.Now().Add(-10 * time.Minute).Truncate(time.Second)
	data, err := vendorfake.Generate(21, *events, end, 5, 0)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "tokentrail-collect-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fl, err := vendorfake.StartFleet(data, func(string) vendorfake.Options { return vendorfake.Options{} }, dir)
	if err != nil {
		return err
	}
	defer fl.Close()
	for k, v := range fl.Env {
		if err := os.Setenv(k, v); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "collect-bench: %d sample-organisation events over 5 days, each source alone into %s (ClickHouse %s)\n", *events, *database, server.HTTPURL())
	fmt.Fprintf(stdout, "%-17s %9s %9s %9s %10s\n", "source", "records", "events", "seconds", "records/s")
	total, totalTime := 0, time.Duration(0)
	for _, src := range []string{event.SourceOkta, event.SourceGoogle, event.SourceMicrosoft, event.SourceGitHub, event.SourceSlack} {
		if err := freshBenchTables(ctx, cl, *database); err != nil {
			return err
		}
		cfg, err := collect.ParseConfig([]byte(fl.Config(server.HTTPURL(), *database, vendorfake.Tuning{
			Start: end.Add(-6 * 24 * time.Hour).Format(time.RFC3339), PollInterval: time.Second, Overlap: 10 * time.Minute,
			MaxWindow: 24 * time.Hour, PageSize: 1000, BatchSize: 10000, RetryInitial: 10 * time.Millisecond,
		}, src)))
		if err != nil {
			return err
		}
		c, err := collect.New(cfg, collect.Options{Log: stderr, Once: true})
		if err != nil {
			return err
		}
		began := time.Now()
		if err := c.Run(ctx); err != nil {
			return fmt.Errorf("%s: %w", src, err)
		}
		took := time.Since(began)
		rows, err := countOf(ctx, cl, "SELECT count() FROM "+*database+"."+demoTable)
		if err != nil {
			return err
		}
		n := len(data[src])
		total += n
		totalTime += took
		fmt.Fprintf(stdout, "%-17s %9d %9d %9.2f %10.0f\n", src, n, rows, took.Seconds(), float64(n)/took.Seconds())
	}
	fmt.Fprintf(stdout, "collect-bench: %d records in %.1f s, %.0f records/s overall\n", total, totalTime.Seconds(), float64(total)/totalTime.Seconds())
	return nil
}

func freshBenchTables(ctx context.Context, cl *chhttp.Client, db string) error {
	version, err := cl.ServerVersion(ctx)
	if err != nil {
		return err
	}
	ddl, err := schema.CreateTable(schema.ForVersion(version), db, demoTable)
	if err != nil {
		return err
	}
	for _, q := range []string{
		"CREATE DATABASE IF NOT EXISTS " + db,
		"DROP TABLE IF EXISTS " + db + "." + demoTable,
		"DROP TABLE IF EXISTS " + db + ".tokentrail_checkpoints",
		ddl,
	} {
		if err := cl.Exec(ctx, q, nil); err != nil {
			return err
		}
	}
	return nil
}
