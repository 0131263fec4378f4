package frames

import (
	"slices"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/tokentrail/tokentrail/pkg/engine"
)

// Counter counts episodes by their groupBy values as they stream past, so
// that a count over a month holds one entry per label set instead of every
// episode: at 10M events, holding the 57,800 scored episodes of a 30-day
// count kept 127 MB live (measured), as much as the rest of the query.
type Counter struct {
	groupBy []string
	index   map[string]*labelSet
	sets    []*labelSet
	// The time-series grid (NewSeriesCounter); n is 0 for a plain count.
	from, to, start time.Time
	step            time.Duration
	n               int
}

// labelSet is one distinct combination of groupBy values and its counts:
// in total, and per bucket of the time-series grid.
type labelSet struct {
	values  []string
	count   int
	buckets []float64
}

// NewCounter counts episodes per groupBy label set, for CountsNumeric's
// frame (Counter.Numeric).
func NewCounter(groupBy []string) *Counter {
	return &Counter{groupBy: uniqueFields(groupBy), index: map[string]*labelSet{}}
}

// NewSeriesCounter counts episodes per label set and per bucket of
// interval over [from, to], for CountsTimeSeries' frames
// (Counter.TimeSeries). An episode counts in the bucket of its first
// sensitive event; one outside [from, to] is not counted.
func NewSeriesCounter(groupBy []string, from, to time.Time, interval time.Duration) *Counter {
	c := NewCounter(groupBy)
	c.from, c.to = from, to
	c.start, c.step, c.n = bucketing(from, to, interval)
	return c
}

// Add counts ep.
func (c *Counter) Add(ep *engine.Episode) {
	series := c.step > 0
	if series && (c.n == 0 || ep.FirstSensitive.Before(c.from) || ep.FirstSensitive.After(c.to)) {
		return
	}
	values := make([]string, len(c.groupBy))
	for j, f := range c.groupBy {
		values[j] = GroupValue(ep, f)
	}
	k := joinKey(values)
	s, ok := c.index[k]
	if !ok {
		s = &labelSet{values: values}
		if series {
			s.buckets = make([]float64, c.n)
		}
		c.index[k] = s
		c.sets = append(c.sets, s)
	}
	s.count++
	if series {
		s.buckets[int(ep.FirstSensitive.Sub(c.start)/c.step)]++
	}
}

// Frames is the response for what was counted: CountsTimeSeries' frames
// for a counter from NewSeriesCounter, CountsNumeric's frame otherwise.
func (c *Counter) Frames(executedSQL string) data.Frames {
	if c.step > 0 {
		return c.TimeSeries(executedSQL)
	}
	return data.Frames{c.Numeric(executedSQL)}
}

// sorted returns the label sets ordered by their values, so output order
// never depends on the order episodes came in.
func (c *Counter) sorted() []*labelSet {
	slices.SortFunc(c.sets, func(a, b *labelSet) int { return slices.Compare(a.values, b.values) })
	return c.sets
}
