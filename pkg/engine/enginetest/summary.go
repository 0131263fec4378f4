package enginetest

import (
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/engine"
)

// Summary is the part of an episode that the matching rules decide. Score,
// targets and the other evidence are left out on purpose: they are pinned
// by the engine's own tests, and a rule case should fail only when a rule
// changes.
type Summary struct {
	Key         string        // correlateBy values joined by "|"
	Anchor      string        // action of the access anchor, which NewRow sets to its event_id
	First, Last time.Duration // first and last sensitive event, as offsets from T0
	Count       int           // sensitive events in the episode
	Approved    bool
}

// Summarize reduces episodes to Summaries, keeping their order. It returns
// nil for no episodes, so that a case's empty Want compares equal.
func Summarize(eps []engine.Episode) []Summary {
	var out []Summary
	for _, ep := range eps {
		out = append(out, Summary{
			Key:      strings.Join(ep.Key, "|"),
			Anchor:   ep.AccessAction,
			First:    ep.FirstSensitive.Sub(T0),
			Last:     ep.LastSensitive.Sub(T0),
			Count:    ep.SensitiveCount,
			Approved: ep.Approved,
		})
	}
	return out
}
