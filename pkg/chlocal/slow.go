package chlocal

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/schema"
)

// SlowFixture is a normalized table whose queries take seconds on the
// server while costing almost no CPU, for cancel, timeout and load tests:
// its sensitivity column is an ALIAS that sleeps a little for every row
// read, so a query's time follows the rows its range reads. The rows are
// generated server-side with numbers(), in a few seconds.
//
// Layout: Rows events from Start, one every 0.864 s (100,000 a day, so a
// day's query reads a day's rows). Each actor u0…u999 (app app1) has a token
// access followed by a data access in the same second, over and over; only
// u7's data access has sensitivity 2 (every 29 minutes), all others 1. So
// with minSensitivity 2 and maxSpan 1h, any range of the fixture holds
// exactly one episode (u7, app1), and the server reads every row to find it.
type SlowFixture struct {
	Database, Table string
	Start           time.Time
	Rows            int
	PerRow          time.Duration
}

// End is the time of the last row.
func (f SlowFixture) End() time.Time {
	return f.Start.Add(time.Duration(f.Rows) * 864 * time.Millisecond)
}

// SlowStart is where every slow fixture's rows begin.
var SlowStart = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)

// CreateSlowEvents creates and fills a SlowFixture.
func (s *Server) CreateSlowEvents(ctx context.Context, db, table string, rows int, perRow time.Duration) (SlowFixture, error) {
	f := SlowFixture{Database: db, Table: table, Start: SlowStart, Rows: rows, PerRow: perRow}
	version, err := s.Exec(ctx, "SELECT version()", nil)
	if err != nil {
		return f, err
	}
	ddl, err := schema.CreateTable(schema.ForVersion(version), db, table)
	if err != nil {
		return f, err
	}
	const plain = "    sensitivity UInt8,"
	if !strings.Contains(ddl, plain) {
		return f, fmt.Errorf("slow fixture: the schema's sensitivity column changed; update chlocal.CreateSlowEvents")
	}
	sleepy := fmt.Sprintf("toUInt8(if(actor_id = 'u7', 2, 1) + sleepEachRow(%g))", perRow.Seconds())
	ddl = strings.Replace(ddl, plain, "    sensitivity UInt8 ALIAS "+sleepy+",", 1)
	// The role column is computed from sensitivity: as an ALIAS of the same
	// sleeping expression, the statements that test it sleep the same way.
	// (A MATERIALIZED column cannot read an ALIAS on insert, and 18.16 does
	// not resolve an ALIAS of an ALIAS in PREWHERE.)
	role := fmt.Sprintf("    %s UInt8 MATERIALIZED %s", schema.RoleColumn, schema.RoleExpr)
	if !strings.Contains(ddl, role) {
		return f, fmt.Errorf("slow fixture: the schema's role column changed; update chlocal.CreateSlowEvents")
	}
	ddl = strings.Replace(ddl, role, fmt.Sprintf("    %s UInt8 ALIAS %s", schema.RoleColumn, strings.ReplaceAll(schema.RoleExpr, "sensitivity", sleepy)), 1)
	if _, err := s.Exec(ctx, ddl, nil); err != nil {
		return f, err
	}
	insert := fmt.Sprintf(`INSERT INTO %s.%s (event_time, event_id, tenant, source, action, category, auth_method, actor_id, app_id)
SELECT toDateTime('%s', 'UTC') + intDiv(number * 864, 1000), concat('e', toString(number)), 'acme', 'okta',
  if(number %% 2 = 0, 'app.oauth2.token.grant', 'mail.read'),
  if(number %% 2 = 0, 'token_auth', 'data_access'), if(number %% 2 = 0, 'api_token', 'interactive'),
  concat('u', toString(intDiv(number, 2) %% 1000)), 'app1'
FROM numbers(%d)`, db, table, SlowStart.Format("2006-01-02 15:04:05"), rows)
	_, err = s.Exec(ctx, insert, nil)
	return f, err
}
