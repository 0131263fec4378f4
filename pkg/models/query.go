package models

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/echo"
	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/risk"
)

// Query types the backend answers.
const (
	QuerySequences      = "sequences"
	QuerySequenceCounts = "sequenceCounts"
	QueryTimeline       = "timeline"
)

// QueryTypes lists the supported query types for error messages and the editor.
var QueryTypes = []string{QuerySequences, QuerySequenceCounts, QueryTimeline, QueryInventory, QueryCoverage}

// Count formats.
const (
	FormatNumeric    = "numeric"
	FormatTimeseries = "timeseries"
)

// Limits that keep a single panel from running unbounded.
const (
	MaxSpanLimit    = 30 * 24 * time.Hour
	DefaultMaxSpan  = time.Hour
	DefaultLimit    = 1000
	MaxTimelineRows = 10000

	// MaxBaselineDays bounds how far back behaviour baselines read.
	MaxBaselineDays = 180
	// DefaultSigninWindow is how long before a token access an interactive
	// sign-in still counts (AN0528's window).
	DefaultSigninWindow = 12 * time.Hour
	MaxSigninWindow     = 7 * 24 * time.Hour
)

// KeyFields may be used in correlateBy and groupBy: the dimensions an
// incident is attributed to, as the engine defines them.
var KeyFields = engine.CorrelateFields

// FieldSeverity groups counts by the episodes' severity band.
const FieldSeverity = "severity"

// GroupFields may be used in a counts query's groupBy: the key fields and
// the severity.
var GroupFields = append(append([]string{}, KeyFields...), FieldSeverity)

// FilterFields are the normalized columns a filter may test.
var FilterFields = []string{
	"tenant", "source", "action", "category", "auth_method", "outcome",
	"actor_id", "actor_name", "app_id", "app_name", "token_id", "src_ip",
	"user_agent", "session_id", "target_type", "target_id", "target_name",
}

// FilterOps are the operators a filter may use. "like" with several values
// matches any of the patterns: a multi-value template variable inside a
// pattern ("%$app%") expands to one pattern per value.
var FilterOps = []string{"=", "!=", "in", "not in", "like"}

// Filter is one condition on a normalized field.
type Filter struct {
	Field  string   `json:"field"`
	Op     string   `json:"op"`
	Values []string `json:"values"`
}

// Query is one panel or alert query as the editor sends it.
type Query struct {
	QueryType       string   `json:"queryType"`
	MaxSpanRaw      string   `json:"maxSpan"`
	CorrelateBy     []string `json:"correlateBy"`
	MinSensitivity  *int     `json:"minSensitivity"`
	IncludeApproved bool     `json:"includeApproved"`
	Filters         []Filter `json:"filters"`
	GroupBy         []string `json:"groupBy"`
	Format          string   `json:"format"`
	Limit           int      `json:"limit"`
	// BaselineDays overrides the datasource's baselineDays (0 turns the
	// behaviour baselines off); nil keeps the datasource's.
	BaselineDays    *int   `json:"baselineDays"`
	SigninWindowRaw string `json:"signinWindow"`
	// MinSeverity keeps only episodes at or above a severity band.
	MinSeverity string `json:"minSeverity"`
	PostureFields

	// Resolved values, filled by ParseQuery.
	MaxSpan      time.Duration `json:"-"`
	SigninWindow time.Duration `json:"-"`
	From         time.Time     `json:"-"`
	To           time.Time     `json:"-"`
}

// ErrInvalidQuery marks a problem with the query itself (the panel author's to fix).
var ErrInvalidQuery = errors.New("invalid query")

func badQuery(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidQuery, fmt.Sprintf(format, args...))
}

// ParseQuery decodes and validates a query's JSON and the request's time
// range, applying the documented defaults. queryType may also come from the
// DataQuery (Grafana sets it there for alert rules and expressions).
func ParseQuery(raw json.RawMessage, queryType string, from, to time.Time) (*Query, error) {
	q := &Query{}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, q); err != nil {
			return nil, badQuery("the query JSON could not be read (%s)", jsonProblem(err))
		}
	}
	if q.QueryType == "" {
		q.QueryType = queryType
	}
	if q.QueryType == "" {
		q.QueryType = QuerySequences
	}
	if !contains(QueryTypes, q.QueryType) {
		return nil, badQuery("queryType %s is not supported: use one of %s", echo.Quote(q.QueryType), strings.Join(QueryTypes, ", "))
	}
	if to.Before(from) {
		return nil, badQuery("time range ends (%s) before it starts (%s): pick a range whose end is after its start%s", to.UTC().Format(time.RFC3339), from.UTC().Format(time.RFC3339), wrapHint(from, to))
	}
	q.From, q.To = from.UTC(), to.UTC()
	if err := q.applyPreset(); err != nil {
		return nil, err
	}
	if err := q.resolveSequenceFields(); err != nil {
		return nil, err
	}
	if err := q.resolveFilters(); err != nil {
		return nil, err
	}
	switch q.QueryType {
	case QueryInventory:
		if err := q.resolveInventory(); err != nil {
			return nil, err
		}
	case QueryCoverage:
		if err := q.resolveCoverage(); err != nil {
			return nil, err
		}
	case QuerySequenceCounts:
		if len(q.GroupBy) == 0 {
			q.GroupBy = []string{"actor_id", "app_id"}
		}
		if err := checkFields("groupBy", q.GroupBy, GroupFields); err != nil {
			return nil, err
		}
		if q.Format == "" {
			q.Format = FormatNumeric
		}
		if q.Format != FormatNumeric && q.Format != FormatTimeseries {
			return nil, badQuery("format %s is not supported: use %q or %q", echo.Quote(q.Format), FormatNumeric, FormatTimeseries)
		}
	case QueryTimeline:
		if q.Limit == 0 {
			q.Limit = DefaultLimit
		}
		if q.Limit < 1 || q.Limit > MaxTimelineRows {
			return nil, badQuery("limit %d is out of range: use 1-%d", q.Limit, MaxTimelineRows)
		}
	}
	return q, nil
}

func (q *Query) resolveSequenceFields() error {
	if q.MaxSpanRaw == "" {
		q.MaxSpan = DefaultMaxSpan
	} else {
		d, err := ParseSpan(q.MaxSpanRaw)
		if err != nil {
			return badQuery("maxSpan %s is not a duration of at most 30 days: use a positive Go duration such as 30m, 1h or 36h (days as 2d)", echo.Quote(q.MaxSpanRaw))
		}
		if d <= 0 || d > MaxSpanLimit {
			return badQuery("maxSpan %s is out of range: use a positive duration up to 30d (720h)", echo.Quote(q.MaxSpanRaw))
		}
		q.MaxSpan = d
	}
	if q.CorrelateBy == nil {
		q.CorrelateBy = []string{"actor_id", "app_id"}
	}
	if len(q.CorrelateBy) == 0 {
		return badQuery("correlateBy is empty: choose at least one of %s", strings.Join(KeyFields, ", "))
	}
	if err := checkFields("correlateBy", q.CorrelateBy, KeyFields); err != nil {
		return err
	}
	if q.MinSensitivity == nil {
		one := 1
		q.MinSensitivity = &one
	}
	if *q.MinSensitivity < 0 || *q.MinSensitivity > 3 {
		return badQuery("minSensitivity %d is out of range: use 0 (none), 1 (low), 2 (medium) or 3 (high)", *q.MinSensitivity)
	}
	return q.resolveRiskFields()
}

// resolveRiskFields validates the fields that steer the risk score.
func (q *Query) resolveRiskFields() error {
	if q.BaselineDays != nil && (*q.BaselineDays < 0 || *q.BaselineDays > MaxBaselineDays) {
		return badQuery("baselineDays %d is out of range: use 0 (no baselines) to %d", *q.BaselineDays, MaxBaselineDays)
	}
	q.SigninWindow = DefaultSigninWindow
	if q.SigninWindowRaw != "" {
		d, err := ParseSpan(q.SigninWindowRaw)
		if err != nil || d <= 0 || d > MaxSigninWindow {
			return badQuery("signinWindow %s is not a duration from 1s to 7d: use for example 12h or 1d", echo.Quote(q.SigninWindowRaw))
		}
		q.SigninWindow = d
	}
	sev, err := risk.ParseSeverity(q.MinSeverity)
	if err != nil {
		// Not the parser's message: it would repeat the input whole.
		return badQuery("minSeverity: severity %s is unknown: use one of %s", echo.Quote(q.MinSeverity), strings.Join(risk.Severities, ", "))
	}
	q.MinSeverity = sev
	return nil
}

// closedValues are the allowed values of the enum columns; a filter on them
// with another value could never match and usually means a typo.
var closedValues = map[string][]string{
	"category":    categoryNames(),
	"auth_method": authNames(),
}

// resolveFilters validates the filters. A filter row without values is
// dropped, not refused: the query editor treats such a row as unfinished
// and leaves it out, and an alert rule, which reads the saved query without
// the editor, must behave like the panel it was built from. A like filter
// with the pattern "%" matches every value, so it is dropped too: a
// dashboard variable left at "%" then costs nothing.
func (q *Query) resolveFilters() error {
	kept := q.Filters[:0]
	for _, f := range q.Filters {
		if len(f.Values) > 0 && !(strings.EqualFold(strings.TrimSpace(f.Op), "like") && slices.Contains(f.Values, "%")) {
			kept = append(kept, f)
		}
	}
	q.Filters = kept
	for i := range q.Filters {
		f := &q.Filters[i]
		f.Field = strings.TrimSpace(f.Field)
		f.Op = strings.ToLower(strings.Join(strings.Fields(f.Op), " "))
		n := i + 1
		if !contains(FilterFields, f.Field) {
			return badQuery("filter %d: field %s is not a normalized field: use one of %s", n, echo.Quote(f.Field), strings.Join(FilterFields, ", "))
		}
		if !contains(FilterOps, f.Op) {
			return badQuery("filter %d on %s: operator %s is not supported: use one of %s", n, f.Field, echo.Quote(f.Op), strings.Join(FilterOps, ", "))
		}
		if (f.Op == "=" || f.Op == "!=") && len(f.Values) != 1 {
			return badQuery("filter %d on %s: operator %q takes exactly one value, got %d (use \"in\" or \"not in\" for several)", n, f.Field, f.Op, len(f.Values))
		}
		for _, v := range f.Values {
			if len(v) > MaxValueLength {
				return badQuery("filter %d on %s: a value is %d bytes long; values may have at most %d", n, f.Field, len(v), MaxValueLength)
			}
			if allowed, ok := closedValues[f.Field]; ok && f.Op != "like" && !contains(allowed, v) {
				return badQuery("filter %d: %s %s is not a known value: use one of %s", n, f.Field, echo.Quote(v), strings.Join(allowed, ", "))
			}
		}
	}
	return q.checkFilterSizes()
}

func checkFields(name string, fields, allowed []string) error {
	seen := map[string]bool{}
	for _, f := range fields {
		if !contains(allowed, f) {
			return badQuery("%s field %s is not supported: use any of %s", name, echo.Quote(f), strings.Join(allowed, ", "))
		}
		if seen[f] {
			return badQuery("%s lists %s twice: list each field once", name, echo.Quote(f))
		}
		seen[f] = true
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func categoryNames() []string {
	out := make([]string, len(event.Categories))
	for i, c := range event.Categories {
		out[i] = string(c)
	}
	sort.Strings(out)
	return out
}

func authNames() []string {
	out := make([]string, len(event.AuthMethods))
	for i, m := range event.AuthMethods {
		out[i] = string(m)
	}
	sort.Strings(out)
	return out
}
