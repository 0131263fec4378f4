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
	groupBy = uniqueFields(groupBy)
	sets := groupEpisodes(eps, groupBy)
	fields := make([]*data.Field, 0, len(groupBy)+1)
	for j, f := range groupBy {
		values := make([]string, len(sets))
		for i, s := range sets {
			values[i] = s.values[j]
		}
		fields = append(fields, data.NewField(f, nil, values))
	}
	counts := make([]float64, len(sets))
	for i, s := range sets {
		counts[i] = float64(len(s.eps))
	}
	fields = append(fields, data.NewField(valueField, nil, counts))
	return data.NewFrame(valueField, fields...).SetMeta(&data.FrameMeta{
		Type:                data.FrameTypeNumericLong,
		TypeVersion:         dataplaneVersion,
		ExecutedQueryString: executedSQL,
	})
}
