package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/ext"

	"github.com/tokentrail/tokentrail/pkg/chsql"
	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/models"
)

// keyBatch is how many keys' episodes and history are held at a time: it
// bounds memory whatever the number of keys in the range. batchRows (see
// batches.go) bounds the rows held. The rollup's reads are lookups by
// index, so smaller runs cost little more in statements. Measured in
// process on the bench's organisation, alternating runs:
//   - 10M events: 250 keys held a live heap of 46-50 MB against 60-68 MB
//     at 500, in the same 13-16 s (500 had held 72 MB against 162 MB at
//     2,000, before rows were compact);
//   - 1M: 28-30 MB against 38-43 MB, in the same 1.0-1.2 s;
//   - 125 keys: 41 MB at 10M, but 1.35 s instead of 1.15 s at 1M.
var keyBatch = 250

// Sequences runs the AN0020 reduction for q and calls emit for every
// episode, each key's episodes together and in time order. It returns the
// executed SQL.
func (st *Store) Sequences(ctx context.Context, q *models.Query, emit func(engine.Episode) error) (string, error) {
	return st.sequences(ctx, q, nil, func(batch []engine.Episode) error {
		for _, ep := range batch {
			if err := emit(ep); err != nil {
				return err
			}
		}
		return nil
	})
}

// sequences runs the reduction and hands the episodes to fn in batches of
// at most keyBatch whole keys. When the compact path knows every
// candidate's app before the first batch, it calls apps (if not nil) once
// with them, so the caller can read what all batches share in one
// statement. apps and fn run between statements, never while one streams,
// so they may run statements of their own without one request holding two
// connections (two panels each waiting for a second connection could
// otherwise starve a small pool). fn must not keep the batch: its storage
// is reused for the next.
//
// For the default key on a table with key_hash (the compact path) the
// first pass returns the candidate keys' hashes with their actors and row
// counts, and one statement reads every candidate's identity. The
// candidates are then cut, in actor order, into batches of bounded rows;
// each batch's statement names its actor span, so the primary index skips
// the other batches' granules, and returns its rows (numbers and the few
// strings the evidence needs, no actor or app) unsorted, for Go to sort
// and run through the engine. Memory follows the candidates, one batch of
// rows and keyBatch keys' episodes. For any other key one statement does
// both passes and the episodes are held until it ends.
func (st *Store) sequences(ctx context.Context, q *models.Query, apps func([]string) error, fn func([]engine.Episode) error) (string, error) {
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
		return st.compactSequences(ctx, q, spec, table, apps, fn)
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
	if sql, err = st.detect(ctx, statement{sql: sql, tables: chsql.ValueTables(q.Filters)}, det); err != nil {
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

// compactSequences is the compact path: candidates and their identities
// once, then rows and episodes per batch of keys, cut in actor order.
func (st *Store) compactSequences(ctx context.Context, q *models.Query, spec chsql.SequenceSpec, table TableInfo, apps func([]string) error, fn func([]engine.Episode) error) (string, error) {
	candSQL, err := chsql.CompactCandidates(spec)
	if err != nil {
		return "", fmt.Errorf("%w: %v", models.ErrInvalidQuery, err)
	}
	var cands []candidate
	candSQL, err = st.run(ctx, statement{sql: candSQL, tables: chsql.ValueTables(q.Filters), settings: spec.CandidateSettings()}, func(scan func(...any) error) error {
		var c candidate
		if err := scan(&c.hash, &c.first, &c.last, &c.rows); err != nil {
			return err
		}
		cands = append(cands, c)
		return nil
	})
	sqls := []string{candSQL}
	fail := func(err error) (string, error) { return strings.Join(sqls, "\n\n"), err }
	if err != nil {
		return fail(err)
	}
	ids, idSQL, err := st.identities(ctx, q, table, cands)
	if idSQL != "" {
		sqls = append(sqls, idSQL)
	}
	if err != nil {
		return fail(err)
	}
	if apps != nil && len(ids) > 0 {
		list := make([]string, 0, len(ids))
		for _, id := range ids {
			list = append(list, id.appID)
		}
		slices.Sort(list)
		if err := apps(slices.Compact(list)); err != nil {
			return fail(err)
		}
	}
	approved := st.settings.ApprovedSet()
	// Row batches are cut small (batchRows) to bound the rows held; their
	// episodes are gathered in one buffer and handed on in batches of up
	// to keyBatch keys, because what fn does per batch (the baselines)
	// costs per statement as much as per key. fn does not keep the slice,
	// so the buffer serves every batch: gathering each batch into a fresh
	// slice of the right size held two copies of it at every hand-over.
	var pending []engine.Episode
	pendingKeys := 0
	flush := func() error {
		var err error
		if len(pending) > 0 {
			err = fn(pending)
		}
		clear(pending) // let the handed-on episodes' lists go before the buffer refills
		pending, pendingKeys = pending[:0], 0
		return err
	}
	batches := candidateBatches(cands, keyBatch, batchRows)
	// One buffer for every batch's rows, sized once for the largest
	// (revokes, which the first pass does not count, come on top): growing
	// it batch by batch copied the rows held so far each time.
	var most uint64
	for _, b := range batches {
		most = max(most, b.rows)
	}
	rows := make([]compactRow, 0, int(min(most, uint64(batchRows)))*9/8)
	first := true
	for _, b := range batches {
		if pendingKeys > 0 && pendingKeys+len(b.keys) > keyBatch {
			if err := flush(); err != nil {
				return fail(err)
			}
		}
		start := len(pending)
		det, err := engine.NewDetector(q.DetectParams(st.settings), func(ep engine.Episode) error {
			pending = append(pending, ep)
			return nil
		})
		if err != nil {
			return fail(fmt.Errorf("%w: %v", models.ErrInvalidQuery, err))
		}
		var (
			sql string
			loc *time.Location
		)
		rows, loc, sql, err = st.readBatch(ctx, q, spec, b, rows[:0])
		if first && sql != "" { // the statements of one batch stand for all
			sqls, first = append(sqls, sql), false
		}
		if err != nil {
			return fail(err)
		}
		if err := detectSorted(rows, loc, det); err != nil {
			return fail(err)
		}
		clear(rows) // let the batch's strings go before the next one arrives
		held := pending[start:]
		if err := name(q, ids, held); err != nil {
			return fail(err)
		}
		kept := held[:0]
		for _, ep := range held {
			ep.Approved = approved[ep.AppID]
			if ep.Approved && !q.IncludeApproved { // SQL excluded these already; kept for safety
				continue
			}
			kept = append(kept, ep)
		}
		clear(held[len(kept):])
		pending = pending[:start+len(kept)]
		pendingKeys += len(b.keys)
	}
	if err := flush(); err != nil {
		return fail(err)
	}
	return strings.Join(sqls, "\n\n"), nil
}

// readBatch reads the access, sensitive and revoke rows of one batch of
// candidate keys, in no order, appending them to rows (whose storage the
// caller reuses from batch to batch). It returns the rows, the location of
// their times and the statement.
func (st *Store) readBatch(ctx context.Context, q *models.Query, spec chsql.SequenceSpec, b candidateBatch, rows []compactRow) ([]compactRow, *time.Location, string, error) {
	tbl, err := ext.NewTable(chsql.CandidatesTable, ext.Column("k", "UInt64"))
	if err != nil {
		return rows, nil, "", err
	}
	for _, c := range b.keys {
		if err := tbl.Append(c.hash); err != nil {
			return rows, nil, "", err
		}
	}
	sql, err := chsql.CompactRows(spec, b.span)
	if err != nil {
		return rows, nil, "", fmt.Errorf("%w: %v", models.ErrInvalidQuery, err)
	}
	rd := newCompactReader()
	sql, err = st.run(ctx, statement{sql: sql, tables: chsql.ValueTables(q.Filters), ext: []*ext.Table{tbl}, settings: spec.RowSettings()}, func(scan func(...any) error) error {
		r, err := rd.read(scan)
		if err == nil {
			rows = append(rows, r)
		}
		return err
	})
	return rows, rd.loc, sql, err
}

// detector is what streams rows into episodes: the AN0020 and AN0528 rules.
type detector interface {
	Add(engine.Row) error
	Close() error
}

// detect streams stmt's rows (chsql.RowColumns), in key order, into det
// and closes it. It returns the SQL as executed.
func (st *Store) detect(ctx context.Context, stmt statement, det detector) (string, error) {
	rd := newRowReader()
	sql, err := st.run(ctx, stmt, func(scan func(...any) error) error {
		r, err := rd.read(scan)
		if err != nil {
			return err
		}
		return det.Add(r)
	})
	if err != nil {
		return sql, err
	}
	return sql, det.Close()
}
