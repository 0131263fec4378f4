package sampleorg

import (
	"fmt"
	"regexp"
	"time"
)

// Size and span limits of a generated organisation. Below MinEvents there is
// not enough background for the planted chains to hide in; above MaxEvents a
// demo stops being a demo.
const (
	MinEvents     = 10_000
	MaxEvents     = 10_000_000
	DefaultDays   = 30
	MaxDays       = 366
	DefaultTenant = "acme"
	// DefaultHistoryDays of history precede the range: what a 30-day
	// behaviour baseline reads. MaxHistoryDays bounds it like MaxDays.
	DefaultHistoryDays = 30
	MaxHistoryDays     = 366
	// NoHistory as Config.HistoryDays asks for no history at all (0 means
	// the default, as for Days).
	NoHistory = -1
)

// Mode selects how Generate renders each event.
type Mode int

const (
	// Normalized emits event.Event rows, as the normalizers would produce them.
	Normalized Mode = iota
	// Vendor emits one vendor audit-API record per event, in its export shape.
	Vendor
)

// String names the mode the way the CLI spells it.
func (m Mode) String() string {
	switch m {
	case Normalized:
		return "normalized"
	case Vendor:
		return "vendor"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode is the inverse of Mode.String, for command-line flags.
func ParseMode(s string) (Mode, error) {
	switch s {
	case "normalized":
		return Normalized, nil
	case "vendor":
		return Vendor, nil
	}
	return 0, fmt.Errorf("sampleorg: unknown mode %q: use \"normalized\" or \"vendor\"", s)
}

// Config describes the organisation to generate. The zero values of Days,
// HistoryDays, Tenant and Realism select the defaults; End is required
// because a default of "now" would make the output differ from run to run.
type Config struct {
	// Seed selects the organisation: people, apps, schedules and attacks.
	Seed int64
	// Events is the approximate number of events in the range (the last
	// Days), MinEvents..MaxEvents. The generator lands within a few events
	// of it. History comes on top, at the same rates.
	Events int
	// End is the exclusive end of the data; it is truncated to the second.
	End time.Time
	// Days is the length of the range in days: [End-Days, End) is the month
	// a detector is asked about, and the only place attacks are planted.
	Days int
	// HistoryDays of history precede the range, generated with the same
	// people, apps, habits and tokens, so behaviour baselines read what the
	// range then continues: the data covers [End-Days-HistoryDays, End).
	// 0 means DefaultHistoryDays, NoHistory means none, at most
	// MaxHistoryDays.
	HistoryDays int
	// Tenant is a short lower-case organisation name used in domains,
	// e-mail addresses and vendor tenant identifiers.
	Tenant string
	// Mode selects normalized rows or vendor records.
	Mode Mode
	// Realism holds the rates of the organisation's behaviour (habits,
	// clients, travel, automation, new apps, attacks). The zero value
	// means DefaultRealism(); RealismVariant() is a shifted world for
	// validating a score trained on the default one.
	Realism Realism
}

var tenantPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}$`)

// withDefaults validates cfg and fills in the defaults. Errors name the field,
// the offending value and the accepted range so a CLI can show them verbatim.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.Events < MinEvents || cfg.Events > MaxEvents {
		return cfg, fmt.Errorf("sampleorg: Events = %d is out of range: choose %d..%d", cfg.Events, MinEvents, MaxEvents)
	}
	if cfg.End.IsZero() {
		return cfg, fmt.Errorf("sampleorg: End is required (for example time.Now()): the data covers [End-Days, End) and a fixed End keeps the output reproducible")
	}
	if cfg.Days == 0 {
		cfg.Days = DefaultDays
	}
	if cfg.Days < 1 || cfg.Days > MaxDays {
		return cfg, fmt.Errorf("sampleorg: Days = %d is out of range: choose 1..%d (0 means %d)", cfg.Days, MaxDays, DefaultDays)
	}
	if cfg.HistoryDays == 0 {
		cfg.HistoryDays = DefaultHistoryDays
	}
	if cfg.HistoryDays < NoHistory || cfg.HistoryDays > MaxHistoryDays {
		return cfg, fmt.Errorf("sampleorg: HistoryDays = %d is out of range: choose 1..%d, 0 for the default %d or NoHistory (%d) for none", cfg.HistoryDays, MaxHistoryDays, DefaultHistoryDays, NoHistory)
	}
	if cfg.Realism.isZero() {
		cfg.Realism = DefaultRealism()
	}
	if err := cfg.Realism.validate(); err != nil {
		return cfg, err
	}
	if cfg.Tenant == "" {
		cfg.Tenant = DefaultTenant
	}
	if !tenantPattern.MatchString(cfg.Tenant) {
		return cfg, fmt.Errorf("sampleorg: Tenant %q is invalid: use 1-31 lower-case letters, digits or '-', starting with a letter", cfg.Tenant)
	}
	if cfg.Mode != Normalized && cfg.Mode != Vendor {
		return cfg, fmt.Errorf("sampleorg: Mode %v is invalid: use Normalized or Vendor", cfg.Mode)
	}
	cfg.End = cfg.End.UTC().Truncate(time.Second)
	return cfg, nil
}

// history is the number of days of history, after withDefaults.
func (cfg Config) history() int { return max(cfg.HistoryDays, 0) }

// start is the inclusive beginning of the data, history included.
func (cfg Config) start() time.Time {
	return cfg.rangeStart().Add(-time.Duration(cfg.history()) * 24 * time.Hour)
}

// rangeStart is the inclusive beginning of the range.
func (cfg Config) rangeStart() time.Time {
	return cfg.End.Add(-time.Duration(cfg.Days) * 24 * time.Hour)
}

// ExpectedEvents is about how many events Generate emits for cfg, history
// included, so that a caller can show progress against it. It returns 0
// when cfg is invalid.
func ExpectedEvents(cfg Config) int {
	c, err := cfg.withDefaults()
	if err != nil {
		return 0
	}
	return c.Events + c.Events*c.history()/c.Days
}
