package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/tokentrail/tokentrail/pkg/chsql"
	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/models"
)

// Timeline returns the newest events of q's range that pass its filters, at
// most q.Limit of them, for drilling into one actor, app or token. truncated
// says the range held more.
func (st *Store) Timeline(ctx context.Context, q *models.Query) (events []event.Event, sql string, truncated bool, err error) {
	s := st.settings
	table, err := st.Table(ctx)
	if err != nil {
		return nil, "", false, err
	}
	sql, err = chsql.Timeline(chsql.TimelineSpec{
		Database: s.Database, Table: s.Table, Variant: table.Variant,
		From: q.From, To: q.To, Filters: q.Filters, Limit: q.Limit,
	})
	if err != nil {
		return nil, "", false, fmt.Errorf("%w: %v", models.ErrInvalidQuery, err)
	}
	ctx, cancel := st.queryContext(ctx)
	defer cancel()
	rows, err := st.conn.Query(ctx, sql)
	if err != nil {
		return nil, sql, false, Classify(err, s)
	}
	defer rows.Close()
	for rows.Next() {
		var e event.Event
		var category, auth, scopes string
		if err := rows.Scan(&e.EventTime, &e.Source, &e.Action, &category, &auth, &e.Outcome,
			&e.ActorID, &e.ActorName, &e.AppID, &e.AppName, &e.TokenID, &e.SrcIP, &e.UserAgent, &e.SessionID,
			&e.TargetType, &e.TargetID, &e.TargetName, &scopes, &e.Sensitivity, &e.EventID, &e.Raw); err != nil {
			return nil, sql, false, Classify(err, s)
		}
		e.Category, e.AuthMethod = event.Category(category), event.AuthMethod(auth)
		if scopes != "" {
			e.Scopes = strings.Fields(scopes)
		}
		if len(events) == q.Limit {
			truncated = true
			break
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, sql, false, Classify(err, s)
	}
	return events, sql, truncated, nil
}

// Values lists the most frequent values of a field, for editor suggestions.
func (st *Store) Values(ctx context.Context, field string, limit int) ([]string, error) {
	sql, err := chsql.DistinctValuesSQL(st.settings.Database, st.settings.Table, field, limit)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", models.ErrInvalidQuery, err)
	}
	ctx, cancel := st.queryContext(ctx)
	defer cancel()
	rows, err := st.conn.Query(ctx, sql)
	if err != nil {
		return nil, Classify(err, st.settings)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		var c uint64
		if err := rows.Scan(&v, &c); err != nil {
			return nil, Classify(err, st.settings)
		}
		out = append(out, v)
	}
	return out, Classify(rows.Err(), st.settings)
}
