package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/chhttp"
	"github.com/tokentrail/tokentrail/pkg/chsql"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// clusterReplica is one row of system.clusters.
type clusterReplica struct {
	Shard   uint32 `json:"shard_num"`
	Replica uint32 `json:"replica_num"`
	Host    string `json:"host_name"`
	Port    uint16 `json:"port"`
}

// clusterShape reads the cluster's shards and replicas from the server's
// remote_servers, and says which clusters exist when name is not one.
func clusterShape(ctx context.Context, cl *chhttp.Client, name string) (map[uint32][]clusterReplica, error) {
	shards := map[uint32][]clusterReplica{}
	err := chhttp.QueryRows(ctx, cl, chsql.ClusterReplicasSQL(name)+" FORMAT JSONEachRow", func(r clusterReplica) error {
		shards[r.Shard] = append(shards[r.Shard], r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read cluster %s from system.clusters: %w", name, err)
	}
	if len(shards) > 0 {
		return shards, nil
	}
	var names []string
	err = chhttp.QueryRows(ctx, cl, "SELECT DISTINCT cluster FROM system.clusters ORDER BY cluster FORMAT JSONEachRow", func(r struct {
		Cluster string `json:"cluster"`
	}) error {
		names = append(names, r.Cluster)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("cluster %s is not defined in the remote_servers of the server at %s: name one of [%s], or define it in every server's config (see the README's cluster section)",
		name, cl.BaseURL, strings.Join(names, ", "))
}

// applyClusterSchema creates, on every server of the cluster (ON CLUSTER),
// the database, the local table (ReplicatedMergeTree when a shard has more
// than one replica) and the Distributed table over it. Each step prints
// what it did; the last line sums up.
func applyClusterSchema(ctx context.Context, cl *chhttp.Client, spec schema.ClusterSpec, printOnly bool, out io.Writer) error {
	started := time.Now()
	if err := spec.Check(); err != nil {
		return err
	}
	version, err := cl.ServerVersion(ctx)
	if err != nil {
		return fmt.Errorf("ask the server its version: %w", err)
	}
	spec.Variant = schema.ForVersion(version)
	shards, err := clusterShape(ctx, cl, spec.Cluster)
	if err != nil {
		return err
	}
	servers, most := 0, 0
	for _, rs := range shards {
		servers += len(rs)
		most = max(most, len(rs))
	}
	spec.Replicated = most > 1
	if spec.Replicated {
		if err := checkMacros(ctx, cl); err != nil {
			return err
		}
	}
	if !printOnly {
		if err := checkNotPlain(ctx, cl, spec.Database, spec.Table); err != nil {
			return err
		}
	}
	dbSQL, err := schema.CreateDatabaseOnCluster(spec.Database, spec.Cluster)
	if err != nil {
		return err
	}
	localSQL, err := schema.CreateLocalTable(spec)
	if err != nil {
		return err
	}
	distSQL, err := schema.CreateDistributed(spec)
	if err != nil {
		return err
	}
	major := serverMajor(version)
	rollupSQL, err := chsql.CreateClusterRollup(spec, major)
	if err != nil {
		return err
	}
	names, err := chsql.ClusterRollupNames(spec)
	if err != nil {
		return err
	}
	if printOnly {
		fmt.Fprintf(out, "-- ClickHouse %s: %s variant; cluster %s: %d shards, %d servers\n%s;\n%s;\n%s;\n%s;\n",
			version, spec.Variant, spec.Cluster, len(shards), servers, dbSQL, localSQL, distSQL, strings.Join(rollupSQL, ";\n"))
		return nil
	}
	// A rollup that is new on a table that has events is filled from them
	// once its view exists (events inserted from then on reach it through
	// the view; a backfill before the view could miss a concurrent insert,
	// one after it may count such an insert twice, which only nudges a
	// baseline).
	hadRollup, err := countOf(ctx, cl, "SELECT count() FROM system.tables WHERE database = "+chhttp.QuoteString(spec.Database)+
		" AND name = "+chhttp.QuoteString(names.Distributed))
	if err != nil {
		return err
	}
	local := spec.Database + "." + schema.LocalTable(spec.Table)
	steps := []struct{ what, sql string }{
		{"database " + spec.Database, dbSQL},
		{"local table " + local, localSQL},
		{"Distributed table " + spec.Database + "." + spec.Table, distSQL},
		{"baseline rollup " + spec.Database + "." + names.Local, rollupSQL[0]},
		{"view " + spec.Database + "." + names.View + " filling it from " + local, rollupSQL[1]},
		{"Distributed rollup " + spec.Database + "." + names.Distributed, rollupSQL[2]},
	}
	for i, s := range steps {
		t := time.Now()
		if err := cl.Exec(ctx, s.sql, nil); err != nil {
			return fmt.Errorf("create the %s on cluster %s: %w%s", s.what, spec.Cluster, err, onClusterHint(err))
		}
		fmt.Fprintf(out, "schema: [%d/%d] %s on %d servers (%s)\n", i+1, len(steps), s.what, servers, time.Since(t).Round(10*time.Millisecond))
		if i == 2 {
			// Tables made before an accelerator column existed get it
			// before the view that reads it is created.
			if err := addClusterAccelerators(ctx, cl, spec, out); err != nil {
				return err
			}
		}
	}
	if hadRollup == 0 {
		if err := backfillClusterRollup(ctx, cl, spec, major, out); err != nil {
			return err
		}
	}
	engine := "MergeTree"
	if spec.Replicated {
		engine = "ReplicatedMergeTree at " + spec.ZooKeeperPath()
	}
	fmt.Fprintf(out, "schema: %s.%s ready on cluster %s (%d shards, %d servers; %s): local table %s (%s), sharded by %s, in %s\n",
		spec.Database, spec.Table, spec.Cluster, len(shards), servers, spec.Variant, schema.LocalTable(spec.Table), engine,
		spec.ShardingKey(), time.Since(started).Round(10*time.Millisecond))
	return nil
}

// addClusterAccelerators adds the accelerator columns (schema.Accelerators)
// a cluster table made by an older release lacks. The local table gets
// them stored (ALTER … ON CLUSTER, run once per shard on its replicated
// table). The Distributed table, whose columns compute them on read, is
// made again: 18.16 refuses ALTER … ON CLUSTER of a table that is not
// replicated in a cluster whose shards are (code 371), and a Distributed
// table holds no rows (inserts wait for the shards, see ingest), so
// dropping and creating it loses nothing.
func addClusterAccelerators(ctx context.Context, cl *chhttp.Client, spec schema.ClusterSpec, out io.Writer) error {
	missing := func(table, column string) (bool, error) {
		n, err := countOf(ctx, cl, "SELECT count() FROM system.columns WHERE database = "+chhttp.QuoteString(spec.Database)+
			" AND table = "+chhttp.QuoteString(table)+" AND name = "+chhttp.QuoteString(column))
		return n == 0, err
	}
	local := schema.LocalTable(spec.Table)
	remake := false
	for _, a := range schema.Accelerators {
		gone, err := missing(local, a.Name)
		if err != nil {
			return err
		}
		if gone {
			alter, err := schema.AddLocalColumn(spec, a)
			if err != nil {
				return err
			}
			if err := cl.Exec(ctx, alter, nil); err != nil {
				return fmt.Errorf("add %s to %s.%s on cluster %s: %w%s", a.Name, spec.Database, local, spec.Cluster, err, onClusterHint(err))
			}
			fmt.Fprintf(out, "schema: added %s to %s.%s on cluster %s\n", a.Name, spec.Database, local, spec.Cluster)
		}
		if gone, err = missing(spec.Table, a.Name); err != nil {
			return err
		}
		remake = remake || gone
	}
	if !remake {
		return nil
	}
	create, err := schema.CreateDistributed(spec)
	if err != nil {
		return err
	}
	for _, stmt := range []string{"DROP TABLE IF EXISTS " + spec.Database + "." + spec.Table + " ON CLUSTER " + spec.Cluster, create} {
		if err := cl.Exec(ctx, stmt, nil); err != nil {
			return fmt.Errorf("recreate the Distributed table %s.%s with the accelerator columns on cluster %s: %w%s", spec.Database, spec.Table, spec.Cluster, err, onClusterHint(err))
		}
	}
	fmt.Fprintf(out, "schema: made the Distributed table %s.%s again with the accelerator columns on cluster %s\n", spec.Database, spec.Table, spec.Cluster)
	return nil
}

// backfillClusterRollup fills a new rollup from the events the cluster
// already holds.
func backfillClusterRollup(ctx context.Context, cl *chhttp.Client, spec schema.ClusterSpec, major int, out io.Writer) error {
	rows, err := countOf(ctx, cl, "SELECT count() FROM "+spec.Database+"."+spec.Table)
	if err != nil || rows == 0 {
		return err
	}
	fill, err := chsql.BackfillClusterRollup(spec, major)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "schema: filling the baseline rollup from %d existing events\n", rows)
	if err := cl.ExecWith(ctx, fill, nil, url.Values{"insert_distributed_sync": {"1"}}); err != nil {
		return fmt.Errorf("fill the baseline rollup on cluster %s: %w", spec.Cluster, err)
	}
	return nil
}

// checkMacros makes sure the server has the macros the replicated table's
// ZooKeeper path and replica name use, so a missing one is named here and
// not as "No macro shard in config" from every server.
func checkMacros(ctx context.Context, cl *chhttp.Client) error {
	have := map[string]bool{}
	err := chhttp.QueryRows(ctx, cl, "SELECT macro FROM system.macros FORMAT JSONEachRow", func(r struct {
		Macro string `json:"macro"`
	}) error {
		have[r.Macro] = true
		return nil
	})
	if err != nil {
		return fmt.Errorf("read system.macros: %w", err)
	}
	var missing []string
	for _, m := range []string{"shard", "replica"} {
		if !have[m] {
			missing = append(missing, m)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("the cluster has shards with several replicas, so the local table is a ReplicatedMergeTree whose ZooKeeper path and replica name use the {shard} and {replica} macros, "+
			"but the server at %s has no macro %s: add <macros><shard>…</shard><replica>…</replica></macros> to every server's config (each server its own values)",
			cl.BaseURL, strings.Join(missing, " or "))
	}
	return nil
}

// checkNotPlain refuses to go on when db.table exists but is not
// Distributed: CREATE … IF NOT EXISTS would keep it and say nothing.
func checkNotPlain(ctx context.Context, cl *chhttp.Client, db, table string) error {
	var engine string
	err := chhttp.QueryRows(ctx, cl, chsql.TableEngineSQL(db, table)+" FORMAT JSONEachRow", func(r struct {
		Engine string `json:"engine"`
	}) error {
		engine = r.Engine
		return nil
	})
	if err != nil {
		return fmt.Errorf("read the engine of %s.%s: %w", db, table, err)
	}
	if engine != "" && engine != "Distributed" {
		return fmt.Errorf("%s.%s already exists as a %s table, not a Distributed one: choose another --table for the cluster, or move its rows and drop it first", db, table, engine)
	}
	return nil
}

// onClusterHint explains the ON CLUSTER failures an operator can fix.
func onClusterHint(err error) string {
	var ce *chhttp.Error
	if !errors.As(err, &ce) {
		return ""
	}
	switch {
	case strings.Contains(ce.Message, "DistributedDDL") || strings.Contains(ce.Message, "distributed_ddl"):
		return "; ON CLUSTER needs <distributed_ddl> and <zookeeper> in every server's config"
	case ce.Code == 159:
		return "; a server did not run the statement within distributed_ddl_task_timeout: check that every server of the cluster is up and reaches ZooKeeper"
	}
	return ""
}
