package chlocal

import (
	"context"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/schema"
)

var sharedCluster = startedOnce(ClusterFromRepo)

// ClusterForTest returns the shared local cluster, starting (and if needed
// installing) it on first use in the test binary. Test packages running in
// parallel share it (a file lock serialises the start) and each works in
// its own database. It never skips: a test that needs the cluster and
// cannot have it fails.
func ClusterForTest(t testing.TB) *Cluster {
	t.Helper()
	c, err := sharedCluster()
	if err != nil {
		t.Fatalf("the local ClickHouse cluster is required and could not be started: %v", err)
	}
	return c
}

// TempDatabase creates a database on every node (ON CLUSTER) that only
// this test uses, and drops it everywhere when the test ends.
func (c *Cluster) TempDatabase(t testing.TB) string {
	t.Helper()
	return tempDatabase(t, c.Exec, " ON CLUSTER "+c.Name)
}

// PrivateCluster starts a two-shard, two-replica cluster of the test's
// own, on free ports in a temporary folder, for tests that stop its
// servers: the shared cluster, which other test packages query at the same
// time, is never touched. It uses the shared cluster's ZooKeeper (nothing
// stops that) with an ON CLUSTER queue of its own. Its servers are killed
// when the test ends.
func PrivateCluster(t testing.TB) *Cluster {
	t.Helper()
	shared := ClusterForTest(t)
	ports := make([][3]int, ClusterShards*ClusterReplicas)
	taken := map[int]bool{}
	for k := range ports {
		for j := range ports[k] {
			p := freePort(t)
			for taken[p] {
				p = freePort(t)
			}
			taken[p] = true
			ports[k][j] = p
		}
	}
	id := randomHex(4)
	c := newCluster(filepath.Join(t.TempDir(), "cluster"), shared.ZooKeeper, ports, "/clickhouse/private_"+id+"/task_queue/ddl")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := c.Start(ctx, testWriter{t}); err != nil {
		t.Fatalf("private ClickHouse cluster: %v", err)
	}
	t.Cleanup(func() {
		for _, n := range c.Nodes {
			_ = n.Signal(syscall.SIGKILL)
		}
	})
	return c
}

// EventsTable creates the normalized table in db on every node: the local
// ReplicatedMergeTree table and the Distributed table named table over it,
// sharded by cityHash64 of shardBy (schema.DefaultShardBy when empty), in
// the variant the servers support.
func (c *Cluster) EventsTable(t testing.TB, db, table string, shardBy ...string) schema.ClusterSpec {
	t.Helper()
	ctx := context.Background()
	version, err := c.Exec(ctx, "SELECT version()", nil)
	if err != nil {
		t.Fatalf("read the cluster's version: %v", err)
	}
	spec := schema.ClusterSpec{Variant: schema.ForVersion(strings.TrimSpace(version)), Database: db, Table: table,
		Cluster: c.Name, Replicated: ClusterReplicas > 1, ShardBy: shardBy}
	for _, build := range []func(schema.ClusterSpec) (string, error){schema.CreateLocalTable, schema.CreateDistributed} {
		ddl, err := build(spec)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Exec(ctx, ddl, nil); err != nil {
			t.Fatalf("create %s.%s on cluster %s: %v", db, table, c.Name, err)
		}
	}
	return spec
}

// Insert loads JSONEachRow rows through the Distributed table db.table,
// synchronously (insert_distributed_sync: every shard has its rows when
// the insert returns), and waits until every replica has them too.
func (c *Cluster) Insert(ctx context.Context, db, table string, body io.Reader) error {
	if _, err := c.Entry().ExecWith(ctx, "INSERT INTO "+db+"."+table+" FORMAT JSONEachRow", body,
		url.Values{"insert_distributed_sync": {"1"}}); err != nil {
		return err
	}
	return c.SyncReplicas(ctx, db, schema.LocalTable(table))
}
