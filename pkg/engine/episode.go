package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// Episode is one AN0020 finding: a run of sensitive events of one key, each
// explained by an earlier token access of the same key, with no gap longer
// than maxSpan between consecutive sensitive events.
type Episode struct {
	// ID is stable for the same inputs: a hash of the correlateBy names and
	// values and the first sensitive event's event_id, so a dashboard link
	// or an alert annotation keeps pointing at the same episode.
	ID string
	// Key holds the correlateBy values, in Params.CorrelateBy order.
	Key []string
	// Identity of the episode, taken from its first sensitive event and,
	// where that is empty, from the access anchor.
	Tenant, Source, ActorID, ActorName, AppID, AppName, TokenID string
	// The access anchor: the earliest access that explains the first
	// sensitive event (within maxSpan of it, no revoke in between).
	AccessTime     time.Time
	AccessAction   string
	AccessIP       string
	AccessCategory string
	// The sensitive events of the episode.
	FirstSensitive, LastSensitive time.Time
	SensitiveCount                int
	DataAccessCount               int
	ConfigChangeCount             int
	MaxSensitivity                uint8
	// Actions lists the distinct sensitive actions, sorted.
	Actions []string
	// Targets samples the first distinct target names, in event order.
	Targets []string
	// Approved is set when the app is in Params.ApprovedApps and the
	// episode was kept because of Params.IncludeApproved.
	Approved bool
	// Score (0..100), Severity and Reasons are explained in score.go.
	Score    int
	Severity string
	Reasons  []string
}

// maxTargets is how many distinct target names an episode reports. The
// sample is for triage at a glance; the full list is one query away.
const maxTargets = 5

// episodeBuilder accumulates one open episode. Its memory does not grow with
// the episode's length: actions are bounded by the vendors' action
// vocabulary and distinct targets are only counted up to bulkTargets.
type episodeBuilder struct {
	ep      Episode
	actions map[string]struct{}
	targets map[string]struct{}
}

// newEpisode opens an episode at its first sensitive event b, explained by
// the access anchor a.
func newEpisode(correlateBy, key []string, b, a *Row) *episodeBuilder {
	return &episodeBuilder{
		ep: Episode{
			ID:             episodeID(correlateBy, key, b.EventID),
			Key:            slices.Clone(key),
			Tenant:         fallback(b.Tenant, a.Tenant),
			Source:         fallback(b.Source, a.Source),
			ActorID:        fallback(b.ActorID, a.ActorID),
			ActorName:      fallback(b.ActorName, a.ActorName),
			AppID:          fallback(b.AppID, a.AppID),
			AppName:        fallback(b.AppName, a.AppName),
			TokenID:        fallback(b.TokenID, a.TokenID),
			AccessTime:     a.EventTime,
			AccessAction:   a.Action,
			AccessIP:       a.SrcIP,
			AccessCategory: string(a.Category),
			FirstSensitive: b.EventTime,
		},
		actions: map[string]struct{}{},
		targets: map[string]struct{}{},
	}
}

// add records one matched sensitive event; rows arrive in time order.
func (eb *episodeBuilder) add(b *Row) {
	ep := &eb.ep
	ep.LastSensitive = b.EventTime
	ep.SensitiveCount++
	switch b.Category {
	case event.CategoryDataAccess:
		ep.DataAccessCount++
	case event.CategoryConfigChange:
		ep.ConfigChangeCount++
	}
	ep.MaxSensitivity = max(ep.MaxSensitivity, b.Sensitivity)
	if b.Action != "" {
		eb.actions[b.Action] = struct{}{}
	}
	if b.TargetName == "" || len(eb.targets) >= bulkTargets {
		return
	}
	if _, ok := eb.targets[b.TargetName]; ok {
		return
	}
	eb.targets[b.TargetName] = struct{}{}
	if len(ep.Targets) < maxTargets {
		ep.Targets = append(ep.Targets, b.TargetName)
	}
}

// finish returns the completed, scored episode.
func (eb *episodeBuilder) finish(approved bool) Episode {
	ep := eb.ep
	ep.Actions = slices.Sorted(maps.Keys(eb.actions))
	ep.Approved = approved
	ep.Score, ep.Severity, ep.Reasons = score(&ep, len(eb.targets))
	return ep
}

// episodeID hashes the correlateBy names and values with the first sensitive
// event_id. Unit and record separators keep ("a","bc") and ("ab","c") apart.
func episodeID(correlateBy, key []string, firstSensitiveID string) string {
	h := sha256.New()
	for i, f := range correlateBy {
		h.Write([]byte(f))
		h.Write([]byte{0x1f})
		h.Write([]byte(key[i]))
		h.Write([]byte{0x1e})
	}
	h.Write([]byte(firstSensitiveID))
	return hex.EncodeToString(h.Sum(nil)[:8])
}

func fallback(v, alt string) string {
	if v != "" {
		return v
	}
	return alt
}
