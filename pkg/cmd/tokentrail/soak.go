package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/echo"
	"github.com/tokentrail/tokentrail/pkg/pluginhost"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

const soakDatabase = "tokentrail_soak"

// soakPanel is one kind of panel the soak mixes.
type soakPanel struct {
	name, queryType string
	json            map[string]any
	cancelAfter     time.Duration // > 0: the user closes the panel this long after opening it
}

var soakPanels = []soakPanel{
	{name: "sequences", queryType: "sequences", json: map[string]any{"minSensitivity": 2}},
	{name: "counts numeric", queryType: "sequenceCounts", json: map[string]any{"minSensitivity": 2}},
	{name: "counts timeseries", queryType: "sequenceCounts", json: map[string]any{"minSensitivity": 2, "format": "timeseries"}},
	{name: "timeline", queryType: "timeline", json: map[string]any{"limit": 500, "filters": []map[string]any{{"field": "actor_id", "op": "in", "values": []string{"u7", "u8"}}}}},
	{name: "closed early", queryType: "sequences", json: map[string]any{"minSensitivity": 2}, cancelAfter: 150 * time.Millisecond},
}

// runSoak drives the built plugin binary, as Grafana does, with a mix of
// panels at a set concurrency for a set time against the local ClickHouse
// (a slow fixture, chlocal.SlowFixture, whose queries take a known time),
// and prints the errors and latency percentiles per panel kind. Panels
// that a user closes early count as answered when they end cancelled; the
// soak then checks that none of its queries is left on the server.
func runSoak(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	fs.SetOutput(stderr)
	database := fs.String("database", soakDatabase, "database of the soak's table (created with the slow fixture when missing)")
	table := fs.String("table", "saas_audit_events", "the soak's table")
	concurrency := fs.Int("concurrency", 20, "panels in flight at once")
	duration := fs.Duration("duration", time.Minute, "how long to keep the panels coming")
	maxOpen := fs.Int("max-open-conns", 10, "the datasource's maxOpenConns")
	timeout := fs.Int("query-timeout", 60, "the datasource's queryTimeoutSeconds")
	rows := fs.Int("rows", 200_000, "rows of the slow fixture to create when the table does not exist")
	binary := fs.String("plugin", filepath.Join("dist", fmt.Sprintf("gpx_tokentrail_%s_%s", runtime.GOOS, runtime.GOARCH)), "plugin binary")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *concurrency < 1 || *duration <= 0 {
		return fmt.Errorf("--concurrency must be at least 1 and --duration positive")
	}
	server, _, err := startLocal(ctx, stdout)
	if err != nil {
		return err
	}
	for name, v := range map[string]string{"database": *database, "table": *table} {
		if err := schema.CheckIdentifier(name, v); err != nil {
			return err
		}
	}
	fix, err := soakFixture(ctx, server, *database, *table, *rows, stdout)
	if err != nil {
		return err
	}
	host, err := pluginhost.Launch(*binary, io.Discard)
	if err != nil {
		return err
	}
	defer host.Close()
	pc, err := pluginhost.Settings{UID: "soak", Name: "soak", JSONData: map[string]any{
		"host": "127.0.0.1", "port": server.TCPPort, "username": chlocal.ReaderUser, "database": fix.Database, "table": fix.Table,
		"maxOpenConns": *maxOpen, "queryTimeoutSeconds": *timeout,
	}, Secure: map[string]string{"password": chlocal.ReaderPassword}}.PluginContext()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "soak: %d panels at once for %s, maxOpenConns %d, queryTimeoutSeconds %d, against %s.%s (%d rows)\n",
		*concurrency, *duration, *maxOpen, *timeout, fix.Database, fix.Table, fix.Rows)
	res := newSoakResults()
	runCtx, stop := context.WithTimeout(ctx, *duration)
	defer stop()
	peak := watchServer(runCtx, server, fix)
	var wg sync.WaitGroup
	progress := time.NewTicker(10 * time.Second)
	defer progress.Stop()
	start := time.Now()
	for w := range *concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), uint64(start.UnixNano())))
			for runCtx.Err() == nil {
				p := soakPanels[rng.IntN(len(soakPanels))]
				res.add(p, soakOne(ctx, host, pc, fix, p, rng))
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for loop := true; loop; {
		select {
		case <-done:
			loop = false
		case <-progress.C:
			fmt.Fprintf(stdout, "soak: %s: %d panels, %d errors\n", time.Since(start).Round(time.Second), res.total(), res.errorCount())
		}
	}
	time.Sleep(time.Second) // cancelled queries are given the second the plugin promises
	stray, err := running(ctx, server, fix)
	if err != nil {
		return err
	}
	res.print(stdout, time.Since(start), peak.Load(), *maxOpen, stray)
	if n := res.errorCount(); n > 0 || stray > 0 {
		return fmt.Errorf("%d errors, %d queries left on the server", n, stray)
	}
	return nil
}

type soakOutcome struct {
	took time.Duration
	err  string
}

// soakOne opens one panel over a random window of the fixture.
func soakOne(ctx context.Context, host *pluginhost.Host, pc backend.PluginContext, fix chlocal.SlowFixture, p soakPanel, rng *rand.Rand) soakOutcome {
	span := fix.End().Sub(fix.Start)
	width := time.Duration(rng.Int64N(int64(span))) + time.Hour
	from := fix.Start.Add(time.Duration(rng.Int64N(int64(span - min(span, width) + 1))))
	js, _ := json.Marshal(p.json)
	q := backend.DataQuery{RefID: "A", QueryType: p.queryType, JSON: js, Interval: time.Minute, MaxDataPoints: 500,
		TimeRange: backend.TimeRange{From: from, To: from.Add(width)}}
	qctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if p.cancelAfter > 0 {
		time.AfterFunc(p.cancelAfter, cancel)
	}
	start := time.Now()
	resp, err := host.QueryData(qctx, &backend.QueryDataRequest{PluginContext: pc, Queries: []backend.DataQuery{q}})
	out := soakOutcome{took: time.Since(start)}
	switch {
	case p.cancelAfter > 0 && qctx.Err() != nil:
		// A closed panel: Grafana drops the answer, whatever it is.
	case err != nil:
		out.err = "transport: " + echo.Clip(err.Error())
	case resp.Responses["A"].Error != nil:
		out.err = echo.Clip(resp.Responses["A"].Error.Error())
	}
	return out
}

type soakResults struct {
	mu     sync.Mutex
	took   map[string][]time.Duration
	errors map[string]int
}

func newSoakResults() *soakResults {
	return &soakResults{took: map[string][]time.Duration{}, errors: map[string]int{}}
}

func (r *soakResults) add(p soakPanel, o soakOutcome) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.took[p.name] = append(r.took[p.name], o.took)
	if o.err != "" {
		r.errors[p.name+": "+o.err]++
	}
}

func (r *soakResults) total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, t := range r.took {
		n += len(t)
	}
	return n
}

func (r *soakResults) errorCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.errors {
		n += c
	}
	return n
}

func (r *soakResults) print(w io.Writer, elapsed time.Duration, peak int64, maxOpen, stray int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(w, "\nsoak: %s\n%-18s %7s %7s %9s %9s %9s %9s\n", elapsed.Round(time.Second), "panel", "count", "errors", "p50", "p90", "p99", "max")
	names := make([]string, 0, len(r.took))
	for n := range r.took {
		names = append(names, n)
	}
	sort.Strings(names)
	all := []time.Duration{}
	for _, n := range names {
		ts := r.took[n]
		all = append(all, ts...)
		errs := 0
		for k, c := range r.errors {
			if strings.HasPrefix(k, n+": ") {
				errs += c
			}
		}
		fmt.Fprintf(w, "%-18s %7d %7d %s\n", n, len(ts), errs, percentiles(ts))
	}
	fmt.Fprintf(w, "%-18s %7d %7d %s\n", "all", len(all), len(r.errors), percentiles(all))
	fmt.Fprintf(w, "server: at most %d of the soak's queries ran at once (maxOpenConns %d); %d left running after the end\n", peak, maxOpen, stray)
	for k, c := range r.errors {
		fmt.Fprintf(w, "error ×%d: %s\n", c, k)
	}
}

func percentiles(ts []time.Duration) string {
	if len(ts) == 0 {
		return ""
	}
	s := append([]time.Duration(nil), ts...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	at := func(p float64) string { return ms(s[min(len(s)-1, int(p*float64(len(s))))]) }
	return fmt.Sprintf("%9s %9s %9s %9s", at(0.5), at(0.9), at(0.99), ms(s[len(s)-1]))
}
