package models

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/tokentrail/tokentrail/pkg/schema"
)

// The SDK turns Grafana's milliseconds into nanoseconds in an int64; for
// dates past 2262 or before 1677 that wraps. GrafanaTime gets the exact
// millisecond back for every time JavaScript can express.
func TestGrafanaTimeUndoesTheSDKsOverflow(t *testing.T) {
	for _, want := range []time.Time{
		time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999e6, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1600, 6, 1, 12, 0, 0, 0, time.UTC),
		time.Date(2025, 3, 1, 12, 0, 0, 123e6, time.UTC),
		time.Unix(0, 0).UTC(),
		time.UnixMilli(8.64e15).UTC(), // JavaScript's last date, year 275760
		time.UnixMilli(-8.64e15).UTC(),
	} {
		ms := want.UnixMilli()
		wrapped := time.Unix(0, ms*int64(time.Millisecond)) // what the SDK does
		if got := GrafanaTime(wrapped); !got.Equal(want) {
			t.Errorf("%s arrived as %s and was read back as %s", want, wrapped.UTC(), got)
		}
	}
	fine := time.Date(2025, 1, 1, 0, 0, 0, 1, time.UTC) // not from milliseconds (nor 64 ns): kept
	if got := GrafanaTime(fine); !got.Equal(fine) {
		t.Errorf("a nanosecond time changed: %s", got)
	}
}

// Durations, counts and ranges that do not fit are errors, never silently
// other values.
func TestOverflowCorpus(t *testing.T) {
	from, to := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)
	many := make([]string, MaxFilterValues+1)
	for i := range many {
		many[i] = "v"
	}
	manyJSON, _ := json.Marshal(many)
	cases := []struct{ name, js, want string }{
		{"days wrapping a duration", `{"maxSpan":"213504d"}`, "not a duration of at most 30 days"},
		{"days past 30", `{"maxSpan":"31d"}`, "out of range"},
		{"hours past int64", `{"maxSpan":"9999999999999h"}`, "not a duration"},
		{"negative days", `{"maxSpan":"-2d"}`, "out of range"},
		{"limit past int", `{"queryType":"timeline","limit":99999999999999999999}`, "could not be read"},
		{"limit too large", `{"queryType":"timeline","limit":10001}`, "out of range"},
		{"sensitivity past int", `{"minSensitivity":1e40}`, "could not be read"},
		{"too many values", `{"filters":[{"field":"actor_id","op":"in","values":` + string(manyJSON) + `}]}`, "at most 100000 are allowed"},
		{"too many like patterns", `{"filters":[{"field":"actor_id","op":"like","values":` + string(manyJSON[:4*(MaxLikePatterns+1)]) + `]}]}`, "at most 100 are allowed"},
	}
	for _, c := range cases {
		_, err := ParseQuery(json.RawMessage(c.js), "", from, to)
		if err == nil || !errors.Is(err, ErrInvalidQuery) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an invalid query saying %q", c.name, err, c.want)
		}
	}
}

// Hostile input is echoed at most a few hundred characters long.
func TestHostileInputIsNotEchoedWhole(t *testing.T) {
	from, to := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)
	big := strings.Repeat("A", 1<<20)
	nul := strings.Repeat("\x00", 1<<16)
	for _, js := range []string{
		`{"queryType":"` + big + `"}`,
		`{"maxSpan":"` + big + `"}`,
		`{"maxSpan":"` + big + `d"}`,
		`{"correlateBy":["` + big + `"]}`,
		`{"filters":[{"field":"` + big + `","op":"in","values":["x"]}]}`,
		`{"filters":[{"field":"actor_id","op":"` + big + `","values":["x"]}]}`,
		`{"filters":[{"field":"category","op":"=","values":["` + big[:1000] + `"]}]}`,
		`{"queryType":"sequenceCounts","format":"` + big + `"}`,
		`{"minSeverity":"` + big + `"}`,
		`{"signinWindow":"` + big + `"}`,
		`{"queryType":"` + `\u0000` + strings.Repeat(`\u0000`, 5000) + `"}`,
	} {
		_, err := ParseQuery(json.RawMessage(js), "", from, to)
		if err == nil {
			t.Fatalf("accepted %.80s", js)
		}
		if len(err.Error()) > 600 {
			t.Errorf("error of %d characters: %.300s", len(err.Error()), err)
		}
	}
	for _, raw := range []string{`{"host":"` + big + `"}`, `{"host":"h","port":"` + big + `"}`, `{"host":"h","database":"` + big + `"}`, `{"host":"h","table":"` + nul + `"}`, `{"host":"h","username":"` + big + `"}`} {
		_, err := LoadPluginSettings(settingsJSON(raw))
		if err == nil || len(err.Error()) > 600 {
			t.Errorf("settings %.60s: %d characters: %.200v", raw, len(errString(err)), err)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// A range is clipped to what the column holds, or refused when wholly
// outside it.
func TestClipRange(t *testing.T) {
	lo, hi := schema.TimeBounds(schema.Legacy)
	from, to, err := ClipRange(schema.Legacy, time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil || !from.Equal(lo) || !to.Equal(hi) || hi.Year() != 2106 {
		t.Errorf("clipped to %s..%s (%v), want %s..%s", from, to, err, lo, hi)
	}
	if _, _, err := ClipRange(schema.Legacy, time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1969, 1, 1, 0, 0, 0, 0, time.UTC)); err == nil || !strings.Contains(err.Error(), "1970") {
		t.Errorf("a range before 1970: %v", err)
	}
	if err := CheckBucketRange(lo, hi); err != nil {
		t.Errorf("136 years can be bucketed: %v", err)
	}
	if err := CheckBucketRange(time.Date(1925, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2283, 1, 1, 0, 0, 0, 0, time.UTC)); err == nil {
		t.Error("358 years cannot be bucketed exactly, but passed")
	}
}

func settingsJSON(raw string) backend.DataSourceInstanceSettings {
	return backend.DataSourceInstanceSettings{JSONData: []byte(raw)}
}

// Where the range was wrapped before the plugin could undo it, the error
// says what happened instead of only that the end precedes the start.
func TestWrappedRangeIsExplained(t *testing.T) {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	wrapped := time.Unix(0, time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()*int64(time.Millisecond)).Truncate(time.Millisecond)
	_, err := ParseQuery(nil, "", from, wrapped.Add(time.Nanosecond))
	if err == nil || !strings.Contains(err.Error(), "wraps around") {
		t.Errorf("error %v, want the wrap explained", err)
	}
}
