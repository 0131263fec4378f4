package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/store"
)

// TestRollupGivesTheSameScores loads the risk world twice, once into a
// table with the baseline rollup (as `schema apply` makes it) and once
// without, and requires the same episodes with the same scores, severities
// and signals: the rollup is an index of the raw baselines, not another
// model. Both statements must really differ, or the test proves nothing.
func TestRollupGivesTheSameScores(t *testing.T) {
	h := newHarness(t)
	w := newRiskWorld()
	rawSt := h.open(t, h.table(t, "raw_world", w.rows), nil)
	rollSt := h.open(t, h.rollupTable(t, "rolled_world", w.rows), nil)
	for _, js := range []string{`{}`, `{"correlateBy":["actor_id"]}`, `{"minSensitivity":3}`} {
		t.Run(js, func(t *testing.T) {
			q, err := models.ParseQuery([]byte(js), "", w.start, w.start.AddDate(0, 0, 2))
			if err != nil {
				t.Fatal(err)
			}
			raw, err := rawSt.Rank(context.Background(), q, store.RankOptions{})
			if err != nil {
				t.Fatal(err)
			}
			q2 := *q
			rolled, err := rollSt.Rank(context.Background(), &q2, store.RankOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(raw.SQL, "_days") || !strings.Contains(rolled.SQL, "rolled_world_days") {
				t.Fatalf("the raw table must aggregate events and the other read its rollup:\nraw:\n%s\nrolled:\n%s", raw.SQL, rolled.SQL)
			}
			if a, b := scored(raw.Episodes), scored(rolled.Episodes); !slices.Equal(a, b) {
				t.Errorf("scores differ:\nraw    %q\nrollup %q", a, b)
			}
		})
	}
}

func scored(eps []engine.Episode) []string {
	var out []string
	for _, ep := range eps {
		fired := slices.Clone(ep.Fired)
		slices.Sort(fired)
		out = append(out, fmt.Sprintf("%s@%s %d %s %v", strings.Join(ep.Key, "|"), ep.FirstSensitive.UTC().Format("02T15:04"), ep.Score, ep.Severity, fired))
	}
	slices.Sort(out)
	return out
}

// TestRankBatchesGiveTheSameScores scores the risk world one key at a time
// and all at once: batching bounds memory and changes nothing else.
func TestRankBatchesGiveTheSameScores(t *testing.T) {
	h := newHarness(t)
	w := newRiskWorld()
	st := h.open(t, h.rollupTable(t, "batched_world", w.rows), nil)
	q, err := models.ParseQuery([]byte(`{}`), "", w.start, w.start.AddDate(0, 0, 2))
	if err != nil {
		t.Fatal(err)
	}
	whole, err := st.Rank(context.Background(), q, store.RankOptions{})
	if err != nil {
		t.Fatal(err)
	}
	restore := store.SetKeyBatchForTest(1)
	defer restore()
	single, err := st.Rank(context.Background(), q, store.RankOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := scored(whole.Episodes), scored(single.Episodes); !slices.Equal(a, b) || len(a) < 5 {
		t.Errorf("batched scores differ:\nwhole  %q\nsingle %q", a, b)
	}
}
