package sampleorg

import "time"

// Found is one episode reported by a detector, reduced to what Score needs.
type Found struct {
	ActorID string    `json:"actorId"`
	AppID   string    `json:"appId"`
	First   time.Time `json:"first"` // first sensitive event of the episode
	Last    time.Time `json:"last"`  // last sensitive event of the episode
}

// Scores is a detector's result against a Truth.
type Scores struct {
	// TP counts episodes that match a chain, FP episodes that match none,
	// FN chains that no episode matches. A chain reported as two episodes
	// gives two TP and is counted once for recall.
	TP, FP, FN int
	// Precision is TP/(TP+FP), 1 when nothing was reported.
	Precision float64
	// Recall is the share of chains matched by at least one episode, 1 when
	// the truth has no chains.
	Recall float64
	// Missed are the chains no episode matched.
	Missed []Chain
	// Unexpected are the episodes that matched no chain.
	Unexpected []Found
	// LookAlikeHits are the look-alikes with the same actor and app as an
	// unexpected episode: the usual explanation of a false positive.
	LookAlikeHits []LookAlike
}

// matchSlack widens the truth window to whole seconds: the legacy table
// stores event_time with second precision, and a detector reading it must
// still match.
const matchSlack = time.Second

// Score compares a detector's episodes with the truth. An episode matches a
// chain when actor_id and app_id are equal and [First, Last] overlaps the
// chain's [FirstSensitive, LastSensitive] (both inclusive, at one-second
// resolution).
func Score(truth Truth, found []Found) Scores {
	var s Scores
	detected := make([]bool, len(truth.Chains))
	for _, f := range found {
		hit := false
		for i, c := range truth.Chains {
			if c.ActorID == f.ActorID && c.AppID == f.AppID && overlaps(f, c) {
				detected[i] = true
				hit = true
			}
		}
		if hit {
			s.TP++
			continue
		}
		s.FP++
		s.Unexpected = append(s.Unexpected, f)
		for _, l := range truth.LookAlikes {
			if l.ActorID == f.ActorID && l.AppID == f.AppID {
				s.LookAlikeHits = append(s.LookAlikeHits, l)
			}
		}
	}
	for i, c := range truth.Chains {
		if !detected[i] {
			s.FN++
			s.Missed = append(s.Missed, c)
		}
	}
	s.Precision = 1
	if s.TP+s.FP > 0 {
		s.Precision = float64(s.TP) / float64(s.TP+s.FP)
	}
	s.Recall = 1
	if n := len(truth.Chains); n > 0 {
		s.Recall = float64(n-s.FN) / float64(n)
	}
	return s
}

// Overlaps reports whether an episode's sensitive span meets a chain's, at
// the one-second resolution Score uses.
func Overlaps(f Found, c Chain) bool { return overlaps(f, c) }

func overlaps(f Found, c Chain) bool {
	lo := c.FirstSensitive.Truncate(matchSlack)
	hi := c.LastSensitive.Truncate(matchSlack).Add(matchSlack)
	return !f.First.After(hi) && !f.Last.Before(lo)
}
