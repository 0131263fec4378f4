// Package chlocal runs the local ClickHouse server that development, the
// demo and every SQL test use. The only server the platform's registries
// offer is Debian's clickhouse-server (18.16), so the package installs it
// when it is missing, writes a loopback-only config whose data lives in the
// project's ignored .build/ folder, and starts it without systemd.
//
// One server is shared by all test packages (go test runs them in parallel
// processes); a file lock serialises start-up and each test works in its own
// database.
package chlocal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Default ports are unusual on purpose, so that a ClickHouse a developer
// already runs on 9000/8123 is never touched.
const (
	DefaultTCPPort  = 19000
	DefaultHTTPPort = 18123
)

const serverBinary = "/usr/sbin/clickhouse-server"

// Server is a local ClickHouse process on 127.0.0.1.
type Server struct {
	Dir      string // config, data and logs
	TCPPort  int
	HTTPPort int
	// InterPort is the interserver HTTP port replicas fetch parts from;
	// 0 means HTTPPort+1.
	InterPort int
	// Extra is XML added at the end of the server's config: a cluster
	// node's remote_servers, zookeeper, macros and distributed_ddl.
	Extra string
	// LockFile serialises the start of servers sharing a folder; empty
	// means clickhouse.lock next to Dir.
	LockFile string
}

// New returns the server whose files live under root/.build/clickhouse.
// The folder is made absolute: the server runs in it and its config names
// its data folders, so a relative path would resolve twice.
func New(root string) *Server {
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	return &Server{Dir: filepath.Join(root, ".build", "clickhouse"), TCPPort: DefaultTCPPort, HTTPPort: DefaultHTTPPort}
}

// FromRepo finds the repository root (the folder holding go.mod) from the
// working directory upward and returns its server, so tests in any package
// share the same one.
func FromRepo() (*Server, error) {
	dir, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return New(dir), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil, errors.New("chlocal: no go.mod above the working directory")
		}
		dir = parent
	}
}

// NativeAddr is host:port of the native protocol.
func (s *Server) NativeAddr() string { return fmt.Sprintf("127.0.0.1:%d", s.TCPPort) }

// HTTPURL is the base URL of the HTTP interface.
func (s *Server) HTTPURL() string { return fmt.Sprintf("http://127.0.0.1:%d", s.HTTPPort) }

// Ping reports whether the server answers on its HTTP port.
func (s *Server) Ping(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.HTTPURL()+"/ping", nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode == http.StatusOK && strings.TrimSpace(string(b)) == "Ok."
}

// Start installs ClickHouse if needed and starts the server, or reuses one
// that already answers. Progress lines go to log.
func (s *Server) Start(ctx context.Context, log io.Writer) error {
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", s.Dir, err)
	}
	lock := s.LockFile
	if lock == "" {
		lock = filepath.Join(s.Dir, "..", "clickhouse.lock")
	}
	unlock, err := lockFile(lock)
	if err != nil {
		return err
	}
	defer unlock()
	if s.Ping(ctx) {
		fmt.Fprintf(log, "clickhouse: reusing the server on %s\n", s.NativeAddr())
		return nil
	}
	if err := install(ctx, log); err != nil {
		return err
	}
	if err := s.writeConfig(); err != nil {
		return err
	}
	logFile, err := os.OpenFile(filepath.Join(s.Dir, "log", "stdout.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("open ClickHouse log: %w", err)
	}
	defer logFile.Close()
	cmd := exec.Command(serverBinary, "--config-file="+filepath.Join(s.Dir, "config.xml"))
	cmd.Dir = s.Dir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	fmt.Fprintf(log, "clickhouse: starting server on %s (data in %s)\n", s.NativeAddr(), s.Dir)
	return s.daemon().start(ctx, cmd, log)
}

// daemon is the server's process, found through its pid file.
func (s *Server) daemon() daemon {
	return daemon{prefix: "clickhouse", name: "clickhouse-server", addr: s.HTTPURL(), pidFile: s.pidFile(),
		logs: filepath.Join(s.Dir, "log"), poll: 200 * time.Millisecond, ready: func() bool { return s.Ping(context.Background()) }}
}

// Stop terminates the server started by Start, if any.
func (s *Server) Stop(log io.Writer) error { return s.daemon().stop(log) }

func (s *Server) pidFile() string { return filepath.Join(s.Dir, "clickhouse-server.pid") }

func install(ctx context.Context, log io.Writer) error {
	if _, err := os.Stat(serverBinary); err == nil {
		return nil
	}
	return aptInstall(ctx, log, "Debian's clickhouse-server and clickhouse-client", "clickhouse-server", "clickhouse-client")
}

// aptInstall installs Debian packages the way a fresh CI machine gets them:
// the project's own commands install what they run, nothing is set up by
// hand beforehand.
func aptInstall(ctx context.Context, log io.Writer, what string, pkgs ...string) error {
	fmt.Fprintf(log, "installing %s (apt-get)\n", what)
	started := time.Now()
	for _, args := range [][]string{{"update"}, append([]string{"install", "-y", "--no-install-recommends"}, pkgs...)} {
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("apt-get %s failed: %w\n%s", args[0], err, tail(out, 2000))
		}
	}
	fmt.Fprintf(log, "installed %s in %s\n", what, time.Since(started).Round(time.Second))
	return nil
}

func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// Exec runs one statement through the HTTP interface as the default user and
// returns the response body. It is for set-up (databases, DDL, fixtures), the
// portable path on 18.16 and on current servers.
func (s *Server) Exec(ctx context.Context, query string, body io.Reader) (string, error) {
	return s.ExecWith(ctx, query, body, nil)
}

// ExecWith is Exec with settings as URL parameters: 18.16 has no SETTINGS
// clause for INSERT, so insert_distributed_sync travels this way.
func (s *Server) ExecWith(ctx context.Context, query string, body io.Reader, settings url.Values) (string, error) {
	params := url.Values{"query": {query}}
	for k, v := range settings {
		params[k] = v
	}
	u := s.HTTPURL() + "/?" + params.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, body)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("clickhouse http: %w", err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("clickhouse http %d: %s", resp.StatusCode, strings.TrimSpace(tail(out, 1000)))
	}
	return string(out), nil
}
