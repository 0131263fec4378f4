package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/ingest"
	"github.com/tokentrail/tokentrail/pkg/sampleorg"
)

type genFlags struct {
	seed        int64
	events      int
	days        int
	historyDays int // 0: none
	realism     string
	end         string
}

func (g *genFlags) register(fs *flag.FlagSet, events int) {
	fs.Int64Var(&g.seed, "seed", 7, "seed of the organisation (same seed, same data)")
	fs.IntVar(&g.events, "events", events, fmt.Sprintf("approximate number of events in the range (%d..%d); history comes on top", sampleorg.MinEvents, sampleorg.MaxEvents))
	fs.IntVar(&g.days, "days", 30, "days of the range, ending at --end; attacks are planted here")
	fs.IntVar(&g.historyDays, "history-days", sampleorg.DefaultHistoryDays, fmt.Sprintf("days of history before the range, for behaviour baselines (0..%d, 0 for none)", sampleorg.MaxHistoryDays))
	fs.StringVar(&g.realism, "realism", "default", "rates of the organisation's behaviour: default, or variant (more travel, mobile churn and new apps, fewer habitual sign-ins)")
	fs.StringVar(&g.end, "end", "", "end of the data, RFC 3339 (default: now, to the hour)")
}

func (g *genFlags) config(mode sampleorg.Mode) (sampleorg.Config, error) {
	end := time.Now().UTC().Truncate(time.Hour)
	if g.end != "" {
		t, err := time.Parse(time.RFC3339, g.end)
		if err != nil {
			return sampleorg.Config{}, fmt.Errorf("--end %q is not an RFC 3339 time such as 2026-11-25T00:00:00Z", g.end)
		}
		end = t.UTC()
	}
	cfg := sampleorg.Config{Seed: g.seed, Events: g.events, Days: g.days, HistoryDays: g.historyDays, End: end, Mode: mode}
	switch {
	case g.historyDays == 0:
		cfg.HistoryDays = sampleorg.NoHistory
	case g.historyDays < 0 || g.historyDays > sampleorg.MaxHistoryDays:
		return cfg, fmt.Errorf("--history-days %d is out of range: choose 0..%d", g.historyDays, sampleorg.MaxHistoryDays)
	}
	switch g.realism {
	case "", "default":
	case "variant":
		cfg.Realism = sampleorg.RealismVariant()
	default:
		return cfg, fmt.Errorf("--realism %q is unknown: use default or variant", g.realism)
	}
	return cfg, nil
}

// runGenerate writes the sample organisation as vendor export files (one
// NDJSON file per vendor, ready for `tokentrail ingest`) or loads normalized
// rows straight into ClickHouse (--load, the fast path for benchmarks).
func runGenerate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var g genFlags
	g.register(fs, 100_000)
	var c connFlags
	c.register(fs)
	out := fs.String("out", "", "folder for the vendor files and truth.json")
	load := fs.Bool("load", false, "insert normalized rows into ClickHouse instead of writing vendor files")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("--out is required: the folder for truth.json (and the vendor files)")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	var (
		truth sampleorg.Truth
		err   error
	)
	if *load {
		cl, cerr := c.client()
		if cerr != nil {
			return cerr
		}
		if _, err := applySchema(ctx, cl, c.database, c.table, false, io.Discard); err != nil {
			return err
		}
		w, werr := ingest.NewWriter(ctx, cl, c.database, c.table)
		if werr != nil {
			return werr
		}
		truth, _, err = loadNormalized(ctx, g, w, stderr)
	} else {
		truth, err = writeVendorFiles(g, *out, stderr)
	}
	if err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(*out, "truth.json"))
	if err != nil {
		return err
	}
	defer f.Close()
	if err := sampleorg.WriteTruth(f, truth); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "generate: %d events (%d in the range from %s, %d of history), %d planted chains, %d look-alikes, %d approved apps, %d background keys; truth in %s\n",
		truth.Events, truth.RangeEvents, truth.RangeStart.Format(time.RFC3339), truth.Events-truth.RangeEvents,
		len(truth.Chains), len(truth.LookAlikes), len(truth.ApprovedApps), len(truth.Background), filepath.Join(*out, "truth.json"))
	return nil
}

// writeVendorFiles renders the organisation as <source>.ndjson files.
func writeVendorFiles(g genFlags, dir string, progress io.Writer) (sampleorg.Truth, error) {
	cfg, err := g.config(sampleorg.Vendor)
	if err != nil {
		return sampleorg.Truth{}, err
	}
	files := map[string]*bufio.Writer{}
	var closers []*os.File
	defer func() {
		for _, f := range closers {
			f.Close()
		}
	}()
	for _, src := range event.Sources {
		f, err := os.Create(filepath.Join(dir, src+".ndjson"))
		if err != nil {
			return sampleorg.Truth{}, err
		}
		closers = append(closers, f)
		files[src] = bufio.NewWriterSize(f, 1<<20)
	}
	tick := newTicker(progress, "generate", sampleorg.ExpectedEvents(cfg))
	truth, err := sampleorg.Generate(cfg, func(r sampleorg.Record) error {
		w, ok := files[r.Source]
		if !ok {
			return fmt.Errorf("generator produced unknown source %q", r.Source)
		}
		w.Write(r.Vendor)
		tick.add(1)
		return w.WriteByte('\n')
	})
	if err != nil {
		return truth, err
	}
	for _, w := range files {
		if err := w.Flush(); err != nil {
			return truth, err
		}
	}
	tick.done()
	return truth, nil
}

// loadNormalized generates normalized rows and inserts them in batches.
func loadNormalized(ctx context.Context, g genFlags, w *ingest.Writer, progress io.Writer) (sampleorg.Truth, int, error) {
	cfg, err := g.config(sampleorg.Normalized)
	if err != nil {
		return sampleorg.Truth{}, 0, err
	}
	const batch = 50_000
	buf := make([]event.Event, 0, batch)
	inserted := 0
	tick := newTicker(progress, "load", sampleorg.ExpectedEvents(cfg))
	flush := func() error {
		n, _, err := w.Write(ctx, buf)
		inserted += n
		tick.add(len(buf))
		buf = buf[:0]
		return err
	}
	truth, err := sampleorg.Generate(cfg, func(r sampleorg.Record) error {
		buf = append(buf, r.Event)
		if len(buf) == batch {
			return flush()
		}
		return nil
	})
	if err == nil && len(buf) > 0 {
		err = flush()
	}
	tick.done()
	return truth, inserted, err
}

// ticker prints a progress line at most every two seconds and a final one.
type ticker struct {
	w            io.Writer
	what         string
	total, count int
	start, last  time.Time
}

func newTicker(w io.Writer, what string, total int) *ticker {
	now := time.Now()
	return &ticker{w: w, what: what, total: total, start: now, last: now}
}

func (t *ticker) add(n int) {
	t.count += n
	if time.Since(t.last) >= 2*time.Second {
		t.last = time.Now()
		rate := float64(t.count) / time.Since(t.start).Seconds()
		fmt.Fprintf(t.w, "  %s: %d/~%d events (%.0f%%, %.0f/s)\n", t.what, t.count, t.total, 100*float64(t.count)/float64(max(t.total, 1)), rate)
	}
}

func (t *ticker) done() {
	el := time.Since(t.start)
	fmt.Fprintf(t.w, "  %s: %d events in %s (%.0f/s)\n", t.what, t.count, el.Round(10*time.Millisecond), float64(t.count)/max(el.Seconds(), 1e-9))
}
