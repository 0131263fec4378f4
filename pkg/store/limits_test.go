package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/engine/enginetest"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/store"
)

// An in filter of thousands of values (a dashboard variable set to "All")
// answers exactly: the values travel as an external table, so the statement
// stays far below max_query_size, where before it failed with "Syntax
// error at position 262130".
func TestWideInFilterAnswers(t *testing.T) {
	h := newHarness(t)
	rows := []engine.Row{
		access("a1", 0, actor("u-wanted")), read("b1", minute, actor("u-wanted")),
		access("a2", 0, actor("u-other")), read("b2", minute, actor("u-other")),
	}
	st := h.open(t, h.table(t, "wide_in", rows), nil)
	values := make([]string, 6000)
	for i := range values {
		values[i] = fmt.Sprintf("u-filler-%040d", i)
	}
	values[4321] = "u-wanted"
	q := queryFor(t, enginetest.BaseParams(), []models.Filter{{Field: "actor_id", Op: "in", Values: values}})
	eps, sql := h.sequences(t, st, q)
	if len(eps) != 1 || eps[0].Key[0] != "u-wanted" {
		t.Fatalf("episodes %+v, want u-wanted's only", eps)
	}
	if len(sql) > 16<<10 || !strings.Contains(sql, "actor_id IN _tt_filter_1") {
		t.Errorf("the values went into the statement (%d bytes)", len(sql))
	}
	nq := queryFor(t, enginetest.BaseParams(), []models.Filter{{Field: "actor_id", Op: "not in", Values: values}})
	if eps, _ := h.sequences(t, st, nq); len(eps) != 1 || eps[0].Key[0] != "u-other" {
		t.Fatalf("not in: episodes %+v, want u-other's only", eps)
	}
}

// A query path that finds no table says so, as the health check does,
// instead of "has no event_time column".
func TestMissingTableOnTheQueryPath(t *testing.T) {
	h := newHarness(t)
	st := h.open(t, "no_such_table", nil)
	_, err := st.Sequences(context.Background(), queryFor(t, enginetest.BaseParams(), nil), func(engine.Episode) error { return nil })
	if !errors.Is(err, store.ErrNoTable) || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("error %v, want the table named as missing", err)
	}
}

// Ranges beyond what the column holds are clipped exactly (no row can lie
// outside), and a range wholly outside is refused with the reason; before,
// a range ending after 2106 matched nothing, because ClickHouse turns an
// unrepresentable literal into 1970.
func TestRangesAtTheColumnsLimits(t *testing.T) {
	h := newHarness(t)
	st := h.open(t, h.table(t, "limits", []engine.Row{access("a1", 0), read("b1", minute)}), nil)
	huge := func(from, to time.Time) ([]engine.Episode, error) {
		p := enginetest.BaseParams()
		p.From, p.To = from, to
		var eps []engine.Episode
		_, err := st.Sequences(context.Background(), queryFor(t, p, nil), func(ep engine.Episode) error { eps = append(eps, ep); return nil })
		return eps, err
	}
	cases := []struct {
		name     string
		from, to time.Time
		episodes int
		err      string
	}{
		{"year 1 to 9999", time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), 1, ""},
		{"to the year 3000", enginetest.T0.Add(-time.Hour), time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), 1, ""},
		{"from 1969", time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC), enginetest.T0.Add(time.Hour), 1, ""},
		{"wholly before the column", time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), 0, "before the earliest time"},
		{"wholly after the column", time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2400, 1, 1, 0, 0, 0, 0, time.UTC), 0, "after the latest time"},
	}
	for _, c := range cases {
		eps, err := huge(c.from, c.to)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err) || !errors.Is(err, models.ErrInvalidQuery)):
			t.Errorf("%s: error %v, want %q", c.name, err, c.err)
		case c.err == "" && (err != nil || len(eps) != c.episodes):
			t.Errorf("%s: %d episodes, %v; want %d", c.name, len(eps), err, c.episodes)
		}
	}
}
