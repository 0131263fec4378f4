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

// Rank runs the AN0020 sequences query for q, reads the behaviour baselines
// of its episodes, scores each (pkg/risk), drops those below q.MinSeverity
// and keeps the keep highest-scoring ones (keep <= 0 keeps all). The episode
// set before scoring is exactly Sequences'; scoring only orders and labels
// it. Memory follows the episodes and their keys' history, not the table.
func (st *Store) Rank(ctx context.Context, q *models.Query, keep int) (*Ranked, error) {
	var eps []engine.Episode
	seqSQL, err := st.Sequences(ctx, q, func(ep engine.Episode) error {
		eps = append(eps, ep)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &Ranked{Found: len(eps), SQL: seqSQL}
	days := st.settings.BaselineDays
	if q.BaselineDays != nil {
		days = *q.BaselineDays
	}
	var base *risk.Baselines
	if days > 0 && len(eps) > 0 {
		var sqls []string
		base, sqls, err = st.Baselines(ctx, q, days, eps)
		if err != nil {
			return nil, err
		}
		out.SQL = strings.Join(append([]string{seqSQL}, sqls...), "\n\n")
	}
	profile := st.settings.Profile
	if profile == nil {
		profile = risk.DefaultProfile()
	}
	minRank := risk.SeverityRank(q.MinSeverity)
	top := &topN{cap: keep}
	for i := range eps {
		ep := &eps[i]
		risk.Apply(ep, risk.Assess(ep, base.For(ep), profile))
		if risk.SeverityRank(ep.Severity) < minRank {
			continue
		}
		out.Matched++
		top.offer(*ep)
		eps[i] = engine.Episode{} // the heap holds what is kept; let the rest go
	}
	out.Episodes = top.sorted()
	return out, nil
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
func (t *topN) Push(x any)         { t.eps = append(t.eps, x.(engine.Episode)) }
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

func (t *topN) sorted() []engine.Episode {
	out := slices.Clone(t.eps)
	slices.SortFunc(out, func(a, b engine.Episode) int { return risk.Compare(&a, &b) })
	return out
}
