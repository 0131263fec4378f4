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

// Config describes the organisation to generate. The zero values of Days and
// Tenant select the defaults; End is required because a default of "now"
// would make the output differ from run to run.
type Config struct {
	// Seed selects the organisation: people, apps, schedules and attacks.
	Seed int64
	// Events is the approximate total number of events, MinEvents..MaxEvents.
	// The generator lands within a few events of it.
	Events int
	// End is the exclusive end of the data; it is truncated to the second.
	End time.Time
	// Days is the length of the data in days: events lie in [End-Days, End).
	Days int
	// Tenant is a short lower-case organisation name used in domains,
	// e-mail addresses and vendor tenant identifiers.
	Tenant string
	// Mode selects normalized rows or vendor records.
	Mode Mode
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

// start is the inclusive beginning of the data.
func (cfg Config) start() time.Time {
	return cfg.End.Add(-time.Duration(cfg.Days) * 24 * time.Hour)
}
