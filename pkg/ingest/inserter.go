package ingest

import (
	"context"
	"fmt"
	"sync"
)

// inserter writes batches in order on its own goroutine, so that reading
// and normalizing continue while ClickHouse is busy with the previous
// insert. The first failure stops it; later batches are not attempted.
type inserter struct {
	w    *Writer
	ctx  context.Context
	jobs chan *batch
	done chan struct{} // closed when the goroutine has exited

	mu             sync.Mutex
	inserted, dups int
	err            error // first failure; read after done is closed
}

func startInserter(ctx context.Context, w *Writer) *inserter {
	ins := &inserter{w: w, ctx: ctx, jobs: make(chan *batch, 1), done: make(chan struct{})}
	go ins.loop()
	return ins
}

func (ins *inserter) loop() {
	defer close(ins.done)
	for b := range ins.jobs {
		inserted, dups, err := ins.w.Write(ins.ctx, b.events)
		ins.mu.Lock()
		if err != nil {
			ins.err = fmt.Errorf("batch %d (input lines %d-%d, %d events) was not inserted: %w; batches before it were inserted, and rerunning skips them as duplicates",
				b.number, b.firstLine, b.lastLine, len(b.events), err)
		}
		ins.inserted += inserted
		ins.dups += dups
		ins.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// submit queues b, waiting while the previous batch is still queued. It
// reports false when the inserter has stopped on an error.
func (ins *inserter) submit(b *batch) bool {
	select {
	case ins.jobs <- b:
		return true
	case <-ins.done:
		return false
	}
}

// finish queues last (when it holds events), lets the queue drain and
// returns the first failure.
func (ins *inserter) finish(last *batch) error {
	if last != nil && len(last.events) > 0 {
		ins.submit(last)
	}
	close(ins.jobs)
	<-ins.done
	return ins.err
}

// counts returns the events inserted and skipped so far.
func (ins *inserter) counts() (inserted, dups int) {
	ins.mu.Lock()
	defer ins.mu.Unlock()
	return ins.inserted, ins.dups
}
