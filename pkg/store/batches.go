package store

import (
	"cmp"
	"slices"

	"github.com/tokentrail/tokentrail/pkg/chsql"
)

// batchRows is about how many rows one batch of the compact path holds
// (the first pass's count of a key's access and sensitive rows; revokes
// come on top). A key with more rows than this is a batch of its own:
// keys are never split.
var batchRows = 50_000

// candidate is one row of chsql.CompactCandidates.
type candidate struct {
	hash        uint64
	first, last string // least and greatest actor id of the hash's rows
	rows        uint64
}

// candidateBatch is a run of candidates and the actors they span.
type candidateBatch struct {
	keys []candidate
	span chsql.ActorSpan
	rows uint64 // the keys' access and sensitive rows
}

// candidateBatches sorts cands by actor, then hash, and cuts them into
// runs of at most maxKeys keys and, where a key allows, maxRows rows.
// Consecutive keys share actors, so each run's span is narrow and its
// statement reads few granules besides its own.
func candidateBatches(cands []candidate, maxKeys, maxRows int) []candidateBatch {
	slices.SortFunc(cands, func(a, b candidate) int {
		return cmp.Or(cmp.Compare(a.first, b.first), cmp.Compare(a.hash, b.hash))
	})
	var out []candidateBatch
	start, rows := 0, uint64(0)
	flush := func(end int) {
		keys := cands[start:end]
		span := chsql.ActorSpan{First: keys[0].first, Last: keys[0].last}
		for _, c := range keys[1:] {
			span.Last = max(span.Last, c.last)
		}
		out = append(out, candidateBatch{keys: keys, span: span, rows: rows})
		start, rows = end, 0
	}
	for i, c := range cands {
		if i > start && (i-start == maxKeys || rows+c.rows > uint64(maxRows)) {
			flush(i)
		}
		rows += c.rows
	}
	if start < len(cands) {
		flush(len(cands))
	}
	return out
}

// actorSpans returns the actors cands cover as disjoint spans in order,
// overlapping ones merged: one per actor, for the few keys of an hour.
func actorSpans(cands []candidate) []chsql.ActorSpan {
	spans := make([]chsql.ActorSpan, len(cands))
	for i, c := range cands {
		spans[i] = chsql.ActorSpan{First: c.first, Last: c.last}
	}
	slices.SortFunc(spans, func(a, b chsql.ActorSpan) int { return cmp.Compare(a.First, b.First) })
	var out []chsql.ActorSpan
	for _, sp := range spans {
		if n := len(out); n > 0 && sp.First <= out[n-1].Last {
			out[n-1].Last = max(out[n-1].Last, sp.Last)
			continue
		}
		out = append(out, sp)
	}
	return out
}
