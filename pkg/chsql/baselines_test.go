package chsql

import (
	"strings"
	"testing"

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
