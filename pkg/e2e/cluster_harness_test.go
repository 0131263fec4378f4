package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/chsql"
	"github.com/tokentrail/tokentrail/pkg/pluginhost"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// The cluster's two Distributed tables over the same rows: one sharded as
// `schema apply --cluster` does by default (by actor, so the default key
// plans locally on each shard), one sharded by event id, which scatters
// every key over both shards and leaves only the global plan correct.
const (
	byActor = "by_actor"
	byEvent = "by_event"
)

// layouts are the tables an equality test compares with the single table.
var layouts = []string{byActor, byEvent}

// clusterFixture holds the same rows three times: in the normalized table
// of the single local server, and in the two Distributed tables of the
// local two-shard, two-replica cluster. Each has its baseline rollup, as
// `schema apply` (--cluster) makes it: the baselines read it everywhere.
type clusterFixture struct {
	single  *fixture
	cluster *chlocal.Cluster
	db      string // the cluster's database
}

func newClusterFixture(t *testing.T) *clusterFixture {
	t.Helper()
	f := &clusterFixture{single: newFixture(t), cluster: chlocal.ClusterForTest(t)}
	f.db = f.cluster.TempDatabase(t)
	major := clusterMajor(t, f.cluster)
	single, err := chsql.CreateRollup(f.single.db, "saas_audit_events", major)
	if err != nil {
		t.Fatal(err)
	}
	for _, ddl := range single {
		if _, err := f.single.server.Exec(context.Background(), ddl, nil); err != nil {
			t.Fatalf("%v\n%s", err, ddl)
		}
	}
	for table, shardBy := range map[string][]string{byActor: nil, byEvent: {"event_id"}} {
		spec := f.cluster.EventsTable(t, f.db, table, shardBy...)
		rollup, err := chsql.CreateClusterRollup(spec, major)
		if err != nil {
			t.Fatal(err)
		}
		for _, ddl := range rollup {
			if _, err := f.cluster.Exec(context.Background(), ddl, nil); err != nil {
				t.Fatalf("%v\n%s", err, ddl)
			}
		}
	}
	return f
}

// syncRollup waits until every replica of table's rollup has its rows.
func (f *clusterFixture) syncRollup(t *testing.T, table string) {
	t.Helper()
	names, err := chsql.ClusterRollupNames(schema.ClusterSpec{Database: f.db, Table: table, Cluster: f.cluster.Name})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.cluster.SyncReplicas(context.Background(), f.db, names.Local); err != nil {
		t.Fatal(err)
	}
}

// load inserts JSONEachRow rows into all three tables.
func (f *clusterFixture) load(t *testing.T, body []byte) {
	t.Helper()
	ctx := context.Background()
	if _, err := f.single.server.Exec(ctx, "INSERT INTO "+f.single.db+".saas_audit_events FORMAT JSONEachRow", bytes.NewReader(body)); err != nil {
		t.Fatal(err)
	}
	for _, table := range layouts {
		if err := f.cluster.Insert(ctx, f.db, table, bytes.NewReader(body)); err != nil {
			t.Fatalf("insert into %s.%s on the cluster: %v", f.db, table, err)
		}
		f.syncRollup(t, table)
	}
}

// contexts returns a plugin context per table for one set of datasource
// settings: "single" and each layout. Each is built once, so the plugin
// keeps one instance (and pool) per table for the whole test.
func (f *clusterFixture) contexts(t *testing.T, extra map[string]any) map[string]backend.PluginContext {
	t.Helper()
	out := map[string]backend.PluginContext{"single": pluginContext(t, f.single.settings(extra))}
	for _, table := range layouts {
		out[table] = pluginContext(t, clusterSettings("tokentrail-cluster-"+table, f.cluster.Entry().TCPPort, f.db, table, extra))
	}
	return out
}

// clusterSettings is a datasource on a Distributed table, reached through
// the cluster node on port, as the read-only user.
func clusterSettings(uid string, port int, db, table string, extra map[string]any) pluginhost.Settings {
	s := (&fixture{server: &chlocal.Server{TCPPort: port}, db: db}).settings(extra)
	s.UID = uid
	s.JSONData["table"] = table
	return s
}

// frameJSON renders a query's frames for comparison, without the executed
// SQL, which names different tables (and plans) by design.
func frameJSON(t *testing.T, frames data.Frames) string {
	t.Helper()
	var b strings.Builder
	for _, f := range frames {
		c := *f
		if c.Meta != nil {
			meta := *c.Meta
			meta.ExecutedQueryString = ""
			c.Meta = &meta
		}
		js, err := json.Marshal(&c)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(js)
		b.WriteByte('\n')
	}
	return b.String()
}

// sameFrames fails when two answers' frames differ, showing where.
func sameFrames(t *testing.T, what string, want, got data.Frames) {
	t.Helper()
	w, g := frameJSON(t, want), frameJSON(t, got)
	if w == g {
		return
	}
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	from := max(0, i-200)
	t.Errorf("%s: frames differ from the single table's at byte %d:\nsingle:  …%s…\ncluster: …%s…", what, i, w[from:min(len(w), i+200)], g[from:min(len(g), i+200)])
}

// executedSQL returns the SQL a query's first frame reports.
func executedSQL(frames data.Frames) string {
	if len(frames) == 0 || frames[0].Meta == nil {
		return ""
	}
	return frames[0].Meta.ExecutedQueryString
}

// askAll sends the same queries to every table and returns the answers by
// table.
func askAll(t *testing.T, h *pluginhost.Host, pcs map[string]backend.PluginContext, queries []backend.DataQuery) map[string]*backend.QueryDataResponse {
	t.Helper()
	out := map[string]*backend.QueryDataResponse{}
	for name, pc := range pcs {
		started := time.Now()
		resp, err := h.QueryData(context.Background(), &backend.QueryDataRequest{PluginContext: pc, Queries: queries})
		if err != nil {
			t.Fatalf("%s: QueryData: %v", name, err)
		}
		if testing.Verbose() {
			t.Logf("%s: %d queries in %s", name, len(queries), time.Since(started).Round(time.Millisecond))
		}
		out[name] = resp
	}
	return out
}

// compareAll checks every query's frames on every layout against the
// single table's, and returns the single table's frames by refId.
func compareAll(t *testing.T, what string, answers map[string]*backend.QueryDataResponse, queries []backend.DataQuery) map[string]data.Frames {
	t.Helper()
	single := map[string]data.Frames{}
	for _, q := range queries {
		single[q.RefID] = ok(t, answers["single"], q.RefID)
		for _, table := range layouts {
			sameFrames(t, fmt.Sprintf("%s, %s on %s", what, q.RefID, table), single[q.RefID], ok(t, answers[table], q.RefID))
		}
	}
	return single
}

// localPlan reports whether a sequences answer's statements found the
// candidate keys on each shard: a subquery over the local table, or the
// compact path's first pass finished on each shard.
func localPlan(sql, table string) bool {
	return strings.Contains(sql, "."+schema.LocalTable(table)+"\n") || strings.Contains(sql, "distributed_group_by_no_merge = 1")
}

// globalPlan reports whether the candidate keys were computed once over
// every shard and shipped: GLOBAL IN, or the compact path's key batches.
func globalPlan(sql string) bool {
	return strings.Contains(sql, "GLOBAL IN") || strings.Contains(sql, "SELECT k FROM "+chsql.CandidatesTable+"\n")
}

// clusterMajor is the cluster's ClickHouse major version, which the
// rollup's DDL depends on.
func clusterMajor(t *testing.T, c *chlocal.Cluster) int {
	t.Helper()
	version, err := c.Exec(context.Background(), "SELECT version()", nil)
	if err != nil {
		t.Fatal(err)
	}
	major, err := strconv.Atoi(strings.SplitN(strings.TrimSpace(version), ".", 2)[0])
	if err != nil {
		t.Fatalf("version %q: %v", version, err)
	}
	return major
}
