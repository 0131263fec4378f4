package chsql

import (
	"fmt"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/echo"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// TimelineColumns are the columns of the drill-down timeline, in order.
var TimelineColumns = []string{
	"event_time", "source", "action", "toString(category)", "toString(auth_method)", "outcome",
	"actor_id", "actor_name", "app_id", "app_name", "token_id", "src_ip", "user_agent", "session_id",
	"target_type", "target_id", "target_name", "arrayStringConcat(scopes, ' ')", "sensitivity", "event_id",
	"substring(raw, 1, 4096)",
}

// TimelineSpec selects the events an analyst drills into.
type TimelineSpec struct {
	Database, Table string
	Variant         schema.Variant
	From, To        time.Time
	Filters         []models.Filter
	Limit           int
}

// Timeline returns the newest events of the range that pass the filters,
// newest first, at most Limit of them (one more is fetched so the caller can
// tell the panel that the list was cut).
func Timeline(s TimelineSpec) (string, error) {
	if err := schema.CheckIdentifier("database", s.Database); err != nil {
		return "", err
	}
	if err := schema.CheckIdentifier("table", s.Table); err != nil {
		return "", err
	}
	if s.Limit < 1 {
		return "", fmt.Errorf("limit must be positive")
	}
	filters, err := filterSQL(s.Filters)
	if err != nil {
		return "", err
	}
	rangeCond := Range(s.Variant, s.From, s.To)
	return fmt.Sprintf("SELECT %s\nFROM %s.%s\nWHERE %s\nORDER BY event_time DESC, event_id DESC\nLIMIT %d",
		strings.Join(TimelineColumns, ", "), s.Database, s.Table, where(rangeCond, filters), s.Limit+1), nil
}

// DistinctValuesSQL lists the most frequent values of a key or filter field
// over the last days, for the query editor's suggestions.
func DistinctValuesSQL(db, table, field string, limit int) (string, error) {
	if err := schema.CheckIdentifier("database", db); err != nil {
		return "", err
	}
	if err := schema.CheckIdentifier("table", table); err != nil {
		return "", err
	}
	if !allowed(models.FilterFields, field) {
		return "", fmt.Errorf("field %s is not a normalized field: use one of %s", echo.Quote(field), strings.Join(models.FilterFields, ", "))
	}
	col := field
	if enumFields[field] {
		col = "toString(" + field + ")"
	}
	return fmt.Sprintf("SELECT %s AS v, count() AS c FROM %s.%s WHERE toDate(event_time) >= today() - 31 AND event_time >= now() - 30*86400 AND %s != '' GROUP BY v ORDER BY c DESC, v LIMIT %d",
		col, db, table, col, limit), nil
}
