package store

import (
	"context"
	"fmt"
	"time"

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
	if from, to, err = models.ClipRange(table.Variant, from, to); err != nil {
		return nil, err
	}
	sql, err := chsql.Lookup(chsql.LookupSpec{Database: st.settings.Database, Table: st.settings.Table, Variant: table.Variant,
		Kind: kind, Prefix: prefix, From: from, To: to, Limit: limit})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", models.ErrInvalidQuery, err)
	}
	out := []LookupValue{}
	_, err = st.run(ctx, statement{sql: sql}, func(scan func(...any) error) error {
		var v LookupValue
		var n uint64
		if err := scan(&v.Value, &v.Text, &n); err != nil {
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
