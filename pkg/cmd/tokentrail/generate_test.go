package main

import (
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/tokentrail/tokentrail/pkg/sampleorg"
)

// TestGenerateFlags: --history-days and --realism reach the generator's
// Config, 0 days of history meaning none, and bad values are refused with
// the accepted ones.
func TestGenerateFlags(t *testing.T) {
	parse := func(args ...string) (sampleorg.Config, error) {
		fs := flag.NewFlagSet("generate", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		var g genFlags
		g.register(fs, 100_000)
		if err := fs.Parse(append(args, "--end", "2026-05-01T00:00:00Z")); err != nil {
			return sampleorg.Config{}, err
		}
		return g.config(sampleorg.Normalized)
	}
	cfg, err := parse()
	if err != nil || cfg.HistoryDays != sampleorg.DefaultHistoryDays || cfg.Realism.SignInHabit != 0 {
		t.Errorf("defaults: HistoryDays %d, Realism %+v, err %v; want %d days and the zero (default) realism", cfg.HistoryDays, cfg.Realism, err, sampleorg.DefaultHistoryDays)
	}
	if cfg, err = parse("--history-days", "0", "--realism", "variant"); err != nil || cfg.HistoryDays != sampleorg.NoHistory || cfg.Realism.SignInHabit != sampleorg.RealismVariant().SignInHabit {
		t.Errorf("--history-days 0 --realism variant: HistoryDays %d, Realism %+v, err %v", cfg.HistoryDays, cfg.Realism, err)
	}
	if cfg, err = parse("--history-days", "90"); err != nil || cfg.HistoryDays != 90 {
		t.Errorf("--history-days 90: HistoryDays %d, err %v", cfg.HistoryDays, err)
	}
	for _, bad := range [][]string{{"--history-days", "-3"}, {"--history-days", "400"}, {"--realism", "realistic"}} {
		if _, err := parse(bad...); err == nil || !strings.Contains(err.Error(), bad[0]) {
			t.Errorf("%v: error %v, want one naming %s", bad, err, bad[0])
		}
	}
}
