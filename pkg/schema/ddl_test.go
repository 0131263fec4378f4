package schema_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

func TestForVersion(t *testing.T) {
	cases := map[string]schema.Variant{
		"18.16.1": schema.Legacy, "19.17.4.11": schema.Legacy, "20.1.2.4": schema.Modern,
		"24.8.4.13": schema.Modern, "25.10.1": schema.Modern, "": schema.Modern, "garbage": schema.Modern,
	}
	for v, want := range cases {
		if got := schema.ForVersion(v); got != want {
			t.Errorf("%q: %v, want %v", v, got, want)
		}
	}
	if schema.ForColumnType("DateTime64(3, 'UTC')") != schema.Modern || schema.ForColumnType("DateTime('UTC')") != schema.Legacy {
		t.Error("variant from the event_time column type")
	}
}

func TestFormatTime(t *testing.T) {
	tm := time.Date(2026, 1, 2, 3, 4, 5, 678_900_000, time.FixedZone("x", 3600))
	if got := schema.FormatTime(schema.Modern, tm); got != "2026-01-02 02:04:05.678" {
		t.Errorf("modern: %s", got)
	}
	if got := schema.FormatTime(schema.Legacy, tm); got != "2026-01-02 02:04:05" {
		t.Errorf("legacy: %s", got)
	}
}

func TestCreateTableText(t *testing.T) {
	modern, err := schema.CreateTable(schema.Modern, "db", "events")
	if err != nil {
		t.Fatal(err)
	}
	legacy, _ := schema.CreateTable(schema.Legacy, "db", "events")
	for _, want := range []string{"event_time DateTime64(3, 'UTC')", "tenant LowCardinality(String)", "PARTITION BY toYYYYMM(event_time)",
		"ORDER BY (toDate(event_time), actor_id, app_id, event_time, event_id)", "ENGINE = MergeTree()"} {
		if !strings.Contains(modern, want) {
			t.Errorf("modern DDL lacks %q", want)
		}
	}
	if strings.Contains(legacy, "DateTime64") || strings.Contains(legacy, "LowCardinality") || strings.Contains(legacy, "CODEC") {
		t.Errorf("legacy DDL uses types 18.16 lacks:\n%s", legacy)
	}
	for _, c := range append(schema.RequiredColumns(), schema.KeyHashColumn, schema.AppHashColumn, schema.RoleColumn) {
		if !strings.Contains(modern, "    "+c+" ") || !strings.Contains(legacy, "    "+c+" ") {
			t.Errorf("column %s missing from a variant", c)
		}
	}
	for _, bad := range []string{"", "a b", "x;DROP", "1abc", "`t`", strings.Repeat("a", 65), "db.t"} {
		if _, err := schema.CreateTable(schema.Modern, "db", bad); err == nil {
			t.Errorf("table name %q accepted", bad)
		}
		if _, err := schema.CreateDatabase(bad); err == nil {
			t.Errorf("database name %q accepted", bad)
		}
	}
}

// The variant the local server gets applies there, twice (IF NOT EXISTS),
// and has exactly the required columns.
func TestDDLAppliesOnTheLocalServer(t *testing.T) {
	s := chlocal.ForTest(t)
	ctx := context.Background()
	version, err := s.Exec(ctx, "SELECT version()", nil)
	if err != nil {
		t.Fatal(err)
	}
	db := s.TempDatabase(t)
	ddl, err := schema.CreateTable(schema.ForVersion(version), db, "saas_audit_events")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if _, err := s.Exec(ctx, ddl, nil); err != nil {
			t.Fatalf("apply %d: %v", i+1, err)
		}
	}
	out, err := s.Exec(ctx, "SELECT name FROM system.columns WHERE database = '"+db+"' AND table = 'saas_audit_events' FORMAT TSV", nil)
	if err != nil {
		t.Fatal(err)
	}
	// system.columns lists columns in table order (18.16 has no position column).
	want := append(schema.RequiredColumns(), schema.KeyHashColumn, schema.AppHashColumn, schema.RoleColumn)
	if got := strings.Fields(out); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("columns %v, want %v", got, want)
	}
}
