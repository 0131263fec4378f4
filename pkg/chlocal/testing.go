package chlocal

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/schema"
)

var (
	sharedOnce sync.Once
	shared     *Server
	sharedErr  error
)

// ForTest returns the shared local server, starting (and if needed
// installing) it on first use. It never skips: a test that needs ClickHouse
// and cannot have it fails, in CI and locally alike.
func ForTest(t testing.TB) *Server {
	t.Helper()
	sharedOnce.Do(func() {
		shared, sharedErr = FromRepo()
		if sharedErr != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		sharedErr = shared.Start(ctx, os.Stderr)
	})
	if sharedErr != nil {
		t.Fatalf("local ClickHouse is required and could not be started: %v", sharedErr)
	}
	return shared
}

// TempDatabase creates a database only this test uses and drops it when the
// test ends, so parallel test packages never see each other's rows.
func (s *Server) TempDatabase(t testing.TB) string {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "tt_test_" + hex.EncodeToString(b)
	ctx := context.Background()
	if _, err := s.Exec(ctx, "CREATE DATABASE "+name, nil); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		if os.Getenv("TOKENTRAIL_KEEP_TEST_DB") != "" {
			t.Logf("keeping test database %s", name)
			return
		}
		if _, err := s.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name, nil); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	})
	return name
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
