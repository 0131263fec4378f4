package store

import (
	"context"
	"fmt"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/tokentrail/tokentrail/pkg/chsql"
	"github.com/tokentrail/tokentrail/pkg/models"
)

// LookupValue is one value a dashboard variable offers, with the name it is
// shown by.
type LookupValue struct {
	Value, Text string
}

// Lookup lists the most frequent actors, apps, tokens, sources or tenants
// of the range whose id or name starts with prefix, for template variables.
func (st *Store) Lookup(ctx context.Context, kind, prefix string, from, to time.Time, limit int) ([]LookupValue, error) {
	table, err := st.Table(ctx)
	if err != nil {
		return nil, err
	}
	sql, err := chsql.Lookup(chsql.LookupSpec{Database: st.settings.Database, Table: st.settings.Table, Variant: table.Variant,
		Kind: kind, Prefix: prefix, From: from, To: to, Limit: limit})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", models.ErrInvalidQuery, err)
	}
	out := []LookupValue{}
	err = st.each(ctx, sql, func(rows driver.Rows) error {
		var v LookupValue
		var n uint64
		if err := rows.Scan(&v.Value, &v.Text, &n); err != nil {
			return err
		}
		if v.Text == "" {
			v.Text = v.Value
		}
		out = append(out, v)
		return nil
	})
	return out, err
}
