package chsql

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

func TestParseDistributed(t *testing.T) {
	tests := []struct {
		full string
		want DistributedEngine
		bad  bool
	}{
		{full: "Distributed(tokentrail, db, events_local, cityHash64(actor_id))",
			want: DistributedEngine{"tokentrail", "db", "events_local", "cityHash64(actor_id)"}},
		{full: "Distributed('c-1', 'db', 'ev', sipHash64(actor_id, app_id)) SETTINGS fsync_after_insert = 0",
			want: DistributedEngine{"c-1", "db", "ev", "sipHash64(actor_id, app_id)"}},
		{full: "Distributed(`c`, `d`, `t`)", want: DistributedEngine{"c", "d", "t", ""}},
		{full: "Distributed(c, d, t, rand(), 'policy')", want: DistributedEngine{"c", "d", "t", "rand()"}},
		{full: `Distributed(c, d, t, cityHash64(concat(actor_id, ',)')))`, want: DistributedEngine{"c", "d", "t", `cityHash64(concat(actor_id, ',)'))`}},
		{full: "MergeTree() ORDER BY x", bad: true},
		{full: "Distributed(c, d)", bad: true},
		{full: "Distributed(c, d, 't", bad: true},
	}
	for _, tc := range tests {
		got, err := ParseDistributed(tc.full)
		if tc.bad {
			if err == nil {
				t.Errorf("%q: want an error, got %+v", tc.full, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: got %+v, %v; want %+v", tc.full, got, err, tc.want)
		}
	}
}

func TestShardingColumns(t *testing.T) {
	tests := []struct {
		expr string
		cols []string // nil: not a known function of columns
	}{
		{"cityHash64(actor_id)", []string{"actor_id"}},
		{"cityHash64(actor_id, app_id)", []string{"actor_id", "app_id"}},
		{"sipHash64(lower(`actor_id`))", []string{"actor_id"}},
		{"intHash64(sensitivity) % 7", []string{"sensitivity"}},
		{"cityHash64(concat(actor_id, '|', tenant))", []string{"actor_id", "tenant"}},
		{"rand()", nil},
		{"cityHash64(actor_id) + rand()", nil},
		{"javaHash(actor_id) / 2", nil},
		{"42", nil},
		{"", nil},
		{"cityHash64(actor_id, 'x", nil},
		{"dictGet('d', 'shard', toUInt64(1))", nil},
	}
	for _, tc := range tests {
		cols, ok := ShardingColumns(tc.expr)
		if ok != (tc.cols != nil) || (ok && !reflect.DeepEqual(cols, tc.cols)) {
			t.Errorf("%q: got %v, %v; want %v", tc.expr, cols, ok, tc.cols)
		}
	}
}

func TestColocated(t *testing.T) {
	byActor := Sharding{Distributed: true, LocalDatabase: "db", LocalTable: "t_local", Columns: []string{"actor_id"}, Shards: 2}
	tests := []struct {
		name string
		s    Sharding
		key  []string
		want bool
	}{
		{"one server", Sharding{}, []string{"token_id"}, true},
		{"default key, sharded by actor", byActor, []string{"actor_id", "app_id"}, true},
		{"actor alone", byActor, []string{"actor_id"}, true},
		{"token key, sharded by actor", byActor, []string{"token_id"}, false},
		{"unknown sharding key", Sharding{Distributed: true, LocalDatabase: "db", LocalTable: "t", Shards: 2}, []string{"actor_id"}, false},
		{"one shard, unknown key", Sharding{Distributed: true, LocalDatabase: "db", LocalTable: "t", Shards: 1}, []string{"token_id"}, true},
		{"local table unknown", Sharding{Distributed: true, Columns: []string{"actor_id"}, Shards: 2}, []string{"actor_id"}, false},
	}
	for _, tc := range tests {
		if got := tc.s.Colocated(tc.key); got != tc.want {
			t.Errorf("%s: Colocated(%v) = %v, want %v", tc.name, tc.key, got, tc.want)
		}
	}
}

// clusterSpecs are the sequence statements on the Distributed table of a
// cluster sharded by actor: the default key plans locally, a token key
// globally.
func clusterSpecs(db string) map[string]SequenceSpec {
	byActor := Sharding{Distributed: true, LocalDatabase: db, LocalTable: "saas_audit_events_local", Columns: []string{"actor_id"}, Shards: 2}
	local := sequenceSpecs()["sequences_key_hash"]
	local.Database, local.Sharding = db, byActor
	local.Filters = []models.Filter{{Field: "source", Op: "in", Values: []string{"github", "okta"}}}
	global := sequenceSpecs()["sequences_default"]
	global.Database, global.Sharding = db, byActor
	global.CorrelateBy = []string{"token_id"}
	return map[string]SequenceSpec{"sequences_cluster_local": local, "sequences_cluster_global": global}
}

func TestClusterSequencesGolden(t *testing.T) {
	for name, spec := range clusterSpecs("default") {
		t.Run(name, func(t *testing.T) {
			sql, err := Sequences(spec)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, name, sql)
			global := strings.Contains(sql, "GLOBAL IN")
			if reads := strings.Contains(sql, "FROM default.saas_audit_events_local"); global == reads || global != (name == "sequences_cluster_global") {
				t.Errorf("plan: GLOBAL IN %v, reads the local table %v", global, reads)
			}
		})
	}
}

// Every statement the plugin sends runs on the local cluster's
// Distributed table (the ones that would not, such as an IN subquery over
// the Distributed table itself, fail there with code 288).
func TestStatementsRunOnCluster(t *testing.T) {
	c := chlocal.ClusterForTest(t)
	ctx := context.Background()
	db := c.TempDatabase(t)
	spec := schema.ClusterSpec{Variant: schema.Legacy, Database: db, Table: "saas_audit_events", Cluster: c.Name, Replicated: true}
	for _, build := range []func(schema.ClusterSpec) (string, error){schema.CreateLocalTable, schema.CreateDistributed} {
		ddl, err := build(spec)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Exec(ctx, ddl, nil); err != nil {
			t.Fatalf("%v\n%s", err, ddl)
		}
	}
	var stmts []string
	for _, s := range clusterSpecs(db) {
		sql, err := Sequences(s)
		if err != nil {
			t.Fatal(err)
		}
		stmts = append(stmts, sql)
	}
	for _, b := range baselineSpecs() {
		b.Database, b.Variant, b.ServerMajor = db, schema.Legacy, 18
		for _, build := range []func(BaselineSpec) (string, error){KeyDays, ActorDays, AppStats, TokenStats} {
			sql, err := build(b)
			if err != nil {
				t.Fatal(err)
			}
			// The keys' external tables, empty: the statements must parse
			// and plan on every shard.
			stmts = append(stmts, strings.NewReplacer(KeysTable, "(SELECT '' AS actor_id, '' AS app_id, '' AS token_id)",
				ActorsTable, "(SELECT '' AS ident)", AppsTable, "(SELECT '' AS app_id)", TokensTable, "(SELECT '' AS token_id)").Replace(sql))
		}
	}
	tl, _ := Timeline(TimelineSpec{Database: db, Table: "saas_audit_events", Variant: schema.Legacy, From: from, To: to, Limit: 5})
	vals, _ := DistinctValuesSQL(db, "saas_audit_events", "source", 5)
	stats, _ := StatsSQL(db, "saas_audit_events")
	probe, _ := ShardProbeSQL(db, "saas_audit_events")
	stmts = append(stmts, tl, vals, stats, probe, TableEngineSQL(db, "saas_audit_events"), ClusterReplicasSQL(c.Name))
	for _, sql := range stmts {
		if _, err := c.Exec(ctx, sql, nil); err != nil {
			t.Errorf("the cluster rejected:\n%s\n%v", sql, err)
		}
	}
}
