package risk

import (
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/engine"
)

// Baselines holds what the baseline queries returned for a set of
// episodes, indexed for lookup. Its size follows the episodes' keys,
// actors, apps and tokens times the days of the window, never the table.
type Baselines struct {
	WindowStart  time.Time
	BaselineDays int
	SigninWindow time.Duration
	CorrelateBy  []string

	Keys   map[string][]KeyDay // by KeyOf
	Actors map[string][]ActorDay
	Apps   map[string]*AppStats
	Tokens map[string]*TokenStats

	// shared is, per key and identities, the actor's merged days and the
	// summary memo that For hands to each of their episodes.
	shared map[string]*sharedHistory
}

type sharedHistory struct {
	actor []ActorDay
	memo  map[time.Time]summaries
}

// NewBaselines returns empty baselines for a window.
func NewBaselines(windowStart time.Time, baselineDays int, signinWindow time.Duration, correlateBy []string) *Baselines {
	return &Baselines{
		WindowStart: windowStart, BaselineDays: baselineDays, SigninWindow: signinWindow, CorrelateBy: correlateBy,
		Keys: map[string][]KeyDay{}, Actors: map[string][]ActorDay{}, Apps: map[string]*AppStats{}, Tokens: map[string]*TokenStats{},
	}
}

// KeyOf joins correlateBy values into one map key.
func KeyOf(values []string) string { return strings.Join(values, "\x1f") }

// Identities are the names under which an actor's days are looked up: the
// actor id, and the e-mail address (lower-cased) when the name is one, so
// that sign-ins logged by another vendor meet the actor.
func Identities(ep *engine.Episode) []string {
	var out []string
	if ep.ActorID != "" {
		out = append(out, ep.ActorID)
	}
	if n := strings.ToLower(strings.TrimSpace(ep.ActorName)); strings.Contains(n, "@") && n != ep.ActorID {
		out = append(out, n)
	}
	return out
}

// TokenIDs are the tokens an episode used: its anchor's and its own.
func TokenIDs(ep *engine.Episode) []string {
	var out []string
	for _, t := range []string{ep.AccessTokenID, ep.TokenID} {
		if t != "" && (len(out) == 0 || out[0] != t) {
			out = append(out, t)
		}
	}
	return out
}

// For assembles ep's History. Nil b (no baseline read) gives nil. The
// episodes of one key share their actor's merged days and the summaries
// per day, so b must not be used from two goroutines at once.
func (b *Baselines) For(ep *engine.Episode) *History {
	if b == nil {
		return nil
	}
	h := &History{WindowStart: b.WindowStart, BaselineDays: b.BaselineDays, SigninWindow: b.SigninWindow}
	key, ids := KeyOf(ep.Key), Identities(ep)
	h.Key = b.Keys[key]
	name := key + "\x1e" + strings.Join(ids, "\x1e")
	sh := b.shared[name]
	if sh == nil {
		var days []ActorDay
		for _, id := range ids {
			days = append(days, b.Actors[id]...)
		}
		sh = &sharedHistory{actor: mergeActorDays(days), memo: map[time.Time]summaries{}}
		if b.shared == nil {
			b.shared = map[string]*sharedHistory{}
		}
		b.shared[name] = sh
	}
	h.Actor, h.memo = sh.actor, sh.memo
	if ep.AppID != "" {
		h.App = b.Apps[ep.AppID]
	}
	if ids := TokenIDs(ep); len(ids) > 0 {
		h.Token = b.Tokens[ids[0]]
	}
	return h
}
