package store

import (
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
