package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/ext"
	"golang.org/x/sync/errgroup"

	"github.com/tokentrail/tokentrail/pkg/chsql"
	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/risk"
)

// BaselineWindow is the first instant the baselines of q read: baselineDays
// whole days before the earliest anchor the range can have (maxSpan before
// From) and the sign-in window before that.
func BaselineWindow(q *models.Query, baselineDays int) time.Time {
	t := q.From.Add(-q.MaxSpan).Add(-q.SigninWindow).UTC()
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -baselineDays)
}

// Baselines reads the behaviour history of eps's keys, actors, apps and
// tokens: four aggregations over the baseline window and the range, each
// restricted to the episodes' own keys, which travel as external tables.
// Its size follows the episodes, never the table.
//
// apps carries the apps' statistics across the batches of one request: an
// app's figures are the same in every batch and the same few hundred apps
// recur in all of them, so only the apps not yet in it are read, and what
// was read goes into it (nil for an app without rows). nil reads them all.
func (st *Store) Baselines(ctx context.Context, q *models.Query, baselineDays int, eps []engine.Episode, apps map[string]*risk.AppStats) (*risk.Baselines, []string, error) {
	table, err := st.Table(ctx)
	if err != nil {
		return nil, nil, err
	}
	b := risk.NewBaselines(BaselineWindow(q, baselineDays), baselineDays, q.SigninWindow, q.CorrelateBy)
	if len(eps) == 0 {
		return b, nil, nil
	}
	spec := st.baselineSpec(q, table, b.WindowStart)
	sets := collectSets(eps)
	batchApps := sets.apps
	if apps != nil {
		sets.apps = slices.DeleteFunc(slices.Clone(sets.apps), func(a string) bool { _, known := apps[a]; return known })
	}
	var sqls []string
	steps := []struct {
		build func(chsql.BaselineSpec) (string, error)
		ext   func() (*ext.Table, error)
		read  func(driverRows) error
	}{
		{chsql.KeyDays, func() (*ext.Table, error) { return keysTable(q.CorrelateBy, sets.keys) }, func(r driverRows) error { return readKeyDays(r, len(q.CorrelateBy), b) }},
		{chsql.ActorDays, func() (*ext.Table, error) { return listTable(chsql.ActorsTable, "ident", sets.actors) }, func(r driverRows) error { return readActorDays(r, b) }},
		{chsql.AppStats, func() (*ext.Table, error) { return listTable(chsql.AppsTable, "app_id", sets.apps) }, func(r driverRows) error { return readAppStats(r, b) }},
		{chsql.TokenStats, func() (*ext.Table, error) { return listTable(chsql.TokensTable, "token_id", sets.tokens) }, func(r driverRows) error { return readTokenStats(r, b) }},
	}
	// The statements are independent and each fills its own map of b, so
	// they run side by side: on a busy server their latencies overlap
	// instead of adding up.
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(baselineParallelism)
	for _, step := range steps {
		sql, err := step.build(spec)
		if err != nil {
			return nil, sqls, fmt.Errorf("%w: %v", models.ErrInvalidQuery, err)
		}
		sqls = append(sqls, sql)
		tbl, err := step.ext()
		if err != nil {
			return nil, sqls, err
		}
		if tbl == nil { // nothing to look up
			continue
		}
		g.Go(func() error { return st.stream(gctx, sql, tbl, step.read) })
	}
	if err := g.Wait(); err != nil {
		return nil, sqls, err
	}
	if apps != nil {
		for _, a := range sets.apps {
			apps[a] = b.Apps[a]
		}
		for _, a := range batchApps {
			if s := apps[a]; s != nil {
				b.Apps[a] = s
			}
		}
	}
	return b, sqls, nil
}

// baselineSpec is what every baseline statement of q depends on.
func (st *Store) baselineSpec(q *models.Query, table TableInfo, windowStart time.Time) chsql.BaselineSpec {
	return chsql.BaselineSpec{
		Database: st.settings.Database, Table: st.settings.Table, Variant: table.Variant, ServerMajor: table.ServerMajor,
		WindowStart: windowStart, NearFrom: q.From.Add(-q.MaxSpan).Add(-q.SigninWindow), To: q.To, CorrelateBy: q.CorrelateBy, MinSensitivity: *q.MinSensitivity,
		SensitiveNeedsToken: q.SensitiveNeedsToken, KeyHash: table.KeyHash, AppHash: table.AppHash, Rollup: table.Rollup,
	}
}

// prefetchApps reads the statistics of those of apps not yet in cache into
// it (nil for an app without rows), in one statement, and returns the
// statement ("" when every app was known). The statement scans every
// key-day of the window whatever the apps asked, so reading all of a
// request's apps at once, before its batches, saves one scan per batch.
func (st *Store) prefetchApps(ctx context.Context, q *models.Query, baselineDays int, apps []string, cache map[string]*risk.AppStats) (string, error) {
	apps = slices.DeleteFunc(slices.Clone(apps), func(a string) bool { _, known := cache[a]; return known || a == "" })
	if len(apps) == 0 {
		return "", nil
	}
	table, err := st.Table(ctx)
	if err != nil {
		return "", err
	}
	b := risk.NewBaselines(BaselineWindow(q, baselineDays), baselineDays, q.SigninWindow, q.CorrelateBy)
	sql, err := chsql.AppStats(st.baselineSpec(q, table, b.WindowStart))
	if err != nil {
		return "", fmt.Errorf("%w: %v", models.ErrInvalidQuery, err)
	}
	tbl, err := listTable(chsql.AppsTable, "app_id", apps)
	if err != nil {
		return sql, err
	}
	if err := st.stream(ctx, sql, tbl, func(r driverRows) error { return readAppStats(r, b) }); err != nil {
		return sql, err
	}
	for _, a := range apps {
		cache[a] = b.Apps[a]
	}
	return sql, nil
}

// baselineParallelism is how many baseline statements of one request run
// at once; each holds a connection of the pool while it runs.
const baselineParallelism = 2

// driverRows is the part of clickhouse-go's rows the readers use.
type driverRows interface {
	Next() bool
	Scan(dest ...any) error
}

// stream runs sql with tbl attached and hands the rows to read, through
// the store's run path (limits, queueing, cancel; see run).
func (st *Store) stream(ctx context.Context, sql string, tbl *ext.Table, read func(driverRows) error) error {
	_, err := st.run(ctx, statement{sql: sql, ext: []*ext.Table{tbl}, reader: read}, nil)
	return err
}

// lookupSets are the distinct keys, identities, apps and tokens of a set
// of episodes.
type lookupSets struct {
	keys                 [][]string
	actors, apps, tokens []string
}

func collectSets(eps []engine.Episode) lookupSets {
	var s lookupSets
	seen := map[string]bool{}
	add := func(kind, v string, list *[]string) {
		if v != "" && !seen[kind+v] {
			seen[kind+v] = true
			*list = append(*list, v)
		}
	}
	for i := range eps {
		ep := &eps[i]
		if k := "k" + risk.KeyOf(ep.Key); !seen[k] {
			seen[k] = true
			s.keys = append(s.keys, ep.Key)
		}
		for _, id := range risk.Identities(ep) {
			add("a", id, &s.actors)
		}
		add("p", ep.AppID, &s.apps)
		for _, t := range risk.TokenIDs(ep) {
			add("t", t, &s.tokens)
		}
	}
	return s
}

// keysTable is the external table of correlation keys, one String column
// per correlateBy field, named like the table's columns.
func keysTable(correlateBy []string, keys [][]string) (*ext.Table, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	cols := make([]func(*ext.Table) error, len(correlateBy))
	for i, f := range correlateBy {
		cols[i] = ext.Column(f, "String")
	}
	tbl, err := ext.NewTable(chsql.KeysTable, cols...)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		vals := make([]any, len(k))
		for i, v := range k {
			vals[i] = v
		}
		if err := tbl.Append(vals...); err != nil {
			return nil, fmt.Errorf("baseline keys: %w", err)
		}
	}
	return tbl, nil
}

// listTable is a one-column external table.
func listTable(name, column string, values []string) (*ext.Table, error) {
	if len(values) == 0 {
		return nil, nil
	}
	tbl, err := ext.NewTable(name, ext.Column(column, "String"))
	if err != nil {
		return nil, err
	}
	for _, v := range values {
		if err := tbl.Append(v); err != nil {
			return nil, fmt.Errorf("baseline %s: %w", name, err)
		}
	}
	return tbl, nil
}
