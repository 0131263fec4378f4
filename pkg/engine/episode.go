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
	// Key holds the correlateBy values, in Params.CorrelateBy order; for
	// rows keyed by Row.KeyHash it is filled by the store, and KeyHash is
	// that number.
	Key     []string
	KeyHash uint64
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
	// Analytic names the ATT&CK analytic found; empty means AN0020. An
	// AN0528 episode's "sensitive" events are the token uses no sign-in
	// covered (see SigninGapDetector).
	Analytic string

	// Evidence for risk scoring (pkg/risk), collected over the anchor and
	// the sensitive events. Every list is bounded, so an episode's size
	// does not grow with its length.
	//
	// Hours has bit h set when an event happened in UTC hour h.
	Hours uint32
	// Networks lists the distinct event.NetworkPrefix values, in event
	// order, at most MaxEvidence of them.
	Networks []string
	// UserAgents lists the distinct user agents, at most MaxEvidence, when
	// the rows carry them; Agents the distinct user-agent families as
	// cityHash64 (event.AgentFamily), always.
	UserAgents []string
	Agents     []uint64
	// DistinctTargets counts distinct sensitive target names, up to
	// MaxCountedTargets.
	DistinctTargets int
	// HighSensitivityCount counts sensitive events of sensitivity 3.
	HighSensitivityCount int
	// ConfigActions lists the distinct configuration-change actions, sorted.
	ConfigActions []string
	// AccessTokenID is the token id of the anchor.
	AccessTokenID string
	// FirstSensitiveID is the first sensitive event's event_id, from which
	// (with the key) EpisodeID derives the episode's ID.
	FirstSensitiveID string

	// Score (0..100), Severity, Reasons and the two factors are filled by
	// pkg/risk; the engine leaves them zero.
	Score             int
	Severity          string
	Reasons           []string
	Impact, Deviation float64
	// Fired names the risk signals that contributed; Unknown describes
	// those whose telemetry was missing.
	Fired   []string
	Unknown []string
}

// Bounds of an episode's evidence.
const (
	// maxTargets is how many distinct target names an episode reports. The
	// sample is for triage at a glance; the full list is one query away.
	maxTargets = 5
	// MaxEvidence bounds the networks and user agents an episode keeps.
	MaxEvidence = 8
	// MaxCountedTargets is where counting distinct targets stops: beyond a
	// thousand, "bulk" needs no finer number.
	MaxCountedTargets = 1000
)

// episodeBuilder accumulates one open episode. Its memory does not grow with
// the episode's length: actions are bounded by the vendors' action
// vocabulary and distinct targets are only counted up to MaxCountedTargets.
type episodeBuilder struct {
	ep      Episode
	actions map[string]struct{}
	configs map[string]struct{}
	targets map[string]struct{}
}

// newEpisode opens an episode at its first sensitive event b, explained by
// the access anchor a.
func newEpisode(correlateBy, key []string, b, a *Row) *episodeBuilder {
	eb := &episodeBuilder{
		ep: Episode{
			ID:               EpisodeID(correlateBy, key, b.EventID),
			Key:              slices.Clone(key),
			Tenant:           fallback(b.Tenant, a.Tenant),
			Source:           fallback(b.Source, a.Source),
			ActorID:          fallback(b.ActorID, a.ActorID),
			ActorName:        fallback(b.ActorName, a.ActorName),
			AppID:            fallback(b.AppID, a.AppID),
			AppName:          fallback(b.AppName, a.AppName),
			TokenID:          fallback(b.TokenID, a.TokenID),
			AccessTime:       a.EventTime,
			AccessAction:     a.Action,
			AccessIP:         a.SrcIP,
			AccessCategory:   string(a.Category),
			AccessTokenID:    a.TokenID,
			FirstSensitiveID: b.EventID,
			FirstSensitive:   b.EventTime,
		},
		actions: map[string]struct{}{},
		configs: map[string]struct{}{},
		targets: map[string]struct{}{},
	}
	eb.observe(a)
	return eb
}

// observe records where and when an event of the episode happened.
func (eb *episodeBuilder) observe(r *Row) {
	ep := &eb.ep
	ep.Hours |= 1 << uint(r.EventTime.UTC().Hour())
	if n := event.NetworkPrefix(r.SrcIP); n != "" && len(ep.Networks) < MaxEvidence && !slices.Contains(ep.Networks, n) {
		ep.Networks = append(ep.Networks, n)
	}
	if ua := r.UserAgent; ua != "" && len(ep.UserAgents) < MaxEvidence && !slices.Contains(ep.UserAgents, ua) {
		ep.UserAgents = append(ep.UserAgents, ua)
	}
	h := r.AgentHash
	if h == 0 && r.UserAgent != "" {
		h = event.AgentHash(r.UserAgent)
	}
	if h != 0 && len(ep.Agents) < MaxEvidence && !slices.Contains(ep.Agents, h) {
		ep.Agents = append(ep.Agents, h)
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
		if b.Action != "" {
			eb.configs[b.Action] = struct{}{}
		}
	}
	if b.Sensitivity >= event.SensitivityHigh {
		ep.HighSensitivityCount++
	}
	ep.MaxSensitivity = max(ep.MaxSensitivity, b.Sensitivity)
	if b.Action != "" {
		eb.actions[b.Action] = struct{}{}
	}
	eb.observe(b)
	if b.TargetName == "" || len(eb.targets) >= MaxCountedTargets {
		return
	}
	if _, ok := eb.targets[b.TargetName]; ok {
		return
	}
	eb.targets[b.TargetName] = struct{}{}
	ep.DistinctTargets = len(eb.targets)
	if len(ep.Targets) < maxTargets {
		ep.Targets = append(ep.Targets, b.TargetName)
	}
}

// finish returns the completed episode, not yet scored.
func (eb *episodeBuilder) finish(approved bool) Episode {
	ep := eb.ep
	ep.Actions = slices.Sorted(maps.Keys(eb.actions))
	if len(eb.configs) > 0 {
		ep.ConfigActions = slices.Sorted(maps.Keys(eb.configs))
	}
	ep.Approved = approved
	return ep
}

// EpisodeID hashes the correlateBy names and values with the first sensitive
// event_id. Unit and record separators keep ("a","bc") and ("ab","c") apart.
// A store that keyed rows by KeyHash sets the ID with it once it knows the
// key's values.
func EpisodeID(correlateBy, key []string, firstSensitiveID string) string {
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
