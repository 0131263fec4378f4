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
	table, err := st.prepare(ctx, q)
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
	sql, err = st.run(ctx, statement{sql: sql, tables: chsql.ValueTables(q.Filters)}, func(scan func(...any) error) error {
		if len(events) == q.Limit {
			truncated = true
			return nil // the rest streams by; the statement fetched one more row only
		}
		var e event.Event
		var category, auth, scopes string
		if err := scan(&e.EventTime, &e.Source, &e.Action, &category, &auth, &e.Outcome,
			&e.ActorID, &e.ActorName, &e.AppID, &e.AppName, &e.TokenID, &e.SrcIP, &e.UserAgent, &e.SessionID,
			&e.TargetType, &e.TargetID, &e.TargetName, &scopes, &e.Sensitivity, &e.EventID, &e.Raw); err != nil {
			return err
		}
		e.Category, e.AuthMethod = event.Category(category), event.AuthMethod(auth)
		if scopes != "" {
			e.Scopes = strings.Fields(scopes)
		}
		events = append(events, e)
		return nil
	})
	if err != nil {
		return nil, sql, false, err
	}
	return events, sql, truncated, nil
}

// Values lists the most frequent values of a field, for editor suggestions.
func (st *Store) Values(ctx context.Context, field string, limit int) ([]string, error) {
	sql, err := chsql.DistinctValuesSQL(st.settings.Database, st.settings.Table, field, limit)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", models.ErrInvalidQuery, err)
	}
	var out []string
	_, err = st.run(ctx, statement{sql: sql}, func(scan func(...any) error) error {
		var v string
		var c uint64
		if err := scan(&v, &c); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	return out, err
}
