package store

import (
	"context"
	"fmt"

	"github.com/tokentrail/tokentrail/pkg/chsql"
	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/models"
)

// Sequences runs the AN0020 reduction for q: ClickHouse narrows the range to
// candidate keys and returns only their access, sensitive and revoke rows in
// key order; each row goes straight into the engine's per-key state machine,
// which calls emit for every episode. Nothing is buffered here, so memory
// follows one key's rows, not the table. It returns the executed SQL.
func (st *Store) Sequences(ctx context.Context, q *models.Query, emit func(engine.Episode) error) (string, error) {
	if q.Analytic == engine.AnalyticAN0528 {
		return st.signinGaps(ctx, q, emit)
	}
	s := st.settings
	table, err := st.prepare(ctx, q)
	if err != nil {
		return "", err
	}
	spec := chsql.SequenceSpec{
		Database: s.Database, Table: s.Table, Variant: table.Variant,
		From: q.From, To: q.To, MaxSpan: q.MaxSpan,
		CorrelateBy: q.CorrelateBy, MinSensitivity: *q.MinSensitivity, SensitiveNeedsToken: q.SensitiveNeedsToken,
		Filters: q.Filters, KeyHash: table.KeyHash, AppHash: table.AppHash,
	}
	if !q.IncludeApproved {
		spec.ExcludeApps = s.ApprovedApps
	}
	sql, err := chsql.Sequences(spec)
	if err != nil {
		return "", fmt.Errorf("%w: %v", models.ErrInvalidQuery, err)
	}
	det, err := engine.NewDetector(q.DetectParams(s), emit)
	if err != nil {
		return sql, fmt.Errorf("%w: %v", models.ErrInvalidQuery, err)
	}
	return st.detect(ctx, sql, q.Filters, det)
}

// detector is what streams rows into episodes: the AN0020 and AN0528 rules.
type detector interface {
	Add(engine.Row) error
	Close() error
}

// detect runs sql (its filters' long value lists as external tables),
// feeds every row to det and closes it, returning the SQL as executed.
func (st *Store) detect(ctx context.Context, sql string, filters []models.Filter, det detector) (string, error) {
	sql, err := st.streamRows(ctx, statement{sql: sql, tables: chsql.ValueTables(filters)}, det.Add)
	if err != nil {
		return sql, err
	}
	return sql, det.Close()
}

// streamRows runs a statement whose columns are chsql.RowColumns through
// run and passes each row to add as it arrives; an error from add stops the
// stream. It returns the SQL as executed.
func (st *Store) streamRows(ctx context.Context, stmt statement, add func(engine.Row) error) (string, error) {
	var (
		r                  engine.Row
		category, authMeth string
	)
	dest := []any{
		&r.EventTime, &r.EventID, &r.Tenant, &r.Source, &r.Action, &category, &authMeth,
		&r.ActorID, &r.ActorName, &r.AppID, &r.AppName, &r.TokenID, &r.SrcIP, &r.UserAgent, &r.TargetName, &r.Sensitivity,
	}
	return st.run(ctx, stmt, func(scan func(...any) error) error {
		if err := scan(dest...); err != nil {
			return err
		}
		r.Category, r.AuthMethod = event.Category(category), event.AuthMethod(authMeth)
		return add(r)
	})
}
