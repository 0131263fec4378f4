package plugin

import (
	"context"
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/frames"
	"github.com/tokentrail/tokentrail/pkg/models"
)

// MaxEpisodes caps one sequences response. Beyond it the panel gets the
// first MaxEpisodes rows and a warning; the counts query has no cap because
// it keeps only one number per label set.
const MaxEpisodes = 10000

// QueryData answers each query on its own: a bad or failing query gets its
// own error and the other queries of the request still answer.
func (d *Datasource) QueryData(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	resp := backend.NewQueryDataResponse()
	for _, q := range req.Queries {
		resp.Responses[q.RefID] = d.query(ctx, q)
	}
	return resp, nil
}

func (d *Datasource) query(ctx context.Context, dq backend.DataQuery) (res backend.DataResponse) {
	defer func() {
		if v := recover(); v != nil {
			log.DefaultLogger.Error("panic in query", "refId", dq.RefID, "panic", v)
			res = errorResponse(recovered(v))
		}
	}()
	if d.settingsErr != nil {
		return errorResponse(d.settingsErr)
	}
	q, err := models.ParseQuery(dq.JSON, dq.QueryType, dq.TimeRange.From, dq.TimeRange.To)
	if err != nil {
		return errorResponse(err)
	}
	switch q.QueryType {
	case models.QuerySequences:
		return d.sequences(ctx, q)
	case models.QuerySequenceCounts:
		return d.sequenceCounts(ctx, q, dq)
	case models.QueryTimeline:
		return d.timeline(ctx, q)
	}
	return errorResponse(fmt.Errorf("%w: queryType %q is not handled", models.ErrInvalidQuery, q.QueryType))
}

func (d *Datasource) sequences(ctx context.Context, q *models.Query) backend.DataResponse {
	var eps []engine.Episode
	truncated := false
	sql, err := d.store.Sequences(ctx, q, func(ep engine.Episode) error {
		if len(eps) >= MaxEpisodes {
			truncated = true
			return nil
		}
		eps = append(eps, ep)
		return nil
	})
	if err != nil {
		return errorResponse(err)
	}
	f := frames.Sequences(eps, q.CorrelateBy, sql)
	if truncated {
		f.AppendNotices(data.Notice{Severity: data.NoticeSeverityWarning,
			Text: fmt.Sprintf("More than %d episodes: showing the first %d in key order. Narrow the time range or add filters.", MaxEpisodes, MaxEpisodes)})
	}
	return backend.DataResponse{Frames: data.Frames{f}}
}

func (d *Datasource) sequenceCounts(ctx context.Context, q *models.Query, dq backend.DataQuery) backend.DataResponse {
	// Only what the frame needs is kept: counts carry labels and times,
	// not evidence, so the episode's lists are dropped as they stream by.
	var eps []engine.Episode
	sql, err := d.store.Sequences(ctx, q, func(ep engine.Episode) error {
		ep.Actions, ep.Targets, ep.Reasons = nil, nil, nil
		eps = append(eps, ep)
		return nil
	})
	if err != nil {
		return errorResponse(err)
	}
	if q.Format == models.FormatTimeseries {
		return backend.DataResponse{Frames: frames.CountsTimeSeries(eps, q.GroupBy, q.From, q.To, bucket(dq), sql)}
	}
	return backend.DataResponse{Frames: data.Frames{frames.CountsNumeric(eps, q.GroupBy, sql)}}
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
	f := frames.Timeline(events, sql)
	if truncated {
		f.AppendNotices(data.Notice{Severity: data.NoticeSeverityWarning,
			Text: fmt.Sprintf("Showing the newest %d events of the range; raise limit (max %d) or narrow the filters.", q.Limit, models.MaxTimelineRows)})
	}
	return backend.DataResponse{Frames: data.Frames{f}}
}
