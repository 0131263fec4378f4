package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/tokentrail/tokentrail/pkg/chhttp"
	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/chsql"
	"github.com/tokentrail/tokentrail/pkg/ingest"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/plugin"
	"github.com/tokentrail/tokentrail/pkg/pluginhost"
	"github.com/tokentrail/tokentrail/pkg/schema"
	"github.com/tokentrail/tokentrail/pkg/store"
)

const benchDatabase = "tokentrail_bench"

// benchEnd fixes the benchmark's data in time, so the table is reused
// across runs and every run measures the same rows.
var benchEnd = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// runBench measures the sequences query on N normalized events over 30
// days against ClickHouse's own time for the cheapest query that touches
// the same rows: SELECT count() over the range with the access/sensitive
// predicate. Both are timed in the same run, against the same server.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	events := fs.Int("events", 1_000_000, "events to load (30 days)")
	runs := fs.Int("runs", 7, "timed runs of each query (the median is reported)")
	binary := fs.String("plugin", filepath.Join("dist", fmt.Sprintf("gpx_tokentrail_%s_%s", runtime.GOOS, runtime.GOARCH)), "plugin binary for the end-to-end timing")
	db := fs.String("database", benchDatabase, "database to load and query (use your own when others share the server)")
	widen := fs.Int("widen", 1, "copy the loaded events this many times inside ClickHouse (INSERT … SELECT) with distinct ids: --widen 10 measures 10M events")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := schema.CheckIdentifier("database", *db); err != nil {
		return err
	}
	if *widen < 1 || *widen > 100 {
		return fmt.Errorf("--widen %d is out of range: use 1-100", *widen)
	}
	server, cl, err := startLocal(ctx, stdout)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "bench: %d events over 30 days in %s.%s\n", *events, *db, demoTable)
	truth, err := benchData(ctx, cl, *db, *events, stdout)
	if err != nil {
		return err
	}
	table := demoTable
	if *widen > 1 {
		if table, err = widenTable(ctx, cl, *db, *widen, stdout); err != nil {
			return err
		}
	}
	settings, err := models.LoadPluginSettings(backend.DataSourceInstanceSettings{
		JSONData: mustJSON(map[string]any{"host": "127.0.0.1", "port": server.TCPPort, "username": chlocal.ReaderUser,
			"database": *db, "table": table, "approvedApps": truth}),
		DecryptedSecureJSONData: map[string]string{"password": chlocal.ReaderPassword},
	})
	if err != nil {
		return err
	}
	st, err := store.Open(settings)
	if err != nil {
		return err
	}
	defer st.Close()
	from, to := benchEnd.Add(-30*24*time.Hour), benchEnd
	q, err := models.ParseQuery(nil, models.QuerySequences, from, to)
	if err != nil {
		return err
	}
	info, err := st.Table(ctx)
	if err != nil {
		return err
	}
	variant := info.Variant
	scanSQL, err := chsql.ScanBaselineSQL(*db, table, variant, from, to, *q.MinSensitivity, info.Role)
	if err != nil {
		return err
	}

	// One untimed round of each warms the server's caches the same way.
	var scanned uint64
	if err := st.QueryRowForBench(ctx, scanSQL, &scanned); err != nil {
		return err
	}
	warm, err := st.Rank(ctx, q, store.RankOptions{Keep: plugin.MaxEpisodes})
	if err != nil {
		return err
	}
	episodes := warm.Found

	scan := timeRuns(*runs, func() error { return st.QueryRowForBench(ctx, scanSQL, &scanned) })
	candSQL, err := chsql.Candidates(chsql.SequenceSpec{Database: *db, Table: table, Variant: variant,
		From: from, To: to, MaxSpan: q.MaxSpan, CorrelateBy: q.CorrelateBy, MinSensitivity: *q.MinSensitivity,
		ExcludeApps: settings.ApprovedApps, KeyHash: info.KeyHash, AppHash: info.AppHash, Role: info.Role})
	if err != nil {
		return err
	}
	var candidates uint64
	cand := timeRuns(*runs, func() error {
		return st.QueryRowForBench(ctx, "SELECT count() FROM ("+candSQL+")", &candidates)
	})
	// Start the heap measurement from a collected heap, so garbage from
	// loading the table does not count against the query.
	runtime.GC()
	runtime.GC() // twice: sync.Pool buffers from loading survive the first
	var peak uint64
	inproc := timeRuns(*runs, func() error {
		stop := sampleHeap(&peak)
		defer stop()
		_, err := st.Rank(ctx, q, store.RankOptions{Keep: plugin.MaxEpisodes})
		return err
	})
	if scan.err != nil || inproc.err != nil || cand.err != nil {
		return fmt.Errorf("bench query failed: %v %v %v", scan.err, cand.err, inproc.err)
	}

	if _, err := os.Stat(*binary); err != nil {
		*binary = filepath.Join(filepath.Dir(server.Dir), "gpx_tokentrail_bench")
		fmt.Fprintf(stdout, "  building the plugin binary into %s\n", *binary)
		if out, err := exec.Command("go", "build", "-o", *binary, "./pkg").CombinedOutput(); err != nil {
			return fmt.Errorf("go build ./pkg: %v\n%s", err, out)
		}
	}
	host, err := pluginhost.Launch(*binary, io.Discard)
	if err != nil {
		return err
	}
	defer host.Close()
	pc, err := pluginhost.Settings{UID: "bench", Name: "bench", JSONData: map[string]any{
		"host": "127.0.0.1", "port": server.TCPPort, "username": chlocal.ReaderUser,
		"database": *db, "table": table, "approvedApps": truth,
	}, Secure: map[string]string{"password": chlocal.ReaderPassword}}.PluginContext()
	if err != nil {
		return err
	}
	req := &backend.QueryDataRequest{PluginContext: pc, Queries: []backend.DataQuery{
		{RefID: "A", JSON: json.RawMessage(`{"queryType":"sequences"}`), TimeRange: backend.TimeRange{From: from, To: to}},
	}}
	e2e := timeRuns(*runs+1, func() error {
		resp, err := host.QueryData(ctx, req)
		if err == nil && resp.Responses["A"].Error != nil {
			err = resp.Responses["A"].Error
		}
		return err
	})
	if e2e.err != nil {
		return e2e.err
	}
	rss := processPeakRSS(host.Pid())

	ratio := e2e.median.Seconds() / scan.median.Seconds()
	fmt.Fprintf(stdout, "\nbench results (%d events, 30-day range, median of %d runs, %s, ClickHouse %s schema)\n", *events**widen, *runs, runtime.GOARCH, variant)
	fmt.Fprintf(stdout, "  ClickHouse scan: SELECT count() of access/sensitive rows  %8s  (%d rows)\n", ms(scan.median), scanned)
	fmt.Fprintf(stdout, "  ClickHouse first pass alone: windowFunnel candidate keys  %8s  (%d keys)\n", ms(cand.median), candidates)
	fmt.Fprintf(stdout, "  sequences, in-process (store, engine, baselines, score)  %8s  (%d episodes)\n", ms(inproc.median), episodes)
	fmt.Fprintf(stdout, "  sequences, end to end through the plugin binary (gRPC)  %8s\n", ms(e2e.median))
	fmt.Fprintf(stdout, "  ratio end-to-end / scan: %.2fx (target <= 2x: %s)\n", ratio, verdict(ratio <= 2))
	fmt.Fprintf(stdout, "  peak Go heap during the in-process query: %.1f MB (target < 64 MB: %s)\n", float64(peak)/(1<<20), verdict(peak < 64<<20))
	if rss > 0 {
		fmt.Fprintf(stdout, "  plugin process peak RSS (VmHWM): %.1f MB\n", float64(rss)/(1<<20))
	}
	return benchPosture(ctx, postureBench{store: st, host: host, pc: pc, db: *db, table: table, variant: variant, to: to, runs: *runs}, stdout)
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

type timing struct {
	median time.Duration
	err    error
}

func timeRuns(n int, fn func() error) timing {
	ds := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		t := time.Now()
		if err := fn(); err != nil {
			return timing{err: err}
		}
		ds = append(ds, time.Since(t))
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return timing{median: ds[len(ds)/2]}
}

// sampleHeap records the largest live-heap reading every millisecond until
// stopped. runtime/metrics reads it without stopping the world.
func sampleHeap(peak *uint64) func() {
	var done atomic.Bool
	finished := make(chan struct{})
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		defer close(finished)
		for !done.Load() {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > *peak {
				*peak = v
			}
			time.Sleep(time.Millisecond)
		}
	}()
	return func() { done.Store(true); <-finished }
}

func processPeakRSS(pid int) uint64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			var kb uint64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:")), "%d", &kb)
			return kb << 10
		}
	}
	return 0
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// benchData loads the benchmark table once and reuses it while its row
// count matches; it returns the approved apps of the loaded organisation.
func benchData(ctx context.Context, cl *chhttp.Client, db string, events int, out io.Writer) ([]string, error) {
	v, err := applySchema(ctx, cl, db, demoTable, false, io.Discard)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(".build", "bench")
	statePath := filepath.Join(dir, db+".json")
	var st struct {
		Events   int      `json:"events"`
		Inserted int      `json:"inserted"`
		Approved []string `json:"approved"`
		Schema   string   `json:"schema"`
	}
	if b, err := os.ReadFile(statePath); err == nil && json.Unmarshal(b, &st) == nil && st.Events == events && st.Schema == schema.Fingerprint(v) {
		var n int
		if rc, err := cl.Query(ctx, "SELECT count() FROM "+db+"."+demoTable+" FORMAT TSV"); err == nil {
			fmt.Fscan(rc, &n)
			rc.Close()
		}
		if n == st.Inserted {
			fmt.Fprintf(out, "  reusing the loaded table (%d rows)\n", n)
			return st.Approved, nil
		}
	}
	if err := recreateTable(ctx, cl, db, demoTable); err != nil {
		return nil, err
	}
	w, err := ingest.NewWriter(ctx, cl, db, demoTable)
	if err != nil {
		return nil, err
	}
	// No history (historyDays 0): the table holds exactly the 30 days the
	// query reads, as before the sample organisation grew a history.
	g := genFlags{seed: 11, events: events, days: 30, end: benchEnd.Format(time.RFC3339)}
	t := time.Now()
	truth, inserted, err := loadNormalized(ctx, g, w, out)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "  loaded %d normalized rows in %s (%.0f rows/s)\n", inserted, time.Since(t).Round(100*time.Millisecond), float64(inserted)/time.Since(t).Seconds())
	st.Events, st.Inserted, st.Approved, st.Schema = events, inserted, truth.ApprovedApps, schema.Fingerprint(v)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	b, _ := json.Marshal(st)
	return truth.ApprovedApps, os.WriteFile(statePath, b, 0o644)
}
