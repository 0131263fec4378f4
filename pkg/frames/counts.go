package frames

import (
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/tokentrail/tokentrail/pkg/engine"
)

// CountsNumeric returns episode counts per groupBy label set as one
// data-plane numeric-long frame, the shape Grafana alerting turns into one
// alert instance per row. The frame has one string field per groupBy field,
// never null (a missing value is ""), and exactly one float64 value field,
// "episodes": alerting tells instances apart by labels only, so a second
// value field would make rows ambiguous. Rows are sorted by label values.
// Zero episodes give zero rows, which Grafana reads as No Data.
func CountsNumeric(eps []engine.Episode, groupBy []string, executedSQL string) *data.Frame {
	c := NewCounter(groupBy)
	for i := range eps {
		c.Add(&eps[i])
	}
	return c.Numeric(executedSQL)
}

// Numeric is CountsNumeric's frame of the episodes counted so far.
func (c *Counter) Numeric(executedSQL string) *data.Frame {
	sets := c.sorted()
	fields := make([]*data.Field, 0, len(c.groupBy)+1)
	for j, f := range c.groupBy {
		values := make([]string, len(sets))
		for i, s := range sets {
			values[i] = s.values[j]
		}
		fields = append(fields, data.NewField(f, nil, values))
	}
	counts := make([]float64, len(sets))
	for i, s := range sets {
		counts[i] = float64(s.count)
	}
	fields = append(fields, data.NewField(valueField, nil, counts))
	return data.NewFrame(valueField, fields...).SetMeta(&data.FrameMeta{
		Type:                data.FrameTypeNumericLong,
		TypeVersion:         dataplaneVersion,
		ExecutedQueryString: executedSQL,
	})
}
