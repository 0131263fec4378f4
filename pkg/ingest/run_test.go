package ingest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/chhttp"
	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/ingest"
)

var t0 = time.Date(2024, 5, 6, 9, 14, 3, 0, time.UTC)

func TestRunRejectsNameTheirLines(t *testing.T) {
	tg := newTarget(t)
	noTime := oktaRecord("u-4", t0, "user.session.start", nil)
	delete(noTime, "published")
	input := ndjson(t,
		oktaRecord("u-1", t0, "user.session.start", nil),
		`{"uuid": "u-2", "published": `, // cut off mid-record
		oktaRecord("u-3", t0.Add(time.Second), "user.session.start", nil),
		noTime,
		oktaRecord("u-5", t0.Add(2*time.Second), "user.session.start", nil),
	)
	var progress bytes.Buffer
	st, err := ingest.Run(context.Background(), strings.NewReader(input), tg.writer,
		ingest.Options{Source: event.SourceOkta, Progress: &progress, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 5 || st.Rejected != 2 || st.Inserted != 3 || st.Events != 3 {
		t.Errorf("stats %+v", st)
	}
	if len(st.Rejects) != 2 {
		t.Fatalf("rejects %+v", st.Rejects)
	}
	for i, want := range []struct {
		line   int
		reason string
	}{{2, "malformed JSON"}, {4, `"published" is missing`}} {
		r := st.Rejects[i]
		if r.Line != want.line || !strings.Contains(r.Reason, want.reason) {
			t.Errorf("reject %d = %+v, want line %d and a reason containing %q", i, r, want.line, want.reason)
		}
	}
	if n := tg.count(t, "event_id IN ('u-1', 'u-3', 'u-5')"); n != 3 {
		t.Errorf("%d of the 3 good records landed", n)
	}
	if !strings.Contains(progress.String(), "5 records read") {
		t.Errorf("progress output %q lacks the final counts", progress.String())
	}
}

func TestRunTwiceInsertsNothingNew(t *testing.T) {
	tg := newTarget(t)
	var recs []any
	for i := range 25 {
		recs = append(recs, oktaRecord(fmt.Sprintf("u-%d", i), t0.Add(time.Duration(i)*time.Hour), "app.oauth2.as.token.grant.access_token", nil))
	}
	input := ndjson(t, recs...)
	first, err := run(t, tg, event.SourceOkta, input, 10)
	if err != nil {
		t.Fatal(err)
	}
	second, err := run(t, tg, event.SourceOkta, input, 7)
	if err != nil {
		t.Fatal(err)
	}
	if first.Inserted != 25 || first.Duplicates != 0 {
		t.Errorf("first run %+v", first)
	}
	if second.Inserted != 0 || second.Duplicates != 25 {
		t.Errorf("second run %+v", second)
	}
	if n := tg.count(t, "1"); n != 25 {
		t.Errorf("table holds %d rows, want 25", n)
	}
}

// TestDuplicatesWithinOneFile: the same record twice in one batch, and again
// in a later batch (batch size 2), is loaded once.
func TestDuplicatesWithinOneFile(t *testing.T) {
	tg := newTarget(t)
	a := oktaRecord("dup", t0, "user.session.start", nil)
	input := ndjson(t, a, a, oktaRecord("other", t0, "user.session.start", nil), a, a)
	st, err := run(t, tg, event.SourceOkta, input, 2)
	if err != nil {
		t.Fatal(err)
	}
	if st.Inserted != 2 || st.Duplicates != 3 {
		t.Errorf("stats %+v, want 2 inserted and 3 duplicates", st)
	}
	if n := tg.count(t, "event_id = 'dup'"); n != 1 {
		t.Errorf("%d rows for the duplicated id", n)
	}
}

func TestUnknownActionIsKeptAsOther(t *testing.T) {
	tg := newTarget(t)
	input := ndjson(t, oktaRecord("u-new", t0, "vendor.brand_new.action", nil))
	st, err := run(t, tg, event.SourceOkta, input, 0)
	if err != nil {
		t.Fatal(err)
	}
	if st.Inserted != 1 || st.Rejected != 0 {
		t.Fatalf("stats %+v", st)
	}
	if n := tg.count(t, "event_id = 'u-new' AND action = 'vendor.brand_new.action' AND category = 'other'"); n != 1 {
		t.Errorf("the unknown action is not stored with category other")
	}
}

// TestShapesLoadTheSameRows loads the same records as NDJSON, as an array,
// as pretty-printed objects and inside an API page, into separate tables,
// and compares every column.
func TestShapesLoadTheSameRows(t *testing.T) {
	var recs []map[string]any
	for i := range 4 {
		recs = append(recs, oktaRecord(fmt.Sprintf("u-%d", i), t0.Add(time.Duration(i)*time.Minute), "app.oauth2.as.token.grant.access_token",
			map[string]any{"debugContext": map[string]any{"debugData": map[string]any{"grantedScopes": "okta.users.read okta.logs.read"}}}))
	}
	arr, _ := json.MarshalIndent(recs, "", "  ")
	var stream, lines bytes.Buffer
	for _, r := range recs {
		p, _ := json.MarshalIndent(r, "", "  ")
		stream.Write(append(p, '\n'))
		c, _ := json.Marshal(r)
		lines.Write(append(c, '\n'))
	}
	inputs := []struct {
		name, input string
		shape       ingest.Shape
	}{
		{"ndjson", lines.String(), ingest.NDJSON},
		{"array", string(arr), ingest.Array},
		{"stream", stream.String(), ingest.Stream},
		{"page", `{"entries": ` + string(arr) + `, "response_metadata": {"next_cursor": ""}}`, ingest.Envelope},
	}
	var want map[string]map[string]any
	for _, in := range inputs {
		tg := newTarget(t)
		st, err := run(t, tg, event.SourceOkta, in.input, 0)
		if err != nil {
			t.Fatalf("%s: %v", in.name, err)
		}
		if st.Input != in.shape || st.Inserted != len(recs) {
			t.Errorf("%s: stats %+v", in.name, st)
		}
		got := tg.rows(t)
		if len(got) != len(recs) {
			t.Fatalf("%s: %d rows", in.name, len(got))
		}
		if want == nil {
			want = got
			continue
		}
		for id, row := range want {
			for col, v := range row {
				if fmt.Sprint(got[id][col]) != fmt.Sprint(v) {
					t.Errorf("%s: row %s column %s = %v, want %v (as loaded from ndjson)", in.name, id, col, got[id][col], v)
				}
			}
		}
	}
}

// TestTruncatedArrayLoadsWhatItCould: an array cut off mid-record stops the
// run with the line, after loading the records before it.
func TestTruncatedArrayLoadsWhatItCould(t *testing.T) {
	tg := newTarget(t)
	a, _ := json.Marshal(oktaRecord("u-a", t0, "user.session.start", nil))
	b, _ := json.Marshal(oktaRecord("u-b", t0, "user.session.start", nil))
	input := "[\n" + string(a) + ",\n" + string(b) + ",\n{\"uuid\": \"u-c\", \"pub"
	st, err := run(t, tg, event.SourceOkta, input, 0)
	if err == nil || !strings.Contains(err.Error(), "line 4") {
		t.Fatalf("error %v, want one naming line 4", err)
	}
	if st.Inserted != 2 || tg.count(t, "1") != 2 {
		t.Errorf("stats %+v; the two complete records should have landed", st)
	}
}

// TestInsertFailureNamesTheBatch: a read-only user can look up ids but not
// insert; the run must stop and say which batch and lines were not loaded.
func TestInsertFailureNamesTheBatch(t *testing.T) {
	tg := newTarget(t)
	reader := &chhttp.Client{BaseURL: tg.server.HTTPURL(), User: chlocal.ReaderUser, Password: chlocal.ReaderPassword}
	w, err := ingest.NewWriter(context.Background(), reader, tg.db, table)
	if err != nil {
		t.Fatal(err)
	}
	input := ndjson(t, oktaRecord("u-1", t0, "user.session.start", nil), oktaRecord("u-2", t0, "user.session.start", nil),
		oktaRecord("u-3", t0, "user.session.start", nil))
	_, err = ingest.Run(context.Background(), strings.NewReader(input), w, ingest.Options{Source: event.SourceOkta, BatchSize: 2})
	if err == nil {
		t.Fatal("insert as a read-only user succeeded")
	}
	for _, want := range []string{"batch 1", "lines 1-2", "readonly"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if strings.Contains(err.Error(), chlocal.ReaderPassword) {
		t.Errorf("error leaks the password: %q", err)
	}
}

func TestWrongPasswordIsNotInTheError(t *testing.T) {
	tg := newTarget(t)
	const wrong = "W7rong-Passw0rd"
	c := &chhttp.Client{BaseURL: tg.server.HTTPURL(), User: chlocal.ReaderUser, Password: wrong}
	_, err := ingest.NewWriter(context.Background(), c, tg.db, table)
	if err == nil {
		t.Fatal("a wrong password was accepted")
	}
	if strings.Contains(err.Error(), wrong) {
		t.Errorf("error leaks the password: %q", err)
	}
	if !strings.Contains(err.Error(), "password") {
		t.Errorf("error %q does not say the password is wrong", err)
	}
}

func TestUnknownSourceAndMissingTable(t *testing.T) {
	tg := newTarget(t)
	if _, err := run(t, tg, "myspace", "", 0); err == nil || !strings.Contains(err.Error(), "unknown source") {
		t.Errorf("unknown source: %v", err)
	}
	if _, err := ingest.NewWriter(context.Background(), tg.client, tg.db, "nope"); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing table: %v", err)
	}
}

// BenchmarkRun measures the whole path, NDJSON Okta records to rows:
// reading, normalizing, duplicate lookup and insert.
func BenchmarkRun(b *testing.B) {
	tg := newTarget(b)
	const records = 20000
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		var recs []any
		for i := range records {
			recs = append(recs, oktaRecord(fmt.Sprintf("run-%d-%d", n, i), t0.Add(time.Duration(n*records+i)*time.Second),
				"app.oauth2.as.token.grant.access_token", map[string]any{
					"target":       []any{map[string]any{"id": "0oa1", "type": "AppInstance", "displayName": "Reporting"}},
					"debugContext": map[string]any{"debugData": map[string]any{"grantedScopes": "okta.users.read okta.logs.read"}},
				}))
		}
		input := ndjson(b, recs...)
		b.SetBytes(int64(len(input)))
		b.StartTimer()
		st, err := run(b, tg, event.SourceOkta, input, 0)
		if err != nil || st.Inserted != records {
			b.Fatalf("stats %+v, err %v", st, err)
		}
	}
	b.ReportMetric(float64(b.N*records)/b.Elapsed().Seconds(), "records/s")
}

func googleActivity(qualifier string, at time.Time, events ...string) map[string]any {
	var evs []any
	for _, name := range events {
		evs = append(evs, map[string]any{"type": "access", "name": name, "parameters": []any{
			map[string]any{"name": "doc_id", "value": "doc-" + qualifier},
			map[string]any{"name": "doc_title", "value": "Q3 \"board\" pack"},
		}})
	}
	return map[string]any{
		"kind":      "admin#reports#activity",
		"id":        map[string]any{"time": at.Format(time.RFC3339Nano), "uniqueQualifier": qualifier, "applicationName": "drive", "customerId": "C0abc"},
		"actor":     map[string]any{"callerType": "USER", "email": "ana@example.com", "profileId": "1143"},
		"ipAddress": "203.0.113.5",
		"events":    evs,
	}
}

// TestGooglePageYieldsSeveralEventsPerRecord loads a saved Reports API page
// whose first activity carries two events, and the same activities as
// NDJSON: the counts say records and events apart, and the rows match.
func TestGooglePageYieldsSeveralEventsPerRecord(t *testing.T) {
	acts := []any{googleActivity("-101", t0, "view", "download"), googleActivity("-102", t0.Add(time.Minute), "copy")}
	items, _ := json.MarshalIndent(acts, "  ", "  ")
	page := "{\n  \"kind\": \"admin#reports#activities\",\n  \"etag\": \"\\\"e1\\\"\",\n  \"items\": " + string(items) + ",\n  \"nextPageToken\": \"A:1715\"\n}\n"
	var rows []map[string]map[string]any
	for _, input := range []string{page, ndjson(t, acts...)} {
		tg := newTarget(t)
		st, err := run(t, tg, event.SourceGoogle, input, 0)
		if err != nil {
			t.Fatal(err)
		}
		if st.Records != 2 || st.Events != 3 || st.Inserted != 3 || st.Rejected != 0 {
			t.Errorf("%v: stats %+v, want 2 records giving 3 events", st.Input, st)
		}
		rows = append(rows, tg.rows(t))
	}
	if fmt.Sprint(rows[0]) != fmt.Sprint(rows[1]) {
		t.Errorf("page and NDJSON loads differ:\n%v\n%v", rows[0], rows[1])
	}
}
