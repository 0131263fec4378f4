package frames

import (
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// table builds the columns of a table frame of n rows, each column from a
// function of the row index, so a frame's layout reads as a list.
type table struct {
	n      int
	fields []*data.Field
}

func (t *table) add(f *data.Field, display string) *data.Field {
	if display != "" {
		f.Config = &data.FieldConfig{DisplayNameFromDS: display}
	}
	t.fields = append(t.fields, f)
	return f
}

func (t *table) str(name, display string, get func(int) string) *data.Field {
	v := make([]string, t.n)
	for i := range v {
		v[i] = get(i)
	}
	return t.add(data.NewField(name, nil, v), display)
}

func (t *table) at(name, display string, get func(int) time.Time) *data.Field {
	v := make([]time.Time, t.n)
	for i := range v {
		v[i] = get(i).UTC()
	}
	return t.add(data.NewField(name, nil, v), display)
}

// maybeAt is a nullable time column: a zero time is shown as empty.
func (t *table) maybeAt(name, display string, get func(int) time.Time) *data.Field {
	v := make([]*time.Time, t.n)
	for i := range v {
		if at := get(i); !at.IsZero() {
			at = at.UTC()
			v[i] = &at
		}
	}
	return t.add(data.NewField(name, nil, v), display)
}

func (t *table) num(name, display string, get func(int) int64) *data.Field {
	v := make([]int64, t.n)
	for i := range v {
		v[i] = get(i)
	}
	return t.add(data.NewField(name, nil, v), display)
}

func (t *table) real(name, display string, get func(int) float64) *data.Field {
	v := make([]float64, t.n)
	for i := range v {
		v[i] = get(i)
	}
	return t.add(data.NewField(name, nil, v), display)
}

func (t *table) flag(name, display string, get func(int) bool) *data.Field {
	v := make([]bool, t.n)
	for i := range v {
		v[i] = get(i)
	}
	return t.add(data.NewField(name, nil, v), display)
}

// hiddenStr is a string column that only links read.
func (t *table) hiddenStr(name string, get func(int) string) *data.Field {
	f := t.str(name, "", get)
	return hidden(f)
}

func (t *table) frame(name, executedSQL string) *data.Frame {
	return data.NewFrame(name, t.fields...).SetMeta(&data.FrameMeta{
		ExecutedQueryString:    executedSQL,
		PreferredVisualization: data.VisTypeTable,
	})
}

func link(f *data.Field, l data.DataLink) {
	if f.Config == nil {
		f.Config = &data.FieldConfig{}
	}
	f.Config.Links = append(f.Config.Links, l)
}
