package store

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/models"
)

// The slow fixtures are shared by this package's tests: filling them is
// the costly part, and the tests only read them. slow takes about 1.8 s of
// server time per query (0.2 s per block of 65536 rows), light 0.15 s.
var (
	slowOnce   sync.Once
	slowFix    chlocal.SlowFixture
	lightFix   chlocal.SlowFixture
	slowErr    error
	slowDB     string
	slowPerRow = 1500 * time.Nanosecond
	slowRows   = 1_200_000
	lightRows  = 100_000
)

func fixtures(t *testing.T) (*chlocal.Server, chlocal.SlowFixture, chlocal.SlowFixture) {
	t.Helper()
	s := chlocal.ForTest(t)
	slowOnce.Do(func() {
		// Not TempDatabase: that one is dropped when the first test ends.
		slowDB = fmt.Sprintf("tt_test_slow_%d", time.Now().UnixNano())
		ctx := context.Background()
		if _, slowErr = s.Exec(ctx, "CREATE DATABASE "+slowDB, nil); slowErr != nil {
			return
		}
		if slowFix, slowErr = s.CreateSlowEvents(ctx, slowDB, "slow", slowRows, slowPerRow); slowErr != nil {
			return
		}
		lightFix, slowErr = s.CreateSlowEvents(ctx, slowDB, "light", lightRows, slowPerRow)
	})
	if slowErr != nil {
		t.Fatalf("slow fixture: %v", slowErr)
	}
	return s, slowFix, lightFix
}

func slowFixture(t *testing.T) (*chlocal.Server, chlocal.SlowFixture) {
	s, slow, _ := fixtures(t)
	return s, slow
}

// dropSlow removes the shared fixture after the package's tests.
func dropSlow() {
	if slowDB != "" {
		if s, err := chlocal.FromRepo(); err == nil {
			_, _ = s.Exec(context.Background(), "DROP DATABASE IF EXISTS "+slowDB, nil)
		}
	}
}

// openSlow opens a store on the slow fixture as the read-only user.
func openSlow(t *testing.T, s *chlocal.Server, f chlocal.SlowFixture, edit func(*models.PluginSettings)) *Store {
	t.Helper()
	ps := &models.PluginSettings{
		Host: "127.0.0.1", Port: s.TCPPort, Protocol: models.ProtocolNative, Username: chlocal.ReaderUser,
		Database: f.Database, Table: f.Table, DialTimeoutSeconds: 1, QueryTimeoutSeconds: 60, MaxOpenConns: 10,
		Secrets: &models.SecretSettings{Password: chlocal.ReaderPassword},
	}
	if edit != nil {
		edit(ps)
	}
	if err := ps.Validate(); err != nil {
		t.Fatal(err)
	}
	st, err := Open(ps)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// slowQuery is a sequences query over part of a fixture's range (every
// query reads all its rows: 18.16 does not prune the toDate key by an
// event_time range). marker goes
// into a filter value, so the test can find the statement in
// system.processes.
func slowQuery(f chlocal.SlowFixture, fraction float64, marker string) *models.Query {
	two := 2
	span := time.Duration(float64(f.End().Sub(f.Start)) * fraction)
	return &models.Query{
		QueryType: models.QuerySequences, MaxSpan: time.Hour, CorrelateBy: []string{"actor_id", "app_id"},
		MinSensitivity: &two, From: f.Start, To: f.Start.Add(span),
		Filters: []models.Filter{{Field: "tenant", Op: "!=", Values: []string{marker}}},
	}
}

// running counts the server's queries whose text holds marker.
func running(s *chlocal.Server, marker string) (int, error) {
	out, err := s.Exec(context.Background(), "SELECT count() FROM system.processes WHERE query LIKE '%"+marker+"%' AND query NOT LIKE '%system.processes%'", nil)
	if err != nil {
		return 0, err
	}
	var n int
	_, err = fmt.Sscan(strings.TrimSpace(out), &n)
	return n, err
}

// goneWithin polls until no query with marker runs, and says how long that
// took from since.
func goneWithin(t *testing.T, s *chlocal.Server, marker string, since time.Time, limit time.Duration) time.Duration {
	t.Helper()
	for {
		n, err := running(s, marker)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return time.Since(since)
		}
		if time.Since(since) > limit+5*time.Second {
			return time.Since(since)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
