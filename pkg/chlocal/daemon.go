package chlocal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// daemon is a server process this package starts in a session of its own,
// so it outlives the test binary's process group, and finds again through
// its pid file: the local ClickHouse servers and ZooKeeper.
type daemon struct {
	prefix  string        // the log lines' prefix: "clickhouse", "zookeeper"
	name    string        // the program, in errors
	addr    string        // where it answers, in errors
	pidFile string        // its pid, for Stop
	logs    string        // where its output goes, in errors
	poll    time.Duration // how often start and stop ask ready
	ready   func() bool
}

// startWait is how long start waits for ready.
const startWait = 60 * time.Second

// start runs cmd detached, records its pid and waits until ready answers,
// failing early when the process exits or ctx ends.
func (d daemon) start(ctx context.Context, cmd *exec.Cmd, log io.Writer) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s (%s): %w", d.name, cmd.Path, err)
	}
	pid := cmd.Process.Pid
	if err := os.WriteFile(d.pidFile, []byte(strconv.Itoa(pid)), 0o644); err != nil {
		return fmt.Errorf("write the pid file of %s: %w", d.name, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	for deadline := time.Now().Add(startWait); time.Now().Before(deadline); {
		select {
		case err := <-exited:
			return fmt.Errorf("%s exited during start-up (%v); see %s", d.name, err, d.logs)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d.poll):
		}
		if d.ready() {
			fmt.Fprintf(log, "%s: ready (pid %d)\n", d.prefix, pid)
			return nil
		}
	}
	return fmt.Errorf("%s did not answer on %s within %s; see %s", d.name, d.addr, startWait, d.logs)
}

// stop terminates the process of the pid file, if any, and waits up to
// 30 s for it to stop answering.
func (d daemon) stop(log io.Writer) error {
	b, err := os.ReadFile(d.pidFile)
	if errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(log, "%s: none was started from this folder\n", d.prefix)
		return nil
	}
	if err != nil {
		return err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return fmt.Errorf("bad pid file %s: %w", d.pidFile, err)
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		fmt.Fprintf(log, "%s: process %d already gone\n", d.prefix, pid)
	}
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end) && d.ready(); {
		time.Sleep(d.poll)
	}
	_ = os.Remove(d.pidFile)
	fmt.Fprintf(log, "%s: stopped (pid %d)\n", d.prefix, pid)
	return nil
}
