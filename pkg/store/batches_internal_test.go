package store

import (
	"slices"
	"testing"

	"github.com/tokentrail/tokentrail/pkg/chsql"
)

// Batches follow the actors, never split a key, stay within both limits
// where a key allows, and span exactly their keys' actors.
func TestCandidateBatches(t *testing.T) {
	cands := []candidate{
		{hash: 9, first: "carol", last: "carol", rows: 10},
		{hash: 3, first: "alice", last: "alice", rows: 40},
		{hash: 7, first: "bob", last: "bob", rows: 30},
		{hash: 1, first: "alice", last: "alice", rows: 50},
		{hash: 5, first: "bob", last: "dave", rows: 5}, // two keys share this hash
		{hash: 2, first: "erin", last: "erin", rows: 500},
	}
	tests := []struct {
		name          string
		maxKeys       int
		maxRows       int
		want          [][]uint64
		wantFirstSpan chsql.ActorSpan
	}{
		{"one batch", 100, 10_000, [][]uint64{{1, 3, 5, 7, 9, 2}}, chsql.ActorSpan{First: "alice", Last: "erin"}},
		{"by keys", 2, 10_000, [][]uint64{{1, 3}, {5, 7}, {9, 2}}, chsql.ActorSpan{First: "alice", Last: "alice"}},
		{"by rows", 100, 90, [][]uint64{{1, 3}, {5, 7, 9}, {2}}, chsql.ActorSpan{First: "alice", Last: "alice"}},
		{"a key over the row limit is alone", 100, 1, [][]uint64{{1}, {3}, {5}, {7}, {9}, {2}}, chsql.ActorSpan{First: "alice", Last: "alice"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := candidateBatches(slices.Clone(cands), tt.maxKeys, tt.maxRows)
			var hashes [][]uint64
			for _, b := range got {
				var hs []uint64
				var rows uint64
				for _, c := range b.keys {
					hs = append(hs, c.hash)
					rows += c.rows
					if c.first < b.span.First || c.last > b.span.Last {
						t.Errorf("key %d (%s..%s) lies outside its batch's span %+v", c.hash, c.first, c.last, b.span)
					}
				}
				if rows != b.rows {
					t.Errorf("batch %v says %d rows, its keys have %d", hs, b.rows, rows)
				}
				hashes = append(hashes, hs)
			}
			if !slices.EqualFunc(hashes, tt.want, slices.Equal) {
				t.Errorf("batches %v, want %v", hashes, tt.want)
			}
			if got[0].span != tt.wantFirstSpan {
				t.Errorf("first span %+v, want %+v", got[0].span, tt.wantFirstSpan)
			}
		})
	}
	if got := candidateBatches(nil, 10, 10); len(got) != 0 {
		t.Errorf("no candidates gave %d batches", len(got))
	}
}
