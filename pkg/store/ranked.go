package store

import (
	"container/heap"
	"context"
	"slices"
	"strings"

	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/risk"
)

// Ranked is a scored sequences answer.
type Ranked struct {
	// Episodes are the kept episodes, highest score first (ties: earlier
	// first sensitive event, then episode id).
	Episodes []engine.Episode
	// Found counts every episode; Matched those at or above MinSeverity.
	// Matched > len(Episodes) means the cap dropped the lowest-scoring.
	Found, Matched int
	// SQL is every statement run, separated by blank lines.
	SQL string
}

// RankOptions tune Rank.
type RankOptions struct {
	// Keep is how many of the highest-scoring episodes to return; 0 keeps
	// all.
	Keep int
	// Lean drops what only a triage table shows (reasons, evidence lists),
	// for callers that count episodes by label.
	Lean bool
	// Visit, when set, receives each matched episode instead of the heap:
	// Episodes stays empty and Keep does not apply. A count holds what it
	// counts, not the episodes. The episode is only valid during the call.
	Visit func(*engine.Episode)
}

// Rank runs the AN0020 sequences query for q, reads the behaviour baselines
// of its episodes, scores each (pkg/risk), drops those below q.MinSeverity
// and keeps the o.Keep highest-scoring ones in a bounded heap. The episode
// set before scoring is exactly Sequences'; scoring only orders and labels
// it. Episodes arrive and are scored in batches of keys, so what is held
// follows one batch and the kept episodes, never the table. Rankings that
// start together with the same detection inputs share one run (shared.go).
func (st *Store) Rank(ctx context.Context, q *models.Query, o RankOptions) (*Ranked, error) {
	out := &Ranked{}
	minRank := risk.SeverityRank(q.MinSeverity)
	top := &topN{cap: o.Keep}
	// visited is the copy a visitor is handed, reused: the run's other
	// subscribers see the same episode, so a lean one is stripped on a copy.
	var visited engine.Episode
	sink := func(ep *engine.Episode) {
		if risk.SeverityRank(ep.Severity) < minRank {
			return
		}
		out.Matched++
		kept := *ep
		if o.Lean {
			kept.Reasons, kept.Unknown, kept.Fired, kept.Actions, kept.Targets = nil, nil, nil, nil, nil
			kept.Networks, kept.UserAgents, kept.Agents, kept.ConfigActions = nil, nil, nil, nil
		}
		if o.Visit != nil {
			visited = kept
			o.Visit(&visited)
			return
		}
		top.offer(kept)
	}
	days := st.settings.BaselineDays
	if q.BaselineDays != nil {
		days = *q.BaselineDays
	}
	// The run fits its query's range into the table's (prepare); every
	// subscriber's query gets the same range, as a run of its own would
	// give it.
	if _, err := st.prepare(ctx, q); err != nil {
		return nil, err
	}
	found, sql, err := st.shared.join(ctx, rankKey(q, days), sink, func(ctx context.Context, visit func(*engine.Episode)) (int, string, error) {
		return st.rank(ctx, q, days, visit)
	})
	if err != nil {
		return nil, err
	}
	out.Found, out.SQL, out.Episodes = found, sql, top.sorted()
	return out, nil
}

// rank is one ranking run: it scores every episode of q and hands each to
// visit, whatever its severity, and returns how many it found and the
// statements it ran.
func (st *Store) rank(ctx context.Context, q *models.Query, days int, visit func(*engine.Episode)) (int, string, error) {
	found := 0
	profile := st.settings.Profile
	if profile == nil {
		profile = risk.DefaultProfile()
	}
	var baseSQL []string
	apps := map[string]*risk.AppStats{}
	var appSQL string
	prefetch := func(list []string) error {
		if days <= 0 {
			return nil
		}
		var err error
		appSQL, err = st.prefetchApps(ctx, q, days, list, apps)
		return err
	}
	seqSQL, err := st.sequences(ctx, q, prefetch, func(batch []engine.Episode) error {
		found += len(batch)
		var base *risk.Baselines
		if days > 0 && len(batch) > 0 {
			var sqls []string
			var err error
			if base, sqls, err = st.Baselines(ctx, q, days, batch, apps); err != nil {
				return err
			}
			if baseSQL == nil { // the statements of one batch stand for all
				baseSQL = sqls
			}
		}
		for i := range batch {
			ep := &batch[i]
			risk.Apply(ep, risk.Assess(ep, base.For(ep), profile))
			visit(ep)
			batch[i] = engine.Episode{} // the subscribers hold what they keep; let the rest go
		}
		return nil
	})
	sql := strings.Join(slices.DeleteFunc(append([]string{seqSQL, appSQL}, baseSQL...), func(s string) bool { return s == "" }), "\n\n")
	return found, sql, err
}

// keyBatches splits episodes, which arrive grouped by key, into runs of at
// most n keys, never splitting a key.
func keyBatches(eps []engine.Episode, n int) [][]engine.Episode {
	var out [][]engine.Episode
	start, keys := 0, 0
	for i := range eps {
		if i > 0 && !slices.Equal(eps[i].Key, eps[i-1].Key) || i > 0 && eps[i].KeyHash != eps[i-1].KeyHash {
			keys++
			if keys == n {
				out = append(out, eps[start:i])
				start, keys = i, 0
			}
		}
	}
	if start < len(eps) {
		out = append(out, eps[start:])
	}
	return out
}

// topN keeps the cap best episodes by rankOrder in a min-heap whose root is
// the worst kept one; cap <= 0 keeps everything.
type topN struct {
	cap int
	eps []engine.Episode
}

func (t *topN) Len() int           { return len(t.eps) }
func (t *topN) Less(i, j int) bool { return risk.Compare(&t.eps[i], &t.eps[j]) > 0 }
func (t *topN) Swap(i, j int)      { t.eps[i], t.eps[j] = t.eps[j], t.eps[i] }

// Push appends x, growing the storage by doubling but never past cap: at
// the frame's 10,000 episodes plain doubling would reserve 16,384 (about
// 3 MB of room never used at 10M events).
func (t *topN) Push(x any) {
	if n := len(t.eps); t.cap > 0 && n == cap(t.eps) {
		grown := make([]engine.Episode, n, min(max(2*n, 64), t.cap))
		copy(grown, t.eps)
		t.eps = grown
	}
	t.eps = append(t.eps, x.(engine.Episode))
}
func (t *topN) Pop() any {
	last := t.eps[len(t.eps)-1]
	t.eps = t.eps[:len(t.eps)-1]
	return last
}

func (t *topN) offer(ep engine.Episode) {
	switch {
	case t.cap <= 0 || len(t.eps) < t.cap:
		heap.Push(t, ep)
	case risk.Compare(&ep, &t.eps[0]) < 0:
		t.eps[0] = ep
		heap.Fix(t, 0)
	}
}

// sorted returns the kept episodes best first, sorted in place: the heap
// is done with, and a sorted copy would hold the kept episodes twice.
func (t *topN) sorted() []engine.Episode {
	out := t.eps
	t.eps = nil
	slices.SortFunc(out, func(a, b engine.Episode) int { return risk.Compare(&a, &b) })
	return out
}
