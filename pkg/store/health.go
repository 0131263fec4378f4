package store

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/chsql"
	"github.com/tokentrail/tokentrail/pkg/echo"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// Health is what a healthy datasource reports.
type Health struct {
	ServerVersion string
	Variant       schema.Variant
	Rows          uint64
	Oldest        time.Time
	Newest        time.Time
	// LimitWarning, when set, says the server does not honour the
	// per-query time limit.
	LimitWarning string
	// Distribution is set for a Distributed table.
	Distribution *Distribution
	// ShardWarning names shards that did not answer, when the datasource
	// lets queries skip them.
	ShardWarning string
}

// Message is the one-line summary shown under "Save & test".
func (h *Health) Message(db, table string) string {
	if h.Rows == 0 {
		return fmt.Sprintf("Connected to ClickHouse %s. Table %s.%s (%s schema) is empty: load audit events with `tokentrail ingest`.",
			h.ServerVersion, db, table, variantName(h.Variant)) + h.warning()
	}
	return fmt.Sprintf("Connected to ClickHouse %s. Table %s.%s (%s schema) holds %d events from %s to %s.",
		h.ServerVersion, db, table, variantName(h.Variant), h.Rows,
		h.Oldest.UTC().Format(time.RFC3339), h.Newest.UTC().Format(time.RFC3339)) + h.warning()
}

func (h *Health) warning() string {
	out := ""
	if h.Distribution != nil {
		out += " " + h.Distribution.Describe()
	}
	for _, w := range []string{h.ShardWarning, h.LimitWarning} {
		if w != "" {
			out += " Warning: " + w + "."
		}
	}
	return out
}

func variantName(v schema.Variant) string {
	if v == schema.Legacy {
		return "legacy"
	}
	return "modern"
}

// Health checks, in order: the server answers (network, TLS, credentials),
// the database exists, the table exists, it has every required column, and
// then reads its size and time span and whether the server honours the
// per-query time limit. The first failure is returned, classified, so each
// cause gets its own message.
func (st *Store) Health(ctx context.Context) (*Health, error) {
	s := st.settings
	h := &Health{}
	if err := st.queryRow(ctx, "SELECT version()", &h.ServerVersion); err != nil {
		return nil, err
	}
	if err := st.missingTable(ctx); err != nil {
		return nil, err
	}
	cols, err := st.columns(ctx)
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, c := range schema.RequiredColumns() {
		if _, ok := cols[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		word, pronoun := "column", "it"
		if len(missing) > 1 {
			word, pronoun = "columns", "them"
		}
		return nil, fmt.Errorf("%w: %s.%s is missing the required %s %s; add %s (see the schema in the README) or recreate the table with `tokentrail schema apply`",
			ErrSchema, s.Database, s.Table, word, strings.Join(missing, ", "), pronoun)
	}
	if t := cols["event_time"]; !strings.HasPrefix(t, "DateTime") {
		return nil, fmt.Errorf("%w: %s.%s column event_time is %s; it must be DateTime64(3, 'UTC') or DateTime('UTC')", ErrSchema, s.Database, s.Table, echo.Quote(t))
	}
	info := describe(cols)
	h.Variant = info.Variant
	if err := st.describeCluster(ctx, &info); err != nil {
		return nil, err
	}
	h.Distribution = info.Distribution
	st.mu.Lock()
	st.table = &info
	st.dist.Store(info.Distribution)
	st.mu.Unlock()
	stats, err := chsql.StatsSQL(s.Database, s.Table)
	if err != nil {
		return nil, err
	}
	if err := st.queryRow(ctx, stats, &h.Rows, &h.Oldest, &h.Newest); err != nil {
		return nil, err
	}
	h.LimitWarning = st.probeLimits(ctx)
	if st.settings.SkipUnavailableShards {
		// The statistics above may have skipped a shard.
		down, err := st.UnavailableShards(ctx)
		if err != nil {
			return nil, err
		}
		if len(down) > 0 {
			h.ShardWarning = strings.Join(down, "; ") + " did not answer: with skipUnavailableShards on, queries answer without its events"
		}
	}
	return h, nil
}

// missingTable returns the error for a missing database or table, or nil
// when both exist.
func (st *Store) missingTable(ctx context.Context) error {
	s := st.settings
	var n uint64
	if err := st.queryRow(ctx, chsql.DatabaseExistsSQL(s.Database), &n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%w: %q on %s:%d; create it or correct the database setting", ErrNoDatabase, s.Database, s.Host, s.Port)
	}
	if err := st.queryRow(ctx, chsql.TableExistsSQL(s.Database, s.Table), &n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%w: %s.%s; create it with `tokentrail schema apply` or correct the table setting", ErrNoTable, s.Database, s.Table)
	}
	return nil
}

// probeLimits checks that a statement's max_execution_time reaches the
// server. A readonly=1 user cannot set it: newer servers refuse the
// statement, 18.16 drops the setting from the protocol. Queries then still
// stop on time (the plugin cancels them and kills them by id), but the
// server does not enforce the limit itself; the warning says so.
func (st *Store) probeLimits(ctx context.Context) string {
	var got string
	err := st.queryRow(ctx, chsql.LimitProbeSQL, &got)
	if err != nil {
		return "" // the probe failed for another reason; the query path reports it
	}
	n, perr := strconv.Atoi(got)
	if perr == nil && n >= 1 && n <= st.settings.QueryTimeoutSeconds {
		return "" // ours, or a profile's that is at least as strict
	}
	return fmt.Sprintf("ClickHouse ignores or refuses per-query settings for user %s (readonly=1?), so max_execution_time cannot bound the server's work: "+
		"queries are still stopped after queryTimeoutSeconds (%ds) by the plugin's cancel and KILL QUERY, but set readonly=2 for this user, or max_execution_time in its profile, to have the server enforce the limit too",
		echo.Quote(userName(st.settings)), st.settings.QueryTimeoutSeconds)
}

func (st *Store) queryRow(ctx context.Context, sql string, dest ...any) error {
	found := false
	_, err := st.run(ctx, statement{sql: sql}, func(scan func(...any) error) error {
		found = true
		return scan(dest...)
	})
	if err == nil && !found {
		return fmt.Errorf("%w: %s returned no row", ErrServer, echo.Clip(sql))
	}
	return err
}

func (st *Store) columns(ctx context.Context) (map[string]string, error) {
	return st.columnsOf(ctx, st.settings.Database, st.settings.Table)
}

func (st *Store) columnsOf(ctx context.Context, db, table string) (map[string]string, error) {
	cols := map[string]string{}
	_, err := st.run(ctx, statement{sql: chsql.ColumnsSQL(db, table)}, func(scan func(...any) error) error {
		var name, typ string
		if err := scan(&name, &typ); err != nil {
			return err
		}
		cols[name] = typ
		return nil
	})
	return cols, err
}
