package plugin

import (
	"context"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/frames"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/posture"
	"github.com/tokentrail/tokentrail/pkg/risk"
	"github.com/tokentrail/tokentrail/pkg/store"
)

// inventory answers the inventory query: a table of apps, grants or tokens,
// or, with format count, how many rows it would have. The apps table also
// shows each app's last episode in the panel range, scored as the sequences
// query scores it; that detection runs next to the inventory's aggregation,
// not after it. minSeverity keeps the apps whose last episode reaches it.
func (d *Datasource) inventory(ctx context.Context, q *models.Query) backend.DataResponse {
	bySeverity := q.Kind == models.KindApps && q.MinSeverity != ""
	if q.Format == models.FormatCount && !bySeverity {
		n, sql, err := d.store.InventoryCount(ctx, q)
		if err != nil {
			return errorResponse(err)
		}
		return backend.DataResponse{Frames: data.Frames{frames.Count(q.Kind, n, sql)}}
	}
	if bySeverity && q.Format == models.FormatCount {
		q.Limit = models.MaxInventoryRows // count what the narrowing keeps, not one page
	}
	last := posture.LastEpisodes{}
	episodes := make(chan error, 1)
	if q.Kind == models.KindApps {
		// The query's own rule, includeApproved and minSeverity: approved
		// automation shows no episode unless asked, as everywhere else.
		rq := *q // Rank clips its query's range; the inventory reads q at the same time
		go func() {
			// Each app's latest episode is kept as the episodes are
			// scored, not the range's episodes.
			_, err := d.store.Rank(ctx, &rq, store.RankOptions{Lean: true, Visit: func(ep *engine.Episode) { _ = last.Add(*ep) }})
			episodes <- err
		}()
	} else {
		episodes <- nil
	}
	inv, sql, err := d.store.Inventory(ctx, q)
	if seqErr := <-episodes; err == nil {
		err = seqErr
	}
	if err != nil {
		return errorResponse(err)
	}
	last.Apply(inv.Apps)
	if bySeverity {
		min := risk.SeverityRank(q.MinSeverity)
		kept := inv.Apps[:0]
		for _, a := range inv.Apps {
			if a.LastSeverity != "" && risk.SeverityRank(a.LastSeverity) >= min {
				kept = append(kept, a)
			}
		}
		inv.Apps = kept
		if q.Format == models.FormatCount {
			return backend.DataResponse{Frames: data.Frames{frames.Count(q.Kind, uint64(len(kept)), sql)}}
		}
	}
	return backend.DataResponse{Frames: data.Frames{frames.Inventory(inv, q.Limit, sql)}}
}

// coverage answers the coverage query: the table (narrowed by require),
// how many sources match require (format count), or one alerting row per
// source and tenant (format numeric).
func (d *Datasource) coverage(ctx context.Context, q *models.Query) backend.DataResponse {
	rows, sql, err := d.store.Coverage(ctx, q)
	if err != nil {
		return errorResponse(err)
	}
	if q.Format == models.FormatNumeric {
		return backend.DataResponse{Frames: data.Frames{frames.CoverageNumeric(rows, q.Require, sql)}}
	}
	kept := rows[:0:0]
	for i := range rows {
		if frames.CoverageKeep(&rows[i], q.Require) {
			kept = append(kept, rows[i])
		}
	}
	if q.Format == models.FormatCount {
		return backend.DataResponse{Frames: data.Frames{frames.Count("sources", uint64(len(kept)), sql)}}
	}
	return backend.DataResponse{Frames: data.Frames{frames.CoverageTable(kept, sql)}}
}
