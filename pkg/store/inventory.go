package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/tokentrail/tokentrail/pkg/catalog/posturedata"
	"github.com/tokentrail/tokentrail/pkg/chsql"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/posture"
)

// inventorySpec is the statement spec of q: the panel range widened back by
// the baseline, the datasource's approved apps and the catalogue's posture
// data.
func (st *Store) inventorySpec(ctx context.Context, q *models.Query) (chsql.InventorySpec, error) {
	table, err := st.prepare(ctx, q)
	if err != nil {
		return chsql.InventorySpec{}, err
	}
	s := st.settings
	return chsql.InventorySpec{
		Database: s.Database, Table: s.Table, Variant: table.Variant, Kind: q.Kind,
		WindowFrom: clipStart(table.Variant, q.From.Add(-time.Duration(q.Baseline(s))*24*time.Hour)), From: q.From, To: q.To,
		Filters: q.Filters, Approved: s.ApprovedApps, Require: q.Require,
		LongLivedDays: *q.LongLivedDays, UnusedDays: *q.UnusedDays, RareActors: *q.RareActors,
		Posture: posturedata.DefaultPosture(), Limit: q.Limit, Sharding: table.Distribution.Sharding(),
	}, nil
}

// Inventory runs the inventory of q.Kind: one aggregation in ClickHouse,
// at most q.Limit rows back, newest first.
func (st *Store) Inventory(ctx context.Context, q *models.Query) (*posture.Inventory, string, error) {
	spec, err := st.inventorySpec(ctx, q)
	if err != nil {
		return nil, "", err
	}
	sql, err := chsql.Inventory(spec)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", models.ErrInvalidQuery, err)
	}
	inv := &posture.Inventory{Kind: q.Kind, WindowFrom: spec.WindowFrom, From: q.From, To: q.To}
	sql, err = st.run(ctx, statement{sql: sql, tables: chsql.ValueTables(q.Filters)}, func(scan func(...any) error) error {
		if inv.Len() == q.Limit {
			inv.Truncated = true
			return nil // the statement fetched one row more than the limit, to tell
		}
		return scanInventoryRow(scan, inv)
	})
	return inv, sql, err
}

// InventoryCount counts the rows the inventory of q would have without a
// limit, in ClickHouse.
func (st *Store) InventoryCount(ctx context.Context, q *models.Query) (uint64, string, error) {
	spec, err := st.inventorySpec(ctx, q)
	if err != nil {
		return 0, "", err
	}
	sql, err := chsql.InventoryCount(spec)
	if err != nil {
		return 0, "", fmt.Errorf("%w: %v", models.ErrInvalidQuery, err)
	}
	var n uint64
	sql, err = st.run(ctx, statement{sql: sql, tables: chsql.ValueTables(q.Filters)}, func(scan func(...any) error) error { return scan(&n) })
	return n, sql, err
}

func scanInventoryRow(scan func(...any) error, inv *posture.Inventory) error {
	var f [6]uint8 // flag columns, in InventoryColumns order
	switch inv.Kind {
	case models.KindApps:
		var a posture.App
		if err := scan(&a.Tenant, &a.Source, &a.AppID, &a.AppName, &a.FirstSeen, &a.LastSeen, &a.Actors, &a.Grants, &a.Revokes,
			&a.Scopes, &f[0], &f[1], &f[2], &f[3]); err != nil {
			return err
		}
		a.Privileged, a.Unapproved, a.New, a.Rare = f[0] == 1, f[1] == 1, f[2] == 1, f[3] == 1
		slices.Sort(a.Scopes)
		inv.Apps = append(inv.Apps, a)
	case models.KindGrants:
		var g posture.Grant
		if err := scan(&g.Tenant, &g.Source, &g.AppID, &g.AppName, &g.ActorID, &g.ActorName, &g.FirstGranted, &g.LastGranted,
			&g.Grants, &g.Scopes, &g.Revokes, &g.LastRevoked, &g.Consent, &f[0], &f[1], &f[2], &f[3]); err != nil {
			return err
		}
		g.Privileged, g.Unapproved, g.AdminConsent, g.Active = f[0] == 1, f[1] == 1, f[2] == 1, f[3] == 1
		if g.Revokes == 0 {
			g.LastRevoked = time.Time{}
		}
		slices.Sort(g.Scopes)
		inv.Grants = append(inv.Grants, g)
	default:
		var t posture.Token
		var lastSeen time.Time
		if err := scan(&t.Tenant, &t.Source, &t.TokenID, &t.Methods, &t.OwnerID, &t.OwnerName, &t.AppID, &t.AppName,
			&t.FirstSeen, &t.LastUsed, &t.Uses, &t.UseDays, &t.Networks, &t.Revokes, &t.LastRevoked, &t.Scopes,
			&f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &lastSeen); err != nil {
			return err
		}
		t.Privileged, t.Unapproved, t.LongLived, t.InUse, t.Active, t.Unused = f[0] == 1, f[1] == 1, f[2] == 1, f[3] == 1, f[4] == 1, f[5] == 1
		if t.Uses == 0 {
			t.LastUsed = time.Time{}
		}
		if t.Revokes == 0 {
			t.LastRevoked = time.Time{}
		}
		slices.Sort(t.Methods)
		slices.Sort(t.Scopes)
		inv.Tokens = append(inv.Tokens, t)
	}
	return nil
}
