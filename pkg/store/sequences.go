package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ClickHouse/clickhouse-go/v2/ext"

	"github.com/tokentrail/tokentrail/pkg/chsql"
	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/models"
)

// keyBatch is how many keys' rows, episodes and history are held at a
// time: it bounds memory whatever the number of keys in the range.
var keyBatch = 2000

// Sequences runs the AN0020 reduction for q and calls emit for every
// episode, in key order. It returns the executed SQL.
func (st *Store) Sequences(ctx context.Context, q *models.Query, emit func(engine.Episode) error) (string, error) {
	return st.sequences(ctx, q, func(batch []engine.Episode) error {
		for _, ep := range batch {
			if err := emit(ep); err != nil {
				return err
			}
		}
		return nil
	})
}

// sequences runs the reduction and hands the episodes to fn in batches of
// at most keyBatch whole keys, in key order. fn runs between statements,
// never while one streams, so it may run statements of its own without
// one request holding two connections (two panels each waiting for a
// second connection could otherwise starve a small pool).
//
// For the default key on a table with key_hash (the compact path) the
// first pass returns the candidate keys' hashes; each batch of them then
// gets its rows (numbers and the few strings the evidence needs, no actor
// or app), its episodes and, once per key, its identity. Memory follows
// the candidate hashes and one batch. For any other key one statement does
// both passes and the episodes are held until it ends.
func (st *Store) sequences(ctx context.Context, q *models.Query, fn func([]engine.Episode) error) (string, error) {
	if q.Analytic == engine.AnalyticAN0528 {
		var held []engine.Episode
		sql, err := st.signinGaps(ctx, q, func(ep engine.Episode) error {
			held = append(held, ep)
			return nil
		})
		if err != nil {
			return sql, err
		}
		return sql, inBatches(held, fn)
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
		Filters: q.Filters, KeyHash: table.KeyHash, AppHash: table.AppHash, Role: table.Role,
		Sharding: table.Distribution.Sharding(),
	}
	if !q.IncludeApproved {
		spec.ExcludeApps = s.ApprovedApps
	}
	if spec.Compact() {
		return st.compactSequences(ctx, q, spec, table, fn)
	}
	sql, err := chsql.Sequences(spec)
	if err != nil {
		return "", fmt.Errorf("%w: %v", models.ErrInvalidQuery, err)
	}
	var held []engine.Episode
	det, err := engine.NewDetector(q.DetectParams(s), func(ep engine.Episode) error {
		held = append(held, ep)
		return nil
	})
	if err != nil {
		return sql, fmt.Errorf("%w: %v", models.ErrInvalidQuery, err)
	}
	if sql, err = st.detect(ctx, statement{sql: sql, tables: chsql.ValueTables(q.Filters)}, false, det); err != nil {
		return sql, err
	}
	return sql, inBatches(held, fn)
}

// inBatches hands held episodes, in key order, to fn in batches of at most
// keyBatch keys.
func inBatches(held []engine.Episode, fn func([]engine.Episode) error) error {
	for _, batch := range keyBatches(held, keyBatch) {
		if err := fn(batch); err != nil {
			return err
		}
	}
	return nil
}

// compactSequences is the compact path: candidates once, then rows,
// episodes and identity per batch of keys.
func (st *Store) compactSequences(ctx context.Context, q *models.Query, spec chsql.SequenceSpec, table TableInfo, fn func([]engine.Episode) error) (string, error) {
	candSQL, err := chsql.Candidates(spec)
	if err != nil {
		return "", fmt.Errorf("%w: %v", models.ErrInvalidQuery, err)
	}
	rowsSQL, err := chsql.CompactRows(spec)
	if err != nil {
		return "", fmt.Errorf("%w: %v", models.ErrInvalidQuery, err)
	}
	var keys []uint64
	candSQL, err = st.run(ctx, statement{sql: candSQL, tables: chsql.ValueTables(q.Filters), settings: spec.CandidateSettings()}, func(scan func(...any) error) error {
		var k uint64
		if err := scan(&k); err != nil {
			return err
		}
		keys = append(keys, k)
		return nil
	})
	sqls := []string{candSQL}
	if err != nil {
		return candSQL, err
	}
	slices.Sort(keys) // the batches, and the rows within each, come in key order
	approved := st.settings.ApprovedSet()
	for start := 0; start < len(keys); start += keyBatch {
		tbl, err := ext.NewTable(chsql.CandidatesTable, ext.Column("k", "UInt64"))
		if err != nil {
			return strings.Join(sqls, "\n\n"), err
		}
		for _, k := range keys[start:min(start+keyBatch, len(keys))] {
			if err := tbl.Append(k); err != nil {
				return strings.Join(sqls, "\n\n"), err
			}
		}
		var held []engine.Episode
		det, err := engine.NewDetector(q.DetectParams(st.settings), func(ep engine.Episode) error {
			held = append(held, ep)
			return nil
		})
		if err != nil {
			return strings.Join(sqls, "\n\n"), fmt.Errorf("%w: %v", models.ErrInvalidQuery, err)
		}
		sql, err := st.detect(ctx, statement{sql: rowsSQL, tables: chsql.ValueTables(q.Filters), ext: []*ext.Table{tbl}}, true, det)
		if start == 0 {
			sqls = append(sqls, sql)
		}
		if err != nil {
			return strings.Join(sqls, "\n\n"), err
		}
		idSQL, err := st.identify(ctx, q, table, held)
		if start == 0 && idSQL != "" {
			sqls = append(sqls, idSQL)
		}
		if err != nil {
			return strings.Join(sqls, "\n\n"), err
		}
		kept := held[:0]
		for _, ep := range held {
			ep.Approved = approved[ep.AppID]
			if ep.Approved && !q.IncludeApproved { // SQL excluded these already; kept for safety
				continue
			}
			kept = append(kept, ep)
		}
		if err := fn(kept); err != nil {
			return strings.Join(sqls, "\n\n"), err
		}
	}
	return strings.Join(sqls, "\n\n"), nil
}

// detector is what streams rows into episodes: the AN0020 and AN0528 rules.
type detector interface {
	Add(engine.Row) error
	Close() error
}

// detect streams stmt's rows, in key order, into det and closes it. compact
// says the rows are chsql.CompactColumns rather than chsql.RowColumns. It
// returns the SQL as executed.
func (st *Store) detect(ctx context.Context, stmt statement, compact bool, det detector) (string, error) {
	var (
		r                  engine.Row
		category, authMeth string
	)
	dest := []any{
		&r.EventTime, &r.EventID, &r.Tenant, &r.Source, &r.Action, &category, &authMeth,
		&r.ActorID, &r.ActorName, &r.AppID, &r.AppName, &r.TokenID, &r.SrcIP, &r.UserAgent, &r.TargetName, &r.Sensitivity,
	}
	if compact {
		dest = []any{&r.KeyHash, &r.EventTime, &r.EventID, &r.Tenant, &r.Source, &r.Action, &category, &authMeth,
			&r.TokenID, &r.SrcIP, &r.AgentHash, &r.TargetName, &r.Sensitivity}
	}
	sql, err := st.run(ctx, stmt, func(scan func(...any) error) error {
		if err := scan(dest...); err != nil {
			return err
		}
		r.Category, r.AuthMethod = event.Category(category), event.AuthMethod(authMeth)
		return det.Add(r)
	})
	if err != nil {
		return sql, err
	}
	return sql, det.Close()
}
