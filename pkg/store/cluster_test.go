package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/schema"
	"github.com/tokentrail/tokentrail/pkg/store"
)

// The store learns a Distributed table's cluster, shards, replicas, local
// table and sharding key from the server, and which correlation keys its
// sharding keeps on one shard.
func TestTableDescribesDistributed(t *testing.T) {
	c := chlocal.ClusterForTest(t)
	db := c.TempDatabase(t)
	c.EventsTable(t, db, "by_actor")
	c.EventsTable(t, db, "by_key", "actor_id", "app_id")
	local, err := schema.CreateTable(schema.Legacy, db, "plain")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(context.Background(), local, nil); err != nil {
		t.Fatal(err)
	}
	open := func(table string) *store.Store {
		s := &models.PluginSettings{Host: "127.0.0.1", Port: c.Entry().TCPPort, Protocol: models.ProtocolNative,
			Username: chlocal.ReaderUser, Database: db, Table: table, DialTimeoutSeconds: 5, QueryTimeoutSeconds: 30, MaxOpenConns: 2,
			Secrets: &models.SecretSettings{Password: chlocal.ReaderPassword}}
		st, err := store.Open(s)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	tests := []struct {
		table     string
		sharding  []string
		colocated map[string]bool // correlation key → planned on each shard
	}{
		{"by_actor", []string{"actor_id"}, map[string]bool{"actor_id,app_id": true, "actor_id": true, "token_id": false, "tenant,app_id": false}},
		{"by_key", []string{"actor_id", "app_id"}, map[string]bool{"actor_id,app_id": true, "actor_id": false, "token_id": false}},
	}
	for _, tc := range tests {
		t.Run(tc.table, func(t *testing.T) {
			info, err := open(tc.table).Table(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			d := info.Distribution
			if d == nil {
				t.Fatal("the Distributed table was described as a plain one")
			}
			if d.Engine.Cluster != c.Name || d.Engine.Database != db || d.Engine.Table != schema.LocalTable(tc.table) || !reflect.DeepEqual(d.ShardingColumns, tc.sharding) {
				t.Errorf("engine %+v, sharding columns %v", d.Engine, d.ShardingColumns)
			}
			if len(d.Shards) != chlocal.ClusterShards {
				t.Fatalf("%d shards, want %d", len(d.Shards), chlocal.ClusterShards)
			}
			for i, sh := range d.Shards {
				want := []string{c.Node(i+1, 1).NativeAddr(), c.Node(i+1, 2).NativeAddr()}
				if int(sh.Num) != i+1 || !reflect.DeepEqual(sh.Replicas, want) {
					t.Errorf("shard %d: %+v, want replicas %v", i+1, sh, want)
				}
			}
			if !info.KeyHash || !info.AppHash {
				t.Errorf("the accelerators of the Distributed table and its local table were not seen: %+v", info)
			}
			for key, want := range tc.colocated {
				if got := d.Sharding().Colocated(strings.Split(key, ",")); got != want {
					t.Errorf("correlateBy %s planned on each shard: %v, want %v", key, got, want)
				}
			}
		})
	}
	info, err := open("plain").Table(context.Background())
	if err != nil || info.Distribution != nil {
		t.Errorf("a MergeTree table on a cluster node: %+v, %v; want no Distribution", info.Distribution, err)
	}
}
