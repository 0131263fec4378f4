package ingest

import (
	"fmt"
	"io"
	"time"
)

// Progress is reported every progressRecords records or progressInterval,
// whichever comes first, so that a long load shows life without flooding a
// terminal on a fast one.
const (
	progressRecords  = 50000
	progressInterval = 2 * time.Second
)

type progress struct {
	w           io.Writer
	written     bool // the run writes events out (normalize) rather than inserting them
	start, last time.Time
	lastRecords int
}

func newProgress(w io.Writer) *progress {
	now := time.Now()
	return &progress{w: w, start: now, last: now}
}

// newWriteProgress reports for Normalize, which writes events instead of
// inserting them.
func newWriteProgress(w io.Writer) *progress {
	p := newProgress(w)
	p.written = true
	return p
}

func (p *progress) tick(st *Stats) {
	if p.w == nil {
		return
	}
	if st.Records-p.lastRecords < progressRecords && time.Since(p.last) < progressInterval {
		return
	}
	p.report(st, "progress")
}

// done reports the final rate; the summary counts are Stats.String's job.
func (p *progress) done(st *Stats) {
	if p.w != nil && st.Records > 0 {
		p.report(st, "done")
	}
}

func (p *progress) report(st *Stats, label string) {
	now := time.Now()
	p.last, p.lastRecords = now, st.Records
	rate := float64(st.Records) / max(now.Sub(p.start).Seconds(), 1e-9)
	if p.written {
		fmt.Fprintf(p.w, "normalize %s: %d records read, %d events written, %d rejected, %d kept with a field ignored (%.0f records/s)\n",
			label, st.Records, st.Events, st.Rejected, st.Noted, rate)
		return
	}
	fmt.Fprintf(p.w, "ingest %s: %d records read, %d events inserted, %d duplicates, %d rejected (%.0f records/s)\n",
		label, st.Records, st.Inserted, st.Duplicates, st.Rejected, rate)
}
