package store

import (
	"context"
	"time"

	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// prepare reads the table's description and fits q's range into what its
// event_time column can hold (models.ClipRange). It changes q.From and
// q.To in place, so the frames the plugin builds afterwards (time-series
// buckets) use the range the SQL read.
func (st *Store) prepare(ctx context.Context, q *models.Query) (TableInfo, error) {
	table, err := st.Table(ctx)
	if err != nil {
		return TableInfo{}, err
	}
	from, to, err := models.ClipRange(table.Variant, q.From, q.To)
	if err != nil {
		return TableInfo{}, err
	}
	q.From, q.To = from, to
	return table, nil
}

// clipStart keeps a window's start, reached by going back from the range,
// inside what the event_time column can hold.
func clipStart(v schema.Variant, t time.Time) time.Time {
	if lo, _ := schema.TimeBounds(v); t.Before(lo) {
		return lo
	}
	return t
}
