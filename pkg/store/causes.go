package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"syscall"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/tokentrail/tokentrail/pkg/echo"
	"github.com/tokentrail/tokentrail/pkg/models"
)

func serverCode(err error) int32 {
	var ex *clickhouse.Exception
	if errors.As(err, &ex) {
		return ex.Code
	}
	return 0
}

// waitError explains why no slot came free: the query's own time ran out
// (busy), or Grafana gave up first.
func (st *Store) waitError(parent, qctx context.Context, started time.Time) error {
	if errors.Is(parent.Err(), context.Canceled) {
		return fmt.Errorf("%w: Grafana cancelled the request while it waited for a free ClickHouse connection", ErrCanceled)
	}
	return fmt.Errorf("%w: all %d connections of this datasource (maxOpenConns) stayed in use for the query's whole time limit (%s), so it never started; "+
		"raise maxOpenConns if the server allows more concurrent queries, raise queryTimeoutSeconds, or make the panels lighter (shorter ranges, filters)",
		ErrBusy, len(st.pool.slots), time.Since(started).Round(100*time.Millisecond))
}

// classifyRun names the real cause of a failed statement: the plugin's
// timeout, Grafana's deadline or cancel, the server's own limit, a connect
// that never completed, or a connection lost in the middle of the query.
func (st *Store) classifyRun(parent, qctx context.Context, err error, a *attempt) error {
	s := st.settings
	addr := fmt.Sprintf("%s:%d", s.Host, s.Port)
	if a.cancelled {
		stopped := "the plugin cancelled it on the server"
		if a.neverSent() {
			return fmt.Errorf("%w connecting: %s accepted the connection but did not answer the handshake within the query's time (dialTimeoutSeconds %ds, queryTimeoutSeconds %ds); check that the port serves the %s protocol and that the server is not overloaded or frozen",
				ErrTimeout, addr, s.DialTimeoutSeconds, s.QueryTimeoutSeconds, s.Protocol)
		}
		switch {
		case errors.Is(context.Cause(qctx), errQueryTimeout):
			return fmt.Errorf("%w: the query ran longer than queryTimeoutSeconds (%ds) and %s; narrow the time range, add filters or raise queryTimeoutSeconds",
				ErrTimeout, s.QueryTimeoutSeconds, stopped)
		case errors.Is(parent.Err(), context.DeadlineExceeded):
			return fmt.Errorf("%w: Grafana's deadline for the request passed before ClickHouse answered, and %s", ErrTimeout, stopped)
		default:
			return fmt.Errorf("%w by Grafana (the panel was closed or refreshed); %s", ErrCanceled, stopped)
		}
	}
	var re *rowError
	if errors.As(err, &re) {
		return re.err
	}
	if e := st.distribution().shardError(err); e != nil {
		return e
	}
	var se *scanError
	if errors.As(err, &se) {
		return fmt.Errorf("%w: a row of %s.%s could not be read (%s); check the column types against `tokentrail schema apply --print`",
			ErrSchema, s.Database, s.Table, clip(firstLine(se.Error())))
	}
	switch serverCode(err) {
	case codeTimeoutExceeded:
		return fmt.Errorf("%w on the server: ClickHouse stopped the query at its max_execution_time (%s); narrow the time range or add filters, or raise the limit in the user's profile and queryTimeoutSeconds",
			ErrTimeout, clip(firstLine(exceptionMessage(err))))
	case codeTooManyQueries:
		return fmt.Errorf("%w: the server refused the query for too many simultaneous queries (%s) until the query's time ran out; lower maxOpenConns below the server's max_concurrent_queries_for_user or raise that limit",
			ErrBusy, clip(firstLine(exceptionMessage(err))))
	case codeSyntax:
		if strings.Contains(exceptionMessage(err), "Max query size exceeded") {
			return fmt.Errorf("%w: the statement is %d KiB, more than the server's max_query_size; use at most %d like patterns of up to 1 KiB per filter (in and not in lists of up to %d values travel as external tables)",
				ErrQueryTooLarge, len(a.sql)/1024, models.MaxLikePatterns, models.MaxFilterValues)
		}
	}
	if strings.HasPrefix(err.Error(), "handshake:") && isNetTimeout(err) {
		return fmt.Errorf("%w connecting: %s accepted the connection but did not answer the handshake within dialTimeoutSeconds (%ds); check that the port serves the %s protocol and that the server is not overloaded or frozen",
			ErrTimeout, addr, s.DialTimeoutSeconds, s.Protocol)
	}
	if a.answered.Load() || strings.HasPrefix(err.Error(), "query processing:") {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
			return fmt.Errorf("%w (%s): the server may have restarted, crashed or been stopped; retry, and check the ClickHouse server log if it happens again",
				ErrConnectionLost, addr)
		}
	}
	return Classify(err, s)
}

func exceptionMessage(err error) string {
	var ex *clickhouse.Exception
	if errors.As(err, &ex) {
		return ex.Message
	}
	return err.Error()
}

// clip shortens echoed text for errors and logs.
func clip(s string) string { return echo.Clip(s) }
