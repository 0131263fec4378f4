package chsql

import (
	"fmt"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/schema"
)

// LookupKinds are what dashboard variables can list, with the column that
// holds the value and the one that holds its display name ("" for none).
var LookupKinds = map[string]struct{ Value, Label string }{
	"actors":  {"actor_id", "actor_name"},
	"apps":    {"app_id", "app_name"},
	"tokens":  {"token_id", ""},
	"sources": {"source", ""},
	"tenants": {"tenant", ""},
}

// LookupSpec selects the values a variable offers.
type LookupSpec struct {
	Database, Table string
	Variant         schema.Variant
	Kind            string
	// Prefix, when set, keeps values whose id or display name starts with
	// it, ignoring case.
	Prefix   string
	From, To time.Time
	Limit    int
}

// Lookup returns the most frequent distinct values of the kind's column in
// the range, with a display name, most frequent first.
func Lookup(s LookupSpec) (string, error) {
	if err := schema.CheckIdentifier("database", s.Database); err != nil {
		return "", err
	}
	if err := schema.CheckIdentifier("table", s.Table); err != nil {
		return "", err
	}
	k, ok := LookupKinds[s.Kind]
	if !ok {
		return "", fmt.Errorf("kind %q cannot be listed", s.Kind)
	}
	if s.Limit < 1 {
		return "", fmt.Errorf("limit must be positive")
	}
	label := "''"
	if k.Label != "" {
		label = "argMaxIf(" + k.Label + ", event_time, " + k.Label + " != '')"
	}
	conds := []string{
		Range(s.Variant, s.From, s.To),
		k.Value + " != ''",
	}
	if s.Prefix != "" {
		like := Quote(likeEscaper.Replace(strings.ToLower(s.Prefix)) + "%")
		match := "lower(" + k.Value + ") LIKE " + like
		if k.Label != "" {
			match = "(" + match + " OR lower(" + k.Label + ") LIKE " + like + ")"
		}
		conds = append(conds, match)
	}
	return fmt.Sprintf("SELECT %s AS value, %s AS display, count() AS n\nFROM %s.%s\nWHERE %s\nGROUP BY value\nORDER BY n DESC, value\nLIMIT %d",
		k.Value, label, s.Database, s.Table, where(conds...), s.Limit), nil
}
