package sampleorg

import (
	"strings"
	"testing"
	"time"
)

func TestConfigValidation(t *testing.T) {
	ok := func(c Config) Config { return c }
	base := Config{Seed: 1, Events: MinEvents, End: testEnd}
	tests := []struct {
		name    string
		cfg     Config
		wantErr string // substring; "" means valid
	}{
		{"minimum size", ok(base), ""},
		{"too few events", Config{Events: MinEvents - 1, End: testEnd}, "choose 10000..10000000"},
		{"too many events", Config{Events: MaxEvents + 1, End: testEnd}, "choose 10000..10000000"},
		{"missing end", Config{Events: MinEvents}, "End is required"},
		{"negative days", Config{Events: MinEvents, End: testEnd, Days: -1}, "Days = -1"},
		{"too many days", Config{Events: MinEvents, End: testEnd, Days: MaxDays + 1}, "choose 1..366"},
		{"no history", Config{Events: MinEvents, End: testEnd, HistoryDays: NoHistory}, ""},
		{"longest history", Config{Events: MinEvents, End: testEnd, Days: MaxDays, HistoryDays: MaxHistoryDays}, ""},
		{"history too long", Config{Events: MinEvents, End: testEnd, HistoryDays: MaxHistoryDays + 1}, "HistoryDays = 367 is out of range"},
		{"history negative", Config{Events: MinEvents, End: testEnd, HistoryDays: -2}, "NoHistory (-1) for none"},
		{"bad realism", Config{Events: MinEvents, End: testEnd, Realism: Realism{SignInHabit: 2}}, "Realism.SignInHabit = 2"},
		{"bad tenant", Config{Events: MinEvents, End: testEnd, Tenant: "Acme Corp"}, "Tenant \"Acme Corp\" is invalid"},
		{"bad mode", Config{Events: MinEvents, End: testEnd, Mode: Mode(7)}, "Mode Mode(7) is invalid"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Generate(tc.cfg, func(Record) error { return nil })
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("error = %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	cfg, err := Config{Events: MinEvents, End: time.Date(2026, 5, 1, 12, 30, 15, 999, time.FixedZone("x", 3600))}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Days != DefaultDays || cfg.Tenant != DefaultTenant || cfg.HistoryDays != DefaultHistoryDays || cfg.Realism.SyncClients != DefaultRealism().SyncClients {
		t.Errorf("defaults: Days=%d Tenant=%q HistoryDays=%d Realism=%+v, want %d %q %d and DefaultRealism", cfg.Days, cfg.Tenant, cfg.HistoryDays, cfg.Realism, DefaultDays, DefaultTenant, DefaultHistoryDays)
	}
	if again, err := cfg.withDefaults(); err != nil || again.HistoryDays != cfg.HistoryDays {
		t.Errorf("withDefaults is not idempotent: %+v, %v", again, err)
	}
	none, err := Config{Events: MinEvents, End: testEnd, HistoryDays: NoHistory}.withDefaults()
	if err != nil || none.history() != 0 || !none.start().Equal(none.rangeStart()) {
		t.Errorf("NoHistory: history %d, start %v, range %v, err %v", none.history(), none.start(), none.rangeStart(), err)
	}
	if got := ExpectedEvents(Config{Events: 100_000, End: testEnd, Days: 10, HistoryDays: 20}); got != 300_000 {
		t.Errorf("ExpectedEvents = %d, want 300000 (the range and twice its length of history)", got)
	}
	if got := ExpectedEvents(Config{Events: 1}); got != 0 {
		t.Errorf("ExpectedEvents of an invalid config = %d, want 0", got)
	}
	if want := time.Date(2026, 5, 1, 11, 30, 15, 0, time.UTC); !cfg.End.Equal(want) || cfg.End.Location() != time.UTC {
		t.Errorf("End = %v, want %v in UTC truncated to the second", cfg.End, want)
	}
}

func TestGenerateNilEmit(t *testing.T) {
	if _, err := Generate(Config{Events: MinEvents, End: testEnd}, nil); err == nil || !strings.Contains(err.Error(), "emit is nil") {
		t.Fatalf("error = %v, want it to name the nil emit", err)
	}
}

func TestGenerateStopsOnEmitError(t *testing.T) {
	n := 0
	_, err := Generate(testConfig(1, MinEvents, Normalized), func(Record) error {
		n++
		if n == 5 {
			return errStop
		}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "emit event 5") || !strings.Contains(err.Error(), errStop.Error()) {
		t.Fatalf("error = %v, want it to wrap the emit error and name event 5", err)
	}
	if n != 5 {
		t.Fatalf("emit called %d times after failing at 5", n)
	}
}

func TestParseMode(t *testing.T) {
	for _, m := range []Mode{Normalized, Vendor} {
		got, err := ParseMode(m.String())
		if err != nil || got != m {
			t.Errorf("ParseMode(%q) = %v, %v", m.String(), got, err)
		}
	}
	if _, err := ParseMode("csv"); err == nil || !strings.Contains(err.Error(), `"normalized" or "vendor"`) {
		t.Errorf("ParseMode(csv) error = %v, want the accepted values", err)
	}
}

type stopErr struct{}

func (stopErr) Error() string { return "disk full" }

var errStop = stopErr{}
