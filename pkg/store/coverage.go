package store

import (
	"context"
	"fmt"
	"time"

	"github.com/tokentrail/tokentrail/pkg/chsql"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/posture"
)

// CoverageWindow is where coverage starts reading: the panel's start, or a
// day more than minRetentionDays before its end when that is earlier, so
// that a source keeping too little history can be told from one the window
// cuts short (its first event then lies past the threshold).
func CoverageWindow(q *models.Query, t posture.Thresholds) time.Time {
	if back := q.To.Add(-time.Duration(t.MinRetentionDays+1) * 24 * time.Hour); back.Before(q.From) {
		return back
	}
	return q.From
}

// Coverage reads one row per source and tenant and evaluates its blind
// spots under the datasource's thresholds.
func (st *Store) Coverage(ctx context.Context, q *models.Query) ([]posture.Coverage, string, error) {
	table, err := st.prepare(ctx, q)
	if err != nil {
		return nil, "", err
	}
	s := st.settings
	sql, err := chsql.Coverage(chsql.CoverageSpec{
		Database: s.Database, Table: s.Table, Variant: table.Variant,
		WindowFrom: clipStart(table.Variant, CoverageWindow(q, s.Thresholds)), To: q.To, Filters: q.Filters,
		LookbackSeconds: 60 * s.Thresholds.AlertLookbackMinutes,
	})
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", models.ErrInvalidQuery, err)
	}
	var out []posture.Coverage
	sql, err = st.run(ctx, statement{sql: sql, tables: chsql.ValueTables(q.Filters)}, func(scan func(...any) error) error {
		var c posture.Coverage
		var delay []float64
		if err := scan(&c.Source, &c.Tenant, &c.Events, &c.FirstEvent, &c.LastEvent, &c.ActiveDays, &delay, &c.Late,
			&c.WithTokenID, &c.WithAppID, &c.WithSrcIP, &c.WithSession, &c.TokenEvents, &c.TokenEventsWithID,
			&c.Signins, &c.Categories); err != nil {
			return err
		}
		if len(delay) == 2 {
			c.DelayP50, c.DelayP95 = delay[0], delay[1]
		}
		posture.Evaluate(&c, s.Thresholds, q.To)
		out = append(out, c)
		return nil
	})
	return out, sql, err
}
