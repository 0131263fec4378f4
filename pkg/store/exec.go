package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"math"
	"sync/atomic"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/ext"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/tokentrail/tokentrail/pkg/chsql"
)

// statement is one SQL statement and the external tables it reads.
type statement struct {
	sql    string
	tables []chsql.ValueTable
	ext    []*ext.Table // external tables built by the caller
	// reader, when set, reads the rows itself instead of a rowFunc.
	reader func(driverRows) error
	// strictShards refuses skip_unavailable_shards for this statement
	// whatever the datasource allows: the shard probe must fail when a
	// shard is down.
	strictShards bool
	// settings are the statement's own, added to the SETTINGS clause;
	// dropped with it when the server refuses settings, so they may only
	// make a statement cheaper, never change its answer.
	settings []string
}

// rowFunc receives each row; scan fills its destinations.
type rowFunc func(scan func(dest ...any) error) error

// errQueryTimeout is the cause of a query context that reached
// queryTimeoutSeconds, told apart from Grafana's own deadline or cancel.
var errQueryTimeout = errors.New("queryTimeoutSeconds reached")

// run is the one way the store sends a statement to ClickHouse; every query
// path goes through it and so gets, without doing anything:
//
//   - a deadline: the caller's, capped at queryTimeoutSeconds;
//   - a place in the queue: a pool slot, waited for until that deadline
//     ("ClickHouse is busy" only when the deadline passes first);
//   - a query id of its own and the server-side limit chsql.LimitSettings
//     (max_execution_time = the remaining seconds, overflow modes "throw",
//     skip_unavailable_shards only where the datasource allows it);
//   - external tables for long filter value lists;
//   - a cancel that reaches the server: on the deadline or Grafana's cancel
//     the Cancel packet is sent with a short write deadline, and a follow-up
//     on the same slot kills the query by its id and waits until it has
//     left system.processes before the slot is used again;
//   - errors classified by their real cause (see classifyRun).
//
// It returns the SQL as executed.
func (st *Store) run(ctx context.Context, stmt statement, row rowFunc) (string, error) {
	timeout := time.Duration(st.settings.QueryTimeoutSeconds) * time.Second
	qctx, cancel := context.WithTimeoutCause(ctx, timeout, errQueryTimeout)
	defer cancel()
	started := time.Now()
	sl, err := st.pool.acquire(qctx)
	if err != nil {
		return stmt.sql, st.waitError(ctx, qctx, started)
	}
	for backoff := 50 * time.Millisecond; ; backoff = min(2*backoff, time.Second) {
		sql := stmt.sql
		limited := !st.settingsRefused.Load()
		if limited {
			sql += chsql.LimitSettings(remainingSeconds(qctx), st.settings.SkipUnavailableShards && !stmt.strictShards, stmt.settings...)
		}
		id := newQueryID()
		a := attempt{slot: sl, sql: sql, id: id, tables: stmt.tables, ext: stmt.ext, reader: stmt.reader}
		err := a.do(ctx, qctx, row)
		if a.cancelled {
			// The cancel may have raced the end of the statement and left
			// a deadline on a socket the driver keeps: start afresh.
			sl.socks.closeAll()
			if a.neverSent() {
				st.pool.release(sl)
				return sql, st.classifyRun(ctx, qctx, err, &a)
			}
			// The caller returns now; the slot comes back once the
			// server has let go of the query.
			go func() {
				st.stopOnServer(sl, id)
				st.pool.release(sl)
			}()
			return sql, st.classifyRun(ctx, qctx, err, &a)
		}
		switch {
		case err == nil:
			st.pool.release(sl)
			return sql, nil
		case limited && serverCode(err) == codeReadonly:
			// A readonly=1 user may not set max_execution_time: run
			// without the clause from now on; the cancel still stops
			// the query on time, and the health check says so.
			st.settingsRefused.Store(true)
			continue
		case serverCode(err) == codeTooManyQueries && sleepCtx(qctx, backoff):
			// The server's own back-pressure (max_concurrent_queries
			// and the like): wait and try again within the deadline.
			continue
		}
		st.pool.release(sl)
		return sql, st.classifyRun(ctx, qctx, err, &a)
	}
}

// attempt is one execution of a statement on a slot.
type attempt struct {
	slot   *slot
	sql    string
	id     string
	tables []chsql.ValueTable
	ext    []*ext.Table
	reader func(driverRows) error

	started   time.Time
	answered  atomic.Bool // the driver returned rows: the server took the query
	silent    bool        // a connection dialled for it never heard from the server
	cancelled bool
	stop      context.CancelFunc
}

// neverSent says the attempt was cut while its new connection waited for
// the server's hello: the query cannot have reached the server.
func (a *attempt) neverSent() bool {
	return !a.answered.Load() && a.silent
}

// do runs the statement. clickhouse-go never sees a deadline: with one it
// overwrites max_execution_time and sets the socket's write deadline to the
// same instant, so the Cancel it writes when that instant comes is lost.
// Instead the driver gets a context that is cancelled when qctx ends.
func (a *attempt) do(parent, qctx context.Context, row rowFunc) error {
	a.started = time.Now()
	dctx, stop := context.WithCancel(context.WithoutCancel(parent))
	defer stop()
	a.stop = stop
	opts := []clickhouse.QueryOption{clickhouse.WithQueryID(a.id)}
	if len(a.tables) > 0 || len(a.ext) > 0 {
		tables, err := externalTables(a.tables)
		if err != nil {
			return err
		}
		opts = append(opts, clickhouse.WithExternalTable(append(tables, a.ext...)...))
	}
	dctx = clickhouse.Context(dctx, opts...)
	done := make(chan struct{})
	defer close(done)
	unwatch := context.AfterFunc(qctx, func() {
		a.slot.socks.boundWrites(500 * time.Millisecond)
		stop()
		// A dial or handshake in progress does not watch the context:
		// cut the sockets if the driver has not returned shortly.
		select {
		case <-done:
		case <-time.After(200 * time.Millisecond):
			a.slot.socks.interrupt()
		}
	})
	err := a.rows(dctx, row)
	a.cancelled = !unwatch()
	return err
}

func (a *attempt) rows(ctx context.Context, row rowFunc) error {
	rows, err := a.slot.conn.Query(ctx, a.sql)
	if err != nil {
		a.silent = a.slot.socks.silentSince(a.started)
		a.slot.socks.closeAll()
		if errors.Is(err, io.EOF) {
			return nil // a statement without a result, such as KILL with nothing to kill
		}
		return err
	}
	a.answered.Store(true)
	defer rows.Close()
	scan := func(dest ...any) error {
		if err := rows.Scan(dest...); err != nil {
			return &scanError{err}
		}
		return nil
	}
	if a.reader != nil {
		if err := a.reader(scanRows{rows, scan}); err != nil {
			return a.gaveUp(err)
		}
		return rows.Err()
	}
	for rows.Next() {
		if row == nil {
			continue
		}
		if err := row(scan); err != nil {
			return a.gaveUp(err)
		}
	}
	return rows.Err()
}

// gaveUp stops the statement when the caller or the engine failed on a
// row, instead of draining the rest of its result, and marks the error as
// theirs (a scan error stays one: the table's types are at fault).
func (a *attempt) gaveUp(err error) error {
	a.stop()
	var se *scanError
	if errors.As(err, &se) {
		return err
	}
	return &rowError{err}
}

// scanRows hands a reader the rows with scan errors marked.
type scanRows struct {
	driver.Rows
	scan func(dest ...any) error
}

func (r scanRows) Scan(dest ...any) error { return r.scan(dest...) }

// rowError is an error of the row callback (the engine's, the caller's):
// returned as it is, not blamed on ClickHouse.
type rowError struct{ err error }

func (e *rowError) Error() string { return e.err.Error() }
func (e *rowError) Unwrap() error { return e.err }

// scanError is a row the plugin could not read into its types: the table's
// columns do not have the types the schema says.
type scanError struct{ err error }

func (e *scanError) Error() string { return e.err.Error() }
func (e *scanError) Unwrap() error { return e.err }

func externalTables(vts []chsql.ValueTable) ([]*ext.Table, error) {
	out := make([]*ext.Table, 0, len(vts))
	for _, vt := range vts {
		t, err := ext.NewTable(vt.Name, ext.Column(chsql.ValueColumn, "String"))
		if err != nil {
			return nil, err
		}
		for _, v := range vt.Values {
			if err := t.Append(v); err != nil {
				return nil, err
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// remainingSeconds is the server-side limit: the query's remaining time,
// rounded up so the plugin's own deadline normally fires first.
func remainingSeconds(ctx context.Context) int {
	d, ok := ctx.Deadline()
	if !ok {
		return math.MaxInt32
	}
	return max(1, int(math.Ceil(time.Until(d).Seconds())))
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// newQueryID is a query id ClickHouse shows in system.processes and the
// query log, prefixed so an administrator can tell the plugin's queries.
func newQueryID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "tokentrail-" + hex.EncodeToString(b)
}
