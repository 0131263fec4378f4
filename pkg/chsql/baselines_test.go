package chsql

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/schema"
)

func baselineSpecs() map[string]BaselineSpec {
	base := BaselineSpec{Database: "default", Table: "saas_audit_events", Variant: schema.Legacy, ServerMajor: 18,
		WindowStart: from.AddDate(0, 0, -30), To: to, CorrelateBy: []string{"actor_id", "app_id"}, MinSensitivity: 1, KeyHash: true, AppHash: true}
	plain := base
	plain.KeyHash, plain.AppHash, plain.Variant, plain.ServerMajor = false, false, schema.Modern, 24
	plain.CorrelateBy = []string{"token_id"}
	return map[string]BaselineSpec{"accelerated": base, "plain_modern": plain}
}

// The golden files pin the baseline statements (the store's integration
// tests run them against ClickHouse with their external tables).
func TestBaselinesGolden(t *testing.T) {
	builders := map[string]func(BaselineSpec) (string, error){"key_days": KeyDays, "actor_days": ActorDays, "app_stats": AppStats, "token_stats": TokenStats}
	for specName, spec := range baselineSpecs() {
		for name, build := range builders {
			t.Run(name+"_"+specName, func(t *testing.T) {
				sql, err := build(spec)
				if err != nil {
					t.Fatal(err)
				}
				golden(t, "baseline_"+name+"_"+specName, sql)
			})
		}
	}
}

func TestBaselinesRejectUnsafeInput(t *testing.T) {
	for i, mutate := range []func(*BaselineSpec){
		func(s *BaselineSpec) { s.Table = "t; DROP TABLE x" },
		func(s *BaselineSpec) { s.CorrelateBy = []string{"actor_id) OR (1"} },
		func(s *BaselineSpec) { s.CorrelateBy = nil },
		func(s *BaselineSpec) { s.To = s.WindowStart.Add(-1) },
	} {
		s := baselineSpecs()["accelerated"]
		mutate(&s)
		for _, build := range []func(BaselineSpec) (string, error){KeyDays, ActorDays, AppStats, TokenStats} {
			if sql, err := build(s); err == nil {
				t.Errorf("case %d: want an error, got\n%s", i, sql)
			}
		}
	}
}

func TestNetworkExprPicksParser(t *testing.T) {
	if e := NetworkWith(18); strings.Contains(e, "OrDefault") {
		t.Errorf("18.16 has no IPv6StringToNumOrDefault: %s", e)
	}
	if e := NetworkWith(24); !strings.Contains(e, "IPv6StringToNumOrDefault") {
		t.Errorf("current releases throw on bad input without the OrDefault form: %s", e)
	}
}

// The rollup's DDL, its backfill, the baseline statements over it and the
// identity statements are pinned too (the store's tests create the rollup
// on ClickHouse and require the same scores as the raw statements).
func TestRollupGolden(t *testing.T) {
	ddl, err := CreateRollup("db", "events", 18)
	if err != nil {
		t.Fatal(err)
	}
	fill, err := BackfillRollup("db", "events", 24)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "rollup_ddl", strings.Join(append(ddl, fill), ";\n\n"))
	spec := baselineSpecs()["accelerated"]
	spec.Rollup = true
	var stmts []string
	spans := []ActorSpan{{First: "alice", Last: "alice"}, {First: "bob", Last: "bob\x01x"}, {First: "zoë", Last: "zoë"}}
	identity := func(s BaselineSpec) (string, error) { return Identity(s, spans) }
	for _, build := range []func(BaselineSpec) (string, error){KeyDays, ActorDays, AppStats, TokenStats, identity} {
		sql, err := build(spec)
		if err != nil {
			t.Fatal(err)
		}
		stmts = append(stmts, sql)
	}
	// With NearFrom, the actors' days before its eve leave out the lists
	// only the near-episode signals read.
	near := spec
	near.NearFrom = spec.To.Add(-36 * time.Hour)
	split, err := ActorDays(near)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(split, "UNION ALL") || !strings.Contains(split, "'' AS network_app_apps") {
		t.Errorf("ActorDays with NearFrom does not split the window:\n%s", split)
	}
	stmts = append(stmts, split)
	golden(t, "rollup_reads", strings.Join(stmts, ";\n\n"))
	raw := baselineSpecs()["accelerated"]
	idRaw, err := Identity(raw, spans[:1])
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "identity_raw", idRaw)
	if _, err := CreateRollup("db", strings.Repeat("t", 60), 18); err == nil || !strings.Contains(err.Error(), "at most") {
		t.Errorf("a table name too long for its rollup: %v", err)
	}
}

// TestKeyUpperBound checks the bound against the keys it must stay above,
// including actors that are prefixes of the span's last actor and actors
// with bytes at or below the separator, which would escape a naive bound.
func TestKeyUpperBound(t *testing.T) {
	tests := []struct {
		last, want string
		ok         bool
	}{
		{"alice", "alicf", true},
		{"a\xff", "b", true},
		{"ab\x01c", "ac", true},
		{"a\x1fb", "b", true},
		{"\x05", "", false},
		{"\xff\xff", "", false},
		{"", "", false},
	}
	apps := []string{"", "app", "\xff\xff\xff", "\x00"}
	for _, tc := range tests {
		got, ok := KeyUpperBound(tc.last)
		if got != tc.want || ok != tc.ok {
			t.Errorf("KeyUpperBound(%q) = %q, %v; want %q, %v", tc.last, got, ok, tc.want, tc.ok)
			continue
		}
		if !ok {
			continue
		}
		// Every actor at most last: last itself and its prefixes, and
		// strings below it at each position.
		actors := []string{tc.last, tc.last[:len(tc.last)/2], ""}
		for i := range tc.last {
			if tc.last[i] > 0 {
				actors = append(actors, tc.last[:i]+string([]byte{tc.last[i] - 1})+"\xff\xff")
			}
		}
		for _, a := range actors {
			for _, app := range apps {
				if key := a + "\x1f" + app; a <= tc.last && key >= got {
					t.Errorf("key %q of actor %q <= %q is not below the bound %q", key, a, tc.last, got)
				}
			}
		}
	}
}

func TestIdentitySpans(t *testing.T) {
	spec := baselineSpecs()["accelerated"]
	spec.Rollup = true
	many := make([]ActorSpan, MaxIdentitySpans+1)
	for i := range many {
		a := fmt.Sprintf("actor%03d", i)
		many[i] = ActorSpan{First: a, Last: a}
	}
	sql, err := Identity(spec, many)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(sql, "value >= ") != 1 || !strings.Contains(sql, "value >= 'actor000' AND value < 'actor065'") {
		t.Errorf("more than MaxIdentitySpans spans are not read as one:\n%s", sql)
	}
	if _, err := Identity(spec, []ActorSpan{{First: "b", Last: "a"}}); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("an empty span: %v", err)
	}
}

func TestRollupDimensions(t *testing.T) {
	tests := []struct {
		correlateBy []string
		dim         string
	}{
		{[]string{"actor_id", "app_id"}, DimKey}, {[]string{"app_id", "actor_id"}, DimKey}, {[]string{"actor_id"}, DimActor},
		{[]string{"app_id"}, DimApp}, {[]string{"token_id"}, DimToken}, {[]string{"tenant"}, ""}, {[]string{"actor_id", "token_id"}, ""},
	}
	for _, tc := range tests {
		if got := rollupDim(tc.correlateBy); got != tc.dim {
			t.Errorf("rollupDim(%v) = %q, want %q", tc.correlateBy, got, tc.dim)
		}
		s := BaselineSpec{CorrelateBy: tc.correlateBy, Rollup: true}
		if s.UsesRollup() != (tc.dim != "") {
			t.Errorf("UsesRollup(%v) = %v", tc.correlateBy, s.UsesRollup())
		}
	}
}
