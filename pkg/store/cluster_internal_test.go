package store

import (
	"errors"
	"strings"
	"testing"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/tokentrail/tokentrail/pkg/chsql"
)

func twoShards(cols ...string) *Distribution {
	return &Distribution{
		Engine: chsql.DistributedEngine{Cluster: "c", Database: "db", Table: "t_local", ShardingKey: "cityHash64(actor_id)"},
		Shards: []Shard{
			{Num: 1, Replicas: []string{"ch1:9000", "ch2:9000"}, addresses: []string{"ch1:9000", "10.0.0.1:9000", "ch2:9000", "10.0.0.2:9000"}},
			{Num: 2, Replicas: []string{"ch3:9000", "ch4:9000"}, addresses: []string{"ch3:9000", "10.0.0.3:9000", "ch4:9000", "10.0.0.4:9000"}},
		},
		ShardingColumns: cols,
	}
}

// The messages the shard errors are built from are the ones 18.16 sends
// (TestClusterFaults meets them for real through the plugin binary); here
// each form a server can send is mapped without stopping servers.
func TestShardErrorNamesTheShard(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string // "" for not a shard failure
	}{
		{"all replicas refused, by host name", &clickhouse.Exception{Code: 279, Message: "All connection tries failed. Log: \n\nCode: 210, e.displayText() = DB::NetException: Connection refused (ch3:9000)\nCode: 210, e.displayText() = DB::NetException: Connection refused (ch4:9000)"},
			"shard 2 of cluster c (replicas ch3:9000, ch4:9000) did not answer (Connection refused)"},
		{"by address", &clickhouse.Exception{Code: 279, Message: "All connection tries failed. Log: \n\nCode: 209, e.displayText() = DB::NetException: Timeout: connect timed out: 10.0.0.1:9000"},
			"shard 1 of cluster c (replicas ch1:9000, ch2:9000) did not answer (Timeout)"},
		{"lost mid-query", &clickhouse.Exception{Code: 32, Message: "Attempt to read after eof: while receiving packet from ch4:9000, 10.0.0.4"},
			"shard 2 of cluster c (replicas ch3:9000, ch4:9000) did not answer (Attempt to read after eof)"},
		{"no replica named", &clickhouse.Exception{Code: 279, Message: "All connection tries failed"}, "a shard of cluster c did not answer"},
		{"another error", &clickhouse.Exception{Code: 60, Message: "Table db.t_local doesn't exist"}, ""},
		{"not a server error", errors.New("EOF"), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := twoShards("actor_id").shardError(tc.err)
			if tc.want == "" {
				if err != nil {
					t.Errorf("want nil, got %v", err)
				}
				return
			}
			if err == nil || !errors.Is(err, ErrShardUnavailable) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "skipUnavailableShards") {
				t.Errorf("got %v, want ErrShardUnavailable containing %q", err, tc.want)
			}
		})
	}
	var none *Distribution
	if err := none.shardError(&clickhouse.Exception{Code: 279}); err != nil {
		t.Errorf("a table that is not Distributed: %v", err)
	}
}

func TestDistributionDescribe(t *testing.T) {
	oneShard := twoShards("actor_id")
	oneShard.Shards = oneShard.Shards[:1]
	noCluster := twoShards("actor_id")
	noCluster.Shards = nil
	tests := []struct {
		name string
		d    *Distribution
		want []string
	}{
		{"sharded by actor", twoShards("actor_id"), []string{"Distributed over 2 shards (2 replicas each) of cluster c, sharded by cityHash64(actor_id)", "db.t_local", "includes actor_id finds its candidate keys on each shard"}},
		{"unknown key", twoShards(), []string{"Distributed over 2 shards", "computed once over all shards"}},
		{"one shard", oneShard, []string{"Distributed over 1 shard (2 replicas each)", "with one shard, every key's events are on it"}},
		{"cluster not defined here", noCluster, []string{`cluster "c"`, "does not define the cluster"}},
	}
	for _, tc := range tests {
		got := tc.d.Describe()
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q lacks %q", tc.name, got, w)
			}
		}
	}
}
