package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/models"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dropSlow()
	os.Exit(code)
}

// A cancelled query leaves the server within a second, whether Grafana
// cancelled the request or its deadline passed, including the deadline
// case that clickhouse-go alone loses (it writes the Cancel packet with
// the deadline that has just passed as the socket's write deadline).
func TestCancelLeavesServerWithinASecond(t *testing.T) {
	s, f := slowFixture(t)
	st := openSlow(t, s, f, nil)
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			marker := fmt.Sprintf("cancel-%d-%d", time.Now().UnixNano(), i)
			delay := time.Duration(200+rand.IntN(1000)) * time.Millisecond
			var ctx context.Context
			var cancel context.CancelFunc
			deadline := i%2 == 0
			if deadline {
				ctx, cancel = context.WithTimeout(context.Background(), delay)
			} else {
				ctx, cancel = context.WithCancel(context.Background())
				time.AfterFunc(delay, cancel)
			}
			defer cancel()
			start := time.Now()
			_, err := st.Sequences(ctx, slowQuery(f, 1, marker), func(engine.Episode) error { return nil })
			want := ErrCanceled
			if deadline {
				want = ErrTimeout
			}
			if !errors.Is(err, want) {
				t.Errorf("run %d (deadline %v): error %v, want %v", i, deadline, err, want)
			}
			if back := time.Since(start) - delay; back > 300*time.Millisecond {
				t.Errorf("run %d: the caller got its answer %v after the cancel", i, back)
			}
			if gone := goneWithin(t, s, marker, start.Add(delay), time.Second); gone > time.Second {
				t.Errorf("run %d (deadline %v): the query was still on the server %v after the cancel", i, deadline, gone)
			}
		}()
	}
	wg.Wait()
}

// queryTimeoutSeconds bounds the server's work: the statement carries it
// as max_execution_time, the error names the plugin's limit, and the query
// is gone from the server within a second of it.
func TestQueryTimeoutStopsTheServer(t *testing.T) {
	s, f := slowFixture(t)
	st := openSlow(t, s, f, func(p *models.PluginSettings) { p.QueryTimeoutSeconds = 1 })
	marker := fmt.Sprintf("timeout-%d", time.Now().UnixNano())
	start := time.Now()
	sql, err := st.Sequences(context.Background(), slowQuery(f, 1, marker), func(engine.Episode) error { return nil })
	took := time.Since(start)
	if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "queryTimeoutSeconds (1s)") {
		t.Fatalf("error %v, want the plugin's timeout named", err)
	}
	if took > 1500*time.Millisecond {
		t.Errorf("the timeout took %v to reach the caller", took)
	}
	if !strings.Contains(sql, "max_execution_time = 1,") || !strings.Contains(sql, "timeout_overflow_mode = 'throw'") {
		t.Errorf("statement does not carry the server-side limit:\n%s", sql[max(0, len(sql)-400):])
	}
	if gone := goneWithin(t, s, marker, start.Add(time.Second), time.Second); gone > time.Second {
		t.Errorf("the query ran on %v past queryTimeoutSeconds", gone)
	}
}

// With every connection taken for longer than a query may wait, the query
// fails with "ClickHouse is busy" when its own time runs out, not before.
func TestBusyOnlyWhenTheDeadlinePasses(t *testing.T) {
	s, f := slowFixture(t)
	st := openSlow(t, s, f, func(p *models.PluginSettings) { p.MaxOpenConns = 1 })
	blockCtx, unblock := context.WithCancel(context.Background())
	defer unblock()
	go func() {
		_, _ = st.Sequences(blockCtx, slowQuery(f, 1, "busy-blocker"), func(engine.Episode) error { return nil })
	}()
	time.Sleep(200 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	_, err := st.Sequences(ctx, slowQuery(f, 0.01, "busy-waiter"), func(engine.Episode) error { return nil })
	waited := time.Since(start)
	if !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), "maxOpenConns") {
		t.Fatalf("error %v, want ClickHouse is busy", err)
	}
	if waited < 900*time.Millisecond || waited > 1300*time.Millisecond {
		t.Errorf("gave up after %v, want its own 1s deadline", waited)
	}
}

// Fifty panels at once queue for two connections and all answer, the same
// answer, while neither the client nor the server ever sees more than two.
func TestPoolQueuesWithinTheCap(t *testing.T) {
	s, _, f := fixtures(t)
	const conns = 2
	st := openSlow(t, s, f, func(p *models.PluginSettings) { p.MaxOpenConns = conns })
	marker := fmt.Sprintf("pool-%d", time.Now().UnixNano())
	var maxSockets, maxRunning atomic.Int64
	stop := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			n := 0
			for _, sl := range st.pool.slots {
				n += sl.socks.count()
			}
			maxSockets.Store(max(maxSockets.Load(), int64(n)))
			if r, err := running(s, marker); err == nil {
				maxRunning.Store(max(maxRunning.Load(), int64(r)))
			}
		}
	}()
	var wg sync.WaitGroup
	var failures atomic.Int64
	counts := make([]int, 50)
	for i := range counts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := st.Sequences(context.Background(), slowQuery(f, 1, marker), func(engine.Episode) error { counts[i]++; return nil })
			if err != nil {
				failures.Add(1)
				t.Errorf("panel %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-watched
	if failures.Load() > 0 {
		t.Fatalf("%d of 50 panels failed", failures.Load())
	}
	for i, c := range counts {
		if c != counts[0] || c != 1 {
			t.Fatalf("panel %d found %d episodes, panel 0 %d; want 1 each", i, c, counts[0])
		}
	}
	if maxSockets.Load() > conns || maxRunning.Load() > conns {
		t.Errorf("saw %d sockets and %d running queries, cap %d", maxSockets.Load(), maxRunning.Load(), conns)
	}
	if maxRunning.Load() == 0 {
		t.Errorf("the watcher never saw a query running: the test measured nothing")
	}
}
