package plugin

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/tokentrail/tokentrail/pkg/echo"
	"github.com/tokentrail/tokentrail/pkg/frames"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/store"
)

// MaxEpisodes caps one sequences response. Beyond it the panel gets the
// MaxEpisodes highest-scoring episodes and a notice; the counts query has no
// cap because it keeps only one number per label set.
const MaxEpisodes = 10000

// QueryData answers each query on its own: a bad or failing query gets its
// own error and the other queries of the request still answer. They run
// at once, as separate panels do; the store's pool queues them.
func (d *Datasource) QueryData(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	resp := backend.NewQueryDataResponse()
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	for _, q := range req.Queries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := d.query(ctx, q)
			mu.Lock()
			resp.Responses[q.RefID] = r
			mu.Unlock()
		}()
	}
	wg.Wait()
	return resp, nil
}

func (d *Datasource) query(ctx context.Context, dq backend.DataQuery) (res backend.DataResponse) {
	defer func() {
		if v := recover(); v != nil {
			log.DefaultLogger.Error("panic in query", "refId", echo.Clip(dq.RefID), "panic", echo.Clip(fmt.Sprint(v)))
			res = errorResponse(recovered(v))
		}
	}()
	if d.settingsErr != nil {
		return errorResponse(d.settingsErr)
	}
	q, err := models.ParseQuery(dq.JSON, dq.QueryType, models.GrafanaTime(dq.TimeRange.From), models.GrafanaTime(dq.TimeRange.To))
	if err != nil {
		return errorResponse(err)
	}
	switch q.QueryType {
	case models.QuerySequences:
		res = d.sequences(ctx, q)
	case models.QuerySequenceCounts:
		res = d.sequenceCounts(ctx, q, dq)
	case models.QueryTimeline:
		res = d.timeline(ctx, q)
	case models.QueryInventory:
		res = d.inventory(ctx, q)
	case models.QueryCoverage:
		res = d.coverage(ctx, q)
	default:
		return errorResponse(fmt.Errorf("%w: queryType %s is not handled", models.ErrInvalidQuery, echo.Quote(q.QueryType)))
	}
	d.noteSkippedShards(ctx, &res)
	return res
}

func (d *Datasource) sequences(ctx context.Context, q *models.Query) backend.DataResponse {
	ranked, err := d.store.Rank(ctx, q, store.RankOptions{Keep: MaxEpisodes})
	if err != nil {
		return errorResponse(err)
	}
	if q.Format == models.FormatAnnotations {
		return backend.DataResponse{Frames: data.Frames{frames.Annotations(ranked.Episodes, ranked.SQL)}}
	}
	return backend.DataResponse{Frames: data.Frames{sequencesFrame(ranked, q)}}
}

// sequencesFrame is the triage table, with a notice when the cap dropped
// the lowest-scoring episodes.
func sequencesFrame(ranked *store.Ranked, q *models.Query) *data.Frame {
	f := frames.Sequences(ranked.Episodes, q.CorrelateBy, ranked.SQL)
	if ranked.Matched > len(ranked.Episodes) {
		f.AppendNotices(data.Notice{Severity: data.NoticeSeverityWarning,
			Text: fmt.Sprintf("%d episodes matched: showing the %d highest-scoring. Raise minSeverity, narrow the time range or add filters to see the rest.", ranked.Matched, len(ranked.Episodes))})
	}
	return f
}

func (d *Datasource) sequenceCounts(ctx context.Context, q *models.Query, dq backend.DataQuery) backend.DataResponse {
	// Counted as they are scored: what is held is one entry per label set
	// (and bucket), not the episodes of the range.
	var counter *frames.Counter
	if q.Format == models.FormatTimeseries {
		if err := models.CheckBucketRange(q.From, q.To); err != nil {
			return errorResponse(err)
		}
		counter = frames.NewSeriesCounter(q.GroupBy, q.From, q.To, bucket(dq))
	} else {
		counter = frames.NewCounter(q.GroupBy)
	}
	// Lean: counts carry labels and times, not evidence.
	ranked, err := d.store.Rank(ctx, q, store.RankOptions{Lean: true, Visit: counter.Add})
	if err != nil {
		return errorResponse(err)
	}
	return backend.DataResponse{Frames: counter.Frames(ranked.SQL)}
}

// bucket is the time-series interval: Grafana's own interval for the panel,
// or, for alert rules that send none, the range split into MaxDataPoints
// (default 100) buckets, never finer than a minute.
func bucket(dq backend.DataQuery) time.Duration {
	iv := dq.Interval
	if iv <= 0 {
		points := dq.MaxDataPoints
		if points <= 0 {
			points = 100
		}
		iv = dq.TimeRange.Duration() / time.Duration(points)
	}
	if iv < time.Minute {
		iv = time.Minute
	}
	return iv.Truncate(time.Minute)
}

func (d *Datasource) timeline(ctx context.Context, q *models.Query) backend.DataResponse {
	events, sql, truncated, err := d.store.Timeline(ctx, q)
	if err != nil {
		return errorResponse(err)
	}
	f := frames.Timeline(events, q.DetectParams(d.settings), sql)
	if truncated {
		f.AppendNotices(data.Notice{Severity: data.NoticeSeverityWarning,
			Text: fmt.Sprintf("Showing the newest %d events of the range; raise limit (max %d) or narrow the filters.", q.Limit, models.MaxTimelineRows)})
	}
	return backend.DataResponse{Frames: data.Frames{f}}
}
