package store_test

import (
	"cmp"
	"context"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/chsql"
	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/engine/enginetest"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/schema"
	"github.com/tokentrail/tokentrail/pkg/store"
)

// harness is one temporary database on the local ClickHouse, shared by a
// test's subtests; each subtest creates its own table in it.
type harness struct {
	server  *chlocal.Server
	db      string
	variant schema.Variant
	major   int // the server's major version
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	s := chlocal.ForTest(t)
	version, err := s.Exec(context.Background(), "SELECT version()", nil)
	if err != nil {
		t.Fatalf("asking the local ClickHouse for its version: %v", err)
	}
	major := 0
	for _, c := range strings.TrimSpace(version) {
		if c < '0' || c > '9' {
			break
		}
		major = major*10 + int(c-'0')
	}
	return &harness{server: s, db: s.TempDatabase(t), variant: schema.ForVersion(version), major: major}
}

// tick is the smallest time step the table keeps.
func (h *harness) tick() time.Duration {
	if h.variant == schema.Legacy {
		return time.Second
	}
	return time.Millisecond
}

// table creates a normalized table and loads rows into it. A row whose time
// the table would round fails the test: the comparison with the engine
// would then be about different timelines.
func (h *harness) table(t *testing.T, name string, rows []engine.Row) string {
	t.Helper()
	return h.load(t, name, rows, false)
}

// rollupTable is table with the baseline rollup and its view created
// first, as `tokentrail schema apply` does, so loading fills both.
func (h *harness) rollupTable(t *testing.T, name string, rows []engine.Row) string {
	t.Helper()
	return h.load(t, name, rows, true)
}

func (h *harness) load(t *testing.T, name string, rows []engine.Row, rollup bool) string {
	t.Helper()
	ctx := context.Background()
	ddl, err := schema.CreateTable(h.variant, h.db, name)
	if err != nil {
		t.Fatal(err)
	}
	stmts := []string{ddl}
	if rollup {
		r, err := chsql.CreateRollup(h.db, name, h.major)
		if err != nil {
			t.Fatal(err)
		}
		stmts = append(stmts, r...)
	}
	for _, stmt := range stmts {
		if _, err := h.server.Exec(ctx, stmt, nil); err != nil {
			t.Fatalf("create table %s: %v\n%s", name, err, stmt)
		}
	}
	var body strings.Builder
	for _, r := range rows {
		if !r.EventTime.Truncate(h.tick()).Equal(r.EventTime) {
			t.Fatalf("row %s at %s is finer than the table's %s resolution", r.EventID, r.EventTime.Format(time.RFC3339Nano), h.tick())
		}
		line, err := json.Marshal(map[string]any{
			"event_time": schema.FormatTime(h.variant, r.EventTime), "event_id": r.EventID,
			"tenant": r.Tenant, "source": r.Source, "action": r.Action,
			"category": r.Category, "auth_method": r.AuthMethod,
			"actor_id": r.ActorID, "actor_name": r.ActorName, "app_id": r.AppID, "app_name": r.AppName,
			"token_id": r.TokenID, "src_ip": r.SrcIP, "user_agent": r.UserAgent, "target_name": r.TargetName, "sensitivity": r.Sensitivity,
			"outcome": "success",
		})
		if err != nil {
			t.Fatal(err)
		}
		body.Write(line)
		body.WriteByte('\n')
	}
	if _, err := h.server.Exec(ctx, "INSERT INTO "+h.db+"."+name+" FORMAT JSONEachRow", strings.NewReader(body.String())); err != nil {
		t.Fatalf("insert into %s: %v", name, err)
	}
	return name
}

// open returns a Store on table as the datasource's read-only user, with
// approvedApps set from the engine's approved set.
func (h *harness) open(t *testing.T, table string, approved map[string]bool) *store.Store {
	t.Helper()
	s := &models.PluginSettings{
		Host: "127.0.0.1", Port: h.server.TCPPort, Protocol: models.ProtocolNative,
		Username: chlocal.ReaderUser, Database: h.db, Table: table,
		DialTimeoutSeconds: 5, QueryTimeoutSeconds: 30, MaxOpenConns: 2, BaselineDays: models.DefaultBaselineDays,
		ApprovedApps: slices.Sorted(maps.Keys(approved)),
		Secrets:      &models.SecretSettings{Password: chlocal.ReaderPassword},
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// sequences runs the query and collects the episodes and the executed SQL.
func (h *harness) sequences(t *testing.T, st *store.Store, q *models.Query) ([]engine.Episode, string) {
	t.Helper()
	var eps []engine.Episode
	sql, err := st.Sequences(context.Background(), q, func(ep engine.Episode) error {
		eps = append(eps, ep)
		return nil
	})
	if err != nil {
		t.Fatalf("Sequences: %v\nSQL:\n%s", err, sql)
	}
	if sql == "" {
		t.Fatal("Sequences returned no executed SQL")
	}
	return eps, sql
}

// queryFor builds the panel query equivalent to p the way the plugin does,
// from the query JSON and the panel range, so the store sees the defaults
// and normalisation of a real request. Approved apps are not part of it:
// they are a datasource setting (see harness.open).
func queryFor(t *testing.T, p engine.Params, filters []models.Filter) *models.Query {
	t.Helper()
	js := map[string]any{
		"queryType":       models.QuerySequences,
		"maxSpan":         p.MaxSpan.String(),
		"correlateBy":     p.CorrelateBy,
		"minSensitivity":  p.MinSensitivity,
		"includeApproved": p.IncludeApproved,
		"filters":         filters,
	}
	if p.SensitiveNeedsToken {
		js["preset"] = models.PresetAN0020Broad // the only way a query asks for it
	}
	raw, err := json.Marshal(js)
	if err != nil {
		t.Fatal(err)
	}
	q, err := models.ParseQuery(raw, "", p.From, p.To)
	if err != nil {
		t.Fatalf("the query for %+v does not parse: %v", p, err)
	}
	return q
}

// assertSameAsMemory checks that the episodes read through ClickHouse equal,
// field for field, those engine.Detect finds on rows in memory.
func assertSameAsMemory(t *testing.T, got []engine.Episode, p engine.Params, rows []engine.Row) {
	t.Helper()
	want, err := engine.Detect(p, rows)
	if err != nil {
		t.Fatalf("Detect in memory: %v", err)
	}
	if len(got) != len(want) {
		t.Fatalf("ClickHouse gave %d episodes, memory %d:\n got %+v\nwant %+v",
			len(got), len(want), enginetest.Summarize(got), enginetest.Summarize(want))
	}
	got, want = inKeyOrder(got), inKeyOrder(want)
	for i := range got {
		if g, w := inUTC(got[i]), inUTC(want[i]); !reflect.DeepEqual(g, w) {
			t.Errorf("episode %d differs from memory:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

// inUTC drops the time zone pointers, which differ between the driver and
// time.Date without the instants differing, and what only one path has:
// the compact statement's key hash, and the user-agent strings it leaves
// to their family hashes (Agents, compared).
func inUTC(ep engine.Episode) engine.Episode {
	ep.AccessTime, ep.FirstSensitive, ep.LastSensitive = ep.AccessTime.UTC(), ep.FirstSensitive.UTC(), ep.LastSensitive.UTC()
	ep.KeyHash, ep.UserAgents = 0, nil
	return ep
}

// inKeyOrder sorts episodes by key, then time: the compact statement emits
// keys in key-hash order, the engine in memory in key-value order.
func inKeyOrder(eps []engine.Episode) []engine.Episode {
	out := slices.Clone(eps)
	slices.SortStableFunc(out, func(a, b engine.Episode) int {
		return cmp.Or(slices.Compare(a.Key, b.Key), a.FirstSensitive.Compare(b.FirstSensitive))
	})
	return out
}

func episodeKeys(eps []engine.Episode) []string {
	var keys []string
	for _, ep := range eps {
		keys = append(keys, strings.Join(ep.Key, "|"))
	}
	return keys
}

// splitLiterals separates a ClickHouse statement into the text outside
// string literals and the decoded literals, following ClickHouse's lexer:
// a literal runs from ' to the next ' that is neither escaped by a
// backslash nor doubled.
func splitLiterals(t *testing.T, sql string) (code string, literals []string) {
	t.Helper()
	var out, lit strings.Builder
	in := false
	for i := 0; i < len(sql); i++ {
		c := sql[i]
		switch {
		case !in && c == '\'':
			in = true
			lit.Reset()
		case !in:
			out.WriteByte(c)
		case c == '\\' && i+1 < len(sql):
			i++
			lit.WriteByte(unescape(sql[i]))
		case c == '\'' && i+1 < len(sql) && sql[i+1] == '\'':
			i++
			lit.WriteByte('\'')
		case c == '\'':
			in = false
			literals = append(literals, lit.String())
			out.WriteString("''")
		default:
			lit.WriteByte(c)
		}
	}
	if in {
		t.Fatalf("the statement ends inside a string literal:\n%s", sql)
	}
	return out.String(), literals
}

func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	case '0':
		return 0
	}
	return c
}
