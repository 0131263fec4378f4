package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/tokentrail/tokentrail/pkg/chhttp"
	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/ingest"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/plugin"
	"github.com/tokentrail/tokentrail/pkg/sampleorg"
	"github.com/tokentrail/tokentrail/pkg/schema"
	"github.com/tokentrail/tokentrail/pkg/store"
)

// runClusterBench loads one sample organisation into the local single
// server and into the local two-shard, two-replica cluster (sharded as
// `schema apply --cluster` does by default), and times the same queries on
// both through the plugin's store: the figures the README's cluster
// section quotes. Both run on one machine, so the cluster's four servers
// share its cores: this measures the plans' overhead, not a speed-up.
func runClusterBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("clusterbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	events := fs.Int("events", 200_000, "events of the sample organisation (a month and its history)")
	runs := fs.Int("runs", 5, "timed runs of each query (the median is reported)")
	db := fs.String("database", "tt_clusterbench", "database to create on the server and on the cluster")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := schema.CheckIdentifier("database", *db); err != nil {
		return err
	}
	single, err := chlocal.FromRepo()
	if err != nil {
		return err
	}
	if err := single.Start(ctx, stderr); err != nil {
		return err
	}
	cluster, err := chlocal.ClusterFromRepo()
	if err != nil {
		return err
	}
	if err := cluster.Start(ctx, stderr); err != nil {
		return err
	}
	end := time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)
	var evs []event.Event
	truth, err := sampleorg.Generate(sampleorg.Config{Seed: 7, Events: *events, End: end, Mode: sampleorg.Normalized},
		func(r sampleorg.Record) error { evs = append(evs, r.Event); return nil })
	if err != nil {
		return err
	}
	targets := []struct {
		name string
		url  string
		port int
		make func(*chhttp.Client) error
	}{
		{"single server", single.HTTPURL(), single.TCPPort, func(cl *chhttp.Client) error {
			return recreateTable(ctx, cl, *db, demoTable)
		}},
		{"2 shards x 2 replicas", cluster.Entry().HTTPURL(), cluster.Entry().TCPPort, func(cl *chhttp.Client) error {
			if err := cl.Exec(ctx, "DROP DATABASE IF EXISTS "+*db+" ON CLUSTER "+cluster.Name, nil); err != nil {
				return err
			}
			return applyClusterSchema(ctx, cl, schema.ClusterSpec{Database: *db, Table: demoTable, Cluster: cluster.Name}, false, io.Discard)
		}},
	}
	from, to := truth.RangeStart, truth.End
	// sequenceCounts ranks as sequences does, lean (plugin.sequenceCounts).
	queries := []struct {
		name, js string
		opts     store.RankOptions
	}{
		{"sequences, default key (compact path)", `{}`, store.RankOptions{Keep: plugin.MaxEpisodes}},
		{"sequenceCounts, default key", `{}`, store.RankOptions{Lean: true}},
		{"sequences, correlateBy token_id", `{"correlateBy":["token_id"]}`, store.RankOptions{Keep: plugin.MaxEpisodes}},
		{"sequences, preset an0528", `{"preset":"an0528"}`, store.RankOptions{Keep: plugin.MaxEpisodes}},
	}
	fmt.Fprintf(stdout, "clusterbench: %d events, range %s to %s, median of %d runs\n", len(evs), from.Format(time.DateOnly), to.Format(time.DateOnly), *runs)
	for _, tg := range targets {
		cl := &chhttp.Client{BaseURL: tg.url, User: "default"}
		if err := tg.make(cl); err != nil {
			return fmt.Errorf("%s: %w", tg.name, err)
		}
		w, err := ingest.NewWriter(ctx, cl, *db, demoTable)
		if err != nil {
			return err
		}
		w.Now = func() time.Time { return end }
		started := time.Now()
		for start := 0; start < len(evs); start += 20_000 {
			if _, _, err := w.Write(ctx, slices.Clone(evs[start:min(start+20_000, len(evs))])); err != nil {
				return fmt.Errorf("%s: ingest: %w", tg.name, err)
			}
		}
		fmt.Fprintf(stdout, "%s: ingest %s\n", tg.name, time.Since(started).Round(10*time.Millisecond))
		if tg.url != single.HTTPURL() {
			if err := cluster.SyncReplicas(ctx, *db, schema.LocalTable(demoTable)); err != nil {
				return err
			}
		}
		js, _ := json.Marshal(map[string]any{"host": "127.0.0.1", "port": tg.port, "username": chlocal.ReaderUser,
			"database": *db, "table": demoTable, "approvedApps": truth.ApprovedApps, "queryTimeoutSeconds": 600})
		settings, err := models.LoadPluginSettings(backend.DataSourceInstanceSettings{JSONData: js,
			DecryptedSecureJSONData: map[string]string{"password": chlocal.ReaderPassword}})
		if err != nil {
			return err
		}
		st, err := store.Open(settings)
		if err != nil {
			return err
		}
		for _, qd := range queries {
			q, err := models.ParseQuery(json.RawMessage(qd.js), models.QuerySequences, from, to)
			if err != nil {
				st.Close()
				return err
			}
			var times []time.Duration
			episodes := 0
			for i := 0; i <= *runs; i++ { // the first run warms the caches
				t := time.Now()
				r, err := st.Rank(ctx, q, qd.opts)
				if err != nil {
					st.Close()
					return fmt.Errorf("%s, %s: %w", tg.name, qd.name, err)
				}
				if i > 0 {
					times = append(times, time.Since(t))
				}
				episodes = len(r.Episodes)
			}
			slices.Sort(times)
			fmt.Fprintf(stdout, "%s: %s: %s (%d episodes)\n", tg.name, qd.name, times[len(times)/2].Round(time.Millisecond), episodes)
		}
		st.Close()
	}
	return nil
}
