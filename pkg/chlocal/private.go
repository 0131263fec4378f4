package chlocal

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Private starts a ClickHouse server of the test's own, in a temporary
// folder on free ports, for tests that stop, kill or freeze a server: the
// shared server on 19000 is never touched. It is stopped when the test ends.
func Private(t testing.TB) *Server {
	t.Helper()
	tcp, http := freePort(t), freePort(t)
	for http+1 == tcp || isTaken(http+1) {
		http = freePort(t)
	}
	s := &Server{Dir: filepath.Join(t.TempDir(), "clickhouse"), TCPPort: tcp, HTTPPort: http}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := s.Start(ctx, testWriter{t}); err != nil {
		t.Fatalf("private ClickHouse: %v", err)
	}
	t.Cleanup(func() {
		_ = s.Signal(syscall.SIGCONT)
		if s.Ping(context.Background()) {
			_ = s.Stop(testWriter{t})
		}
		_ = s.Signal(syscall.SIGKILL)
	})
	return s
}

// Signal sends sig to the server process this folder started (SIGSTOP
// freezes it, SIGCONT thaws it, SIGKILL kills it).
func (s *Server) Signal(sig syscall.Signal) error {
	b, err := os.ReadFile(s.pidFile())
	if err != nil {
		return err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return err
	}
	return syscall.Kill(pid, sig)
}

// Kill ends the server the way a crash or a lost machine does (SIGKILL)
// and waits until its port no longer answers. A graceful Stop of a node
// with replicated tables takes about 15 s on 18.16; a test of a shard
// going away does not need the goodbye.
func (s *Server) Kill() error {
	if err := s.Signal(syscall.SIGKILL); err != nil {
		return err
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if !s.Ping(context.Background()) {
			_ = os.Remove(s.pidFile())
			return nil
		}
	}
	return fmt.Errorf("clickhouse-server on %s still answers 10s after SIGKILL", s.NativeAddr())
}

// Freeze stops the server (SIGSTOP) and waits until every one of its
// threads is stopped: the signal takes effect asynchronously, and a thread
// still running could answer one more packet.
func (s *Server) Freeze() error {
	if err := s.Signal(syscall.SIGSTOP); err != nil {
		return err
	}
	b, err := os.ReadFile(s.pidFile())
	if err != nil {
		return err
	}
	tasks := filepath.Join("/proc", strings.TrimSpace(string(b)), "task")
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if allStopped(tasks) {
			return nil
		}
	}
	return fmt.Errorf("clickhouse-server did not stop within 5s of SIGSTOP")
}

func allStopped(tasks string) bool {
	entries, err := os.ReadDir(tasks)
	if err != nil || len(entries) == 0 {
		return false
	}
	for _, e := range entries {
		stat, err := os.ReadFile(filepath.Join(tasks, e.Name(), "stat"))
		if err != nil {
			continue // the thread ended
		}
		// The state follows the parenthesised command name.
		rest := string(stat[strings.LastIndexByte(string(stat), ')')+1:])
		if f := strings.Fields(rest); len(f) == 0 || (f[0] != "T" && f[0] != "t") {
			return false
		}
	}
	return true
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func isTaken(port int) bool {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return true
	}
	l.Close()
	return false
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
