package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/tokentrail/tokentrail/pkg/chsql"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/plugin"
	"github.com/tokentrail/tokentrail/pkg/pluginhost"
	"github.com/tokentrail/tokentrail/pkg/risk"
	"github.com/tokentrail/tokentrail/pkg/schema"
	"github.com/tokentrail/tokentrail/pkg/store"
)

// benchEnv is what every table is measured with: the server and the
// account the datasource uses, the range, the plugin binary and the run
// count.
type benchEnv struct {
	host           string
	port           int
	user, password string
	db             string
	binary         string
	runs           int
	approved       []string
	// from and to are the panel range of the 30-day queries; the alert
	// rule reads its last hour and the posture queries end at to.
	from, to time.Time
}

// sizeResult is one table's figures, all medians of env.runs.
type sizeResult struct {
	// label names the table in the summary: its size, or its name.
	label string
	rows  int
	// The yardsticks: ClickHouse's count() of the access and sensitive
	// rows, its own windowFunnel first pass, and the self-join a user
	// would write.
	scan, funnel, selfJoin   time.Duration
	scanned, candidates, ses uint64
	scanRead                 readStats
	// In process: store.Rank as the plugin calls it.
	rank                 time.Duration
	rankRead             readStats
	heap                 heapPeaks
	found, matched, high int
	// End to end through the plugin binary.
	sequences, counts, alert, timeline time.Duration
	// dashboard is the SOC dashboard's refresh: its ranking queries in one
	// request, with the plugin's peak RSS and live heap after it.
	dashboard                   time.Duration
	dashboardRSS, dashboardHeap uint64
	alertRows                   int
	rss                         uint64
	// pluginHeap is the largest live heap the plugin's GC trace showed
	// over those queries, in whole MiB; pluginGCs how many collections
	// it saw (0: no figure).
	pluginHeap uint64
	pluginGCs  int
}

// readStats is what ClickHouse reported reading for one call, summed over
// its statements from the progress packets.
type readStats struct{ rows, bytes uint64 }

// withReadStats makes every statement run under ctx add its progress to
// the returned counters; read them once the call has returned. The store's
// contexts inherit the option (clickhouse.Context copies the parent's
// options), and statements that run side by side add atomically.
func withReadStats(ctx context.Context) (context.Context, func() readStats) {
	var rows, bytes atomic.Uint64
	ctx = clickhouse.Context(ctx, clickhouse.WithProgress(func(p *clickhouse.Progress) {
		rows.Add(p.Rows)
		bytes.Add(p.Bytes)
	}))
	return ctx, func() readStats { return readStats{rows.Load(), bytes.Load()} }
}

// benchQuery is one plugin query the dashboard or an alert rule sends.
type benchQuery struct {
	name     string
	json     string
	from, to time.Time
}

// measureSize times every yardstick and query against one table.
func measureSize(ctx context.Context, env benchEnv, table, label string, out io.Writer) (sizeResult, error) {
	r := sizeResult{label: label}
	st, settings, jsonData, err := openBenchStore(env, table)
	if err != nil {
		return r, err
	}
	defer st.Close()
	from, to := env.from, env.to
	q, err := models.ParseQuery(nil, models.QuerySequences, from, to)
	if err != nil {
		return r, err
	}
	info, err := st.Table(ctx)
	if err != nil {
		return r, err
	}
	if r.rows, err = rangeRows(ctx, st, env.db, table, info.Variant, from, to); err != nil {
		return r, err
	}
	spec := chsql.SequenceSpec{Database: env.db, Table: table, Variant: info.Variant, From: from, To: to,
		MaxSpan: q.MaxSpan, CorrelateBy: q.CorrelateBy, MinSensitivity: *q.MinSensitivity,
		ExcludeApps: settings.ApprovedApps, KeyHash: info.KeyHash, AppHash: info.AppHash, Role: info.Role}
	scanSQL, err := chsql.ScanBaselineSQL(env.db, table, info.Variant, from, to, *q.MinSensitivity, info.Role)
	if err != nil {
		return r, err
	}
	candSQL, err := chsql.Candidates(spec)
	if err != nil {
		return r, err
	}
	joinSQL, err := chsql.SelfJoinSQL(spec)
	if err != nil {
		return r, err
	}
	// The self-join takes seconds per run at 1M and minutes at 10M: it
	// gets no warm-up round (the others have read the same columns) and
	// stops repeating once it has used a minute.
	yardsticks := []struct {
		name   string
		sql    string
		dest   *uint64
		took   *time.Duration
		warm   bool
		budget time.Duration
	}{
		{"count scan", scanSQL, &r.scanned, &r.scan, true, time.Hour},
		{"windowFunnel first pass", "SELECT count() FROM (" + candSQL + ")", &r.candidates, &r.funnel, true, time.Hour},
		{"self-join", joinSQL, &r.ses, &r.selfJoin, false, time.Minute},
	}
	for _, y := range yardsticks {
		// One untimed round warms the server's caches the same way for each.
		if y.warm {
			if err := st.QueryRowForBench(ctx, y.sql, y.dest); err != nil {
				return r, fmt.Errorf("%s: %w", y.name, err)
			}
		}
		t := timeRunsWithin(env.runs, y.budget, func() error { return st.QueryRowForBench(ctx, y.sql, y.dest) })
		if t.err != nil {
			return r, fmt.Errorf("%s: %w", y.name, t.err)
		}
		*y.took = t.median
		fmt.Fprintf(out, "  %-28s %9s  (median of %d)\n", y.name, ms(t.median), t.runs)
	}
	sctx, scanRead := withReadStats(ctx)
	if err := st.QueryRowForBench(sctx, scanSQL, &r.scanned); err != nil {
		return r, err
	}
	r.scanRead = scanRead()
	rctx, rankRead := withReadStats(ctx)
	warm, err := st.Rank(rctx, q, store.RankOptions{Keep: plugin.MaxEpisodes})
	if err != nil {
		return r, err
	}
	r.rankRead = rankRead()
	r.found, r.matched = warm.Found, warm.Matched
	for _, e := range warm.Episodes {
		if e.Severity == risk.SeverityHigh || e.Severity == risk.SeverityCritical {
			r.high++
		}
	}
	// Start the heap measurement from a collected heap, so garbage from
	// the yardsticks does not count against the query.
	runtime.GC()
	runtime.GC() // twice: sync.Pool buffers survive the first
	r.heap.before = liveHeap()
	rank := timeRuns(env.runs, func() error {
		stop := sampleHeap(&r.heap)
		defer stop()
		_, err := st.Rank(ctx, q, store.RankOptions{Keep: plugin.MaxEpisodes})
		return err
	})
	if rank.err != nil {
		return r, rank.err
	}
	r.rank = rank.median
	fmt.Fprintf(out, "  %-28s %9s  (%d episodes, live heap peak %.1f MB)\n", "sequences in process", ms(r.rank), r.found, mb(r.heap.live))

	var actor string
	if len(warm.Episodes) > 0 {
		actor = warm.Episodes[0].ActorID
	}
	return r, endToEnd(ctx, env, st, info.Variant, jsonData, &r, actor, from, to, out)
}

// openBenchStore opens the store the plugin would open for table, with the
// datasource settings (as JSON) it was made from.
func openBenchStore(env benchEnv, table string) (*store.Store, *models.PluginSettings, map[string]any, error) {
	// The self-join at 10M runs for minutes: the datasource's 60 s default
	// would cut it.
	jsonData := map[string]any{"host": env.host, "port": env.port, "username": env.user,
		"database": env.db, "table": table, "approvedApps": env.approved, "queryTimeoutSeconds": 900}
	settings, err := models.LoadPluginSettings(backend.DataSourceInstanceSettings{
		JSONData: mustJSON(jsonData), DecryptedSecureJSONData: map[string]string{"password": env.password},
	})
	if err != nil {
		return nil, settings, nil, err
	}
	st, err := store.Open(settings)
	return st, settings, jsonData, err
}

// endToEnd launches the plugin binary for one table and times what the
// dashboards and the alert rule send it.
func endToEnd(ctx context.Context, env benchEnv, st *store.Store, v schema.Variant, jsonData map[string]any, r *sizeResult, actor string, from, to time.Time, out io.Writer) error {
	// The runtime's GC trace gives the plugin's own live heap, which the
	// in-process figure cannot separate from the bench's.
	trace := &gcTrace{}
	host, err := pluginhost.LaunchWith(env.binary, pluginhost.Options{Logs: io.Discard, Stderr: trace, Env: []string{"GODEBUG=gctrace=1"}})
	if err != nil {
		return err
	}
	defer host.Close()
	pc, err := pluginhost.Settings{UID: "bench", Name: "bench", JSONData: jsonData,
		Secure: map[string]string{"password": env.password}}.PluginContext()
	if err != nil {
		return err
	}
	// A table with no episode in the range has no top actor: its timeline
	// is then the range's first page of events.
	tq := map[string]any{"queryType": "timeline"}
	if actor != "" {
		tq["filters"] = []models.Filter{{Field: "actor_id", Op: "=", Values: []string{actor}}}
	}
	timeline, _ := json.Marshal(tq)
	queries := []struct {
		benchQuery
		took *time.Duration
	}{
		{benchQuery{"sequences, 30 days", `{"queryType":"sequences"}`, from, to}, &r.sequences},
		{benchQuery{"sequenceCounts, 30 days", `{"queryType":"sequenceCounts"}`, from, to}, &r.counts},
		{benchQuery{"alert rule, last hour", `{"queryType":"sequenceCounts","format":"numeric","groupBy":["actor_id","app_id","severity"],"minSeverity":"high"}`,
			to.Add(-time.Hour), to}, &r.alert},
		{benchQuery{"timeline of the top actor", string(timeline), from, to}, &r.timeline},
	}
	for _, bq := range queries {
		req := &backend.QueryDataRequest{PluginContext: pc, Queries: []backend.DataQuery{
			{RefID: "A", JSON: json.RawMessage(bq.json), TimeRange: backend.TimeRange{From: bq.from, To: bq.to}},
		}}
		var rows int
		trace.reset()
		// One more run than the others: the first also connects.
		t := timeRuns(env.runs+1, func() error {
			resp, err := host.QueryData(ctx, req)
			if err == nil && resp.Responses["A"].Error != nil {
				err = resp.Responses["A"].Error
			}
			if err == nil && len(resp.Responses["A"].Frames) > 0 {
				rows = resp.Responses["A"].Frames[0].Rows()
			}
			return err
		})
		if t.err != nil {
			return fmt.Errorf("%s: %w", bq.name, t.err)
		}
		*bq.took = t.median
		if bq.took == &r.alert {
			r.alertRows = rows
		}
		heap, gcs := trace.peak()
		r.pluginHeap, r.pluginGCs = max(r.pluginHeap, heap), r.pluginGCs+gcs
		fmt.Fprintf(out, "  %-28s %9s  (%d rows in the first frame; plugin live heap peak %d MiB over %d collections)\n",
			bq.name, ms(t.median), rows, heap>>20, gcs)
	}
	r.rss = processPeakRSS(host.Pid())
	if err := dashboardRefresh(ctx, host, pc, env.runs, r, from, to, out, trace); err != nil {
		return err
	}
	return benchPosture(ctx, postureBench{store: st, host: host, pc: pc, db: env.db, table: jsonData["table"].(string), variant: v, to: to, runs: env.runs}, out)
}

// rangeRows counts the rows the 30-day range holds.
func rangeRows(ctx context.Context, st *store.Store, db, table string, v schema.Variant, from, to time.Time) (int, error) {
	sql, err := chsql.RangeCountSQL(db, table, v, from, to)
	if err != nil {
		return 0, err
	}
	var n uint64
	err = st.QueryRowForBench(ctx, sql, &n)
	return int(n), err
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }
