package sampleorg

import (
	"testing"
	"time"
)

func TestScore(t *testing.T) {
	t0 := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	truth := Truth{
		Chains: []Chain{
			{ID: "c1", ActorID: "alice", AppID: "evil", FirstSensitive: at(5), LastSensitive: at(20)},
			{ID: "c2", ActorID: "bob", AppID: "pat", FirstSensitive: at(100), LastSensitive: at(110)},
		},
		LookAlikes: []LookAlike{{ID: "l1", ActorID: "carol", AppID: "late"}},
	}
	tests := []struct {
		name                  string
		found                 []Found
		tp, fp, fn            int
		precision, recall     float64
		missed, lookAlikeHits []string
	}{
		{"nothing found", nil, 0, 0, 2, 1, 0, []string{"c1", "c2"}, nil},
		{"both found", []Found{{"alice", "evil", at(6), at(19)}, {"bob", "pat", at(100), at(100)}}, 2, 0, 0, 1, 1, nil, nil},
		{"overlap at one edge counts", []Found{{"alice", "evil", at(20), at(30)}}, 1, 0, 1, 1, 0.5, []string{"c2"}, nil},
		{"sub-second truth matched by second-precision episode", []Found{{"bob", "pat", at(110).Add(-time.Second), at(110).Add(-time.Second)}}, 1, 0, 1, 1, 0.5, []string{"c1"}, nil},
		{"right key, no overlap", []Found{{"alice", "evil", at(21).Add(time.Second), at(40)}}, 0, 1, 2, 0, 0, []string{"c1", "c2"}, nil},
		{"right time, wrong app", []Found{{"alice", "other", at(6), at(19)}}, 0, 1, 2, 0, 0, []string{"c1", "c2"}, nil},
		{"look-alike reported", []Found{{"carol", "late", at(0), at(1)}, {"alice", "evil", at(6), at(7)}, {"bob", "pat", at(101), at(102)}}, 2, 1, 0, 2.0 / 3, 1, nil, []string{"l1"}},
		{"chain split in two episodes", []Found{{"alice", "evil", at(5), at(6)}, {"alice", "evil", at(15), at(20)}}, 2, 0, 1, 1, 0.5, []string{"c2"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := Score(truth, tc.found)
			if s.TP != tc.tp || s.FP != tc.fp || s.FN != tc.fn {
				t.Errorf("TP/FP/FN = %d/%d/%d, want %d/%d/%d", s.TP, s.FP, s.FN, tc.tp, tc.fp, tc.fn)
			}
			if s.Precision != tc.precision || s.Recall != tc.recall {
				t.Errorf("precision/recall = %v/%v, want %v/%v", s.Precision, s.Recall, tc.precision, tc.recall)
			}
			if got := chainIDs(s.Missed); !equalStrings(got, tc.missed) {
				t.Errorf("missed = %v, want %v", got, tc.missed)
			}
			var hits []string
			for _, l := range s.LookAlikeHits {
				hits = append(hits, l.ID)
			}
			if !equalStrings(hits, tc.lookAlikeHits) {
				t.Errorf("look-alike hits = %v, want %v", hits, tc.lookAlikeHits)
			}
			if len(s.Unexpected) != s.FP {
				t.Errorf("%d unexpected episodes listed for FP = %d", len(s.Unexpected), s.FP)
			}
		})
	}
}

func TestScoreEmptyTruth(t *testing.T) {
	s := Score(Truth{}, nil)
	if s.Precision != 1 || s.Recall != 1 {
		t.Errorf("empty truth, nothing found: precision/recall = %v/%v, want 1/1", s.Precision, s.Recall)
	}
}

func chainIDs(cs []Chain) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
