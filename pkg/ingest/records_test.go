package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

type gotRecord struct {
	raw         string // compacted
	line, index int
	bad         bool
}

// readAll drains a record reader, compacting each record so layouts can be
// compared. It returns the first fatal error.
func readAll(t *testing.T, r io.Reader) (Shape, []gotRecord, error) {
	t.Helper()
	rr, shape, err := newRecordReader(r)
	if err != nil {
		return shape, nil, err
	}
	var out []gotRecord
	for {
		rec, err := rr.next()
		if errors.Is(err, io.EOF) {
			return shape, out, nil
		}
		if err != nil {
			return shape, out, err
		}
		g := gotRecord{line: rec.line, index: rec.index, bad: rec.bad != nil}
		if rec.bad == nil {
			var buf bytes.Buffer
			if err := json.Compact(&buf, rec.raw); err != nil {
				t.Fatalf("record at line %d is not JSON: %v", rec.line, err)
			}
			g.raw = buf.String()
		}
		out = append(out, g)
	}
}

func TestRecordShapes(t *testing.T) {
	a, b, c := `{"id":"a","n":1}`, `{"id":"b","n":2}`, `{"id":"c","n":3}`
	tests := []struct {
		name  string
		input string
		shape Shape
		want  []gotRecord
	}{
		{"ndjson", a + "\n" + b + "\n" + c + "\n", NDJSON,
			[]gotRecord{{a, 1, 0, false}, {b, 2, 1, false}, {c, 3, 2, false}}},
		{"ndjson with blank lines, CRLF and no final newline", "\r\n" + a + "\r\n\r\n  " + b + "\r\n" + c, NDJSON,
			[]gotRecord{{a, 2, 0, false}, {b, 4, 1, false}, {c, 5, 2, false}}},
		{"ndjson with a byte order mark", "\xef\xbb\xbf" + a + "\n" + b, NDJSON,
			[]gotRecord{{a, 1, 0, false}, {b, 2, 1, false}}},
		{"ndjson with a broken line", a + "\n{\"id\":\n" + c + "\n", NDJSON,
			[]gotRecord{{a, 1, 0, false}, {"", 2, 1, true}, {c, 3, 2, false}}},
		{"array on one line", "[" + a + "," + b + "," + c + "]", Array,
			[]gotRecord{{a, 1, 0, false}, {b, 1, 1, false}, {c, 1, 2, false}}},
		{"pretty array", "[\n  {\n    \"id\": \"a\",\n    \"n\": 1\n  },\n  {\n    \"id\": \"b\", \"n\": 2\n  }\n]\n", Array,
			[]gotRecord{{a, 2, 0, false}, {b, 6, 1, false}}},
		{"two arrays", "[" + a + "]\n[\n" + b + "," + c + "]", Array,
			[]gotRecord{{a, 1, 0, false}, {b, 3, 0, false}, {c, 3, 1, false}}},
		{"google page", "{\"kind\": \"admin#reports#activities\",\n \"etag\": \"x\",\n \"items\": [\n  " + a + ",\n  " + b + "\n ],\n \"nextPageToken\": \"tok\"\n}\n", Envelope,
			[]gotRecord{{a, 4, 0, false}, {b, 5, 1, false}}},
		{"slack page", "{\"entries\":[" + a + "," + b + "],\"response_metadata\":{\"next_cursor\":\"\"}}", Envelope,
			[]gotRecord{{a, 1, 0, false}, {b, 1, 1, false}}},
		{"pages appended one per line", "{\"entries\":[" + a + "]}\n{\"entries\":[" + b + "," + c + "],\"response_metadata\":{}}\n", Envelope,
			[]gotRecord{{a, 1, 0, false}, {b, 2, 0, false}, {c, 2, 1, false}}},
		{"multi-line objects (jq without -c)", "{\n  \"id\": \"a\",\n  \"n\": 1\n}\n{\n  \"id\": \"b\",\n  \"n\": 2\n}\n", Stream,
			[]gotRecord{{a, 1, 0, false}, {b, 5, 1, false}}},
		{"a record whose field is named items but is not an array", `{"items":3,"id":"a"}` + "\n", NDJSON,
			[]gotRecord{{`{"items":3,"id":"a"}`, 1, 0, false}}},
		{"empty", "", NDJSON, nil},
		{"only white space", " \n\n", NDJSON, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// One byte per read exercises every buffer boundary of the
			// sniffer, the decoder and the line tracker.
			for _, r := range []io.Reader{strings.NewReader(tt.input), iotest.OneByteReader(strings.NewReader(tt.input))} {
				shape, got, err := readAll(t, r)
				if err != nil {
					t.Fatal(err)
				}
				if shape != tt.shape {
					t.Errorf("shape %v, want %v", shape, tt.shape)
				}
				if len(got) != len(tt.want) {
					t.Fatalf("got %d records %+v, want %d", len(got), got, len(tt.want))
				}
				for i := range got {
					if got[i] != tt.want[i] {
						t.Errorf("record %d: got %+v, want %+v", i, got[i], tt.want[i])
					}
				}
			}
		})
	}
}

// TestLargeFirstRecordIsSniffedPastTheFirstWindow: the envelope key comes
// after a field larger than the first sniffing window.
func TestLargeFirstRecordIsSniffedPastTheFirstWindow(t *testing.T) {
	big := strings.Repeat("x", 3*sniffStart)
	input := `{"kind":"` + big + `","items":[{"id":"a"}]}`
	shape, got, err := readAll(t, strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	if shape != Envelope || len(got) != 1 || got[0].raw != `{"id":"a"}` {
		t.Fatalf("shape %v records %+v", shape, got)
	}
}

func TestFatalInputErrorsNameTheLine(t *testing.T) {
	tests := []struct {
		name, input string
		records     int    // good records before the error
		want        string // in the error
	}{
		{"garbage inside an array", "[\n{\"id\":\"a\"},\n{\"id\": nope}\n]", 1, "line 3"},
		{"truncated array", "[\n{\"id\":\"a\"},\n{\"id\":\"b\"},\n{\"id\":", 2, "truncated"},
		{"page without its records array", "{\"items\":[{\"id\":\"a\"}]}\n{\"kind\":\"x\"}\n", 1, `line 2: the API page that ends here has no "items" array`},
		{"object after an array", "[{\"id\":\"a\"}]\n{\"id\":\"b\"}", 1, "line 2: expected a JSON array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got, err := readAll(t, strings.NewReader(tt.input))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			if len(got) != tt.records {
				t.Errorf("%d records before the error, want %d", len(got), tt.records)
			}
		})
	}
}

func TestLineTracker(t *testing.T) {
	input := "a\nbb\n\nccc\nd"
	lt := newLineTracker(iotest.OneByteReader(strings.NewReader(input)))
	if _, err := io.ReadAll(lt); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		off  int64
		line int
	}{{0, 1}, {1, 1}, {2, 2}, {5, 3}, {6, 4}, {10, 5}, {99, 5}} {
		if got := lt.lineAt(tt.off); got != tt.line {
			t.Errorf("lineAt(%d) = %d, want %d", tt.off, got, tt.line)
		}
	}
	if len(lt.pending) != 0 {
		t.Errorf("tracker keeps %d bytes after the last position", len(lt.pending))
	}
}
