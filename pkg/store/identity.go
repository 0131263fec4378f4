package store

import (
	"context"
	"fmt"

	"github.com/ClickHouse/clickhouse-go/v2/ext"

	"github.com/tokentrail/tokentrail/pkg/chsql"
	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/models"
)

// identity is what a default correlation key's episodes are named by.
type identity struct {
	tenant, source, actorID, actorName, appID, appName string
}

// identify reads the identity of the held episodes' keys, once per key,
// and completes each episode: identity, Key, ID. It returns the statement.
func (st *Store) identify(ctx context.Context, q *models.Query, table TableInfo, eps []engine.Episode) (string, error) {
	if len(eps) == 0 {
		return "", nil
	}
	spec := chsql.BaselineSpec{
		Database: st.settings.Database, Table: st.settings.Table, Variant: table.Variant, ServerMajor: table.ServerMajor,
		WindowStart: q.From.Add(-q.MaxSpan), To: q.To, CorrelateBy: q.CorrelateBy, Rollup: table.Rollup,
	}
	sql, err := chsql.Identity(spec)
	if err != nil {
		return "", fmt.Errorf("%w: %v", models.ErrInvalidQuery, err)
	}
	tbl, err := ext.NewTable(chsql.KeyHashesTable, ext.Column("k", "UInt64"))
	if err != nil {
		return sql, err
	}
	seen := map[uint64]bool{}
	for i := range eps {
		if k := eps[i].KeyHash; !seen[k] {
			seen[k] = true
			if err := tbl.Append(k); err != nil {
				return sql, err
			}
		}
	}
	ids := make(map[uint64]identity, len(seen))
	err = st.stream(ctx, sql, tbl, func(rows driverRows) error {
		for rows.Next() {
			var k uint64
			var id identity
			if err := rows.Scan(&k, &id.tenant, &id.source, &id.actorID, &id.actorName, &id.appID, &id.appName); err != nil {
				return err
			}
			ids[k] = id
		}
		return nil
	})
	if err != nil {
		return sql, err
	}
	for i := range eps {
		ep := &eps[i]
		id, ok := ids[ep.KeyHash]
		if !ok {
			return sql, fmt.Errorf("%w: the identity of key hash %d was not found", ErrSchema, ep.KeyHash)
		}
		ep.ActorID, ep.ActorName, ep.AppID, ep.AppName = id.actorID, id.actorName, id.appID, id.appName
		if ep.Tenant == "" { // the rows carry tenant and source; keep theirs
			ep.Tenant = id.tenant
		}
		if ep.Source == "" {
			ep.Source = id.source
		}
		for j, f := range q.CorrelateBy { // the compact path serves the default key only
			ep.Key[j] = id.appID
			if f == engine.FieldActorID {
				ep.Key[j] = id.actorID
			}
		}
		ep.ID = engine.EpisodeID(q.CorrelateBy, ep.Key, ep.FirstSensitiveID)
	}
	return sql, nil
}
