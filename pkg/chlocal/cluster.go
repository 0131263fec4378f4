package chlocal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ClusterName is the local cluster's name in every node's remote_servers,
// as `schema apply --cluster` and Distributed tables name it.
const ClusterName = "tokentrail"

// The local cluster's shape: two shards, so a Distributed table really
// splits its rows, and two replicas of each, so one server of a shard can
// stop while the shard still answers.
const (
	ClusterShards   = 2
	ClusterReplicas = 2
)

// Fixed ports of the shared cluster, away from the single server's 19000
// and 18123/18124: node k (1-based, shard-major) listens on 19100+k
// (native), 18200+k (HTTP) and 18210+k (replication).
const (
	clusterTCPBase   = 19100
	clusterHTTPBase  = 18200
	clusterInterBase = 18210
	clusterZKPort    = 12181
)

// Node is one clickhouse-server of the cluster.
type Node struct {
	*Server
	Shard, Replica int // 1-based
}

// Name is how messages and the replica macro name the node: s1r2 is shard
// 1's second replica.
func (n *Node) Name() string { return fmt.Sprintf("s%dr%d", n.Shard, n.Replica) }

// Cluster is the local two-shard, two-replica ClickHouse 18.16 cluster on
// ReplicatedMergeTree, coordinated by one ZooKeeper. Every node is a full
// server with its own ports and data folder; each names all of them in
// remote_servers, so any node can serve a Distributed table.
type Cluster struct {
	Dir       string
	Name      string
	ZooKeeper *ZooKeeper
	Nodes     []*Node // shard-major: s1r1, s1r2, s2r1, s2r2
	// ddlPath is the ZooKeeper path of the ON CLUSTER queue. Clusters
	// sharing one ZooKeeper must not share it.
	ddlPath string
}

// NewCluster returns the shared cluster whose files live under
// root/.build/cluster, on the fixed ports.
func NewCluster(root string) *Cluster {
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	dir := filepath.Join(root, ".build", "cluster")
	ports := make([][3]int, ClusterShards*ClusterReplicas)
	for k := range ports {
		ports[k] = [3]int{clusterTCPBase + k + 1, clusterHTTPBase + k + 1, clusterInterBase + k + 1}
	}
	zk := &ZooKeeper{Dir: filepath.Join(dir, "zookeeper"), Port: clusterZKPort}
	return newCluster(dir, zk, ports, "/clickhouse/"+ClusterName+"/task_queue/ddl")
}

// ClusterFromRepo returns the shared cluster of the repository that holds
// the working directory, so tests in every package share it.
func ClusterFromRepo() (*Cluster, error) {
	s, err := FromRepo()
	if err != nil {
		return nil, err
	}
	return NewCluster(filepath.Dir(filepath.Dir(s.Dir))), nil
}

// newCluster lays out the nodes; ports holds native, HTTP and replication
// ports per node, shard-major.
func newCluster(dir string, zk *ZooKeeper, ports [][3]int, ddlPath string) *Cluster {
	c := &Cluster{Dir: dir, Name: ClusterName, ZooKeeper: zk, ddlPath: ddlPath}
	for k, p := range ports {
		n := &Node{Shard: k/ClusterReplicas + 1, Replica: k%ClusterReplicas + 1}
		n.Server = &Server{TCPPort: p[0], HTTPPort: p[1], InterPort: p[2]}
		n.Server.Dir = filepath.Join(dir, n.Name())
		// One lock per node: the nodes start side by side.
		n.Server.LockFile = filepath.Join(dir, n.Name()+".lock")
		c.Nodes = append(c.Nodes, n)
	}
	for _, n := range c.Nodes {
		n.Server.Extra = c.nodeXML(n)
	}
	return c
}

// Entry is the node tools and the plugin connect to: shard 1, replica 1.
func (c *Cluster) Entry() *Node { return c.Nodes[0] }

// Node returns the given replica of the given shard (both 1-based).
func (c *Cluster) Node(shard, replica int) *Node {
	return c.Nodes[(shard-1)*ClusterReplicas+replica-1]
}

// nodeXML is what a node's config adds to the single server's: the
// cluster, ZooKeeper, the macros its replicated tables' paths use, and the
// ON CLUSTER queue. internal_replication: a Distributed insert writes each
// block to one replica of its shard and ReplicatedMergeTree copies it to
// the others, instead of the Distributed table writing every replica
// itself.
func (c *Cluster) nodeXML(n *Node) string {
	var b strings.Builder
	fmt.Fprintf(&b, "    <remote_servers>\n        <%s>\n", c.Name)
	for s := 1; s <= ClusterShards; s++ {
		b.WriteString("            <shard>\n                <internal_replication>true</internal_replication>\n")
		for r := 1; r <= ClusterReplicas; r++ {
			fmt.Fprintf(&b, "                <replica><host>127.0.0.1</host><port>%d</port></replica>\n", c.Node(s, r).TCPPort)
		}
		b.WriteString("            </shard>\n")
	}
	fmt.Fprintf(&b, "        </%s>\n    </remote_servers>\n", c.Name)
	fmt.Fprintf(&b, "    <zookeeper>\n        <node><host>127.0.0.1</host><port>%d</port></node>\n        <session_timeout_ms>30000</session_timeout_ms>\n    </zookeeper>\n", c.ZooKeeper.Port)
	fmt.Fprintf(&b, "    <macros>\n        <cluster>%s</cluster>\n        <shard>%d</shard>\n        <replica>%s</replica>\n    </macros>\n", c.Name, n.Shard, n.Name())
	fmt.Fprintf(&b, "    <distributed_ddl>\n        <path>%s</path>\n    </distributed_ddl>\n", c.ddlPath)
	// Replicas tell each other where to fetch parts: on loopback.
	b.WriteString("    <interserver_http_host>127.0.0.1</interserver_http_host>")
	return b.String()
}

// Start installs what is missing (ClickHouse, ZooKeeper), starts ZooKeeper
// and every node that does not answer yet, and checks that each node sees
// the whole cluster and ZooKeeper. Progress lines go to log.
func (c *Cluster) Start(ctx context.Context, log io.Writer) error {
	started := time.Now()
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", c.Dir, err)
	}
	unlock, err := lockFile(c.Dir + ".lock")
	if err != nil {
		return err
	}
	defer unlock()
	if err := install(ctx, log); err != nil {
		return err
	}
	if err := c.ZooKeeper.Start(ctx, log); err != nil {
		return err
	}
	errs := make([]error, len(c.Nodes))
	var wg sync.WaitGroup
	for i, n := range c.Nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := n.Start(ctx, prefixed{log, n.Name() + " "}); err != nil {
				errs[i] = fmt.Errorf("node %s: %w", n.Name(), err)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if err := c.check(ctx); err != nil {
		return err
	}
	fmt.Fprintf(log, "cluster %s: %d shards x %d replicas ready on ports %d-%d in %s (entry 127.0.0.1:%d, http %s)\n",
		c.Name, ClusterShards, ClusterReplicas, c.Nodes[0].TCPPort, c.Nodes[len(c.Nodes)-1].TCPPort,
		time.Since(started).Round(100*time.Millisecond), c.Entry().TCPPort, c.Entry().HTTPURL())
	return nil
}

// check asks every node for the cluster's replicas and for ZooKeeper's
// root: a server on these ports from another configuration (or one that
// lost ZooKeeper) fails here, not in a test's DDL.
func (c *Cluster) check(ctx context.Context) error {
	want := strconv.Itoa(ClusterShards * ClusterReplicas)
	for _, n := range c.Nodes {
		out, err := n.Exec(ctx, "SELECT count() FROM system.clusters WHERE cluster = '"+c.Name+"'", nil)
		if err != nil {
			return fmt.Errorf("node %s: %w", n.Name(), err)
		}
		if strings.TrimSpace(out) != want {
			return fmt.Errorf("node %s on port %d lists %s replicas of cluster %s, want %s: the port is held by a server of another configuration; stop it (`go run ./pkg/cmd/tokentrail clickhouse stop --cluster`) and start again",
				n.Name(), n.TCPPort, strings.TrimSpace(out), c.Name, want)
		}
		if _, err := n.Exec(ctx, "SELECT count() FROM system.zookeeper WHERE path = '/'", nil); err != nil {
			return fmt.Errorf("node %s cannot reach ZooKeeper on %s: %w", n.Name(), c.ZooKeeper.Addr(), err)
		}
	}
	return nil
}

// Stop stops every node, side by side (a node with replicated tables takes
// about 15 s to shut down on 18.16), and then ZooKeeper.
func (c *Cluster) Stop(log io.Writer) error {
	errs := make([]error, len(c.Nodes)+1)
	var wg sync.WaitGroup
	for i, n := range c.Nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := n.Stop(prefixed{log, n.Name() + " "}); err != nil {
				errs[i] = fmt.Errorf("node %s: %w", n.Name(), err)
			}
		}()
	}
	wg.Wait()
	errs[len(c.Nodes)] = c.ZooKeeper.Stop(log)
	return errors.Join(errs...)
}

// Exec runs a statement on the entry node over HTTP, as the default user.
func (c *Cluster) Exec(ctx context.Context, query string, body io.Reader) (string, error) {
	return c.Entry().Exec(ctx, query, body)
}

// SyncReplicas waits until every replica of db.table has fetched what the
// other replica of its shard received. A Distributed insert returns once
// one replica per shard has the rows; a query may read the other one.
func (c *Cluster) SyncReplicas(ctx context.Context, db, table string) error {
	for _, n := range c.Nodes {
		if _, err := n.Exec(ctx, "SYSTEM SYNC REPLICA "+db+"."+table, nil); err != nil {
			return fmt.Errorf("sync %s.%s on %s: %w", db, table, n.Name(), err)
		}
	}
	return nil
}

// prefixed writes each line of a node's progress with the node's name.
type prefixed struct {
	w      io.Writer
	prefix string
}

func (p prefixed) Write(b []byte) (int, error) {
	_, err := io.WriteString(p.w, p.prefix+string(b))
	return len(b), err
}
