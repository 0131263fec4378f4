package schema

import (
	"fmt"
	"slices"
	"strings"
)

// The normalized table on a ClickHouse cluster is two tables: the events
// live in a local (Replicated)MergeTree table on every shard, and a
// Distributed table over them is what Grafana and the ingest tools name.
//
// Rows are sharded by cityHash64(actor_id). The default correlation key is
// (actor_id, app_id): with every actor's events on one shard, every key's
// access, sensitive and revoke events are on the same shard, so each shard
// can find its own candidate keys (the first pass of the sequences query)
// from its local table alone, and no key list crosses the network. Sharding
// by actor rather than by (actor_id, app_id) keeps that true for
// correlateBy actor_id alone and for the actor baselines, which read every
// app of an actor. The cost is skew: one very busy actor (a sync service
// account) lands on one shard.

// LocalSuffix names the local table of a Distributed table: events_local
// holds the rows of events on each shard.
const LocalSuffix = "_local"

// LocalTable names table's local table.
func LocalTable(table string) string { return table + LocalSuffix }

// DefaultShardBy is what the Distributed table shards rows by.
var DefaultShardBy = []string{"actor_id"}

// ClusterSpec describes the cluster form of the normalized table.
type ClusterSpec struct {
	Variant Variant
	// Database and Table name the Distributed table, the one the plugin's
	// table setting and the ingest tools name.
	Database, Table string
	// Cluster is the cluster's name in the servers' remote_servers.
	Cluster string
	// Replicated makes the local table a ReplicatedMergeTree, for clusters
	// whose shards have more than one replica. Its ZooKeeper path uses
	// the {shard} and {replica} macros of each server's config.
	Replicated bool
	// ShardBy are the columns whose cityHash64 picks a row's shard;
	// empty means DefaultShardBy.
	ShardBy []string
}

// Check validates every name the DDL uses.
func (c ClusterSpec) Check() error {
	if err := CheckIdentifier("database", c.Database); err != nil {
		return err
	}
	if err := CheckIdentifier("table", c.Table); err != nil {
		return err
	}
	if err := CheckIdentifier("cluster", c.Cluster); err != nil {
		return err
	}
	if err := CheckIdentifier("table", LocalTable(c.Table)); err != nil {
		return fmt.Errorf("the local table of %s would be named %s: %w", c.Table, LocalTable(c.Table), err)
	}
	names := RequiredColumns()
	for i, col := range c.shardBy() {
		if !slices.Contains(names, col) {
			return fmt.Errorf("shard-by column %q is not a column of the table: use one or more of %s (default %s)", col, strings.Join(names, ", "), strings.Join(DefaultShardBy, ","))
		}
		if slices.Contains(c.shardBy()[:i], col) {
			return fmt.Errorf("shard-by lists %q twice: list each column once", col)
		}
	}
	return nil
}

func (c ClusterSpec) shardBy() []string {
	if len(c.ShardBy) == 0 {
		return DefaultShardBy
	}
	return c.ShardBy
}

// ShardingKey is the Distributed table's sharding expression.
func (c ClusterSpec) ShardingKey() string {
	return "cityHash64(" + strings.Join(c.shardBy(), ", ") + ")"
}

// ZooKeeperPath is where the local table's replicas meet in ZooKeeper: one
// path per shard ({shard} is each server's macro) and per table.
func (c ClusterSpec) ZooKeeperPath() string {
	return "/clickhouse/tables/{shard}/" + c.Database + "." + LocalTable(c.Table)
}

// CreateDatabaseOnCluster creates db on every server of the cluster.
func CreateDatabaseOnCluster(db, cluster string) (string, error) {
	if err := CheckIdentifier("database", db); err != nil {
		return "", err
	}
	if err := CheckIdentifier("cluster", cluster); err != nil {
		return "", err
	}
	return "CREATE DATABASE IF NOT EXISTS " + db + " ON CLUSTER " + cluster, nil
}

// CreateLocalTable returns the DDL of the local table on every server of
// the cluster: the single-server table's columns, sort key and partitions,
// replicated when the spec says so.
func CreateLocalTable(c ClusterSpec) (string, error) {
	if err := c.Check(); err != nil {
		return "", err
	}
	engine := "MergeTree()"
	if c.Replicated {
		engine = fmt.Sprintf("ReplicatedMergeTree('%s', '{replica}')", c.ZooKeeperPath())
	}
	return createMergeTree(c.Variant, c.Database+"."+LocalTable(c.Table)+" ON CLUSTER "+c.Cluster, engine), nil
}

// CreateDistributed returns the DDL of the Distributed table on every
// server of the cluster. Its columns are spelt out rather than copied with
// AS local: on ClickHouse 18.16 a Distributed table that copies the
// MATERIALIZED accelerator columns sends them with every insert, and every
// insert fails (code 44, "Cannot insert column key_hash, because it is
// MATERIALIZED column"). As ALIAS columns they are never sent; a query
// that names them reaches each shard unchanged and reads the shard's
// stored column.
func CreateDistributed(c ClusterSpec) (string, error) {
	if err := c.Check(); err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE IF NOT EXISTS %s.%s ON CLUSTER %s\n(\n", c.Database, c.Table, c.Cluster)
	writeColumns(&b, c.Variant, "ALIAS")
	fmt.Fprintf(&b, ")\nENGINE = Distributed(%s, %s, %s, %s)", c.Cluster, c.Database, LocalTable(c.Table), c.ShardingKey())
	return b.String(), nil
}

// AddLocalColumn returns the statement that adds accelerator a to the
// cluster's local table on every server, stored as on a single server.
func AddLocalColumn(c ClusterSpec, a Accelerator) (string, error) {
	if err := c.Check(); err != nil {
		return "", err
	}
	return fmt.Sprintf("ALTER TABLE %s.%s ON CLUSTER %s ADD COLUMN %s %s MATERIALIZED %s", c.Database, LocalTable(c.Table), c.Cluster, a.Name, a.Type, a.Expr), nil
}
