package models

import (
	"slices"
	"strings"

	"github.com/tokentrail/tokentrail/pkg/echo"
	"github.com/tokentrail/tokentrail/pkg/engine"
)

// Posture query types: what the organisation has granted, and how well it
// can see.
const (
	QueryInventory = "inventory"
	QueryCoverage  = "coverage"
)

// Inventory kinds.
const (
	KindApps   = "apps"
	KindGrants = "grants"
	KindTokens = "tokens"
)

// InventoryKinds lists the inventory kinds, the default first.
var InventoryKinds = []string{KindApps, KindGrants, KindTokens}

// Formats of the posture queries. FormatTable is the default; FormatCount
// answers one number (the rows left after require), for stat panels;
// coverage also answers FormatNumeric, one numeric-long row per source and
// tenant, for alert rules.
const (
	FormatTable       = "table"
	FormatCount       = "count"
	FormatAnnotations = "annotations"
)

// Posture limits and defaults.
const (
	DefaultLongLivedDays = 90
	DefaultUnusedDays    = 30
	DefaultRareActors    = 2
	// MaxPostureDays bounds the inventory's day thresholds.
	MaxPostureDays   = 3650
	MaxInventoryRows = 10000
)

// InventoryFlags are the flags each inventory kind computes per row; a query
// keeps only rows with every flag it lists in require.
var InventoryFlags = map[string][]string{
	KindApps:   {"privileged", "unapproved", "new", "rare"},
	KindGrants: {"privileged", "unapproved", "admin_consent", "active"},
	KindTokens: {"privileged", "unapproved", "long_lived", "in_use", "unused", "active"},
}

// Coverage findings, in the order the blind_spots column names them. A
// coverage query's require lists findings to keep rows that have all of
// them; "blind_spot" keeps rows that have any.
var CoverageFindings = []string{"silent", "short_retention", "no_token_ids", "no_signins", "zero_days", "late_ingest"}

// AnyBlindSpot in a coverage require keeps rows with at least one finding.
const AnyBlindSpot = "blind_spot"

// PostureFields are the query fields of the inventory and coverage queries
// and the detection presets. They are embedded in Query, so the JSON stays
// flat like the other fields.
type PostureFields struct {
	// Preset fixes the detection rule for sequences, counts and timeline
	// roles (see Presets); empty or "custom" keeps the fields as given.
	Preset string `json:"preset"`
	// Kind selects the inventory: apps, grants or tokens. How far before
	// the panel range it reads is Query.BaselineDays, the risk baselines'
	// setting, with the same meaning: days of history before the range.
	Kind string `json:"kind"`
	// Require keeps only rows with every listed flag (InventoryFlags) or
	// coverage finding (CoverageFindings, or blind_spot for any).
	Require []string `json:"require"`
	// LongLivedDays: a token first seen at least this long before the end of
	// the range is long-lived. UnusedDays: a long-lived token idle this long
	// is unused. RareActors: an app used by at most this many actors is rare.
	LongLivedDays *int `json:"longLivedDays"`
	UnusedDays    *int `json:"unusedDays"`
	RareActors    *int `json:"rareActors"`

	// SensitiveNeedsToken is resolved from Preset: the sensitive event must
	// itself be made with a token (see engine.Params).
	SensitiveNeedsToken bool `json:"-"`
	// Analytic is resolved from Preset: engine.AnalyticAN0528 runs the
	// single-stage sign-in gap rule instead of AN0020.
	Analytic string `json:"-"`
}

// Presets name the detection rules a query may ask for; each sets exactly
// the fields documented in the README, overriding correlateBy.
var Presets = []string{PresetAN0020, PresetAN0020Broad, PresetAN0528}

// Preset names. PresetCustom (or no preset) keeps correlateBy as given.
const (
	PresetAN0020      = "an0020"
	PresetAN0020Broad = "an0020-broad"
	PresetAN0528      = "an0528"
	PresetCustom      = "custom"
)

// applyPreset sets the fields a preset fixes. It runs before the sequence
// fields are resolved, so a preset's correlateBy is validated like any.
func (q *Query) applyPreset() error {
	q.Preset = strings.ToLower(strings.TrimSpace(q.Preset))
	switch q.Preset {
	case "", PresetCustom:
	case PresetAN0020:
		q.CorrelateBy = []string{"actor_id", "app_id"}
	case PresetAN0020Broad:
		q.CorrelateBy = []string{"actor_id"}
		q.SensitiveNeedsToken = true
	case PresetAN0528:
		q.CorrelateBy = []string{"actor_id", "app_id"}
		q.Analytic = engine.AnalyticAN0528
	default:
		return badQuery("preset %s is not supported: use %s, or custom to set correlateBy yourself", echo.Quote(q.Preset), strings.Join(Presets, ", "))
	}
	return nil
}

// resolveInventory validates and defaults the inventory fields.
func (q *Query) resolveInventory() error {
	if q.Kind == "" {
		q.Kind = KindApps
	}
	if !slices.Contains(InventoryKinds, q.Kind) {
		return badQuery("kind %s is not an inventory kind: use %s", echo.Quote(q.Kind), strings.Join(InventoryKinds, ", "))
	}
	for _, d := range []struct {
		name string
		v    **int
		def  int
	}{{"longLivedDays", &q.LongLivedDays, DefaultLongLivedDays}, {"unusedDays", &q.UnusedDays, DefaultUnusedDays}, {"rareActors", &q.RareActors, DefaultRareActors}} {
		if *d.v == nil {
			v := d.def
			*d.v = &v
		}
		if **d.v < 1 || **d.v > MaxPostureDays {
			return badQuery("%s %d is out of range: use 1-%d", d.name, **d.v, MaxPostureDays)
		}
	}
	if err := q.resolveRequire("kind "+q.Kind, InventoryFlags[q.Kind]); err != nil {
		return err
	}
	return q.resolveTableFormat(FormatTable, FormatCount)
}

// resolveCoverage validates the coverage fields.
func (q *Query) resolveCoverage() error {
	if err := q.resolveRequire("coverage", append([]string{AnyBlindSpot}, CoverageFindings...)); err != nil {
		return err
	}
	return q.resolveTableFormat(FormatTable, FormatCount, FormatNumeric)
}

func (q *Query) resolveRequire(what string, allowed []string) error {
	seen := map[string]bool{}
	for _, f := range q.Require {
		if !slices.Contains(allowed, f) {
			return badQuery("require %s is not a flag of %s: use any of %s", echo.Quote(f), what, strings.Join(allowed, ", "))
		}
		if seen[f] {
			return badQuery("require lists %q twice: list each flag once", f)
		}
		seen[f] = true
	}
	return nil
}

func (q *Query) resolveTableFormat(formats ...string) error {
	if q.Format == "" {
		q.Format = formats[0]
	}
	if !slices.Contains(formats, q.Format) {
		return badQuery("format %s is not supported for %s: use %s", echo.Quote(q.Format), q.QueryType, strings.Join(formats, ", "))
	}
	if q.Limit == 0 {
		q.Limit = DefaultLimit
	}
	if q.Limit < 1 || q.Limit > MaxInventoryRows {
		return badQuery("limit %d is out of range: use 1-%d rows", q.Limit, MaxInventoryRows)
	}
	return nil
}

// Baseline is the number of days the inventory reads before the panel
// range: the query's baselineDays, else the datasource's.
func (q *Query) Baseline(s *PluginSettings) int {
	if q.BaselineDays != nil {
		return *q.BaselineDays
	}
	return s.BaselineDays
}

// DetectParams are the engine parameters the query stands for, with the
// datasource's approved apps: sequences, counts and timeline roles all
// apply the same rule through them.
func (q *Query) DetectParams(s *PluginSettings) engine.Params {
	return engine.Params{
		MaxSpan: q.MaxSpan, MinSensitivity: uint8(*q.MinSensitivity),
		From: q.From, To: q.To, CorrelateBy: q.CorrelateBy,
		ApprovedApps: s.ApprovedSet(), IncludeApproved: q.IncludeApproved,
		SensitiveNeedsToken: q.SensitiveNeedsToken,
	}
}

// SigninGapParams are the AN0528 parameters the query stands for.
func (q *Query) SigninGapParams(s *PluginSettings) engine.SigninGapParams {
	return engine.SigninGapParams{
		SigninWindow: q.SigninWindow, MaxSpan: q.MaxSpan, From: q.From, To: q.To,
		ApprovedApps: s.ApprovedSet(), IncludeApproved: q.IncludeApproved,
	}
}
