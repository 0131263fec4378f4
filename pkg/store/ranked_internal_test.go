package store

import (
	"fmt"
	"testing"

	"github.com/tokentrail/tokentrail/pkg/engine"
)

func TestKeyBatches(t *testing.T) {
	ep := func(k string, h uint64) engine.Episode { return engine.Episode{Key: []string{k}, KeyHash: h} }
	eps := []engine.Episode{ep("a", 0), ep("a", 0), ep("b", 0), ep("c", 0), ep("c", 0), ep("c", 0), ep("d", 0)}
	var sizes []int
	for _, b := range keyBatches(eps, 2) {
		sizes = append(sizes, len(b))
	}
	if want := []int{3, 4}; len(sizes) != 2 || sizes[0] != want[0] || sizes[1] != want[1] {
		t.Errorf("batches of 2 keys: sizes %v, want %v (a key is never split)", sizes, want)
	}
	hashed := []engine.Episode{ep("", 1), ep("", 2), ep("", 2), ep("", 3)}
	if n := len(keyBatches(hashed, 1)); n != 3 {
		t.Errorf("hash-keyed episodes in batches of one key: %d batches, want 3", n)
	}
	if n := len(keyBatches(nil, 5)); n != 0 {
		t.Errorf("no episodes: %d batches", n)
	}
}

// TestTopNKeepsTheBestWithinItsCap offers episodes with shuffled scores
// and checks that exactly the best cap come back, best first, and that the
// heap never reserved room past its cap.
func TestTopNKeepsTheBestWithinItsCap(t *testing.T) {
	for _, tc := range []struct{ cap, offered int }{{100, 1000}, {100, 60}, {1, 5}, {0, 300}} {
		top := &topN{cap: tc.cap}
		for i := range tc.offered {
			score := (i * 7919) % tc.offered // every score once, in a scrambled order
			top.offer(engine.Episode{ID: fmt.Sprint(i), Score: score})
			if tc.cap > 0 && cap(top.eps) > tc.cap {
				t.Fatalf("cap %d: storage grew to %d", tc.cap, cap(top.eps))
			}
		}
		got := top.sorted()
		want := tc.offered
		if tc.cap > 0 {
			want = min(tc.cap, tc.offered)
		}
		if len(got) != want {
			t.Fatalf("cap %d of %d offered: kept %d, want %d", tc.cap, tc.offered, len(got), want)
		}
		for i, ep := range got {
			if wantScore := tc.offered - 1 - i; ep.Score != wantScore {
				t.Fatalf("cap %d: position %d has score %v, want %v (best first)", tc.cap, i, ep.Score, wantScore)
			}
		}
	}
}
