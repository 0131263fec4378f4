package risk

import (
	"strings"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/event"
)

// t0 is the anchor of every test episode: a Wednesday, 14:05 UTC.
var t0 = time.Date(2026, 11, 18, 14, 5, 0, 0, time.UTC)

// day returns midnight UTC n days after t0's day (negative: before).
func day(n int) time.Time { return dayOf(t0).AddDate(0, 0, n) }

// episode is a plain token-then-read episode at t0 from the office network.
func episode(opts ...func(*engine.Episode)) *engine.Episode {
	ep := &engine.Episode{
		ActorID: "alice@acme.example", ActorName: "alice@acme.example", AppID: "app-1", AppName: "Sync",
		AccessTime: t0, AccessAction: "token.refresh", AccessCategory: "token_auth",
		FirstSensitive: t0.Add(time.Minute), LastSensitive: t0.Add(10 * time.Minute),
		SensitiveCount: 5, DataAccessCount: 5, MaxSensitivity: 1, DistinctTargets: 3,
		Hours: 1 << 14, Networks: []string{"203.0.113.0/24"}, UserAgents: []string{"SyncClient/1.0"},
	}
	for _, o := range opts {
		o(ep)
	}
	agentsFromStrings(ep)
	return ep
}

// agentsFromStrings sets the family hashes the engine would collect from
// the episode's user agents.
func agentsFromStrings(ep *engine.Episode) {
	ep.Agents = nil
	for _, ua := range ep.UserAgents {
		ep.Agents = append(ep.Agents, event.AgentHash(ua))
	}
}

// routine is a key seen every day for n days before t0 at 09–17 UTC from the
// office network with the sync client's agent, 5 sensitive events a day.
func routine(n int) []KeyDay {
	var out []KeyDay
	for i := n; i >= 1; i-- {
		out = append(out, KeyDay{Day: day(-i), Events: 12, Sensitive: 5, Targets: 3, Hours: hoursMask(9, 17),
			Networks: nets("203.0.113.0/24"), UserAgents: []string{event.AgentFamily("SyncClient/1.0")}})
	}
	return out
}

// habitual is an actor who signs in every morning at 09:00 and uses tokens
// all day, for n days before t0.
func habitual(n int) []ActorDay {
	var out []ActorDay
	for i := n; i >= 1; i-- {
		d := day(-i)
		out = append(out, ActorDay{Day: d, Events: 40, TokenEvents: 12, Signins: 1, Hours: hoursMask(9, 17),
			Networks: nets("203.0.113.0/24"), PresenceNetworks: nets("203.0.113.0/24"), SigninTimes: []uint32{uint32(d.Add(9 * time.Hour).Unix())}})
	}
	return out
}

func hoursMask(from, to int) uint32 {
	var m uint32
	for h := from; h <= to; h++ {
		m |= 1 << h
	}
	return m
}

// history is 30 days of routine key and habitual actor, with an app that
// six actors have used since the window began, and a sign-in at 09:00 today.
func history(opts ...func(*History)) *History {
	h := &History{
		WindowStart: day(-30), BaselineDays: 30, SigninWindow: 12 * time.Hour,
		Key:   routine(30),
		Actor: append(habitual(30), ActorDay{Day: day(0), Events: 5, Signins: 1, TokenEvents: 3, Hours: hoursMask(9, 14), SigninTimes: []uint32{uint32(day(0).Add(9 * time.Hour).Unix())}, PresenceNetworks: nets("203.0.113.0/24")}),
		App:   &AppStats{FirstSeen: day(-30), LastSeen: t0, Actors: 6},
	}
	for _, o := range opts {
		o(h)
	}
	return h
}

// find returns the named signal of a, failing the test when it is absent.
func find(t *testing.T, a Assessment, name string) Signal {
	t.Helper()
	for _, s := range a.Signals {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("signal %q missing from %+v", name, a.Signals)
	return Signal{}
}

// checkSignal asserts a signal's state and that its evidence mentions want.
func checkSignal(t *testing.T, a Assessment, name string, state State, want string) {
	t.Helper()
	s := find(t, a, name)
	if s.State != state {
		t.Errorf("%s: state %s (%s), want %s", name, s.State, s.Evidence, state)
	}
	if want != "" && !strings.Contains(s.Evidence, want) {
		t.Errorf("%s: evidence %q does not mention %q", name, s.Evidence, want)
	}
}

// nets is the networks as the baselines carry them (event.Hash).
func nets(ns ...string) []uint64 {
	out := make([]uint64, len(ns))
	for i, n := range ns {
		out[i] = event.Hash(n)
	}
	return out
}

// netApps is "network|app" pairs as the baselines carry them.
func netApps(pairs ...string) []NetworkApp {
	out := make([]NetworkApp, len(pairs))
	for i, p := range pairs {
		n, a, _ := strings.Cut(p, "|")
		out[i] = NetworkApp{Network: event.Hash(n), App: event.Hash(a)}
	}
	return out
}
