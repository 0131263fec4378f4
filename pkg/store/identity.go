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

// identities reads the identity of every candidate key, once per key; the
// candidates' actors bound the read. It runs once per request, before the
// batches: the candidates' names are a few hundred bytes per key, and
// reading them for each batch cost a pass over the rollup per batch. It
// returns the statement.
func (st *Store) identities(ctx context.Context, q *models.Query, table TableInfo, cands []candidate) (map[uint64]identity, string, error) {
	if len(cands) == 0 {
		return nil, "", nil
	}
	sql, err := chsql.Identity(st.baselineSpec(q, table, q.From.Add(-q.MaxSpan)), actorSpans(cands))
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", models.ErrInvalidQuery, err)
	}
	tbl, err := ext.NewTable(chsql.KeyHashesTable, ext.Column("k", "UInt64"))
	if err != nil {
		return nil, sql, err
	}
	for _, c := range cands {
		if err := tbl.Append(c.hash); err != nil {
			return nil, sql, err
		}
	}
	ids := make(map[uint64]identity, len(cands))
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
	return ids, sql, err
}

// name completes each of eps from the identity of its key: identity, Key,
// ID.
func name(q *models.Query, ids map[uint64]identity, eps []engine.Episode) error {
	for i := range eps {
		ep := &eps[i]
		id, ok := ids[ep.KeyHash]
		if !ok {
			return fmt.Errorf("%w: the identity of key hash %d was not found", ErrSchema, ep.KeyHash)
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
	return nil
}
