package chsql

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

var update = flag.Bool("update", false, "rewrite the golden SQL files")

var (
	from = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	to   = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
)

func sequenceSpecs() map[string]SequenceSpec {
	base := SequenceSpec{Database: "default", Table: "saas_audit_events", Variant: schema.Legacy, From: from, To: to,
		MaxSpan: time.Hour, CorrelateBy: []string{"actor_id", "app_id"}, MinSensitivity: 1}
	approved := base
	approved.ExcludeApps = []string{"backup-svc", "ci'app"}
	approved.Filters = []models.Filter{{Field: "source", Op: "in", Values: []string{"github", "m365"}}, {Field: "category", Op: "like", Values: []string{"data%"}}, {Field: "app_name", Op: "like", Values: []string{"%mail%", "%drive%"}}}
	hashed := base
	hashed.KeyHash, hashed.AppHash = true, true
	hashed.ExcludeApps = []string{"backup-svc", "o'neil"}
	hashed.CorrelateBy = []string{"app_id", "actor_id"}
	single := base
	single.CorrelateBy = []string{"token_id"}
	single.Variant = schema.Modern
	single.MaxSpan = 90 * time.Second
	single.ExcludeApps = []string{"ignored-because-app_id-is-not-a-key"}
	broad := hashed
	broad.CorrelateBy, broad.SensitiveNeedsToken = []string{"actor_id"}, true
	return map[string]SequenceSpec{"sequences_default": base, "sequences_approved_filters": approved, "sequences_token_modern": single, "sequences_key_hash": hashed, "sequences_broad": broad}
}

// The golden files pin the exact statements; a reviewer reads them to see
// what ClickHouse is asked.
func TestSequencesGolden(t *testing.T) {
	for name, spec := range sequenceSpecs() {
		t.Run(name, func(t *testing.T) {
			sql, err := Sequences(spec)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, name, sql)
		})
	}
}

// The compact path's second pass, run per batch of candidate keys, is the
// whole statement's second pass with the keys read from an external table.
func TestCompactRowsGolden(t *testing.T) {
	spec := sequenceSpecs()["sequences_key_hash"]
	sql, err := CompactRows(spec, ActorSpan{First: "00u1", Last: "o'brien@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "compact_rows", sql)
	cand, err := CompactCandidates(spec)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "compact_candidates", cand)
	if _, err := CompactRows(spec, ActorSpan{First: "b", Last: "a"}); err == nil {
		t.Error("an empty actor span was accepted")
	}
	spec.KeyHash = false
	if _, err := CompactRows(spec, ActorSpan{}); err == nil {
		t.Error("a table without key_hash has no compact second pass")
	}
	if _, err := CompactCandidates(spec); err == nil {
		t.Error("a table without key_hash has no compact first pass")
	}
}

func TestSelfJoinGolden(t *testing.T) {
	sql, err := SelfJoinSQL(sequenceSpecs()["sequences_key_hash"])
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "self_join", sql)
}

func TestTimelineGolden(t *testing.T) {
	sql, err := Timeline(TimelineSpec{Database: "db", Table: "t", Variant: schema.Modern, From: from, To: to, Limit: 50,
		Filters: []models.Filter{{Field: "actor_name", Op: "!=", Values: []string{`O'Brien\`}}}})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "timeline", sql)
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".sql")
	if *update {
		if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update once)", err)
	}
	if strings.TrimSpace(string(want)) != strings.TrimSpace(got) {
		t.Errorf("SQL differs from %s:\n%s", path, got)
	}
}

func TestBuildersRejectUnsafeInput(t *testing.T) {
	spec := sequenceSpecs()["sequences_default"]
	bad := []func(*SequenceSpec){
		func(s *SequenceSpec) { s.Table = "t; DROP TABLE x" },
		func(s *SequenceSpec) { s.Database = "`db`" },
		func(s *SequenceSpec) { s.CorrelateBy = []string{"actor_id) OR (1"} },
		func(s *SequenceSpec) { s.CorrelateBy = nil },
		func(s *SequenceSpec) { s.Filters = []models.Filter{{Field: "raw", Op: "=", Values: []string{"x"}}} },
		func(s *SequenceSpec) {
			s.Filters = []models.Filter{{Field: "source", Op: "; DROP", Values: []string{"x"}}}
		},
		func(s *SequenceSpec) { s.MaxSpan = 0 },
	}
	for i, mutate := range bad {
		s := spec
		mutate(&s)
		if sql, err := Sequences(s); err == nil {
			t.Errorf("case %d: want an error, got SQL\n%s", i, sql)
		}
	}
	if _, err := DistinctValuesSQL("db", "t", "raw", 10); err == nil {
		t.Error("values of raw must be refused")
	}
}

// Every statement the builders emit parses and runs on the real server
// (Debian's 18.16 here), against the legacy table it would meet there.
func TestStatementsRunOnClickHouse(t *testing.T) {
	s, db, v := tableOnServer(t)
	ctx := context.Background()
	var stmts []string
	for _, spec := range sequenceSpecs() {
		spec.Database, spec.Variant = db, v
		sql, err := Sequences(spec)
		if err != nil {
			t.Fatal(err)
		}
		join, err := SelfJoinSQL(spec)
		if err != nil {
			t.Fatal(err)
		}
		stmts = append(stmts, sql, join)
	}
	tl, _ := Timeline(TimelineSpec{Database: db, Table: "saas_audit_events", Variant: v, From: from, To: to, Limit: 5,
		Filters: []models.Filter{{Field: "auth_method", Op: "like", Values: []string{"o%"}}, {Field: "target_name", Op: "not in", Values: []string{"a", "b"}}}})
	vals, _ := DistinctValuesSQL(db, "saas_audit_events", "category", 5)
	stats, _ := StatsSQL(db, "saas_audit_events")
	stmts = append(stmts, tl, vals, stats, DatabaseExistsSQL(db), TableExistsSQL(db, "saas_audit_events"), ColumnsSQL(db, "saas_audit_events"))
	for _, sql := range stmts {
		if _, err := s.Exec(ctx, sql, nil); err != nil {
			t.Errorf("ClickHouse (%s schema) rejected:\n%s\n%v", v, sql, err)
		}
	}
}

// Quote must survive every character ClickHouse treats specially: the value
// read back equals the value sent.
func TestQuoteRoundTrip(t *testing.T) {
	s := chlocal.ForTest(t)
	for _, v := range []string{"", "plain", "O'Brien", `back\slash`, `\'`, "'; DROP TABLE x; --", "new\nline\ttab\rcr", "nul\x00byte", "ünïcødé ☃", `\\'\\`} {
		out, err := s.Exec(context.Background(), "SELECT hex("+Quote(v)+")", nil)
		if err != nil {
			t.Errorf("%q: %v", v, err)
			continue
		}
		if got := strings.TrimSpace(out); got != strings.ToUpper(hexOf(v)) {
			t.Errorf("%q came back as hex %s", v, got)
		}
	}
}

func hexOf(s string) string {
	const digits = "0123456789abcdef"
	b := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		b = append(b, digits[s[i]>>4], digits[s[i]&15])
	}
	return string(b)
}

// tableOnServer creates the normalized table, in the variant the local
// server supports, in a database of the test's own.
func tableOnServer(t *testing.T) (*chlocal.Server, string, schema.Variant) {
	t.Helper()
	s := chlocal.ForTest(t)
	db := s.TempDatabase(t)
	version, err := s.Exec(context.Background(), "SELECT version()", nil)
	if err != nil {
		t.Fatal(err)
	}
	v := schema.ForVersion(version)
	ddl, _ := schema.CreateTable(v, db, "saas_audit_events")
	if _, err := s.Exec(context.Background(), ddl, nil); err != nil {
		t.Fatal(err)
	}
	return s, db, v
}
