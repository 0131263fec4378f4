package risk

import (
	"slices"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// KeyDay is one UTC day of one correlation key's activity in the baseline
// window: what the baseline query returns per key and day.
type KeyDay struct {
	Day           time.Time // midnight UTC
	Events        int
	Sensitive     int
	Targets       int      // distinct target names of sensitive events
	ConfigChanges int      // configuration-change events
	Hours         uint32   // bit h: active in UTC hour h
	Networks      []uint64 // event.Hash of each network
	UserAgents    []string
	ConfigActions []string
}

// ActorDay is one UTC day of one actor's activity, every app and source
// together, matched by actor id or by e-mail address.
type ActorDay struct {
	Day              time.Time
	Events           int
	TokenEvents      int // events authenticated by a token (AN0020 accesses)
	Signins          int // successful interactive sign-ins
	Hours            uint32
	Networks         []uint64 // event.Hash of each network
	PresenceNetworks []uint64 // the same, of the actor's token-free activity
	// NetworkApps pairs network and app for the actor's token use that day.
	NetworkApps []NetworkApp
	// SigninTimes are the day's sign-ins in Unix seconds, as ClickHouse's
	// DateTime holds them: a 4-byte number instead of a 24-byte time.Time
	// keeps the baselines of a batch of busy actors small.
	SigninTimes []uint32
}

// NetworkApp is a network and an app whose token was used from it, both
// as event.Hash.
type NetworkApp struct{ Network, App uint64 }

// AppStats describes an app across the tenant over the whole window.
type AppStats struct {
	FirstSeen, LastSeen time.Time
	Actors              int // distinct actors that used it
	// PeerNetworks counts, for the networks at least two actors used the
	// app from, how many did: a vendor's cloud serving every user of a
	// server-side app shows up here. Keys are event.Hash.
	PeerNetworks map[uint64]int
}

// TokenStats describes one token id over the whole window.
type TokenStats struct {
	FirstSeen time.Time
	Days      []time.Time // days with activity, ascending
}

// History is everything the baseline queries returned that bears on one
// episode. Days are sorted ascending; Actor may hold one day twice (once
// found by actor id, once by e-mail), which every summary merges.
type History struct {
	// WindowStart is the first day the baseline query read; activity
	// before it is unknown, so a key first seen on that day may be older.
	WindowStart time.Time
	// BaselineDays is how far back from each episode the history reaches.
	BaselineDays int
	// SigninWindow is how long before the anchor a sign-in counts.
	SigninWindow time.Duration
	Key          []KeyDay
	Actor        []ActorDay
	App          *AppStats   // nil when the episode has no app
	Token        *TokenStats // nil when the episode has no token id

	// memo holds the key and actor summaries per day. Baselines.For shares
	// one between the episodes of a key, which mostly fall on a few days;
	// nil summarizes every time.
	memo map[time.Time]summaries
}

type summaries struct {
	key   keySummary
	actor actorSummary
}

// summaries returns the key's and the actor's history before day. The
// summaries are read, never written, by the signals, so sharing is safe.
func (h *History) summaries(day time.Time) (keySummary, actorSummary) {
	if s, ok := h.memo[day]; ok {
		return s.key, s.actor
	}
	s := summaries{summarizeKey(h.Key, day, h.BaselineDays), summarizeActor(h.Actor, day, h.BaselineDays)}
	if h.memo != nil {
		h.memo[day] = s
	}
	return s.key, s.actor
}

// keySummary is a key's history before one day.
type keySummary struct {
	activeDays    int
	first, last   time.Time
	maxSensitive  int
	maxTargets    int
	hourDays      [24]int
	networks      map[uint64]bool
	agents        map[uint64]string // family hash -> family
	configActions map[string]bool
}

// summarizeKey folds the key's days in [day-B, day).
func summarizeKey(days []KeyDay, day time.Time, baselineDays int) keySummary {
	s := keySummary{networks: map[uint64]bool{}, agents: map[uint64]string{}, configActions: map[string]bool{}}
	lo := day.AddDate(0, 0, -baselineDays)
	for _, d := range days {
		if d.Day.Before(lo) || !d.Day.Before(day) || d.Events == 0 {
			continue
		}
		if s.activeDays == 0 {
			s.first = d.Day
		}
		s.activeDays++
		s.last = d.Day
		s.maxSensitive = max(s.maxSensitive, d.Sensitive)
		s.maxTargets = max(s.maxTargets, d.Targets)
		addHours(&s.hourDays, d.Hours)
		for _, n := range d.Networks {
			s.networks[n] = true
		}
		for _, a := range d.UserAgents {
			s.agents[event.AgentHash(a)] = a
		}
		for _, a := range d.ConfigActions {
			s.configActions[a] = true
		}
	}
	return s
}

// actorSummary is an actor's history before one day.
type actorSummary struct {
	activeDays, signinDays, tokenDays, habitDays int
	hourDays                                     [24]int
	networks                                     map[uint64]bool
}

// summarizeActor folds the actor's days in [day-B, day). Days found twice
// (by id and by e-mail) are merged, never counted twice.
func summarizeActor(days []ActorDay, day time.Time, baselineDays int) actorSummary {
	s := actorSummary{networks: map[uint64]bool{}}
	lo := day.AddDate(0, 0, -baselineDays)
	for _, d := range mergeActorDays(days) {
		if d.Day.Before(lo) || !d.Day.Before(day) || d.Events == 0 {
			continue
		}
		s.activeDays++
		if d.Signins > 0 {
			s.signinDays++
		}
		if d.TokenEvents > 0 {
			s.tokenDays++
			if d.Signins > 0 {
				s.habitDays++
			}
		}
		addHours(&s.hourDays, d.Hours)
		for _, n := range d.Networks {
			s.networks[n] = true
		}
	}
	return s
}

// mergeActorDays joins days with the same date: counts take the larger
// value (both rows usually describe the same events), sets their union.
func mergeActorDays(days []ActorDay) []ActorDay {
	if merged(days) {
		return days
	}
	sorted := slices.Clone(days)
	slices.SortStableFunc(sorted, func(a, b ActorDay) int { return a.Day.Compare(b.Day) })
	var out []ActorDay
	for _, d := range sorted {
		if n := len(out); n > 0 && out[n-1].Day.Equal(d.Day) {
			m := &out[n-1]
			m.Events, m.TokenEvents, m.Signins = max(m.Events, d.Events), max(m.TokenEvents, d.TokenEvents), max(m.Signins, d.Signins)
			m.Hours |= d.Hours
			m.Networks = union(m.Networks, d.Networks)
			m.PresenceNetworks = union(m.PresenceNetworks, d.PresenceNetworks)
			m.NetworkApps = union(m.NetworkApps, d.NetworkApps)
			m.SigninTimes = union(m.SigninTimes, d.SigninTimes)
			continue
		}
		out = append(out, d)
	}
	return out
}

// merged reports whether days are already strictly ascending: one row per
// date, nothing to join.
func merged(days []ActorDay) bool {
	for i := 1; i < len(days); i++ {
		if !days[i-1].Day.Before(days[i].Day) {
			return false
		}
	}
	return true
}

func union[T comparable](a, b []T) []T {
	out := slices.Clone(a)
	for _, v := range b {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func addHours(hourDays *[24]int, mask uint32) {
	for h := 0; h < 24; h++ {
		if mask&(1<<h) != 0 {
			hourDays[h]++
		}
	}
}

// usualHours is the mask of hours active on at least minDays days.
func usualHours(hourDays [24]int, minDays int) uint32 {
	var m uint32
	for h, n := range hourDays {
		if n >= minDays {
			m |= 1 << h
		}
	}
	return m
}

// dayOf is t's UTC date at midnight.
func dayOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
