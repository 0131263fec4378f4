package frames

import (
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/tokentrail/tokentrail/pkg/engine"
)

// MaxBuckets caps the points of each series. Grafana sizes the interval from
// the panel width, but an API caller or a huge range with a tiny interval
// could ask for millions of points; the interval is widened instead.
const MaxBuckets = 10_000

// CountsTimeSeries returns episode counts over time as data-plane
// timeseries-multi frames: one frame per distinct groupBy label set, each
// with a non-null ascending "time" field and a float64 "episodes" field
// carrying the labels. An episode counts in the bucket of its first
// sensitive event. Buckets are aligned to multiples of the interval since
// the Unix epoch, starting with the one containing from, and every bucket up
// to to is present, with 0 when empty, so a graph shows quiet periods and a
// "last value" alert sees 0 rather than a stale count.
//
// The interval is sanitised (see bucketing): at least 1ms, 1m when not
// positive, and widened when the range would need more than MaxBuckets.
// Episodes outside [from, to] are not counted. Zero episodes, or an empty
// range, give a single typed frame without fields: the data-plane No Data
// shape.
func CountsTimeSeries(eps []engine.Episode, groupBy []string, from, to time.Time, interval time.Duration, executedSQL string) data.Frames {
	c := NewSeriesCounter(groupBy, from, to, interval)
	for i := range eps {
		c.Add(&eps[i])
	}
	return c.TimeSeries(executedSQL)
}

// TimeSeries is CountsTimeSeries' frames of the episodes counted so far by
// a counter from NewSeriesCounter.
func (c *Counter) TimeSeries(executedSQL string) data.Frames {
	meta := func() *data.FrameMeta {
		return &data.FrameMeta{Type: data.FrameTypeTimeSeriesMulti, TypeVersion: dataplaneVersion}
	}
	var frames data.Frames
	for _, s := range c.sorted() {
		times := make([]time.Time, c.n)
		for i := range times {
			times[i] = c.start.Add(time.Duration(i) * c.step)
		}
		labels := data.Labels{}
		for j, f := range c.groupBy {
			labels[f] = s.values[j]
		}
		frames = append(frames, data.NewFrame(valueField,
			data.NewField(timeField, nil, times),
			data.NewField(valueField, labels, s.buckets),
		).SetMeta(meta()))
	}
	if len(frames) == 0 {
		frames = data.Frames{data.NewFrame(valueField).SetMeta(meta())}
	}
	frames[0].Meta.ExecutedQueryString = executedSQL
	return frames
}

// bucketing returns the first bucket start, the bucket width and the number
// of buckets covering [from, to]. A non-positive interval becomes one minute;
// any other is truncated to whole milliseconds (Grafana's time resolution),
// at least one. If more than MaxBuckets buckets would be needed, the interval
// is multiplied by the smallest whole factor that fits, so the widened
// buckets still start on the requested interval's grid. to before from
// gives zero buckets.
func bucketing(from, to time.Time, interval time.Duration) (time.Time, time.Duration, int) {
	switch {
	case interval <= 0:
		interval = time.Minute
	case interval < time.Millisecond:
		interval = time.Millisecond
	default:
		interval = interval.Truncate(time.Millisecond)
	}
	if to.Before(from) {
		return from, interval, 0
	}
	// The smallest factor that could fit; alignment of the first bucket may
	// need one more, hence the loop.
	points := int64(to.Sub(from)/interval) + 1
	for factor := max(1, (points+MaxBuckets-1)/MaxBuckets); ; factor++ {
		step := interval * time.Duration(factor)
		start := floorToInterval(from, step)
		if n := int(to.Sub(start)/step) + 1; n <= MaxBuckets {
			return start, step, n
		}
	}
}

// floorToInterval rounds t down to a multiple of interval since the Unix
// epoch, in milliseconds so that it works for any representable year.
// time.Truncate would align to year 1 instead, which differs for intervals
// that do not divide a day.
func floorToInterval(t time.Time, interval time.Duration) time.Time {
	ms, step := t.UnixMilli(), interval.Milliseconds()
	floored := ms - ms%step
	if ms%step < 0 {
		floored -= step
	}
	return time.UnixMilli(floored).In(t.Location())
}
