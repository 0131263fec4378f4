package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/engine"
)

// episodes is a run that hands out n episodes, their ids 0..n-1 in order.
func episodes(n int) runFunc {
	return func(_ context.Context, visit func(*engine.Episode)) (int, string, error) {
		for i := range n {
			visit(&engine.Episode{ID: fmt.Sprint(i)})
		}
		return n, "SELECT run", nil
	}
}

// collector records what one subscriber is handed.
type collector struct{ ids []string }

func (c *collector) sink(ep *engine.Episode) { c.ids = append(c.ids, ep.ID) }

func (c *collector) inOrder(n int) bool {
	if len(c.ids) != n {
		return false
	}
	for i, id := range c.ids {
		if id != fmt.Sprint(i) {
			return false
		}
	}
	return true
}

func waitForSubscribers(n int) func(func() int) {
	return func(subs func() int) {
		for deadline := time.Now().Add(5 * time.Second); subs() < n && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
	}
}

func TestSharedRunHandsEveryEpisodeToEverySubscriber(t *testing.T) {
	r := &sharedRuns{gate: waitForSubscribers(3)}
	cols := make([]*collector, 3)
	var wg sync.WaitGroup
	for i := range cols {
		cols[i] = &collector{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			found, sql, err := r.join(context.Background(), "k", cols[i].sink, episodes(500))
			if found != 500 || sql != "SELECT run" || err != nil {
				t.Errorf("subscriber %d: found %d, sql %q, err %v", i, found, sql, err)
			}
		}()
	}
	wg.Wait()
	for i, c := range cols {
		if !c.inOrder(500) {
			t.Errorf("subscriber %d was handed %d episodes, want all 500 in order", i, len(c.ids))
		}
	}
	if r.started != 1 {
		t.Errorf("%d runs for three subscribers that started together, want 1", r.started)
	}
	if len(r.open) != 0 {
		t.Errorf("%d runs left open after the end", len(r.open))
	}
}

// A subscriber that comes after the first episode was handed out would
// miss it: it gets a run of its own.
func TestSharedRunNewcomerAfterTheFirstEpisodeRunsAlone(t *testing.T) {
	r := &sharedRuns{}
	handed, release := make(chan struct{}), make(chan struct{})
	slow := func(_ context.Context, visit func(*engine.Episode)) (int, string, error) {
		visit(&engine.Episode{ID: "0"})
		close(handed)
		<-release
		visit(&engine.Episode{ID: "1"})
		return 2, "SELECT slow", nil
	}
	first := &collector{}
	done := make(chan error)
	go func() { _, _, err := r.join(context.Background(), "k", first.sink, slow); done <- err }()
	<-handed
	late := &collector{}
	type answer struct {
		found int
		err   error
	}
	lateDone := make(chan answer, 1)
	go func() { f, _, e := r.join(context.Background(), "k", late.sink, episodes(3)); lateDone <- answer{f, e} }()
	var a answer
	select {
	case a = <-lateDone:
	case <-time.After(5 * time.Second):
		t.Error("the late subscriber waited for the run it came too late for")
		close(release)
		a = <-lateDone
		<-done
		return
	}
	found, err := a.found, a.err
	close(release)
	if err := <-done; err != nil || !first.inOrder(2) {
		t.Errorf("first subscriber: %v, handed %v", err, first.ids)
	}
	if err != nil || found != 3 || !late.inOrder(3) || r.started != 2 {
		t.Errorf("late subscriber: found %d, err %v, handed %v, runs %d; want its own run of 3 (2 runs)", found, err, late.ids, r.started)
	}
}

// A subscriber whose request ends leaves with the reason; the run goes on
// for the others, who still get every episode.
func TestSharedRunGoesOnWhenOneSubscriberLeaves(t *testing.T) {
	r := &sharedRuns{gate: waitForSubscribers(2)}
	handed, release := make(chan struct{}), make(chan struct{})
	var runErr error
	slow := func(ctx context.Context, visit func(*engine.Episode)) (int, string, error) {
		visit(&engine.Episode{ID: "0"})
		close(handed)
		<-release
		runErr = ctx.Err()
		visit(&engine.Episode{ID: "1"})
		return 2, "SELECT slow", nil
	}
	leaving, staying := &collector{}, &collector{}
	ctx, cancel := context.WithCancel(context.Background())
	left := make(chan error)
	go func() { _, _, err := r.join(ctx, "k", leaving.sink, slow); left <- err }()
	stayed := make(chan error)
	go func() { _, _, err := r.join(context.Background(), "k", staying.sink, slow); stayed <- err }()
	<-handed
	cancel()
	err := <-left
	if !errors.Is(err, ErrCanceled) || !strings.Contains(err.Error(), "went on for the other panels") {
		t.Errorf("leaving subscriber: %v, want ErrCanceled saying the ranking went on", err)
	}
	close(release)
	if err := <-stayed; err != nil || !staying.inOrder(2) {
		t.Errorf("staying subscriber: %v, handed %v; want both episodes", err, staying.ids)
	}
	if runErr != nil || len(leaving.ids) != 1 {
		t.Errorf("the run saw %v and the leaver was handed %v: the run must go on, without the leaver", runErr, leaving.ids)
	}
}

// When the last subscriber leaves, the run is stopped, and the subscriber
// returns only once it has ended, as a run of its own would; a newcomer
// meanwhile starts afresh instead of joining the run being stopped.
func TestSharedRunStopsWhenTheLastSubscriberLeaves(t *testing.T) {
	for _, tc := range []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{"cancelled", func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) }, ErrCanceled},
		{"deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 50*time.Millisecond)
		}, ErrTimeout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &sharedRuns{}
			stopping, release := make(chan struct{}), make(chan struct{})
			var ended bool
			blocked := func(ctx context.Context, _ func(*engine.Episode)) (int, string, error) {
				<-ctx.Done()
				close(stopping)
				<-release
				ended = true
				return 0, "", ctx.Err()
			}
			ctx, cancel := tc.ctx()
			defer cancel()
			left := make(chan error)
			go func() { _, _, err := r.join(ctx, "k", func(*engine.Episode) {}, blocked); left <- err }()
			if tc.want == ErrCanceled {
				time.Sleep(10 * time.Millisecond)
				cancel()
			}
			<-stopping
			newcomer := &collector{}
			fresh := make(chan error, 1)
			go func() {
				found, _, err := r.join(context.Background(), "k", newcomer.sink, episodes(2))
				if err == nil && (found != 2 || !newcomer.inOrder(2)) {
					err = fmt.Errorf("found %d, handed %v", found, newcomer.ids)
				}
				fresh <- err
			}()
			select {
			case err := <-fresh:
				if err != nil {
					t.Errorf("newcomer while the run stops: %v; want a fresh run of 2", err)
				}
			case <-time.After(5 * time.Second):
				close(release)
				t.Fatal("the newcomer joined the run being stopped")
			}
			select {
			case err := <-left:
				t.Fatalf("the last subscriber returned (%v) before its run ended", err)
			case <-time.After(20 * time.Millisecond):
			}
			close(release)
			err := <-left
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), "cancelled its ranking on the server") || !ended {
				t.Errorf("last subscriber: %v (run ended: %v); want %v after the run ended", err, ended, tc.want)
			}
			if r.started != 2 {
				t.Errorf("%d runs, want 2 (the stopped one and the newcomer's)", r.started)
			}
		})
	}
}

// A panic in a run becomes every subscriber's error instead of killing the
// plugin process: the run has its own goroutine, out of reach of the
// query handler's recover.
func TestSharedRunPanicIsAnError(t *testing.T) {
	r := &sharedRuns{gate: waitForSubscribers(2)}
	boom := func(context.Context, func(*engine.Episode)) (int, string, error) { panic("index out of range") }
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := r.join(context.Background(), "k", func(*engine.Episode) {}, boom)
			if err == nil || !strings.Contains(err.Error(), "internal error") || !strings.Contains(err.Error(), "index out of range") {
				t.Errorf("after a panic: %v, want an internal error naming it", err)
			}
		}()
	}
	wg.Wait()
	if len(r.open) != 0 {
		t.Errorf("the panicked run is still open to newcomers")
	}
}
