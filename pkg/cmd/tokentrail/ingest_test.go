package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/chhttp"
	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// ingestTarget creates the normalized table in a fresh database and returns
// the connection flags that point at it.
func ingestTarget(t *testing.T) (flags []string, cl *chhttp.Client, db string) {
	t.Helper()
	s := chlocal.ForTest(t)
	db = s.TempDatabase(t)
	cl = &chhttp.Client{BaseURL: s.HTTPURL()}
	version, err := cl.ServerVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ddl, err := schema.CreateTable(schema.ForVersion(version), db, "saas_audit_events")
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.Exec(context.Background(), ddl, nil); err != nil {
		t.Fatal(err)
	}
	return []string{"--url", s.HTTPURL(), "--database", db}, cl, db
}

// oktaLines returns n Okta System Log events as NDJSON, with a cut-off
// record on line bad (1-based; 0 for none).
func oktaLines(t *testing.T, n, bad int) []byte {
	t.Helper()
	var b bytes.Buffer
	for i := 1; i <= n; i++ {
		if i == bad {
			b.WriteString("{\"uuid\": \"broken\", \"published\":\n")
			continue
		}
		rec, err := json.Marshal(map[string]any{
			"uuid":      fmt.Sprintf("cmd-%d", i),
			"published": time.Date(2024, 5, 6, 9, 0, i, 0, time.UTC).Format(time.RFC3339),
			"eventType": "user.session.start",
			"actor":     map[string]any{"id": "00u1", "type": "User", "alternateId": "ana@example.com"},
			"outcome":   map[string]any{"result": "SUCCESS"},
		})
		if err != nil {
			t.Fatal(err)
		}
		b.Write(append(rec, '\n'))
	}
	return b.Bytes()
}

func TestIngestCommand(t *testing.T) {
	conn, _, db := ingestTarget(t)
	file := filepath.Join(t.TempDir(), "okta.ndjson")
	if err := os.WriteFile(file, oktaLines(t, 4, 2), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		extra      []string
		wantErr    string
		wantStdout string
	}{
		{"first load", nil, "", "4 records read, 1 rejected, 0 kept with a field ignored; 3 events normalized (a record can yield several), 3 inserted, 0 duplicates skipped"},
		{"rerun skips everything", nil, "", "0 inserted, 3 duplicates skipped"},
		{"strict fails on the reject", []string{"--strict"}, "1 of 4 records were rejected (--strict)", "0 inserted, 3 duplicates skipped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append(append(append([]string{"--source", "okta"}, conn...), tt.extra...), file)
			err := runIngest(context.Background(), args, &stdout, &stderr)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("error %v\nstderr: %s", err, stderr.String())
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
			if !strings.Contains(stdout.String(), tt.wantStdout) || !strings.Contains(stdout.String(), db+".saas_audit_events") {
				t.Errorf("stdout %q lacks %q", stdout.String(), tt.wantStdout)
			}
			if want := "rejected " + file + ":line 2 (record 1): malformed JSON"; !strings.Contains(stderr.String(), want) {
				t.Errorf("stderr %q lacks %q", stderr.String(), want)
			}
		})
	}
}

// TestIngestGzipFromStdin feeds a gzip-compressed file on standard input.
func TestIngestGzipFromStdin(t *testing.T) {
	conn, cl, db := ingestTarget(t)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(oktaLines(t, 5, 0))
	zw.Close()
	old := stdin
	stdin = &gz
	defer func() { stdin = old }()
	var stdout, stderr bytes.Buffer
	if err := runIngest(context.Background(), append(append([]string{"--source", "okta"}, conn...), "-"), &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	rc, err := cl.Query(context.Background(), "SELECT count() FROM "+db+".saas_audit_events FORMAT TSV")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var n int
	fmt.Fscan(rc, &n)
	if n != 5 {
		t.Errorf("%d rows loaded from gzip on stdin, want 5", n)
	}
}

func TestIngestArgumentErrors(t *testing.T) {
	conn, _, _ := ingestTarget(t)
	file := filepath.Join(t.TempDir(), "okta.ndjson")
	if err := os.WriteFile(file, oktaLines(t, 1, 0), 0o644); err != nil {
		t.Fatal(err)
	}
	const secret = "Wr0ng-Secret-9"
	t.Setenv("TT_TEST_WRONG_PASSWORD", secret)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no source", []string{file}, "--source is required"},
		{"unknown source", []string{"--source", "myspace", file}, `unknown source "myspace"`},
		{"no input", []string{"--source", "okta"}, "exactly one input"},
		{"flags after the file", []string{"--source", "okta", file, "--batch", "5"}, "exactly one input"},
		{"zero batch", []string{"--source", "okta", "--batch", "0", file}, "--batch 0"},
		{"missing file", []string{"--source", "okta", filepath.Join(t.TempDir(), "nope.json")}, "open the input"},
		{"missing catalogue", []string{"--source", "okta", "--catalog", filepath.Join(t.TempDir(), "c.yaml"), file}, "catalog"},
		{"unset password variable", []string{"--source", "okta", "--password-env", "TT_TEST_UNSET_VARIABLE", file}, "TT_TEST_UNSET_VARIABLE"},
		{"wrong password", []string{"--source", "okta", "--user", chlocal.ReaderUser, "--password-env", "TT_TEST_WRONG_PASSWORD", file}, "password"},
		{"missing table", []string{"--source", "okta", "--table", "nope", file}, "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := runIngest(context.Background(), append(append([]string{}, conn...), tt.args...), &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			if strings.Contains(err.Error()+stdout.String()+stderr.String(), secret) {
				t.Errorf("the password leaked: %v", err)
			}
		})
	}
}
