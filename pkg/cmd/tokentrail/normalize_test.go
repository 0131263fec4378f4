package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// TestNormalizeCommand: events go to stdout as JSONEachRow in the table's
// columns, rejects with their line and the summary to stderr; no server.
func TestNormalizeCommand(t *testing.T) {
	file := filepath.Join(t.TempDir(), "okta.ndjson")
	in := append(oktaLines(t, 3, 2), []byte(`{"uuid":"kept","published":"2024-05-06T09:00:09Z","eventType":"user.session.start","target":"not a list"}`+"\n")...)
	if err := os.WriteFile(file, in, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if err := runNormalize(context.Background(), []string{"--source", "okta", file}, &stdout, &stderr); err != nil {
		t.Fatalf("normalize: %v\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines on stdout, want 3 events:\n%s", len(lines), stdout.String())
	}
	for _, l := range lines {
		var row map[string]any
		if err := json.Unmarshal([]byte(l), &row); err != nil {
			t.Fatalf("stdout line is not JSON: %v: %s", err, l)
		}
		for _, col := range []string{"event_time", "ingest_time", "event_id", "source", "action", "category", "auth_method", "actor_id", "app_id", "scopes", "sensitivity", "raw"} {
			if _, ok := row[col]; !ok {
				t.Errorf("row has no column %q: %s", col, l)
			}
		}
		if row["source"] != event.SourceOkta || row["category"] != string(event.CategorySignin) {
			t.Errorf("row %s: want an okta signin", l)
		}
		if !strings.Contains(row["event_time"].(string), ".000") {
			t.Errorf("event_time %q is not in the modern millisecond layout", row["event_time"])
		}
	}
	errs := stderr.String()
	for _, want := range []string{"rejected " + file + ":line 2", "kept " + file + ":line 4", `field "target"`, "4 records read, 1 rejected, 1 kept with a field ignored; 3 events written"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr does not say %q:\n%s", want, errs)
		}
	}

	stdout.Reset()
	stderr.Reset()
	if err := runNormalize(context.Background(), []string{"--source", "okta", "--schema", "legacy", "--strict", file}, &stdout, &stderr); err == nil ||
		!strings.Contains(err.Error(), "1 of 4 records were rejected") {
		t.Errorf("--strict: err %v, want the reject counted", err)
	}
	if strings.Contains(stdout.String(), ".000\"") {
		t.Errorf("--schema legacy still writes milliseconds: %s", stdout.String())
	}
	for _, bad := range [][]string{{file}, {"--source", "salesforce", file}, {"--source", "okta", "--schema", "new", file}} {
		if err := runNormalize(context.Background(), bad, &stdout, &stderr); err == nil {
			t.Errorf("normalize %q succeeded, want an error", bad)
		}
	}
}

// TestCatalogCoverageCommand: the published lists are measured and the
// table's uncatalogued actions come back most frequent first.
func TestCatalogCoverageCommand(t *testing.T) {
	conn, _, _ := ingestTarget(t)
	var recs bytes.Buffer
	for i, action := range []string{"group.user_membership.add", "group.user_membership.add", "user.session.start", "zone.x", "app.generic.unknown_thing"} {
		rec, _ := json.Marshal(map[string]any{"uuid": "cov-" + string(rune('a'+i)), "published": "2024-05-06T09:00:00Z", "eventType": action})
		recs.Write(append(rec, '\n'))
	}
	stdin = &recs
	t.Cleanup(func() { stdin = os.Stdin })
	var stdout, stderr bytes.Buffer
	if err := runIngest(context.Background(), append(append([]string{}, conn...), "--source", "okta", "-"), &stdout, &stderr); err != nil {
		t.Fatalf("ingest: %v\n%s", err, stderr.String())
	}
	stdout.Reset()
	if err := runCatalog(context.Background(), append([]string{"coverage", "--top", "5"}, conn...), &stdout, &stderr); err != nil {
		t.Fatalf("coverage: %v\n%s", err, stderr.String())
	}
	out := stdout.String()
	other := out[strings.Index(out, "landed as other"):]
	for _, want := range []string{"okta ", "of 1274 actions mapped", "slack ", "no published list shipped"} {
		if !strings.Contains(out, want) {
			t.Errorf("coverage output lacks %q:\n%s", want, out)
		}
	}
	first, second := strings.Index(other, "group.user_membership.add"), strings.Index(other, "app.generic.unknown_thing")
	if first < 0 || second < 0 || first > second || strings.Contains(other, "user.session.start") || strings.Contains(other, "zone.x") {
		t.Errorf("the other actions are not the uncatalogued ones, most frequent first:\n%s", other)
	}
	if !strings.Contains(other, "        2  group.user_membership.add") {
		t.Errorf("the count of group.user_membership.add is not 2:\n%s", other)
	}
	list := filepath.Join(t.TempDir(), "github.txt")
	if err := os.WriteFile(list, []byte("# my list\ngit.clone\nrepo.create\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	if err := runCatalog(context.Background(), []string{"coverage", "--no-table", "--unmapped", "--list", "github=" + list}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "1 of    2 actions mapped ( 50.0%)") || !strings.Contains(stdout.String(), "unmapped repo.create") {
		t.Errorf("--list github: %s", stdout.String())
	}
}
