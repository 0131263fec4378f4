package store

import (
	"context"
	"fmt"
	"time"

	"github.com/tokentrail/tokentrail/pkg/chsql"
	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/models"
)

// signinGaps runs AN0528 for q (the an0528 preset): ClickHouse returns the
// token uses of the range and the successful interactive sign-ins from
// signinWindow before it, of the actors who sign in at all (seen signing in
// within baselineDays before the range), in actor order; the engine's
// SigninGapDetector streams them, holding one actor at a time.
func (st *Store) signinGaps(ctx context.Context, q *models.Query, emit func(engine.Episode) error) (string, error) {
	s := st.settings
	table, err := st.prepare(ctx, q)
	if err != nil {
		return "", err
	}
	days := s.BaselineDays
	if q.BaselineDays != nil {
		days = *q.BaselineDays
	}
	spec := chsql.SigninGapSpec{
		Database: s.Database, Table: s.Table, Variant: table.Variant,
		From: q.From, To: q.To, SigninWindow: q.SigninWindow,
		ActorsFrom: clipStart(table.Variant, q.From.Add(-q.SigninWindow-time.Duration(max(days, 0))*24*time.Hour)),
		Filters:    q.Filters, Sharding: table.Distribution.Sharding(),
	}
	if !q.IncludeApproved {
		spec.ExcludeApps = s.ApprovedApps
	}
	sql, err := chsql.SigninGaps(spec)
	if err != nil {
		return "", fmt.Errorf("%w: %v", models.ErrInvalidQuery, err)
	}
	det, err := engine.NewSigninGapDetector(q.SigninGapParams(s), emit)
	if err != nil {
		return sql, fmt.Errorf("%w: %v", models.ErrInvalidQuery, err)
	}
	return st.detect(ctx, statement{sql: sql, tables: chsql.ValueTables(q.Filters)}, det)
}
