// Package schema owns the normalized table: its DDL in the two variants the
// plugin supports, the list of columns the plugin requires, and the
// identifier rules that keep database and table names out of harm's way.
//
// The sort key is (toDate(event_time), actor_id, app_id, event_time,
// event_id). Every TokenTrail query is bounded by a time range, so the day
// comes first and prunes granules at day resolution inside the monthly
// partition; within a day rows of one actor and app sit together, which is
// the default correlation key, so the second pass (fetching only candidate
// keys) reads few granules; event_time, event_id last gives the engine's
// order for free.
package schema

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/echo"
)

// Variant is the flavour of DDL a server can hold.
type Variant int

const (
	// Modern uses DateTime64(3,'UTC') and LowCardinality(String): ClickHouse 20.1 and later.
	Modern Variant = iota
	// Legacy uses DateTime('UTC') (second precision) and String, for servers
	// without DateTime64 such as Debian's 18.16. Ties within a second are
	// still ordered by event_id.
	Legacy
)

func (v Variant) String() string {
	if v == Legacy {
		return "legacy (DateTime, String)"
	}
	return "modern (DateTime64(3), LowCardinality)"
}

// ForVersion picks the variant from a server version string such as "18.16.1"
// or "24.8.4.13". DateTime64 arrived in 20.1.
func ForVersion(version string) Variant {
	major, _ := strconv.Atoi(strings.SplitN(strings.TrimSpace(version), ".", 2)[0])
	if major > 0 && major < 20 {
		return Legacy
	}
	return Modern
}

// TimeBounds is the earliest and latest event_time the variant's column
// holds on every server version: DateTime counts unsigned 32-bit seconds
// from 1970 (so ends in 2106); DateTime64 covered 1925-2283 when it came in
// (20.1) and more since. ClickHouse does not refuse a literal outside these
// bounds: it silently turns it into another time.
func TimeBounds(v Variant) (time.Time, time.Time) {
	if v == Legacy {
		return time.Unix(0, 0).UTC(), time.Unix(1<<32-1, 0).UTC()
	}
	return time.Date(1925, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2283, 11, 11, 23, 59, 59, 999e6, time.UTC)
}

// ClampTime moves t into TimeBounds(v). Only for literals that bound a
// range: a bound beyond what the column holds selects the same rows as the
// column's own limit.
func ClampTime(v Variant, t time.Time) time.Time {
	lo, hi := TimeBounds(v)
	if t.Before(lo) {
		return lo
	}
	if t.After(hi) {
		return hi
	}
	return t
}

// TimeColumnName is the event_time column type of the variant, for messages.
func TimeColumnName(v Variant) string {
	if v == Legacy {
		return "DateTime"
	}
	return "DateTime64(3)"
}

// ForColumnType tells the variant of an existing table from the type of its
// event_time column, so the plugin reads whichever one it finds.
func ForColumnType(eventTimeType string) Variant {
	if strings.HasPrefix(eventTimeType, "DateTime64") {
		return Modern
	}
	return Legacy
}

// FormatTime renders t the way the variant's event_time column parses it in
// JSONEachRow and in SQL literals.
func FormatTime(v Variant, t time.Time) string {
	t = t.UTC()
	if v == Legacy {
		return t.Format("2006-01-02 15:04:05")
	}
	return t.Format("2006-01-02 15:04:05.000")
}

// Column is one column of the normalized table.
type Column struct {
	Name   string
	Modern string // type in the modern variant
	Legacy string // type in the legacy variant
}

const (
	categoryEnum = "Enum8('grant' = 1, 'token_auth' = 2, 'signin' = 3, 'data_access' = 4, 'config_change' = 5, 'revoke' = 6, 'other' = 7)"
	authEnum     = "Enum8('interactive' = 1, 'oauth' = 2, 'api_token' = 3, 'pat' = 4, 'service_account' = 5, 'unknown' = 6)"
)

// Columns is the contract users load their logs into; names are fixed.
// category and auth_method are enums so that a pipeline writing an unknown
// value fails loudly at insert instead of silently never matching a rule.
var Columns = []Column{
	{"event_time", "DateTime64(3, 'UTC')", "DateTime('UTC')"},
	{"ingest_time", "DateTime('UTC') DEFAULT now()", "DateTime('UTC') DEFAULT now()"},
	{"event_id", "String", "String"},
	{"tenant", "LowCardinality(String)", "String"},
	{"source", "LowCardinality(String)", "String"},
	{"action", "LowCardinality(String)", "String"},
	{"category", categoryEnum, categoryEnum},
	{"auth_method", authEnum, authEnum},
	{"outcome", "LowCardinality(String)", "String"},
	{"actor_id", "String", "String"},
	{"actor_name", "String", "String"},
	{"app_id", "String", "String"},
	{"app_name", "String", "String"},
	{"token_id", "String", "String"},
	{"src_ip", "String", "String"},
	{"user_agent", "String", "String"},
	{"session_id", "String", "String"},
	{"target_type", "LowCardinality(String)", "String"},
	{"target_id", "String", "String"},
	{"target_name", "String", "String"},
	{"scopes", "Array(String)", "Array(String)"},
	{"sensitivity", "UInt8", "UInt8"},
	{"raw", "String CODEC(ZSTD(3))", "String"},
}

// Accelerator is an optional column ClickHouse computes on insert so that
// the sequences query can work on numbers where it would otherwise read
// strings. Tables without them still work: the plugin then computes the
// same expressions on the fly, at about twice the cost.
type Accelerator struct {
	Name, Type, Expr string
}

// Accelerator columns.
const (
	// KeyHashColumn hashes the default correlation key (actor_id, app_id),
	// and is 0 when either part is empty (such events never correlate).
	// The two passes of the sequences query meet on it.
	KeyHashColumn = "key_hash"
	// AppHashColumn hashes app_id, so approved apps are excluded before any
	// string is read.
	AppHashColumn = "app_hash"
	// RoleColumn is the row's part in a sequence as one byte: bit 0 an
	// access (token use), bit 1 a revoke, bit 2 a sensitive category
	// (data_access, config_change) with the sensitivity, capped at 31, in
	// bits 3-7. The sequence statements then test one byte per row where
	// they would read and compare category, auth_method and sensitivity:
	// the first pass took 30 ms instead of 50 ms on 1M events. pkg/chsql's
	// tests check it against the predicates it replaces, on ClickHouse.
	RoleColumn = "role"
)

// RoleExpr computes RoleColumn.
const RoleExpr = "toUInt8((category IN ('grant', 'token_auth') OR (auth_method IN ('oauth', 'api_token', 'pat', 'service_account') AND category != 'revoke')) + 2 * (category = 'revoke') + if(category IN ('data_access', 'config_change'), 4 + 8 * least(sensitivity, 31), 0))"

// Accelerators lists the accelerator columns in DDL order.
var Accelerators = []Accelerator{
	{KeyHashColumn, "UInt64", "if(actor_id = '' OR app_id = '', 0, cityHash64(actor_id, app_id))"},
	{AppHashColumn, "UInt64", "cityHash64(app_id)"},
	{RoleColumn, "UInt8", RoleExpr},
}

// RequiredColumns are the names CheckHealth insists on.
func RequiredColumns() []string {
	names := make([]string, len(Columns))
	for i, c := range Columns {
		names[i] = c.Name
	}
	return names
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// ValidIdentifier reports whether s is safe to use unquoted as a database or
// table name. We accept a deliberately narrow set instead of quoting
// arbitrary names: it is what people use, and it leaves nothing to escape.
func ValidIdentifier(s string) bool { return identRE.MatchString(s) }

// CheckIdentifier returns an error that names the setting and the rule.
func CheckIdentifier(setting, s string) error {
	if !ValidIdentifier(s) {
		return fmt.Errorf("%s %s is not a valid name: use 1-64 letters, digits or underscores, starting with a letter or underscore", setting, echo.Quote(s))
	}
	return nil
}

// CreateTable returns the DDL for db.table in the given variant.
func CreateTable(v Variant, db, table string) (string, error) {
	if err := CheckIdentifier("database", db); err != nil {
		return "", err
	}
	if err := CheckIdentifier("table", table); err != nil {
		return "", err
	}
	return createMergeTree(v, db+"."+table, "MergeTree()"), nil
}

// createMergeTree is the DDL of the events table under name (db.table,
// with an ON CLUSTER clause when the caller adds one) with the given
// MergeTree-family engine.
func createMergeTree(v Variant, name, engine string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE IF NOT EXISTS %s\n(\n", name)
	writeColumns(&b, v, "MATERIALIZED")
	fmt.Fprintf(&b, ")\nENGINE = %s\nPARTITION BY toYYYYMM(event_time)\n", engine)
	b.WriteString("ORDER BY (toDate(event_time), actor_id, app_id, event_time, event_id)\n")
	fmt.Fprintf(&b, "SETTINGS index_granularity = %d", IndexGranularity)
	return b.String()
}

// IndexGranularity is the rows per primary-index mark of the events table
// (ClickHouse's default is 8192). The sequences' second pass reads the
// candidate keys' rows in batches, each restricted to its actors, and what
// a batch reads beyond its own rows is whole granules at the edges of
// every (part, day): at 10M events a batch read 2.6M rows for 50,000 at
// 8192 and took 0.52 s on the server, against 0.10 s at 1024, while the
// full scans (count, windowFunnel) took the same or less (measured on
// 18.16). A table's granularity is fixed when it is created: tables made
// before keep theirs, and still work.
const IndexGranularity = 1024

// writeColumns writes the column list, the accelerators as the given kind
// of computed column (MATERIALIZED where rows are stored, ALIAS on a
// Distributed table, which stores nothing and so takes no codec).
func writeColumns(b *strings.Builder, v Variant, accelerator string) {
	for _, c := range Columns {
		typ := c.Modern
		if v == Legacy {
			typ = c.Legacy
		}
		if accelerator == "ALIAS" {
			typ, _, _ = strings.Cut(typ, " CODEC(")
		}
		fmt.Fprintf(b, "    %s %s,\n", c.Name, typ)
	}
	for i, a := range Accelerators {
		sep := ","
		if i == len(Accelerators)-1 {
			sep = ""
		}
		fmt.Fprintf(b, "    %s %s %s %s%s\n", a.Name, a.Type, accelerator, a.Expr, sep)
	}
}

// CreateDatabase returns the DDL creating db if it is missing.
func CreateDatabase(db string) (string, error) {
	if err := CheckIdentifier("database", db); err != nil {
		return "", err
	}
	return "CREATE DATABASE IF NOT EXISTS " + db, nil
}

// AddColumn returns the statement that adds an accelerator column to a
// table made before it existed. Old parts compute it on read until merged.
func AddColumn(db, table string, a Accelerator) (string, error) {
	if err := CheckIdentifier("database", db); err != nil {
		return "", err
	}
	if err := CheckIdentifier("table", table); err != nil {
		return "", err
	}
	return fmt.Sprintf("ALTER TABLE %s.%s ADD COLUMN %s %s MATERIALIZED %s", db, table, a.Name, a.Type, a.Expr), nil
}

// Fingerprint identifies the DDL of a variant, so tools that keep a loaded
// table around (the demo, the benchmark) notice when it must be rebuilt.
func Fingerprint(v Variant) string {
	ddl, _ := CreateTable(v, "db", "t")
	sum := 0
	for _, c := range ddl {
		sum = sum*31 + int(c)
	}
	return fmt.Sprintf("%x", uint32(sum))
}
