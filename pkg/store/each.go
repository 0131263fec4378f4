package store

import (
	"context"
	"errors"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// errStop ends an each loop early without an error: the caller has all the
// rows it wants (a row cap), and the rest of the result is dropped.
var errStop = errors.New("stop reading rows")

// each runs sql with the datasource's limits and calls fn for every row, as
// the sequences and timeline statements are run: bounded by
// queryTimeoutSeconds, errors classified for the user.
func (st *Store) each(ctx context.Context, sql string, fn func(driver.Rows) error) error {
	ctx, cancel := st.queryContext(ctx)
	defer cancel()
	rows, err := st.conn.Query(ctx, sql)
	if err != nil {
		return Classify(err, st.settings)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			if errors.Is(err, errStop) {
				return nil
			}
			return Classify(err, st.settings)
		}
	}
	return Classify(rows.Err(), st.settings)
}
