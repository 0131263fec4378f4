package e2e

// Readers and checks of the frames the plugin returns, shared by the
// end-to-end tests.

import (
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// numericLong checks the data-plane numeric-long rules that Grafana's alert
// reader enforces and returns the value of each label set.
func numericLong(t *testing.T, f *data.Frame) map[string]int {
	t.Helper()
	if f.Meta == nil || f.Meta.Type != data.FrameTypeNumericLong || f.Meta.TypeVersion != (data.FrameTypeVersion{0, 1}) {
		t.Fatalf("want a numeric-long frame of type version 0.1, got %s", describe(f))
	}
	var value *data.Field
	var dims []*data.Field
	for _, field := range f.Fields {
		switch {
		case field.Type().Numeric():
			if value != nil {
				t.Fatalf("two numeric fields (%s, %s): alert instances would be ambiguous", value.Name, field.Name)
			}
			value = field
		case field.Type() == data.FieldTypeString:
			dims = append(dims, field)
		default:
			t.Fatalf("field %s is %s: dimensions must be non-nullable strings", field.Name, field.Type())
		}
	}
	if value == nil || value.Name != "episodes" {
		t.Fatalf("want exactly one numeric field named episodes, got %s", describe(f))
	}
	out := map[string]int{}
	for i := range f.Rows() {
		var labels []string
		for _, d := range dims {
			labels = append(labels, d.At(i).(string))
		}
		key := strings.Join(labels, "|")
		if _, dup := out[key]; dup {
			t.Errorf("label set %q appears twice", key)
		}
		v, err := value.FloatAt(i)
		if err != nil {
			t.Fatal(err)
		}
		out[key] = int(v)
	}
	return out
}

// timeSeriesMulti checks the data-plane timeseries-multi rules and returns
// the sum of each series, keyed by its actor_id|app_id labels.
func timeSeriesMulti(t *testing.T, frames data.Frames, from, to time.Time) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, f := range frames {
		if f.Meta == nil || f.Meta.Type != data.FrameTypeTimeSeriesMulti || f.Meta.TypeVersion != (data.FrameTypeVersion{0, 1}) {
			t.Fatalf("want timeseries-multi frames of type version 0.1, got %s", describe(f))
		}
		if len(f.Fields) != 2 || f.Fields[0].Type() != data.FieldTypeTime || !f.Fields[1].Type().Numeric() {
			t.Fatalf("want a non-nullable time field and one numeric field, got %s", describe(f))
		}
		times, values := f.Fields[0], f.Fields[1]
		var step time.Duration
		for i := 1; i < times.Len(); i++ {
			d := times.At(i).(time.Time).Sub(times.At(i - 1).(time.Time))
			if d <= 0 || (step != 0 && d != step) {
				t.Fatalf("series %v: times not ascending in equal steps at row %d", values.Labels, i)
			}
			step = d
		}
		if first, last := times.At(0).(time.Time), times.At(times.Len()-1).(time.Time); first.After(from) || last.Add(step).Before(to) {
			t.Errorf("series %v covers %s..%s, not the range %s..%s", values.Labels, first, last, from, to)
		}
		key := values.Labels["actor_id"] + "|" + values.Labels["app_id"]
		if _, dup := out[key]; dup || len(values.Labels) == 0 {
			t.Errorf("label set %v is empty or not distinct", values.Labels)
		}
		sum := 0.0
		for i := range values.Len() {
			v, err := values.FloatAt(i)
			if err != nil {
				t.Fatal(err)
			}
			sum += v
		}
		out[key] = int(sum)
	}
	return out
}

// countByKey counts the sequences frame's rows per actor_id|app_id.
func countByKey(t *testing.T, f *data.Frame) map[string]int {
	t.Helper()
	out := map[string]int{}
	for i := range f.Rows() {
		out[stringAt(t, f, "actor_id", i)+"|"+stringAt(t, f, "app_id", i)]++
	}
	return out
}

// ok returns the frames of a query that must have succeeded.
func ok(t *testing.T, resp *backend.QueryDataResponse, refID string) data.Frames {
	t.Helper()
	r, found := resp.Responses[refID]
	if !found {
		t.Fatalf("no response for query %s", refID)
	}
	if r.Error != nil {
		t.Fatalf("query %s failed: %v", refID, r.Error)
	}
	return r.Frames
}

func single(t *testing.T, frames data.Frames) *data.Frame {
	t.Helper()
	if len(frames) != 1 {
		t.Fatalf("want one frame, got %d", len(frames))
	}
	return frames[0]
}

func fieldIndex(t *testing.T, f *data.Frame, name string) int {
	t.Helper()
	_, i := f.FieldByName(name)
	if i < 0 {
		t.Fatalf("frame %s has no field %s", f.Name, name)
	}
	return i
}

func stringAt(t *testing.T, f *data.Frame, name string, row int) string {
	t.Helper()
	s, isString := f.Fields[fieldIndex(t, f, name)].At(row).(string)
	if !isString {
		t.Fatalf("field %s is not a non-nullable string", name)
	}
	return s
}

func describe(f *data.Frame) string {
	var b strings.Builder
	b.WriteString(f.Name + " [")
	for i, field := range f.Fields {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(field.Name + ":" + field.Type().String())
	}
	b.WriteString("]")
	if f.Meta != nil {
		b.WriteString(" type=" + string(f.Meta.Type) + " version=" + f.Meta.TypeVersion.String())
	}
	return b.String()
}
