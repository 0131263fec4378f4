package e2e

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/chsql"
	"github.com/tokentrail/tokentrail/pkg/engine/enginetest"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// TestClusterFaults kills servers of a private cluster (the shared one is
// in use by other test packages) under the plugin binary:
//   - one replica of each shard down: the same answers (sequences ranked
//     with the rollup's baselines, counts, timeline, inventory, coverage),
//     every time;
//   - both replicas of shard 2 down: every query and the health check fail
//     with a message naming the shard and its replicas, never a smaller
//     answer; with skipUnavailableShards on, the answer lacks exactly
//     shard 2's keys and says so in a notice, and the health check warns;
//   - a replica back: the full answers again.
func TestClusterFaults(t *testing.T) {
	c := chlocal.PrivateCluster(t)
	ctx := context.Background()
	// The cluster is the test's own, but its ZooKeeper is shared: a
	// database name of its own keeps the replicas' paths apart.
	db := "tt_faults_" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if _, err := c.Exec(ctx, "CREATE DATABASE "+db+" ON CLUSTER "+c.Name, nil); err != nil {
		t.Fatal(err)
	}
	spec := c.EventsTable(t, db, byActor)
	// With its rollup, as schema apply makes it: the baselines read it
	// under every fault too.
	rollup, err := chsql.CreateClusterRollup(spec, clusterMajor(t, c))
	if err != nil {
		t.Fatal(err)
	}
	for _, ddl := range rollup {
		if _, err := c.Exec(ctx, ddl, nil); err != nil {
			t.Fatalf("%v\n%s", err, ddl)
		}
	}
	// Twelve actors, each with one token access and one sensitive read:
	// one episode per actor, spread over both shards by the actor's hash.
	var body []byte
	const actors = 12
	for i := range actors {
		who := enginetest.Actor(fmt.Sprintf("user%02d", i))
		body = append(body, rowJSON(t, spec.Variant, enginetest.Access(fmt.Sprintf("a%02d", i), 0, who))...)
		body = append(body, rowJSON(t, spec.Variant, enginetest.Read(fmt.Sprintf("b%02d", i), time.Minute, who))...)
	}
	if err := c.Insert(ctx, db, byActor, bytes.NewReader(body)); err != nil {
		t.Fatal(err)
	}
	names, err := chsql.ClusterRollupNames(spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SyncReplicas(ctx, db, names.Local); err != nil {
		t.Fatal(err)
	}
	onShard1, err := c.Node(1, 1).Exec(ctx, "SELECT uniqExact(actor_id) FROM "+db+"."+schema.LocalTable(byActor), nil)
	if err != nil {
		t.Fatal(err)
	}
	settings := func(uid string, skip bool) backend.PluginContext {
		return pluginContext(t, clusterSettings(uid, c.Entry().TCPPort, db, byActor, map[string]any{"skipUnavailableShards": skip}))
	}
	strict, lenient := settings("faults-strict", false), settings("faults-skip", true)
	h := launch(t)
	from, to := enginetest.T0.Add(-time.Hour), enginetest.T0.Add(time.Hour)
	queries := []backend.DataQuery{
		query("SEQ", "sequences", map[string]any{}, from, to),
		query("NUM", "sequenceCounts", map[string]any{"format": "numeric"}, from, to),
		query("TL", "timeline", map[string]any{}, from, to),
		query("INV", "", map[string]any{"queryType": "inventory"}, from, to),
		query("COV", "coverage", nil, from, to),
	}
	ask := func(pc backend.PluginContext) *backend.QueryDataResponse {
		t.Helper()
		resp, err := h.QueryData(ctx, &backend.QueryDataRequest{PluginContext: pc, Queries: queries})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	full := ask(strict)
	if n := single(t, ok(t, full, "SEQ")).Rows(); n != actors {
		t.Fatalf("all servers up: %d episodes, want one per actor (%d)", n, actors)
	}
	health := func(pc backend.PluginContext) *backend.CheckHealthResult {
		t.Helper()
		res, err := h.CheckHealth(ctx, pc)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := health(strict); res.Status != backend.HealthStatusOk || !strings.Contains(res.Message, "Distributed over 2 shards (2 replicas each) of cluster "+c.Name+", sharded by cityHash64(actor_id)") {
		t.Errorf("health with every server up: %v %q", res.Status, res.Message)
	}
	stop := func(n *chlocal.Node) {
		t.Helper()
		if err := n.Kill(); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("one replica of each shard down", func(t *testing.T) {
		stop(c.Node(1, 2))
		stop(c.Node(2, 1))
		// Replicas are picked at random: ask often enough that shard 2's
		// stopped replica is tried first many times.
		for i := range 6 {
			got := ask(strict)
			for _, q := range queries {
				sameFrames(t, fmt.Sprintf("try %d, %s", i+1, q.RefID), ok(t, full, q.RefID), ok(t, got, q.RefID))
			}
		}
		if res := health(strict); res.Status != backend.HealthStatusOk {
			t.Errorf("health: %v %q", res.Status, res.Message)
		}
	})

	t.Run("a whole shard down fails, naming it", func(t *testing.T) {
		stop(c.Node(2, 2))
		shard2 := fmt.Sprintf("shard 2 of cluster %s (replicas 127.0.0.1:%d, 127.0.0.1:%d)", c.Name, c.Node(2, 1).TCPPort, c.Node(2, 2).TCPPort)
		resp := ask(strict)
		for _, q := range queries {
			r := resp.Responses[q.RefID]
			if r.Error == nil {
				t.Errorf("%s answered with shard 2 down (%d frames): a partial answer passed for a whole one", q.RefID, len(r.Frames))
				continue
			}
			if !strings.Contains(r.Error.Error(), shard2) || !strings.Contains(r.Error.Error(), "skipUnavailableShards") {
				t.Errorf("%s: the error must name %s and the way out, got: %v", q.RefID, shard2, r.Error)
			}
			if r.Status != backend.StatusBadGateway || r.ErrorSource != backend.ErrorSourceDownstream {
				t.Errorf("%s: status %v from %q, want 502 from downstream", q.RefID, r.Status, r.ErrorSource)
			}
		}
		if res := health(strict); res.Status != backend.HealthStatusError || !strings.Contains(res.Message, shard2) {
			t.Errorf("health: want an error naming %s, got %v %q", shard2, res.Status, res.Message)
		}

		partial := ask(lenient)
		seq := single(t, ok(t, partial, "SEQ"))
		if want := strings.TrimSpace(onShard1); fmt.Sprint(seq.Rows()) != want {
			t.Errorf("skipUnavailableShards: %d episodes, want shard 1's %s", seq.Rows(), want)
		}
		for _, q := range queries {
			f := ok(t, partial, q.RefID)[0]
			if f.Meta == nil || len(f.Meta.Notices) == 0 || !strings.Contains(f.Meta.Notices[0].Text, shard2) {
				t.Errorf("%s: want a notice naming %s, got %+v", q.RefID, shard2, f.Meta)
			}
		}
		if res := health(lenient); res.Status != backend.HealthStatusOk || !strings.Contains(res.Message, "Warning: "+shard2) {
			t.Errorf("health with skipUnavailableShards: want ok with a warning naming %s, got %v %q", shard2, res.Status, res.Message)
		}
	})

	t.Run("a replica back gives the full answers", func(t *testing.T) {
		if err := c.Node(2, 2).Start(ctx, testLog{t}); err != nil {
			t.Fatal(err)
		}
		got := ask(strict)
		for _, q := range queries {
			sameFrames(t, q.RefID, ok(t, full, q.RefID), ok(t, got, q.RefID))
		}
		again := ask(lenient)
		for _, q := range queries {
			if f := ok(t, again, q.RefID)[0]; f.Meta != nil && len(f.Meta.Notices) > 0 {
				t.Errorf("%s: a notice with every shard answering: %+v", q.RefID, f.Meta.Notices)
			}
		}
	})
}
