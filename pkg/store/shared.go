package store

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/tokentrail/tokentrail/pkg/engine"
)

// A dashboard refresh sends every panel's query at once, over the same
// range: the provisioned dashboard's triage table, its episodes by
// severity and its high-severity count rank the same episodes and differ
// only in what they keep of them. Rankings with the same detection inputs
// (rankKey) that start together therefore share one run: the run scores
// each episode once and hands it to every subscriber, and each subscriber
// applies its own minimum severity and keeps its own top N or counts. A
// subscriber may join until the run hands out its first episode; later,
// it starts a run of its own, so no subscriber ever misses an episode.
//
// Each subscriber's answer is exactly the one its own run would give: the
// same statements over the same rows, the same scores.

// sharedRuns are the runs of one store still open to subscribers.
type sharedRuns struct {
	mu   sync.Mutex
	open map[string]*sharedRun
	// started counts the runs started, for tests.
	started int64
	// gate, when set (by tests only), is called before a run starts, with
	// a function that reports how many subscribers it has.
	gate func(subscribers func() int)
}

// runFunc is one ranking: it hands every scored episode to visit, in
// order, and returns how many it found and the statements it ran.
type runFunc func(ctx context.Context, visit func(*engine.Episode)) (found int, sql string, err error)

// sharedRun is one ranking and its subscribers. It is in sharedRuns.open,
// where newcomers find it, until it hands out its first episode.
type sharedRun struct {
	mu     sync.Mutex
	subs   []*subscriber
	live   int // subscribers still waiting for the answer
	cancel context.CancelFunc
	done   chan struct{}
	found  int
	sql    string
	err    error
}

// subscriber is one caller's view of a shared run.
type subscriber struct {
	sink func(*engine.Episode)
	gone bool // the caller left (its request ended); sink is not called again
}

// join runs fn for key, or subscribes to a run of the same key that has not
// handed out an episode yet, and calls sink with every scored episode. It
// returns when the run ends, or at once with the reason when ctx ends
// first; the run then goes on for the other subscribers, or stops if none
// is left.
func (r *sharedRuns) join(ctx context.Context, key string, sink func(*engine.Episode), fn runFunc) (int, string, error) {
	sub := &subscriber{sink: sink}
	r.mu.Lock()
	run := r.open[key]
	if run == nil {
		run = &sharedRun{done: make(chan struct{})}
		if r.open == nil {
			r.open = map[string]*sharedRun{}
		}
		r.open[key] = run
		r.started++
		// The run outlives any one subscriber's request, but keeps the
		// first one's values (tracing, progress callbacks).
		runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		run.cancel = cancel
		gate := r.gate
		go func() {
			if gate != nil {
				gate(func() int { run.mu.Lock(); defer run.mu.Unlock(); return len(run.subs) })
			}
			run.execute(runCtx, fn, func() { r.close(key, run) })
		}()
	}
	run.mu.Lock()
	run.subs = append(run.subs, sub)
	run.live++
	run.mu.Unlock()
	r.mu.Unlock()

	select {
	case <-run.done:
		return run.found, run.sql, run.err
	case <-ctx.Done():
	}
	r.mu.Lock()
	run.mu.Lock()
	sub.gone = true
	run.live--
	last := run.live == 0
	if last && r.open[key] == run {
		// Closed before it is cancelled: a newcomer must not join a run
		// that is being stopped.
		delete(r.open, key)
	}
	run.mu.Unlock()
	r.mu.Unlock()
	if last {
		// Nobody waits for the answer: stop the run and, as a run of one's
		// own would, return only once its statements have left the server.
		run.cancel()
		<-run.done
	}
	return 0, "", leftError(ctx, last)
}

// close takes run out of the open runs, if it is still there.
func (r *sharedRuns) close(key string, run *sharedRun) {
	r.mu.Lock()
	if r.open[key] == run {
		delete(r.open, key)
	}
	r.mu.Unlock()
}

// execute runs fn, handing each episode to the subscribers still waiting.
// A panic becomes the run's error: it runs on its own goroutine, where no
// handler of the plugin would recover it.
func (run *sharedRun) execute(ctx context.Context, fn runFunc, closeRun func()) {
	// Deferred calls run last first: the error of a panic is set, the run
	// leaves the open runs, then its subscribers are woken.
	defer close(run.done)
	defer run.cancel()
	defer closeRun()
	defer func() {
		if v := recover(); v != nil {
			run.err = fmt.Errorf("internal error in the TokenTrail plugin while ranking: %v; please report it with the query that caused it", v)
		}
	}()
	first := true
	run.found, run.sql, run.err = fn(ctx, func(ep *engine.Episode) {
		if first {
			// From here on a newcomer would miss this episode: it starts
			// its own run instead.
			closeRun()
		}
		run.mu.Lock()
		defer run.mu.Unlock()
		if first && len(run.subs) > 1 {
			log.DefaultLogger.Debug("one ranking serves the queries that started together", "queries", len(run.subs))
		}
		first = false
		for _, s := range run.subs {
			if !s.gone {
				s.sink(ep)
			}
		}
	})
}

// leftError is what a subscriber whose request ended before the answer
// returns, named like the store's own cancels and timeouts.
func leftError(ctx context.Context, last bool) error {
	what := "the ranking went on for the other panels that share it"
	if last {
		what = "the plugin cancelled its ranking on the server"
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w: Grafana's deadline for the request passed before ClickHouse answered, and %s", ErrTimeout, what)
	}
	return fmt.Errorf("%w by Grafana (the panel was closed or refreshed); %s", ErrCanceled, what)
}
