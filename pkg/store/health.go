package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/chsql"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// Health is what a healthy datasource reports.
type Health struct {
	ServerVersion string
	Variant       schema.Variant
	Rows          uint64
	Oldest        time.Time
	Newest        time.Time
}

// Message is the one-line summary shown under "Save & test".
func (h *Health) Message(db, table string) string {
	if h.Rows == 0 {
		return fmt.Sprintf("Connected to ClickHouse %s. Table %s.%s (%s schema) is empty: load audit events with `tokentrail ingest`.",
			h.ServerVersion, db, table, variantName(h.Variant))
	}
	return fmt.Sprintf("Connected to ClickHouse %s. Table %s.%s (%s schema) holds %d events from %s to %s.",
		h.ServerVersion, db, table, variantName(h.Variant), h.Rows,
		h.Oldest.UTC().Format(time.RFC3339), h.Newest.UTC().Format(time.RFC3339))
}

func variantName(v schema.Variant) string {
	if v == schema.Legacy {
		return "legacy"
	}
	return "modern"
}

// Health checks, in order: the server answers (network, TLS, credentials),
// the database exists, the table exists, it has every required column, and
// then reads its size and time span. The first failure is returned,
// classified, so each cause gets its own message.
func (st *Store) Health(ctx context.Context) (*Health, error) {
	s := st.settings
	ctx, cancel := st.queryContext(ctx)
	defer cancel()
	if err := st.conn.Ping(ctx); err != nil {
		return nil, Classify(err, s)
	}
	h := &Health{}
	if v, err := st.conn.ServerVersion(); err == nil {
		h.ServerVersion = fmt.Sprintf("%d.%d.%d", v.Version.Major, v.Version.Minor, v.Version.Patch)
	}
	var n uint64
	if err := st.conn.QueryRow(ctx, chsql.DatabaseExistsSQL(s.Database)).Scan(&n); err != nil {
		return nil, Classify(err, s)
	}
	if n == 0 {
		return nil, fmt.Errorf("%w: %q on %s:%d; create it or correct the database setting", ErrNoDatabase, s.Database, s.Host, s.Port)
	}
	if err := st.conn.QueryRow(ctx, chsql.TableExistsSQL(s.Database, s.Table)).Scan(&n); err != nil {
		return nil, Classify(err, s)
	}
	if n == 0 {
		return nil, fmt.Errorf("%w: %s.%s; create it with `tokentrail schema apply` or correct the table setting", ErrNoTable, s.Database, s.Table)
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
		return nil, fmt.Errorf("%w: %s.%s column event_time is %s; it must be DateTime64(3, 'UTC') or DateTime('UTC')", ErrSchema, s.Database, s.Table, t)
	}
	info := describe(cols)
	h.Variant = info.Variant
	st.mu.Lock()
	st.table = &info
	st.mu.Unlock()
	stats, err := chsql.StatsSQL(s.Database, s.Table)
	if err != nil {
		return nil, err
	}
	if err := st.conn.QueryRow(ctx, stats).Scan(&h.Rows, &h.Oldest, &h.Newest); err != nil {
		return nil, Classify(err, s)
	}
	return h, nil
}

func (st *Store) columns(ctx context.Context) (map[string]string, error) {
	rows, err := st.conn.Query(ctx, chsql.ColumnsSQL(st.settings.Database, st.settings.Table))
	if err != nil {
		return nil, Classify(err, st.settings)
	}
	defer rows.Close()
	cols := map[string]string{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return nil, Classify(err, st.settings)
		}
		cols[name] = typ
	}
	if err := rows.Err(); err != nil {
		return nil, Classify(err, st.settings)
	}
	return cols, nil
}
