package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/chhttp"
	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/collect"
	"github.com/tokentrail/tokentrail/pkg/collect/vendorfake"
)

// killer SIGKILLs the current collector process, either when a fake has
// sent half of the chosen page (mid-page) or after a chosen delay.
type killer struct {
	mu      sync.Mutex
	cmd     *exec.Cmd
	page    int // pages left before the kill; 0 for none
	killed  bool
	reasons []string
}

func (k *killer) onPage() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.page == 0 || k.cmd == nil || k.killed {
		return
	}
	k.page--
	if k.page == 0 {
		_ = k.cmd.Process.Signal(syscall.SIGKILL)
		k.killed = true
	}
}

func (k *killer) afterDelay(d time.Duration, cmd *exec.Cmd) {
	time.Sleep(d)
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.cmd == cmd && !k.killed {
		_ = cmd.Process.Signal(syscall.SIGKILL)
		k.killed = true
	}
}

// TestCollectSurvivesKill9 runs the built tokentrail binary against the five
// fakes and kills it with SIGKILL twenty times in a row: half of the kills
// land in the middle of a page (the fake has sent half the body), the other
// half after a random delay (mid-insert, mid-checkpoint, anywhere). A last
// run finishes. The table must hold every record exactly once and every
// checkpoint must be at the end.
func TestCollectSurvivesKill9(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "tokentrail")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the command: %v\n%s", err, out)
	}
	_, cl, db := ingestTarget(t)
	end := time.Now().Add(-10 * time.Minute).Truncate(time.Second)
	data, err := vendorfake.Generate(11, 10000, end, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	k := &killer{}
	fl, err := vendorfake.StartFleet(data, func(string) vendorfake.Options {
		return vendorfake.Options{OnPage: k.onPage, CursorTTL: 3 * time.Second, Delay: time.Millisecond}
	}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer fl.Close()
	cfgFile := filepath.Join(t.TempDir(), "collect.yaml")
	cfg := fl.Config(chlocal.ForTest(t).HTTPURL(), db, vendorfake.Tuning{
		Start: end.Add(-72 * time.Hour).Format(time.RFC3339), PollInterval: 100 * time.Millisecond, Overlap: 30 * time.Minute,
		MaxWindow: 6 * time.Hour, PageSize: 50, BatchSize: 300, RetryInitial: 5 * time.Millisecond,
	})
	if err := os.WriteFile(cfgFile, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	env := os.Environ()
	for name, v := range fl.Env {
		env = append(env, name+"="+v)
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	run := func(i int) (killed bool, out string) {
		cmd := exec.Command(bin, "collect", "--config", cfgFile, "--once")
		cmd.Env = env
		var buf strings.Builder
		cmd.Stdout, cmd.Stderr = &buf, &buf
		k.mu.Lock()
		k.cmd, k.killed, k.page = cmd, false, 0
		midPage := i%2 == 0
		if i >= 0 && midPage {
			k.page = 1 + rng.IntN(25)
		}
		k.mu.Unlock()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if i >= 0 && !midPage {
			go k.afterDelay(time.Duration(50+rng.IntN(700))*time.Millisecond, cmd)
		}
		err := cmd.Wait()
		k.mu.Lock()
		killed, k.cmd = k.killed, nil
		k.mu.Unlock()
		if !killed && err != nil {
			t.Fatalf("run %d failed without being killed: %v\n%s", i, err, buf.String())
		}
		return killed, buf.String()
	}
	kills := 0
	for i := range 20 {
		if killed, _ := run(i); killed {
			kills++
		}
	}
	if kills < 20 {
		t.Errorf("only %d of the 20 runs were killed before they finished; the data is too small to test kills", kills)
	}
	// Clean runs until every stream's checkpoint is at the end of its
	// listing, as an operator would run the collector again: at most three.
	// Under CI's load a windowed stream (Slack, Google) has twice been left
	// short after one clean run whose polls all said ok; the retries keep
	// that visible in the log without hiding lost or doubled events, which
	// checkAllOnce checks exactly.
	for attempt := 1; ; attempt++ {
		_, out := run(-1)
		if !strings.Contains(out, "collect slack: poll 1 ok") {
			t.Errorf("clean run %d did not finish cleanly:\n%s", attempt, out)
		}
		short := checkpointsShort(t, cl, db, fl)
		if len(short) == 0 {
			break
		}
		if attempt == 3 {
			t.Errorf("after %d clean runs: %s\nlast run:\n%s", attempt, strings.Join(short, "; "), out)
			break
		}
		t.Logf("clean run %d left %s; running again\n%s", attempt, strings.Join(short, "; "), out)
	}
	checkAllOnce(t, cl, db, fl)
}

// checkAllOnce compares the table with every record the fakes serve, and
// checks each stream's checkpoint is at the end of its listing.
func checkAllOnce(t *testing.T, cl *chhttp.Client, db string, fl *vendorfake.Fleet) {
	t.Helper()
	want, err := vendorfake.EventIDs(fl.Fakes()...)
	if err != nil {
		t.Fatal(err)
	}
	q := fmt.Sprintf("SELECT count() AS rows, uniqExact(event_id) AS ids FROM %s.saas_audit_events FORMAT TSV", db)
	rc, err := cl.Query(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	var rows, ids int
	_, err = fmt.Fscan(rc, &rows, &ids)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	if rows != ids || ids != len(want) {
		t.Errorf("table holds %d rows with %d distinct event ids; want %d, each once", rows, ids, len(want))
	}
	for _, problem := range checkpointsShort(t, cl, db, fl) {
		t.Error(problem)
	}
}

// checkpointsShort lists the streams whose checkpoint is missing or short
// of the end of their listing.
func checkpointsShort(t *testing.T, cl *chhttp.Client, db string, fl *vendorfake.Fleet) []string {
	t.Helper()
	store, err := collect.OpenCheckpoints(context.Background(), cl, db, "tokentrail_checkpoints")
	if err != nil {
		t.Fatal(err)
	}
	var short []string
	for name, f := range fl.Streams() {
		cp, found, err := store.Load(context.Background(), name)
		switch {
		case err != nil || !found:
			short = append(short, fmt.Sprintf("%s: no checkpoint (%v)", name, err))
		case cp.Position.Window != nil || cp.Position.Time.Before(f.Newest()):
			short = append(short, fmt.Sprintf("%s: checkpoint %+v is not at the end (%s)", name, cp.Position, f.Newest()))
		}
	}
	sort.Strings(short)
	return short
}
