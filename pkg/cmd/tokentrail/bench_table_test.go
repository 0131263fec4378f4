package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/chlocal"
)

// TestBenchOnExistingTable: --table measures a table loaded beforehand
// (here through generate --load, which applies the schema) without loading
// anything, over the range given, with every figure of the summary.
func TestBenchOnExistingTable(t *testing.T) {
	s := chlocal.ForTest(t)
	db := s.TempDatabase(t)
	ctx := context.Background()
	var out, errOut bytes.Buffer
	if err := runGenerate(ctx, []string{"--load", "--url", s.HTTPURL(), "--database", db, "--out", t.TempDir(),
		"--events", "20000", "--history-days", "5", "--end", "2026-05-01T00:00:00Z"}, &out, &errOut); err != nil {
		t.Fatalf("generate --load: %v\n%s", err, errOut.String())
	}
	binary := filepath.Join(t.TempDir(), "gpx_tokentrail_test")
	if b, err := exec.Command("go", "build", "-o", binary, "github.com/tokentrail/tokentrail/pkg").CombinedOutput(); err != nil {
		t.Fatalf("building the plugin: %v\n%s", err, b)
	}
	from, to := "2026-04-11T00:00:00Z", "2026-04-25T00:00:00Z"
	count, err := s.Exec(ctx, fmt.Sprintf("SELECT count() FROM %s.saas_audit_events WHERE event_time >= toDateTime('2026-04-11 00:00:00', 'UTC') AND event_time < toDateTime('2026-04-25 00:00:00', 'UTC')", db), nil)
	if err != nil {
		t.Fatal(err)
	}
	before, err := s.Exec(ctx, "SELECT count() FROM system.tables WHERE database = '"+db+"'", nil)
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := runBench(ctx, []string{"--table", "saas_audit_events", "--database", db, "--port", strconv.Itoa(s.TCPPort),
		"--from", from, "--to", to, "--runs", "1", "--plugin", binary}, &out, &errOut); err != nil {
		t.Fatalf("bench --table: %v\n%s%s", err, out.String(), errOut.String())
	}
	got := out.String()
	if m := regexp.MustCompile(`rows in the range +(\d+)`).FindStringSubmatch(got); m == nil || m[1] != strings.TrimSpace(count) {
		t.Errorf("rows in the range: %v, want the %s rows ClickHouse counts from %s to %s:\n%s", m, strings.TrimSpace(count), from, to, got)
	}
	if m := regexp.MustCompile(`episodes \(high \+ critical among kept\) +(\d+) \(\d+\)`).FindStringSubmatch(got); m == nil || m[1] == "0" {
		t.Errorf("the summary shows no episodes in a sample organisation's two weeks:\n%s", got)
	}
	for _, want := range []string{"range " + from + " to " + to, "count scan", "sequences end to end", "alert rule query, last hour",
		"plugin's peak live Go heap (GC trace)", "inventory tokens", "coverage", "sequences <= 2x count scan"} {
		if !strings.Contains(got, want) {
			t.Errorf("bench --table output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "no trace") {
		t.Errorf("the plugin's GC trace was not read:\n%s", got)
	}
	after, err := s.Exec(ctx, "SELECT count() FROM system.tables WHERE database = '"+db+"'", nil)
	if err != nil || after != before {
		t.Errorf("bench --table changed the database's tables (%s before, %s after, %v): it must only read", before, after, err)
	}
}

// TestBenchTableRange: without --from and --to the range is the 30 days
// that end at the midnight after the newest event.
func TestBenchTableRange(t *testing.T) {
	newest := time.Date(2026, 10, 31, 23, 59, 58, 0, time.UTC)
	day := func(s string) time.Time { d, _ := time.Parse(time.RFC3339, s); return d }
	for _, tc := range []struct {
		from, to         string
		wantFrom, wantTo string
		err              string
	}{
		{wantFrom: "2026-10-02T00:00:00Z", wantTo: "2026-11-01T00:00:00Z"},
		{to: "2026-10-15T12:00:00Z", wantFrom: "2026-09-15T12:00:00Z", wantTo: "2026-10-15T12:00:00Z"},
		{from: "2026-10-30T00:00:00+02:00", wantFrom: "2026-10-29T22:00:00Z", wantTo: "2026-11-01T00:00:00Z"},
		{from: "2026-10-30", err: "--from \"2026-10-30\": want an RFC 3339 time"},
		{to: "yesterday", err: "--to \"yesterday\""},
		{from: "2026-11-02T00:00:00Z", err: "is not before --to"},
	} {
		from, to, err := tableFlags{from: tc.from, to: tc.to}.rangeFor(newest)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("--from %q --to %q: error %v, want one with %q", tc.from, tc.to, err, tc.err)
		case tc.err == "" && (err != nil || !from.Equal(day(tc.wantFrom)) || !to.Equal(day(tc.wantTo))):
			t.Errorf("--from %q --to %q: %s to %s (%v), want %s to %s", tc.from, tc.to, from, to, err, tc.wantFrom, tc.wantTo)
		}
	}
}

// TestBenchFlagsThatDoNotMix: the generated organisation's flags are
// refused with --table and the table's flags without it, each named, and a
// missing password variable is named rather than tried as empty.
func TestBenchFlagsThatDoNotMix(t *testing.T) {
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"--table", "t", "--widen", "1,10"}, "--widen: only for the generated organisation"},
		{[]string{"--table", "t", "--events", "5000", "--history-days", "3"}, "--events, --history-days: only for the generated organisation"},
		{[]string{"--from", "2026-10-01T00:00:00Z"}, "--from: only with --table"},
		{[]string{"--approved-apps", "a", "--port", "9000"}, "--approved-apps, --port: only with --table"},
		{[]string{"--table", "t;drop"}, `table "t;drop" is not a valid name`},
		{[]string{"--table", "t", "--password-env", "TT_TEST_NO_SUCH_VARIABLE"}, "environment variable TT_TEST_NO_SUCH_VARIABLE (from --password-env) is not set"},
		{[]string{"--runs", "0"}, "--runs 0"},
	} {
		var out, errOut bytes.Buffer
		err := runBench(context.Background(), tc.args, &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("bench %v: error %v, want one with %q", tc.args, err, tc.err)
		}
	}
}
