package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/tokentrail/tokentrail/pkg/chsql"
	"github.com/tokentrail/tokentrail/pkg/echo"
)

// ErrShardUnavailable marks a query on a Distributed table that could not
// reach any replica of a shard: its answer would lack that shard's events,
// so it fails instead (unless the datasource allows skipping shards).
var ErrShardUnavailable = errors.New("a shard of the ClickHouse cluster is unavailable")

// Distribution is what the plugin knows of a Distributed table: read from
// system.tables and system.clusters on the server it connects to, when the
// instance first needs the table and at every health check.
type Distribution struct {
	Engine chsql.DistributedEngine
	// Shards are the cluster's shards as this server's remote_servers
	// defines them; empty when the cluster is not defined here.
	Shards []Shard
	// ShardingColumns are the columns the sharding key is a function of,
	// nil when it is unknown (see chsql.ShardingColumns).
	ShardingColumns []string
}

// Shard is one shard and its replicas' addresses.
type Shard struct {
	Num      uint32
	Replicas []string // host:port as remote_servers names them
	// addresses also holds host_address:port, the form some errors use.
	addresses []string
}

// Sharding is what the statement builders need.
func (d *Distribution) Sharding() chsql.Sharding {
	if d == nil {
		return chsql.Sharding{}
	}
	return chsql.Sharding{Distributed: true, LocalDatabase: d.Engine.Database, LocalTable: d.Engine.Table,
		Columns: d.ShardingColumns, Shards: len(d.Shards)}
}

// Describe is the health check's sentence about the table's layout.
func (d *Distribution) Describe() string {
	key := "with no sharding key"
	if d.Engine.ShardingKey != "" {
		key = "sharded by " + echo.Clip(d.Engine.ShardingKey)
	}
	if len(d.Shards) == 0 {
		return fmt.Sprintf("Distributed over cluster %s, %s, but this server's remote_servers does not define the cluster: every query will fail until it does.",
			echo.Quote(d.Engine.Cluster), key)
	}
	replicas := map[int]bool{}
	for _, s := range d.Shards {
		replicas[len(s.Replicas)] = true
	}
	each := fmt.Sprintf("%d replicas each", len(d.Shards[0].Replicas))
	if len(replicas) > 1 {
		each = "uneven replicas"
	} else if len(d.Shards[0].Replicas) == 1 {
		each = "1 replica each"
	}
	plan := "the sharding key keeps no correlation key on one shard, so candidate keys are computed once over all shards and shipped to each (GLOBAL IN)."
	switch {
	case len(d.Shards) == 1:
		plan = "with one shard, every key's events are on it."
	case len(d.ShardingColumns) > 0:
		plan = "a correlation key that includes " + strings.Join(d.ShardingColumns, " and ") + " finds its candidate keys on each shard in the shard's own rows; other keys' candidates are computed once over all shards and shipped to each (GLOBAL IN)."
	}
	shards := fmt.Sprintf("%d shards", len(d.Shards))
	if len(d.Shards) == 1 {
		shards = "1 shard"
	}
	return fmt.Sprintf("Distributed over %s (%s) of cluster %s, %s, reading %s.%s on each: %s",
		shards, each, d.Engine.Cluster, key, d.Engine.Database, d.Engine.Table, plan)
}

// describeDistribution reads whether the configured table is Distributed
// and, if so, its cluster's shards. It returns nil for any other engine.
func (st *Store) describeDistribution(ctx context.Context) (*Distribution, error) {
	s := st.settings
	var engine, full string
	if err := st.queryRow(ctx, chsql.TableEngineSQL(s.Database, s.Table), &engine, &full); err != nil {
		return nil, err
	}
	if engine != "Distributed" {
		return nil, nil
	}
	eng, err := chsql.ParseDistributed(full)
	if err != nil {
		// The engine is Distributed, so the plans must be global; the
		// cluster stays unknown.
		return &Distribution{}, nil
	}
	d := &Distribution{Engine: eng}
	if cols, ok := chsql.ShardingColumns(eng.ShardingKey); ok {
		d.ShardingColumns = cols
	}
	_, err = st.run(ctx, statement{sql: chsql.ClusterReplicasSQL(eng.Cluster)}, func(scan func(...any) error) error {
		var num, replica uint32
		var host, address string
		var port uint16
		if err := scan(&num, &replica, &host, &address, &port); err != nil {
			return err
		}
		if len(d.Shards) == 0 || d.Shards[len(d.Shards)-1].Num != num {
			d.Shards = append(d.Shards, Shard{Num: num})
		}
		sh := &d.Shards[len(d.Shards)-1]
		p := strconv.Itoa(int(port))
		sh.Replicas = append(sh.Replicas, host+":"+p)
		sh.addresses = append(sh.addresses, host+":"+p, address+":"+p)
		return nil
	})
	return d, err
}

// distribution returns the Distribution of the table as last described,
// nil when the table is not Distributed or not described yet. It takes no
// lock: error classification calls it while Table holds st.mu.
func (st *Store) distribution() *Distribution { return st.dist.Load() }

// Network failures a Distributed query meets when a shard is down: every
// replica refused or timed out (279), or one stopped mid-query.
const (
	codeAllConnectionTriesFailed = 279
	codeNetworkError             = 210
	codeSocketTimeout            = 209
	codeReadAfterEOF             = 32
)

// shardError explains a failure to reach a shard, naming the shard and its
// replicas, or returns nil when err is not one.
func (d *Distribution) shardError(err error) error {
	if d == nil {
		return nil
	}
	switch serverCode(err) {
	case codeAllConnectionTriesFailed, codeNetworkError, codeSocketTimeout, codeReadAfterEOF:
	default:
		return nil
	}
	msg := exceptionMessage(err)
	down := d.shardsNamedIn(msg)
	cause := firstLine(msg)
	for _, c := range []string{"Connection refused", "Timeout", "timed out", "Attempt to read after eof", "Connection reset"} {
		if strings.Contains(msg, c) {
			cause = c
			break
		}
	}
	what := "a shard of cluster " + d.Engine.Cluster
	if len(down) > 0 {
		what = strings.Join(down, "; ")
	} else {
		down = []string{what}
	}
	return &shardDownError{shards: down, msg: fmt.Sprintf("%s: %s did not answer (%s). Its events would be missing from the answer, so the query failed instead of returning a partial result: "+
		"start a replica of the shard, or turn on skipUnavailableShards in the datasource settings to accept answers without it (they then carry a notice)",
		ErrShardUnavailable, what, clip(cause))}
}

// shardDownError is ErrShardUnavailable with the shards it names.
type shardDownError struct {
	shards []string
	msg    string
}

func (e *shardDownError) Error() string { return e.msg }
func (e *shardDownError) Unwrap() error { return ErrShardUnavailable }

// shardsNamedIn describes the shards whose replicas an error message names.
func (d *Distribution) shardsNamedIn(msg string) []string {
	var out []string
	for _, sh := range d.Shards {
		for _, a := range sh.addresses {
			if strings.Contains(msg, a) {
				out = append(out, d.describeShard(sh))
				break
			}
		}
	}
	return out
}

func (d *Distribution) describeShard(sh Shard) string {
	return fmt.Sprintf("shard %d of cluster %s (replicas %s)", sh.Num, d.Engine.Cluster, strings.Join(sh.Replicas, ", "))
}

// UnavailableShards names the shards of the Distributed table that no
// replica answers for, by making the table contact every shard without
// skipping. It returns nil for a table that is not Distributed and when
// every shard answers. The plugin asks after a query that was allowed to
// skip shards, so the panel can say what its answer lacks.
func (st *Store) UnavailableShards(ctx context.Context) ([]string, error) {
	d := st.distribution()
	if d == nil {
		return nil, nil
	}
	sql, err := chsql.ShardProbeSQL(st.settings.Database, st.settings.Table)
	if err != nil {
		return nil, err
	}
	_, err = st.run(ctx, statement{sql: sql, strictShards: true}, nil)
	if err == nil {
		return nil, nil
	}
	var down *shardDownError
	if errors.As(err, &down) {
		return down.shards, nil
	}
	return nil, err
}
