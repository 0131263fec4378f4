package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/tokentrail/tokentrail/pkg/models"
)

// Server errors a test server cannot be made to send on demand (another
// profile's limits) are classified from the driver's exception values.
func TestRunErrorsNameTheirCause(t *testing.T) {
	st := &Store{settings: &models.PluginSettings{Host: "ch", Port: 9000, Protocol: "native", Database: "db", Table: "t", QueryTimeoutSeconds: 30, DialTimeoutSeconds: 5}}
	st.pool = &pool{slots: make([]*slot, 4)}
	sl := &slot{socks: &sockets{live: map[*trackedConn]struct{}{}}}
	bigSQL := strings.Repeat("x", 300<<10)
	cases := []struct {
		name     string
		err      error
		answered bool
		kind     error
		says     string
	}{
		{"server's own time limit", &clickhouse.Exception{Code: 159, Message: "Timeout exceeded: elapsed 5.1 seconds, maximum: 5"}, false, ErrTimeout, "ClickHouse stopped the query at its max_execution_time"},
		{"server refuses more queries", &clickhouse.Exception{Code: 202, Message: "Too many simultaneous queries for user grafana. Maximum: 4"}, false, ErrBusy, "max_concurrent_queries_for_user"},
		{"statement over max_query_size", &clickhouse.Exception{Code: 62, Message: "Syntax error: failed at position 262130: 'aaa'. Max query size exceeded"}, false, ErrQueryTooLarge, "300 KiB"},
		{"connection lost mid-query", fmt.Errorf("query processing: failed to read packet: %w", io.EOF), true, ErrConnectionLost, "during the query"},
		{"missing table", &clickhouse.Exception{Code: 60, Message: "Table db.t doesn't exist."}, false, ErrNoTable, "does not exist"},
		{"unreadable row", &scanError{errors.New("converting UInt8 to *string is unsupported")}, true, ErrSchema, "could not be read"},
	}
	for _, c := range cases {
		a := &attempt{slot: sl, sql: bigSQL}
		a.answered.Store(c.answered)
		err := st.classifyRun(context.Background(), context.Background(), c.err, a)
		if !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v, want %v saying %q", c.name, err, c.kind, c.says)
		}
		if strings.Contains(err.Error(), "protocol") {
			t.Errorf("%s: blames the protocol: %v", c.name, err)
		}
	}
}

// An error of the engine or the caller comes back as it is, not as a
// ClickHouse error.
func TestRowErrorsAreNotBlamedOnClickHouse(t *testing.T) {
	st := &Store{settings: &models.PluginSettings{Host: "ch", Port: 9000}}
	engineErr := errors.New("engine: rows out of order")
	a := &attempt{slot: &slot{socks: &sockets{live: map[*trackedConn]struct{}{}}}}
	a.answered.Store(true)
	if err := st.classifyRun(context.Background(), context.Background(), &rowError{engineErr}, a); err != engineErr {
		t.Errorf("got %v, want the engine's own error", err)
	}
}
