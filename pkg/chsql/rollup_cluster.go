package chsql

import (
	"fmt"

	"github.com/tokentrail/tokentrail/pkg/schema"
)

// On a cluster the baseline rollup follows the events: each shard's local
// events table (schema.LocalTable) feeds a local rollup through its own
// materialized view, and a Distributed table named as on a single server
// (RollupTable of the Distributed events table) reads every shard's
// rollup. The baselines then read it exactly as they read a single
// server's: their -Merge aggregations run on each shard and the initiator
// merges the partial states, so where a rollup row lives does not change
// any answer.
//
// With replicas, the local rollup is a ReplicatedAggregatingMergeTree:
// a materialized view fires only on the replica that received the insert,
// and the other replicas get the rollup rows by replication, as they get
// the events. Its block deduplication is off (replicated_deduplication_window
// = 0): two inserts of different events can roll up into byte-identical
// blocks (same keys, days and counts), and ReplicatedMergeTree would keep
// only the first, measured on 18.16 (two identical countState inserts
// merged to 1, not 2).

// ClusterRollup names the tables and view of a cluster's rollup.
type ClusterRollup struct {
	// Local is the rollup table on each shard, View the materialized view
	// that fills it, Distributed the table the baselines read.
	Local, View, Distributed string
}

// ClusterRollupNames returns the names the rollup of c uses.
func ClusterRollupNames(c schema.ClusterSpec) (ClusterRollup, error) {
	if err := c.Check(); err != nil {
		return ClusterRollup{}, err
	}
	local, err := rollupName(schema.LocalTable(c.Table))
	if err != nil {
		return ClusterRollup{}, err
	}
	dist, err := rollupName(c.Table)
	if err != nil {
		return ClusterRollup{}, err
	}
	return ClusterRollup{Local: local, View: local + "_mv", Distributed: dist}, nil
}

// CreateClusterRollup returns, in order, the statements that create on
// every server of the cluster the local rollup, the materialized view over
// the local events table that fills it, and the Distributed rollup over
// the local ones.
func CreateClusterRollup(c schema.ClusterSpec, serverMajor int) ([]string, error) {
	n, err := ClusterRollupNames(c)
	if err != nil {
		return nil, err
	}
	on := " ON CLUSTER " + c.Cluster
	engine, settings := "AggregatingMergeTree()", ""
	if c.Replicated {
		engine = fmt.Sprintf("ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/%s.%s', '{replica}')", c.Database, n.Local)
		settings = ", replicated_deduplication_window = 0"
	}
	return []string{
		createRollupTable(c.Database+"."+n.Local+on, engine, settings, serverMajor),
		createRollupView(c.Database, n.Local, on, schema.LocalTable(c.Table), serverMajor),
		// The sharding key only places the rows a backfill inserts
		// through this table (BackfillClusterRollup).
		fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s.%s%s AS %s.%s\nENGINE = Distributed(%s, %s, %s, cityHash64(value))",
			c.Database, n.Distributed, on, c.Database, n.Local, c.Cluster, c.Database, n.Local),
	}, nil
}

// BackfillClusterRollup returns the statement that fills the cluster's
// rollup from the events already in the Distributed table: the events are
// aggregated over every shard and the states inserted through the
// Distributed rollup (send it with insert_distributed_sync = 1 so it
// returns once every shard has its rows).
func BackfillClusterRollup(c schema.ClusterSpec, serverMajor int) (string, error) {
	n, err := ClusterRollupNames(c)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("INSERT INTO %s.%s\n%s", c.Database, n.Distributed, rollupSelect(c.Database, c.Table, serverMajor)), nil
}
