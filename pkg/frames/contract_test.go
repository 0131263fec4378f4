package frames

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/tokentrail/tokentrail/pkg/engine"
)

// checkNumericLong asserts the rules Grafana alerting's numeric-long reader
// relies on and returns the rows as "label|label=value" for comparison.
func checkNumericLong(t *testing.T, f *data.Frame) []string {
	t.Helper()
	if f.Meta == nil || f.Meta.Type != data.FrameTypeNumericLong || f.Meta.TypeVersion != (data.FrameTypeVersion{0, 1}) {
		t.Fatalf("meta = %+v, want numeric-long {0,1}", f.Meta)
	}
	var dims []*data.Field
	var values []*data.Field
	for _, fld := range f.Fields {
		switch fld.Type() {
		case data.FieldTypeString:
			dims = append(dims, fld)
		case data.FieldTypeFloat64, data.FieldTypeInt64:
			values = append(values, fld)
		default:
			t.Fatalf("field %s has type %s; numeric-long allows non-null strings and numbers only", fld.Name, fld.Type())
		}
	}
	if len(values) != 1 || values[0].Name != valueField {
		t.Fatalf("got %d numeric fields, want exactly one named %q", len(values), valueField)
	}
	seen := map[string]bool{}
	var rows []string
	for i := 0; i < f.Rows(); i++ {
		key := ""
		for _, d := range dims {
			key += d.Name + "=" + d.At(i).(string) + "|"
		}
		if seen[key] {
			t.Errorf("label set %q appears twice; alerting cannot tell the instances apart", key)
		}
		seen[key] = true
		v, _ := values[0].FloatAt(i)
		rows = append(rows, fmt.Sprintf("%s%g", key, v))
	}
	return rows
}

// checkTimeSeriesMulti asserts the timeseries-multi rules: typed frames, a
// non-null ascending time field with every bucket of width step present,
// one float64 value field, distinct label sets. It returns per series the
// labels and the non-zero buckets as "labels: offset=value ...".
func checkTimeSeriesMulti(t *testing.T, frames data.Frames, from, to time.Time, step time.Duration) []string {
	t.Helper()
	seen := map[string]bool{}
	var out []string
	for _, f := range frames {
		if f.Meta == nil || f.Meta.Type != data.FrameTypeTimeSeriesMulti || f.Meta.TypeVersion != (data.FrameTypeVersion{0, 1}) {
			t.Fatalf("meta = %+v, want timeseries-multi {0,1}", f.Meta)
		}
		if len(f.Fields) != 2 || f.Fields[0].Type() != data.FieldTypeTime || f.Fields[1].Type() != data.FieldTypeFloat64 {
			t.Fatalf("frame fields %v, want non-null time and float64", f.Fields)
		}
		times := f.Fields[0]
		n := times.Len()
		first, last := times.At(0).(time.Time), times.At(n-1).(time.Time)
		if first.After(from) || !first.Add(step).After(from) || last.After(to) || !last.Add(step).After(to) {
			t.Errorf("buckets %s..%s do not exactly cover [%s, %s] with step %s", first, last, from, to, step)
		}
		row := f.Fields[1].Labels.String() + ":"
		for i := 0; i < n; i++ {
			at := times.At(i).(time.Time)
			if i > 0 && at.Sub(times.At(i-1).(time.Time)) != step {
				t.Fatalf("bucket %d at %s is not %s after the previous one", i, at, step)
			}
			if v := f.Fields[1].At(i).(float64); v != 0 {
				row += fmt.Sprintf(" %s=%g", at.Sub(first), v)
			}
		}
		if seen[f.Fields[1].Labels.String()] {
			t.Errorf("label set %s appears in two series", f.Fields[1].Labels)
		}
		seen[f.Fields[1].Labels.String()] = true
		out = append(out, row)
	}
	return out
}

func TestCountsNumericContract(t *testing.T) {
	eps := []engine.Episode{
		episode("1", "bob", "app1", 0, 0),
		episode("2", "alice", "app2", 0, 0),
		episode("3", "bob", "app1", 0, 0),
		episode("4", "bob", "app2", 0, 0),
		episode("5", "", "app2", 0, 0),
	}
	tests := []struct {
		name    string
		groupBy []string
		eps     []engine.Episode
		want    []string
	}{
		{"one label, duplicates aggregated", []string{"actor_id"}, eps, []string{"actor_id=|1", "actor_id=alice|1", "actor_id=bob|3"}},
		{"two labels sorted by the first then the second", []string{"actor_id", "app_id"}, eps,
			[]string{"actor_id=|app_id=app2|1", "actor_id=alice|app_id=app2|1", "actor_id=bob|app_id=app1|2", "actor_id=bob|app_id=app2|1"}},
		{"repeated groupBy field is used once", []string{"app_id", "app_id"}, eps, []string{"app_id=app1|2", "app_id=app2|3"}},
		{"no groupBy counts everything in one row", nil, eps, []string{"5"}},
		{"every allowed field is a label", []string{"tenant", "source", "token_id"}, eps[:1], []string{"tenant=acme|source=okta|token_id=tok-1|1"}},
		{"no episodes give no rows", []string{"actor_id"}, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := checkNumericLong(t, CountsNumeric(tc.eps, tc.groupBy, sql))
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("rows = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCountsTimeSeriesContract(t *testing.T) {
	from := t0.Add(7 * time.Minute) // not aligned: the first bucket starts at t0
	to := from.Add(time.Hour)
	eps := []engine.Episode{
		episode("1", "bob", "app1", 10*time.Minute, 0),
		episode("2", "alice", "app1", 20*time.Minute, 0),
		episode("3", "bob", "app1", 14*time.Minute+59*time.Second, 0),
		episode("4", "bob", "app1", 15*time.Minute, 0),
		episode("5", "carol", "app1", 3*time.Minute, 0), // before from: not counted
	}
	tests := []struct {
		name     string
		eps      []engine.Episode
		groupBy  []string
		from, to time.Time
		interval time.Duration
		step     time.Duration // expected bucket width
		want     []string
	}{
		{"buckets aligned, every bucket present, episodes by first sensitive time", eps, []string{"actor_id"}, from, to, 15 * time.Minute, 15 * time.Minute,
			[]string{`actor_id=alice: 15m0s=1`, `actor_id=bob: 0s=2 15m0s=1`}},
		{"no groupBy gives one unlabelled series", eps, nil, from, to, 30 * time.Minute, 30 * time.Minute,
			[]string{`: 0s=4`}},
		{"non-positive interval falls back to one minute", eps[:1], nil, from, to, 0, time.Minute,
			[]string{`: 3m0s=1`}},
		// 20 days of 1s buckets is 1 728 001 points; the smallest factor that
		// fits is 173. The 173s grid puts the first bucket at 12:04:25, so
		// the 12:10 episode falls in the second bucket.
		{"too many buckets widen the interval", eps[:1], nil, from, from.Add(20 * 24 * time.Hour), time.Second, 173 * time.Second,
			[]string{`: 2m53s=1`}},
		{"episodes only outside the range give no data", eps[4:], nil, from, to, time.Minute, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			frames := CountsTimeSeries(tc.eps, tc.groupBy, tc.from, tc.to, tc.interval, sql)
			if tc.want == nil {
				if len(frames) != 1 || len(frames[0].Fields) != 0 || frames[0].Meta.Type != data.FrameTypeTimeSeriesMulti || frames[0].Meta.TypeVersion != (data.FrameTypeVersion{0, 1}) {
					t.Fatalf("want one typed frame without fields (no data), got %d frames", len(frames))
				}
				return
			}
			got := checkTimeSeriesMulti(t, frames, tc.from, tc.to, tc.step)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("series = %q, want %q", got, tc.want)
			}
			if n := frames[0].Fields[0].Len(); n > MaxBuckets {
				t.Errorf("%d buckets exceed MaxBuckets", n)
			}
			if frames[0].Meta.ExecutedQueryString != sql {
				t.Error("executed SQL missing from the first frame")
			}
		})
	}
}

func TestBucketing(t *testing.T) {
	tests := []struct {
		name      string
		from, to  time.Time
		interval  time.Duration
		wantStart time.Time
		wantStep  time.Duration
		wantN     int
	}{
		{"aligned range includes the bucket of to", t0, t0.Add(time.Hour), 15 * time.Minute, t0, 15 * time.Minute, 5},
		{"week buckets align to the Unix epoch, not year 1", t0, t0, 7 * 24 * time.Hour,
			time.Date(2025, 2, 27, 0, 0, 0, 0, time.UTC), 7 * 24 * time.Hour, 1},
		{"times before 1970 floor downwards", time.UnixMilli(-1500), time.UnixMilli(-1500), time.Second, time.UnixMilli(-2000), time.Second, 1},
		{"sub-millisecond interval becomes 1ms", t0, t0.Add(2 * time.Millisecond), time.Microsecond, t0, time.Millisecond, 3},
		{"fractional milliseconds are truncated", t0, t0.Add(3 * time.Millisecond), 1500 * time.Microsecond, t0, time.Millisecond, 4},
		{"inverted range has no buckets", t0, t0.Add(-time.Second), time.Second, t0, time.Second, 0},
		{"exactly MaxBuckets buckets are kept", t0, t0.Add((MaxBuckets - 1) * time.Second), time.Second, t0, time.Second, MaxBuckets},
		{"one bucket more doubles the interval", t0, t0.Add(MaxBuckets * time.Second), time.Second, t0, 2 * time.Second, 5001},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start, step, n := bucketing(tc.from, tc.to, tc.interval)
			if !start.Equal(tc.wantStart) || step != tc.wantStep || n != tc.wantN {
				t.Errorf("bucketing = %s, %s, %d; want %s, %s, %d", start, step, n, tc.wantStart, tc.wantStep, tc.wantN)
			}
		})
	}
}

func TestSequencesContract(t *testing.T) {
	late := episode("b", "bob", "app1", 10*time.Minute, 0)
	tieB := episode("y", "carol", "app1", 0, 0)
	tieA := episode("x", "dave", "app1", 0, 0)
	worst := episode("w", "erin", "app1", 20*time.Minute, 2) // latest, but the highest score
	f := Sequences([]engine.Episode{late, tieB, worst, tieA}, []string{"source", "token_id", "actor_id"}, sql)

	var names []string
	for _, fld := range f.Fields {
		names = append(names, fld.Name)
	}
	wantNames := []string{"episode_id", "source", "token_id", "actor_id", "actor_name", "app_name", "access_time", "access_action", "access_ip",
		"first_sensitive_time", "last_sensitive_time", "sensitive_count", "data_access_count", "config_change_count", "actions", "targets",
		"severity", "score", "reasons", "impact", "deviation", "unknown_signals", "approved", "attack_analytic", "attack_strategy", "attack_technique", "attack_url",
		"response", "response_url", "timeline_actor", "timeline_app", "timeline_from", "timeline_to"}
	if !reflect.DeepEqual(names, wantNames) {
		t.Errorf("fields:\n got %q\nwant %q", names, wantNames)
	}
	if ids := []any{f.Fields[0].At(0), f.Fields[0].At(1), f.Fields[0].At(2), f.Fields[0].At(3)}; !reflect.DeepEqual(ids, []any{"w", "x", "y", "b"}) {
		t.Errorf("rows ordered %v, want by score, then first sensitive time, then episode ID: w x y b", ids)
	}
	for _, name := range []string{"access_time", "first_sensitive_time", "last_sensitive_time"} {
		if fld, _ := f.FieldByName(name); fld.Type() != data.FieldTypeTime {
			t.Errorf("%s has type %s, want non-null time", name, fld.Type())
		}
	}
	tech, _ := f.FieldByName("attack_technique")
	if tech.Config == nil || len(tech.Config.Links) != 1 || tech.Config.Links[0].URL != AttackURL {
		t.Errorf("attack_technique must link to %s", AttackURL)
	}
	if f.Meta.ExecutedQueryString != sql || f.Meta.PreferredVisualization != data.VisTypeTable {
		t.Errorf("meta = %+v, want executed SQL and table visualisation", f.Meta)
	}

	empty := Sequences(nil, []string{"source", "token_id", "actor_id"}, sql)
	if len(empty.Fields) != len(f.Fields) || empty.Rows() != 0 {
		t.Errorf("empty sequences: %d fields and %d rows, want %d fields and no rows", len(empty.Fields), empty.Rows(), len(f.Fields))
	}
	for i := range empty.Fields {
		if empty.Fields[i].Name != f.Fields[i].Name || empty.Fields[i].Type() != f.Fields[i].Type() {
			t.Errorf("empty field %d is %s %s, want %s %s", i, empty.Fields[i].Name, empty.Fields[i].Type(), f.Fields[i].Name, f.Fields[i].Type())
		}
	}
}

func TestGroupValue(t *testing.T) {
	ep := engine.Episode{ActorID: "u", AppID: "a", Tenant: "t", Source: "s", TokenID: "k"}
	want := map[string]string{"actor_id": "u", "app_id": "a", "tenant": "t", "source": "s", "token_id": "k", "actor_name": ""}
	for _, f := range engine.CorrelateFields {
		if _, ok := want[f]; !ok {
			t.Errorf("engine.CorrelateFields has %q, which GroupValue and this test do not cover", f)
		}
	}
	for f, w := range want {
		if got := GroupValue(&ep, f); got != w {
			t.Errorf("GroupValue(%q) = %q, want %q", f, got, w)
		}
	}
}
