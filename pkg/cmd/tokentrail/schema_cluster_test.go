package main

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// TestSchemaApplyCluster creates the cluster form of the table with the
// command, twice (the second run must change nothing), checks every node
// holds the replicated local table and the Distributed table sharded by
// actor, and loads vendor records into it with `tokentrail ingest`: the
// rows land on the shards of their actors and on both replicas of each,
// and so do their baseline rollup rows, which the Distributed rollup
// reads. A cluster table of an older release (no role column, no rollup)
// gets both from a third run, the rollup filled from the events.
func TestSchemaApplyCluster(t *testing.T) {
	c := chlocal.ClusterForTest(t)
	ctx := context.Background()
	// The command creates the database itself; a name of the test's own.
	db := "tt_test_cmd_" + strconv.FormatInt(time.Now().UnixNano(), 36)
	t.Cleanup(func() { _, _ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+db+" ON CLUSTER "+c.Name, nil) })
	conn := []string{"--url", c.Entry().HTTPURL(), "--database", db}
	apply := append([]string{"apply"}, append(conn, "--cluster", c.Name)...)
	for run := 1; run <= 2; run++ {
		var out, errOut bytes.Buffer
		if err := runSchema(ctx, apply, &out, &errOut); err != nil {
			t.Fatalf("run %d: %v\n%s", run, err, errOut.String())
		}
		if !strings.Contains(out.String(), "ready on cluster "+c.Name+" (2 shards, 4 servers") || !strings.Contains(out.String(), "[6/6] Distributed rollup "+db+".saas_audit_events_days") {
			t.Errorf("run %d: progress and summary missing:\n%s", run, out.String())
		}
	}
	for _, n := range c.Nodes {
		got, err := n.Exec(ctx, "SELECT name, engine, engine_full FROM system.tables WHERE database = '"+db+"' ORDER BY name FORMAT TSV", nil)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got, "saas_audit_events\tDistributed\tDistributed("+c.Name+", "+db+", saas_audit_events_local, cityHash64(actor_id))") ||
			!strings.Contains(got, "saas_audit_events_local\tReplicatedMergeTree\tReplicatedMergeTree(\\'/clickhouse/tables/{shard}/"+db+".saas_audit_events_local\\', \\'{replica}\\')") {
			t.Errorf("node %s holds:\n%s", n.Name(), got)
		}
	}

	old := stdin
	stdin = bytes.NewReader(oktaLines(t, 40, 0))
	defer func() { stdin = old }()
	var out, errOut bytes.Buffer
	if err := runIngest(ctx, append([]string{"--source", "okta"}, append(conn, "-")...), &out, &errOut); err != nil {
		t.Fatalf("ingest into the Distributed table: %v\n%s", err, errOut.String())
	}
	if err := c.SyncReplicas(ctx, db, "saas_audit_events_local"); err != nil {
		t.Fatal(err)
	}
	counts := map[string]string{}
	for _, n := range c.Nodes {
		got, err := n.Exec(ctx, "SELECT count() FROM "+db+".saas_audit_events_local", nil)
		if err != nil {
			t.Fatal(err)
		}
		counts[n.Name()] = strings.TrimSpace(got)
	}
	// oktaLines' records share one actor: all 40 rows on one shard, both
	// of its replicas, none on the other.
	if !(counts["s1r1"] == counts["s1r2"] && counts["s2r1"] == counts["s2r2"] &&
		((counts["s1r1"] == "40" && counts["s2r1"] == "0") || (counts["s1r1"] == "0" && counts["s2r1"] == "40"))) {
		t.Errorf("rows per node %v: want all 40 on both replicas of one shard", counts)
	}
	if err := c.SyncReplicas(ctx, db, "saas_audit_events_local_days"); err != nil {
		t.Fatal(err)
	}
	rolledUp := func(node *chlocal.Node, table string) string {
		t.Helper()
		got, err := node.Exec(ctx, "SELECT countMerge(events) FROM "+db+"."+table+" WHERE dim = 'actor'", nil)
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(got)
	}
	for _, n := range c.Nodes {
		if got := rolledUp(n, "saas_audit_events_local_days"); got != counts[n.Name()] {
			t.Errorf("node %s: its rollup counts %s events, its table holds %s", n.Name(), got, counts[n.Name()])
		}
	}
	if got := rolledUp(c.Entry(), "saas_audit_events_days"); got != "40" {
		t.Errorf("the Distributed rollup counts %s events, want 40", got)
	}

	// An older release's cluster table: no role column, no rollup.
	spec := schema.ClusterSpec{Variant: schema.ForVersion(strings.TrimSpace(mustExec(t, c.Entry(), "SELECT version()"))), Database: db,
		Table: "saas_audit_events", Cluster: c.Name, Replicated: true}
	dist, err := schema.CreateDistributed(spec)
	if err != nil {
		t.Fatal(err)
	}
	oldDist := strings.Replace(dist, ",\n    role UInt8 ALIAS "+schema.RoleExpr, "", 1)
	if oldDist == dist {
		t.Fatalf("no role column to leave out of\n%s", dist)
	}
	for _, stmt := range []string{
		"DROP TABLE " + db + ".saas_audit_events_local_days_mv ON CLUSTER " + c.Name,
		"DROP TABLE " + db + ".saas_audit_events_days ON CLUSTER " + c.Name,
		"DROP TABLE " + db + ".saas_audit_events_local_days ON CLUSTER " + c.Name,
		"DROP TABLE " + db + ".saas_audit_events ON CLUSTER " + c.Name, oldDist,
		"ALTER TABLE " + db + ".saas_audit_events_local ON CLUSTER " + c.Name + " DROP COLUMN role",
	} {
		if _, err := c.Exec(ctx, stmt, nil); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	out.Reset()
	if err := runSchema(ctx, apply, &out, &errOut); err != nil {
		t.Fatalf("upgrade: %v\n%s", err, errOut.String())
	}
	for _, want := range []string{"added role to " + db + ".saas_audit_events_local on cluster", "made the Distributed table " + db + ".saas_audit_events again",
		"filling the baseline rollup from 40 existing events"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("upgrade: %q missing:\n%s", want, out.String())
		}
	}
	if err := c.SyncReplicas(ctx, db, "saas_audit_events_local_days"); err != nil {
		t.Fatal(err)
	}
	if got := rolledUp(c.Entry(), "saas_audit_events_days"); got != "40" {
		t.Errorf("after the backfill the Distributed rollup counts %s events, want 40", got)
	}
	// The stored column on each shard's first replica, and the
	// Distributed table's, agree with the expression on every row.
	role := "SELECT countIf(role = " + schema.RoleExpr + ") FROM " + db + "."
	stored := 0
	for shard := 1; shard <= chlocal.ClusterShards; shard++ {
		n, _ := strconv.Atoi(strings.TrimSpace(mustExec(t, c.Node(shard, 1), role+"saas_audit_events_local")))
		stored += n
	}
	if got := strings.TrimSpace(mustExec(t, c.Entry(), role+"saas_audit_events")); stored != 40 || got != "40" {
		t.Errorf("role after the upgrade: %d stored rows and %s Distributed rows agree with its expression, want 40 each", stored, got)
	}
}

func TestSchemaApplyClusterErrors(t *testing.T) {
	c := chlocal.ClusterForTest(t)
	db := c.TempDatabase(t)
	if _, err := c.Exec(context.Background(), "CREATE TABLE "+db+".plain (x UInt8) ENGINE = TinyLog", nil); err != nil {
		t.Fatal(err)
	}
	conn := []string{"apply", "--url", c.Entry().HTTPURL(), "--database", db}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown cluster", []string{"--cluster", "nope"}, "cluster nope is not defined in the remote_servers of the server at " + c.Entry().HTTPURL() + ": name one of ["},
		{"bad cluster name", []string{"--cluster", "a;b"}, `cluster "a;b" is not a valid name`},
		{"unknown shard-by column", []string{"--cluster", c.Name, "--shard-by", "actor"}, `shard-by column "actor" is not a column of the table`},
		{"table exists and is not Distributed", []string{"--cluster", c.Name, "--table", "plain"}, db + ".plain already exists as a TinyLog table, not a Distributed one"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := runSchema(context.Background(), append(append([]string{}, conn...), tc.args...), &out, &errOut)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("want an error containing %q, got %v", tc.want, err)
			}
		})
	}
	var out, errOut bytes.Buffer
	if err := runSchema(context.Background(), append(append([]string{}, conn...), "--cluster", c.Name, "--table", "printed", "--print"), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ON CLUSTER " + c.Name, "ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/" + db + ".printed_local', '{replica}')",
		"key_hash UInt64 ALIAS", "role UInt8 ALIAS", "role UInt8 MATERIALIZED", "ENGINE = Distributed(" + c.Name + ", " + db + ", printed_local, cityHash64(actor_id))",
		"ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/" + db + ".printed_local_days', '{replica}')", "replicated_deduplication_window = 0",
		"CREATE MATERIALIZED VIEW IF NOT EXISTS " + db + ".printed_local_days_mv ON CLUSTER " + c.Name + " TO " + db + ".printed_local_days",
		"ENGINE = Distributed(" + c.Name + ", " + db + ", printed_local_days, cityHash64(value))"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("--print lacks %q:\n%s", want, out.String())
		}
	}
	if got, _ := c.Exec(context.Background(), "SELECT count() FROM system.tables WHERE database = '"+db+"' AND name LIKE 'printed%'", nil); strings.TrimSpace(got) != "0" {
		t.Errorf("--print created %s tables", strings.TrimSpace(got))
	}
}

func mustExec(t *testing.T, n *chlocal.Node, sql string) string {
	t.Helper()
	out, err := n.Exec(context.Background(), sql, nil)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return out
}
