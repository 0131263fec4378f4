package store_test

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/store"
)

// TestConcurrentRankingsShareOneRun: the triage table, a high-severity
// top 2 and a count by severity, started together over the same range as
// a dashboard refresh starts them, are answered by one run through
// ClickHouse, and each answer is exactly the one it gets alone.
func TestConcurrentRankingsShareOneRun(t *testing.T) {
	h := newHarness(t)
	w := newRiskWorld()
	st := h.open(t, h.table(t, "shared_world", w.rows), nil)
	from, to := w.start, w.start.AddDate(0, 0, 2)
	type panel struct {
		raw  string
		opts func(counts map[string]int) store.RankOptions
	}
	panels := []panel{
		{`{"queryType":"sequences","maxSpan":"1h","minSeverity":"low"}`, func(map[string]int) store.RankOptions { return store.RankOptions{} }},
		{`{"queryType":"sequences","minSeverity":"high"}`, func(map[string]int) store.RankOptions { return store.RankOptions{Keep: 2, Lean: true} }},
		{`{"queryType":"sequenceCounts","groupBy":["severity"],"filters":[{"field":"actor_id","op":"like","values":["%"]}]}`, func(counts map[string]int) store.RankOptions {
			return store.RankOptions{Lean: true, Visit: func(ep *engine.Episode) { counts[ep.Severity]++ }}
		}},
	}
	type answer struct {
		ranked *store.Ranked
		counts map[string]int
	}
	ask := func(p panel) answer {
		q, err := models.ParseQuery([]byte(p.raw), "", from, to)
		if err != nil {
			t.Fatal(err)
		}
		a := answer{counts: map[string]int{}}
		if a.ranked, err = st.Rank(context.Background(), q, p.opts(a.counts)); err != nil {
			t.Fatalf("%s: %v", p.raw, err)
		}
		return a
	}
	alone := make([]answer, len(panels))
	for i, p := range panels {
		alone[i] = ask(p)
	}
	if n := store.RunsStartedForTest(st); n != int64(len(panels)) {
		t.Fatalf("%d runs for %d rankings one after another, want one each", n, len(panels))
	}
	if len(alone[0].ranked.Episodes) < 5 || len(alone[1].ranked.Episodes) != 2 || len(alone[2].counts) < 2 {
		t.Fatalf("the world gives too little to compare: %d episodes, %d high kept, counts %v",
			len(alone[0].ranked.Episodes), len(alone[1].ranked.Episodes), alone[2].counts)
	}
	release := store.HoldRunsForTest(st, len(panels))
	defer release()
	together := make([]answer, len(panels))
	var wg sync.WaitGroup
	for i, p := range panels {
		wg.Add(1)
		go func() { defer wg.Done(); together[i] = ask(p) }()
	}
	wg.Wait()
	if n := store.RunsStartedForTest(st) - int64(len(panels)); n != 1 {
		t.Errorf("%d runs for %d rankings started together with the same detection inputs, want 1", n, len(panels))
	}
	for i := range panels {
		a, b := alone[i], together[i]
		if a.ranked.Found != b.ranked.Found || a.ranked.Matched != b.ranked.Matched || a.ranked.SQL != b.ranked.SQL {
			t.Errorf("%s: found/matched %d/%d together, %d/%d alone (or other statements)", panels[i].raw, b.ranked.Found, b.ranked.Matched, a.ranked.Found, a.ranked.Matched)
		}
		if !reflect.DeepEqual(a.ranked.Episodes, b.ranked.Episodes) || !reflect.DeepEqual(a.counts, b.counts) {
			t.Errorf("%s: the shared answer differs from the one alone (%d against %d episodes, counts %v against %v)",
				panels[i].raw, len(b.ranked.Episodes), len(a.ranked.Episodes), b.counts, a.counts)
		}
	}
}

// TestSharedRankingClipsEveryQuery: a range reaching past what the table's
// event_time can hold is fitted into it for every subscriber of a shared
// run, as for a query alone (the panels build their buckets from it).
func TestSharedRankingClipsEveryQuery(t *testing.T) {
	h := newHarness(t)
	w := newRiskWorld()
	st := h.open(t, h.table(t, "shared_clip", w.rows), nil)
	from, to := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), w.start.AddDate(0, 0, 2)
	alone, err := models.ParseQuery([]byte(`{}`), "sequences", from, to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Rank(context.Background(), alone, store.RankOptions{}); err != nil {
		t.Fatal(err)
	}
	if !alone.From.After(from) {
		t.Fatalf("a query alone kept its start %s, before what event_time holds", alone.From)
	}
	release := store.HoldRunsForTest(st, 2)
	defer release()
	before := store.RunsStartedForTest(st)
	qs := make([]*models.Query, 2)
	var wg sync.WaitGroup
	for i := range qs {
		if qs[i], err = models.ParseQuery([]byte(`{"minSeverity":"high"}`), "sequences", from, to); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := st.Rank(context.Background(), qs[i], store.RankOptions{}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := store.RunsStartedForTest(st) - before; n != 1 {
		t.Errorf("%d runs, want one shared", n)
	}
	for i, q := range qs {
		if !q.From.Equal(alone.From) || !q.To.Equal(alone.To) {
			t.Errorf("subscriber %d's range %s to %s, want %s to %s as alone", i, q.From, q.To, alone.From, alone.To)
		}
	}
}
