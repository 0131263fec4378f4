package ingest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

func TestAppendStringMatchesJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `"quoted"`, `back\slash`, "ctl \x00\x01\x1f\n\r\t", "é 😀 \u2028", `'); DROP TABLE x; --`} {
		var back string
		enc := appendString(nil, s)
		if err := json.Unmarshal(enc, &back); err != nil {
			t.Errorf("%q encodes to invalid JSON %s: %v", s, enc, err)
			continue
		}
		if back != s {
			t.Errorf("%q came back as %q", s, back)
		}
	}
}

// TestAppendStringKeepsInvalidUTF8 checks that bytes which are not UTF-8
// are copied, not replaced: the raw record must be stored as sent.
func TestAppendStringKeepsInvalidUTF8(t *testing.T) {
	if got, want := string(appendString(nil, "a\xffb")), "\"a\xffb\""; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestAppendRow(t *testing.T) {
	e := event.Event{
		EventTime: time.Date(2024, 5, 6, 9, 14, 3, 512_000_000, time.FixedZone("CEST", 2*3600)),
		EventID:   "id-1", Source: event.SourceOkta, Action: "a", Category: event.CategoryGrant,
		AuthMethod: event.AuthOAuth, Scopes: []string{"s1", `s"2`}, Sensitivity: 3, Raw: `{"x":1}`,
	}
	ingest := time.Date(2024, 5, 7, 0, 0, 0, 999_000_000, time.UTC)
	tests := []struct {
		variant   schema.Variant
		eventTime string
	}{
		{schema.Legacy, "2024-05-06 07:14:03"},
		{schema.Modern, "2024-05-06 07:14:03.512"},
	}
	for _, tt := range tests {
		line := appendRow(nil, &e, tt.variant, ingest)
		if !strings.HasSuffix(string(line), "}\n") || strings.Count(string(line), "\n") != 1 {
			t.Fatalf("%v: row is not one line: %q", tt.variant, line)
		}
		var row map[string]any
		if err := json.Unmarshal(line, &row); err != nil {
			t.Fatalf("%v: row is not JSON: %v", tt.variant, err)
		}
		if len(row) != len(schema.Columns) {
			t.Errorf("%v: row has %d fields, the table %d", tt.variant, len(row), len(schema.Columns))
		}
		for _, c := range schema.Columns {
			if _, ok := row[c.Name]; !ok {
				t.Errorf("%v: row lacks column %s", tt.variant, c.Name)
			}
		}
		if row["event_time"] != tt.eventTime || row["ingest_time"] != "2024-05-07 00:00:00" {
			t.Errorf("%v: times %v, %v", tt.variant, row["event_time"], row["ingest_time"])
		}
		if row["category"] != "grant" || row["sensitivity"] != 3.0 || row["raw"] != `{"x":1}` {
			t.Errorf("%v: fields %v", tt.variant, row)
		}
		if s, _ := row["scopes"].([]any); len(s) != 2 || s[1] != `s"2` {
			t.Errorf("%v: scopes %v", tt.variant, row["scopes"])
		}
	}
}

func TestCheckEvent(t *testing.T) {
	good := event.Event{
		EventTime: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), EventID: "x",
		Category: event.CategoryOther, AuthMethod: event.AuthUnknown,
	}
	tests := []struct {
		name   string
		change func(*event.Event)
		want   string // "" means valid
	}{
		{"valid", func(*event.Event) {}, ""},
		{"no id", func(e *event.Event) { e.EventID = "" }, "no event_id"},
		{"huge id", func(e *event.Event) { e.EventID = strings.Repeat("x", maxEventIDBytes+1) }, "bytes long"},
		{"no time", func(e *event.Event) { e.EventTime = time.Time{} }, "no event_time"},
		{"before 1970", func(e *event.Event) { e.EventTime = time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC) }, "outside"},
		{"after 2105", func(e *event.Event) { e.EventTime = time.Date(2106, 3, 1, 0, 0, 0, 0, time.UTC) }, "outside"},
		{"bad category", func(e *event.Event) { e.Category = "exfil" }, `category "exfil"`},
		{"bad auth method", func(e *event.Event) { e.AuthMethod = "magic" }, `auth_method "magic"`},
		{"bad sensitivity", func(e *event.Event) { e.Sensitivity = 4 }, "sensitivity 4"},
	}
	for _, tt := range tests {
		e := good
		tt.change(&e)
		err := checkEvent(&e)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: unexpected error %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}
