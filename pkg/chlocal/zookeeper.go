package chlocal

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// ZooKeeper is the coordination service of the local cluster: ClickHouse
// 18.16 keeps replication logs and the ON CLUSTER DDL queue in ZooKeeper
// (ClickHouse Keeper came years later). Debian's zookeeper package (3.8)
// provides it; it runs as one standalone Java process on loopback.
type ZooKeeper struct {
	Dir  string // config, data and log
	Port int    // client port
}

// Files of Debian's zookeeper package: the server's jar lists its own
// dependencies in its manifest, so it is the whole class path.
const (
	zookeeperJar = "/usr/share/java/zookeeper.jar"
	javaBinary   = "/usr/bin/java"
	// slf4jSimple, when present, gives the server a log; without it
	// ZooKeeper logs nothing and runs the same.
	slf4jSimple = "/usr/share/java/slf4j-simple.jar"
)

// Addr is host:port of the client port.
func (z *ZooKeeper) Addr() string { return fmt.Sprintf("127.0.0.1:%d", z.Port) }

// Ping sends ZooKeeper's "stat" and reports whether the server serves
// requests. "ruok" is not enough: it answers "imok" while the server is
// still loading its data, and a ClickHouse server that starts then fails
// to load its replicated tables ("ZooKeeperServer not running") and exits.
func (z *ZooKeeper) Ping() bool {
	conn, err := net.DialTimeout("tcp", z.Addr(), time.Second)
	if err != nil {
		return false
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := conn.Write([]byte("stat")); err != nil {
		return false
	}
	b, _ := io.ReadAll(conn)
	return strings.Contains(string(b), "Mode: ")
}

// Start installs Debian's zookeeper package when missing and starts the
// server, or reuses one that already answers on the port.
func (z *ZooKeeper) Start(ctx context.Context, log io.Writer) error {
	if z.Ping() {
		fmt.Fprintf(log, "zookeeper: reusing the server on %s\n", z.Addr())
		return nil
	}
	if _, err := os.Stat(zookeeperJar); err != nil {
		// The package depends on default-jre, which pulls Java when the
		// machine has none.
		if err := aptInstall(ctx, log, "Debian's zookeeper (3.8, with Java)", "zookeeper"); err != nil {
			return err
		}
	}
	for _, d := range []string{"conf", "data"} {
		if err := os.MkdirAll(filepath.Join(z.Dir, d), 0o755); err != nil {
			return fmt.Errorf("create ZooKeeper folder: %w", err)
		}
	}
	cfg := fmt.Sprintf(`# Written by TokenTrail's chlocal: a loopback-only ZooKeeper for the local ClickHouse cluster.
tickTime=2000
dataDir=%s
clientPort=%d
clientPortAddress=127.0.0.1
maxClientCnxns=0
# The admin server would listen on 8080 on every address.
admin.enableServer=false
4lw.commands.whitelist=ruok,mntr,stat
autopurge.purgeInterval=1
`, filepath.Join(z.Dir, "data"), z.Port)
	if err := os.WriteFile(filepath.Join(z.Dir, "conf", "zoo.cfg"), []byte(cfg), 0o644); err != nil {
		return fmt.Errorf("write ZooKeeper config: %w", err)
	}
	logFile, err := os.OpenFile(z.logPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("open ZooKeeper log: %w", err)
	}
	defer logFile.Close()
	classPath := filepath.Join(z.Dir, "conf") + ":" + zookeeperJar
	if _, err := os.Stat(slf4jSimple); err == nil {
		classPath += ":" + slf4jSimple
	}
	// A small heap and the serial collector: the cluster's coordination
	// data is a few megabytes, and the machine has two cores to share.
	cmd := exec.Command(javaBinary, "-Xms32m", "-Xmx256m", "-XX:+UseSerialGC",
		"-Dzookeeper.admin.enableServer=false", "-cp", classPath,
		"org.apache.zookeeper.server.ZooKeeperServerMain", filepath.Join(z.Dir, "conf", "zoo.cfg"))
	cmd.Dir = z.Dir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	fmt.Fprintf(log, "zookeeper: starting on %s (data in %s)\n", z.Addr(), z.Dir)
	return z.daemon().start(ctx, cmd, log)
}

// daemon is ZooKeeper's process, found through its pid file.
func (z *ZooKeeper) daemon() daemon {
	return daemon{prefix: "zookeeper", name: "ZooKeeper", addr: z.Addr(), pidFile: z.pidFile(),
		logs: z.logPath(), poll: 100 * time.Millisecond, ready: z.Ping}
}

// Stop terminates the ZooKeeper started from this folder, if any.
func (z *ZooKeeper) Stop(log io.Writer) error { return z.daemon().stop(log) }

func (z *ZooKeeper) pidFile() string { return filepath.Join(z.Dir, "zookeeper.pid") }

func (z *ZooKeeper) logPath() string { return filepath.Join(z.Dir, "zookeeper.log") }
