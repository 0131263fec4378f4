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
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

const benchDatabase = "tokentrail_bench"

// benchEnd fixes the benchmark's data in time, so the table is reused
// across runs and every run measures the same rows.
var benchEnd = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// runBench measures the realistic sample organisation (seed 11: benign
// automation, travel, new apps and 1 attack in about 70 episodes) at each
// size in --widen: ClickHouse's own yardsticks (count scan, windowFunnel,
// a self-join), store.Rank in process (heap, rows and bytes read), and
// the plugin binary end to end (sequences with baselines, sequenceCounts,
// the alert rule's query, a timeline, RSS and the live heap from the
// plugin's GC trace, the posture queries). Every
// figure is a median of --runs against the same server in the same run.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	events := fs.Int("events", 1_000_000, "events of the base organisation in the 30 days the queries read")
	history := fs.Int("history-days", 30, "days of history before the range, for the risk baselines (0-365)")
	runs := fs.Int("runs", 7, "timed runs of each query (the median is reported)")
	binary := fs.String("plugin", filepath.Join("dist", fmt.Sprintf("gpx_tokentrail_%s_%s", runtime.GOOS, runtime.GOARCH)), "plugin binary for the end-to-end timings")
	db := fs.String("database", benchDatabase, "database to load and query (use your own when others share the server)")
	widen := fs.String("widen", "1", "comma-separated sizes, each a multiple of --events made inside ClickHouse (INSERT … SELECT with distinct people): 1,10 measures 1M and 10M")
	var tf tableFlags
	tf.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := schema.CheckIdentifier("database", *db); err != nil {
		return err
	}
	if *runs < 1 {
		return fmt.Errorf("--runs %d: use at least one run", *runs)
	}
	if tf.table != "" {
		if set := setFlags(fs, "events", "history-days", "widen"); len(set) > 0 {
			return fmt.Errorf("%s: only for the generated organisation; with --table the bench measures the table as it is, so leave it out", strings.Join(set, ", "))
		}
		return benchTable(ctx, tf, *db, *binary, *runs, stdout)
	}
	if set := setFlags(fs, tableOnlyFlags...); len(set) > 0 {
		return fmt.Errorf("%s: only with --table NAME (an existing table); without --table the bench loads its own organisation into the local server", strings.Join(set, ", "))
	}
	sizes, err := parseSizes(*widen)
	if err != nil {
		return err
	}
	if *events < 1000 || *history < 0 || *history > 365 {
		return fmt.Errorf("--events %d, --history-days %d: use at least 1000 events and 0-365 days", *events, *history)
	}
	server, cl, err := startLocal(ctx, stdout)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "bench: %d events over 30 days and %d days of history in %s.%s; sizes x%s\n", *events, *history, *db, demoTable, *widen)
	base, err := benchData(ctx, cl, *db, *events, *history, stdout)
	if err != nil {
		return err
	}
	if *binary, err = pluginBinary(*binary, filepath.Dir(server.Dir), stdout); err != nil {
		return err
	}
	env := benchEnv{host: "127.0.0.1", port: server.TCPPort, user: chlocal.ReaderUser, password: chlocal.ReaderPassword,
		db: *db, binary: *binary, runs: *runs, approved: base.Approved, from: benchEnd.Add(-30 * 24 * time.Hour), to: benchEnd}
	var results []sizeResult
	for _, n := range sizes {
		table := demoTable
		if n > 1 {
			if table, err = widenTable(ctx, cl, *db, base, n, stdout); err != nil {
				return err
			}
		}
		fmt.Fprintf(stdout, "\nx%d: %s.%s (median of %d runs)\n", n, *db, table, *runs)
		r, err := measureSize(ctx, env, table, fmt.Sprintf("x%d: %s", n, short(uint64(*events*n))), stdout)
		if err != nil {
			return fmt.Errorf("x%d: %w", n, err)
		}
		results = append(results, r)
	}
	printSummary(stdout, "realistic organisation, 30-day range", results, *runs)
	return nil
}

// pluginBinary returns the plugin binary to launch: path when it exists,
// otherwise one built from this checkout into dir.
func pluginBinary(path, dir string, out io.Writer) (string, error) {
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path = filepath.Join(dir, "gpx_tokentrail_bench")
	fmt.Fprintf(out, "  building the plugin binary into %s\n", path)
	if b, err := exec.Command("go", "build", "-o", path, "./pkg").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./pkg: %v\n%s", err, b)
	}
	return path, nil
}

// setFlags lists which of names the command line set, as --name.
func setFlags(fs *flag.FlagSet, names ...string) []string {
	var set []string
	fs.Visit(func(f *flag.Flag) {
		if slices.Contains(names, f.Name) {
			set = append(set, "--"+f.Name)
		}
	})
	return set
}

// parseSizes reads --widen: distinct multiples from 1 to 100, ascending.
func parseSizes(s string) ([]int, error) {
	var sizes []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 100 || slices.Contains(sizes, n) {
			return nil, fmt.Errorf("--widen %q: want distinct whole numbers from 1 to 100 separated by commas, such as 1,10", s)
		}
		sizes = append(sizes, n)
	}
	slices.Sort(sizes)
	return sizes, nil
}

// printSummary lays the tables side by side with the targets.
func printSummary(out io.Writer, title string, results []sizeResult, runs int) {
	fmt.Fprintf(out, "\nbench summary (%s, median of %d runs, %d cores)\n", title, runs, runtime.NumCPU())
	row := func(name string, f func(r sizeResult) string) {
		fmt.Fprintf(out, "  %-44s", name)
		for _, r := range results {
			fmt.Fprintf(out, " %16s", f(r))
		}
		fmt.Fprintln(out)
	}
	row("table", func(r sizeResult) string { return r.label })
	row("rows in the range", func(r sizeResult) string { return fmt.Sprint(r.rows) })
	row("count scan (access + sensitive rows)", func(r sizeResult) string { return ms(r.scan) })
	row("windowFunnel first pass (candidate keys)", func(r sizeResult) string { return fmt.Sprintf("%s %d", ms(r.funnel), r.candidates) })
	row("SQL self-join (median of at most a minute)", func(r sizeResult) string { return ms(r.selfJoin) })
	row("sequences in process (store.Rank)", func(r sizeResult) string { return ms(r.rank) })
	row("  rows read: scan / sequences", func(r sizeResult) string {
		return fmt.Sprintf("%s / %s", short(r.scanRead.rows), short(r.rankRead.rows))
	})
	row("  bytes read: scan / sequences", func(r sizeResult) string {
		return fmt.Sprintf("%s / %s", bytesMB(r.scanRead.bytes), bytesMB(r.rankRead.bytes))
	})
	row("episodes (high + critical among kept)", func(r sizeResult) string { return fmt.Sprintf("%d (%d)", r.found, r.high) })
	row("sequences end to end (plugin binary)", func(r sizeResult) string { return ms(r.sequences) })
	row("sequenceCounts end to end", func(r sizeResult) string { return ms(r.counts) })
	row("SOC dashboard refresh (4 ranking queries)", func(r sizeResult) string { return ms(r.dashboard) })
	row("  plugin's live heap / peak RSS after it", func(r sizeResult) string {
		return fmt.Sprintf("%d MiB / %.0f MB", r.dashboardHeap>>20, mb(r.dashboardRSS))
	})
	row("alert rule query, last hour", func(r sizeResult) string { return ms(r.alert) })
	row("timeline of the top actor", func(r sizeResult) string { return ms(r.timeline) })
	row("plugin's peak live Go heap (GC trace)", func(r sizeResult) string {
		if r.pluginGCs == 0 {
			return "no trace"
		}
		return fmt.Sprintf("%d MiB", r.pluginHeap>>20)
	})
	row("peak live Go heap in process", func(r sizeResult) string { return fmt.Sprintf("%.1f MB", mb(r.heap.live)) })
	row("  with garbage not yet collected", func(r sizeResult) string { return fmt.Sprintf("%.1f MB", mb(r.heap.objects)) })
	row("  held before the query (the bench's own)", func(r sizeResult) string { return fmt.Sprintf("%.1f MB", mb(r.heap.before)) })
	row("plugin peak RSS (VmHWM)", func(r sizeResult) string { return fmt.Sprintf("%.1f MB", mb(r.rss)) })
	fmt.Fprintln(out, "  targets (issue 9):")
	row("  sequences <= 2x count scan", func(r sizeResult) string {
		return ratioVerdict(r.sequences, r.scan, 2)
	})
	row("  sequences faster than the self-join", func(r sizeResult) string {
		return ratioVerdict(r.sequences, r.selfJoin, 1)
	})
	row("  sequences <= windowFunnel + 50%", func(r sizeResult) string {
		return ratioVerdict(r.sequences, r.funnel, 1.5)
	})
	// The trace floors to whole MiB, so a reading of 64 may be up to 65.
	row("  plugin's live heap <= 64 MB", func(r sizeResult) string { return verdict(r.pluginGCs > 0 && r.pluginHeap < 64<<20) })
	row("  plugin RSS <= 150 MB", func(r sizeResult) string { return verdict(r.rss <= 150<<20) })
	row("  alert rule query <= 100 ms", func(r sizeResult) string { return verdict(r.alert <= 100*time.Millisecond) })
}

// ratioVerdict shows a/b and whether it is within limit.
func ratioVerdict(a, b time.Duration, limit float64) string {
	ratio := a.Seconds() / b.Seconds()
	return fmt.Sprintf("%.1fx %s", ratio, verdict(ratio <= limit))
}

func short(n uint64) string {
	if n >= 1_000_000 {
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	}
	return fmt.Sprintf("%.0fk", float64(n)/1e3)
}

func bytesMB(n uint64) string { return fmt.Sprintf("%.0f MB", mb(n)) }

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

type timing struct {
	median time.Duration
	runs   int
	err    error
}

func timeRuns(n int, fn func() error) timing { return timeRunsWithin(n, time.Duration(1<<63-1), fn) }

// timeRunsWithin runs fn n times, or fewer once the runs have used budget
// (always at least once), and gives the median of the runs made.
func timeRunsWithin(n int, budget time.Duration, fn func() error) timing {
	ds := make([]time.Duration, 0, n)
	var spent time.Duration
	for i := 0; i < n && (i == 0 || spent < budget); i++ {
		t := time.Now()
		if err := fn(); err != nil {
			return timing{err: err}
		}
		ds = append(ds, time.Since(t))
		spent += ds[i]
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return timing{median: ds[len(ds)/2], runs: len(ds)}
}

// heapPeaks are the largest heap readings while a query ran: live is what
// the last collection found reachable (what the query holds, on top of
// what the process held before it), objects also counts garbage not yet
// collected (what GOGC's pacing adds on top). before is the live heap
// just before the runs: the bench's own, which the plugin does not carry.
type heapPeaks struct{ live, objects, before uint64 }

// liveHeap is the live heap the last collection found.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// sampleHeap records the largest heap readings every millisecond until
// stopped. runtime/metrics reads them without stopping the world.
func sampleHeap(peak *heapPeaks) func() {
	var done atomic.Bool
	finished := make(chan struct{})
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		defer close(finished)
		for !done.Load() {
			metrics.Read(s)
			peak.live = max(peak.live, s[0].Value.Uint64())
			peak.objects = max(peak.objects, s[1].Value.Uint64())
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
