package chlocal

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/schema"
)

// startedOnce returns a function that builds what build returns and starts
// it, once per test binary, and then hands out the same result: the shared
// server and the shared cluster are started alike.
func startedOnce[T interface {
	Start(context.Context, io.Writer) error
}](build func() (T, error)) func() (T, error) {
	return sync.OnceValues(func() (T, error) {
		v, err := build()
		if err != nil {
			return v, err
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		return v, v.Start(ctx, os.Stderr)
	})
}

var sharedServer = startedOnce(FromRepo)

// ForTest returns the shared local server, starting (and if needed
// installing) it on first use. It never skips: a test that needs ClickHouse
// and cannot have it fails, in CI and locally alike.
func ForTest(t testing.TB) *Server {
	t.Helper()
	s, err := sharedServer()
	if err != nil {
		t.Fatalf("local ClickHouse is required and could not be started: %v", err)
	}
	return s
}

// TempDatabase creates a database only this test uses and drops it when the
// test ends, so parallel test packages never see each other's rows.
func (s *Server) TempDatabase(t testing.TB) string {
	t.Helper()
	return tempDatabase(t, s.Exec, "")
}

// tempDatabase creates a database named for this test alone through exec,
// with the DDL suffix on ("" or an ON CLUSTER clause), and drops it when
// the test ends unless TOKENTRAIL_KEEP_TEST_DB is set.
func tempDatabase(t testing.TB, exec func(context.Context, string, io.Reader) (string, error), on string) string {
	t.Helper()
	name := "tt_test_" + randomHex(6)
	if _, err := exec(context.Background(), "CREATE DATABASE "+name+on, nil); err != nil {
		t.Fatalf("create test database %s%s: %v", name, on, err)
	}
	t.Cleanup(func() {
		if os.Getenv("TOKENTRAIL_KEEP_TEST_DB") != "" {
			t.Logf("keeping test database %s", name)
			return
		}
		if _, err := exec(context.Background(), "DROP DATABASE IF EXISTS "+name+on, nil); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	})
	return name
}

// randomHex is n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// TempEventsTable creates the normalized events table, in the variant this
// server supports, in a database only this test uses, and returns the
// database's name.
func (s *Server) TempEventsTable(t testing.TB, table string) string {
	t.Helper()
	db := s.TempDatabase(t)
	version, err := s.Exec(context.Background(), "SELECT version()", nil)
	if err != nil {
		t.Fatalf("read the server version: %v", err)
	}
	ddl, err := schema.CreateTable(schema.ForVersion(strings.TrimSpace(version)), db, table)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Exec(context.Background(), ddl, nil); err != nil {
		t.Fatalf("create %s.%s: %v", db, table, err)
	}
	return db
}
