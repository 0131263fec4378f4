package collect

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/ingest"
	"github.com/tokentrail/tokentrail/pkg/normalize"
)

// maxListedRejects bounds the reject lines one poll prints; the count and
// the metric still include every reject.
const maxListedRejects = 100

// progressEvery is how often a long poll reports progress.
const progressEvery = 2 * time.Second

// PollStats count one poll of one stream.
type PollStats struct {
	Records    int // vendor records read
	Pages      int
	Events     int // events normalized from the accepted records
	Inserted   int
	Duplicates int
	Rejected   int
	Noted      int // records kept although a field the detector does not need could not be read
}

// streamState is a stream with its checkpoint.
type streamState struct {
	stream  stream
	cp      Checkpoint // the position in memory, with the sequence of the last save
	stored  Position   // the position last saved
	savedAt time.Time  // when (monotonic), to space idle saves
	loaded  bool
}

// pending is what has been read but not landed: the events, and the
// position the checkpoint takes once they have.
type pending struct {
	events []event.Event
	pos    Position
	dirty  bool
}

// pollStream reads one stream from its checkpoint until the vendor has
// nothing newer. Events are inserted in batches; after each insert the
// checkpoint moves to the position of the last page in the batch, never
// before. Pages read before a failure are still landed.
func (r *sourceRunner) pollStream(ctx context.Context, st *streamState, poll int) (PollStats, error) {
	var stats PollStats
	if !st.loaded {
		cp, found, err := r.c.checkpoints.Load(ctx, st.stream.name())
		if err != nil {
			return stats, err
		}
		if !found {
			start, _ := r.cfg.startTime(r.c.now())
			cp = Checkpoint{Stream: st.stream.name(), Position: Position{Time: start}}
		}
		st.cp, st.stored, st.savedAt, st.loaded = cp, cp.Position, time.Now(), true
	}
	var buf pending
	listed := 0
	lastProgress := time.Now()
	began := time.Now()
	emit := func(p page) error {
		stats.Pages++
		stats.Records += len(p.records)
		r.c.metrics.records.WithLabelValues(r.cfg.Name, st.stream.name()).Add(float64(len(p.records)))
		for i, raw := range p.records {
			events, notes, err := ingest.NormalizeRecord(r.norm, raw)
			if len(notes) > 0 {
				stats.Noted++
				for _, n := range notes {
					if listed < maxListedRejects {
						r.c.logf("noted %s: %s, record %d kept with a field ignored: %v", st.stream.name(), p.where, i, n)
					}
					listed++
				}
			}
			if err != nil {
				stats.Rejected++
				r.c.metrics.rejects.WithLabelValues(r.cfg.Name, st.stream.name()).Inc()
				if listed < maxListedRejects {
					r.c.logf("rejected %s: %s, record %d: %v", st.stream.name(), p.where, i, err)
				}
				listed++
				continue
			}
			for j := range events {
				if r.cfg.Tenant != "" {
					events[j].Tenant = r.cfg.Tenant
				}
			}
			stats.Events += len(events)
			buf.events = append(buf.events, events...)
		}
		buf.pos, buf.dirty = p.after, true
		if len(buf.events) >= r.c.cfg.ClickHouse.BatchSize {
			if err := r.flush(ctx, st, &buf, &stats, false); err != nil {
				return err
			}
		}
		if time.Since(lastProgress) >= progressEvery {
			lastProgress = time.Now()
			r.c.logf("collect %s: poll %d progress: %d pages, %d records, %d inserted, %d duplicates, %d rejected (%.0f records/s)",
				st.stream.name(), poll, stats.Pages, stats.Records, stats.Inserted, stats.Duplicates, stats.Rejected,
				float64(stats.Records)/time.Since(began).Seconds())
		}
		return nil
	}
	err := st.stream.poll(ctx, st.cp.Position, emit)
	// The poll's end always stores the position when the collector is about
	// to stop (a shutdown, or a single run), so a restart starts from it.
	force := r.c.opt.Once || ctx.Err() != nil
	ferr := r.flush(context.WithoutCancel(ctx), st, &buf, &stats, force)
	if listed > maxListedRejects {
		r.c.logf("rejected or noted %s: %d more in this poll not listed", st.stream.name(), listed-maxListedRejects)
	}
	return stats, errors.Join(err, ferr)
}

// idleCheckpointEvery spaces the saves of a stream that inserted nothing
// and only moved its watermark (the overlap re-read found duplicates only):
// one row per poll per stream would be a stream of tiny inserts for
// ClickHouse. A position not saved is never a risk, only more re-reading
// after a restart.
const idleCheckpointEvery = time.Minute

// flush inserts the pending events, then saves the checkpoint. Nothing is
// saved when the insert fails: the next poll reads those pages again and
// deduplication keeps what did land from doubling.
func (r *sourceRunner) flush(ctx context.Context, st *streamState, buf *pending, stats *PollStats, force bool) error {
	if !buf.dirty {
		return nil
	}
	inserted := 0
	if len(buf.events) > 0 {
		ins, dups, err := r.c.writer.Write(ctx, buf.events)
		if err != nil {
			return fmt.Errorf("insert %d events (the checkpoint stays at %s): %w", len(buf.events), st.cp.Position.Time.Format(time.RFC3339), err)
		}
		inserted = ins
		stats.Inserted += ins
		stats.Duplicates += dups
		r.c.metrics.inserted.WithLabelValues(r.cfg.Name, st.stream.name()).Add(float64(ins))
		r.c.metrics.duplicates.WithLabelValues(r.cfg.Name, st.stream.name()).Add(float64(dups))
	}
	idle := inserted == 0 && sameWindow(buf.pos.Window, st.stored.Window) && time.Since(st.savedAt) < idleCheckpointEvery
	if idle && !force {
		st.cp.Position = buf.pos
	} else {
		cp, err := r.c.checkpoints.Save(ctx, st.cp, buf.pos, r.c.now())
		if err != nil {
			return err
		}
		st.cp, st.stored, st.savedAt = cp, cp.Position, time.Now()
	}
	*buf = pending{events: buf.events[:0]}
	return nil
}

// sameWindow tells whether two positions are in the same listing state.
func sameWindow(a, b *Window) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Start.Equal(b.Start) && a.End.Equal(b.End) && a.Cursor == b.Cursor
}

// sourceRunner polls the streams of one source, one after another, so that
// they share the vendor's rate limit politely.
type sourceRunner struct {
	c       *Collector
	cfg     *SourceConfig
	norm    normalize.Normalizer
	streams []*streamState
}

// run polls until ctx ends, or once when the collector runs once. A failed
// poll is reported and retried at the next interval; it never stops the
// other sources.
func (r *sourceRunner) run(ctx context.Context) error {
	failures := 0
	for poll := 1; ; poll++ {
		var failed error
		for _, st := range r.streams {
			began := time.Now()
			stats, err := r.pollStream(ctx, st, poll)
			if ctx.Err() != nil {
				return nil
			}
			r.report(st, poll, stats, time.Since(began), err)
			if err != nil {
				failed = errors.Join(failed, fmt.Errorf("%s: %w", st.stream.name(), err))
			}
		}
		if failed != nil {
			failures++
		} else {
			failures = 0
		}
		if r.c.opt.Once {
			return failed
		}
		wait := r.cfg.PollInterval
		if failures > 0 {
			r.c.logf("collect %s: %d polls in a row failed; next try in %s", r.cfg.Name, failures, wait)
		}
		if err := sleep(ctx, wait); err != nil {
			return nil
		}
	}
}

// report prints the poll's summary line and updates the gauges.
func (r *sourceRunner) report(st *streamState, poll int, s PollStats, took time.Duration, err error) {
	name := st.stream.name()
	wm := st.cp.Position.Time
	lag := r.c.now().Sub(wm)
	result := "ok"
	if err != nil {
		result = "error"
	}
	r.c.metrics.polls.WithLabelValues(r.cfg.Name, name, result).Inc()
	if st.loaded {
		r.c.metrics.lag.WithLabelValues(r.cfg.Name, name).Set(lag.Seconds())
		r.c.metrics.watermark.WithLabelValues(r.cfg.Name, name).Set(float64(wm.UnixMilli()) / 1000)
	}
	where := "no checkpoint yet"
	if st.loaded {
		where = fmt.Sprintf("checkpoint %s, lag %s", wm.Format(time.RFC3339), lag.Round(time.Second))
	}
	line := fmt.Sprintf("collect %s: poll %d %s in %s: %d records (%d pages), %d inserted, %d duplicates, %d rejected, %d kept with a field ignored; %s",
		name, poll, result, took.Round(time.Millisecond), s.Records, s.Pages, s.Inserted, s.Duplicates, s.Rejected, s.Noted, where)
	if err != nil {
		r.c.logf("%s: %v", line, err)
		return
	}
	r.c.metrics.lastSuccess.WithLabelValues(r.cfg.Name, name).Set(float64(r.c.now().UnixMilli()) / 1000)
	r.c.logf("%s", line)
}
