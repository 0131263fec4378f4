package risk

import (
	"slices"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/engine"
)

func TestBaselinesFor(t *testing.T) {
	b := NewBaselines(day(-30), 30, 12*time.Hour, []string{"actor_id", "app_id"})
	b.Keys[KeyOf([]string{"00u1", "app-1"})] = routine(3)
	b.Actors["00u1"] = habitual(2)
	b.Actors["alice@acme.example"] = habitual(3)
	b.Apps["app-1"] = &AppStats{Actors: 4}
	b.Tokens["tok-a"] = &TokenStats{FirstSeen: day(-3)}
	ep := episode(func(e *engine.Episode) {
		e.Key, e.ActorID, e.ActorName, e.AccessTokenID, e.TokenID = []string{"00u1", "app-1"}, "00u1", "Alice@ACME.example", "tok-a", "tok-b"
	})
	h := b.For(ep)
	// The actor's days, found by id (2) and by e-mail (3), are merged by date.
	if len(h.Key) != 3 || len(h.Actor) != 3 || h.App.Actors != 4 || h.Token == nil || h.SigninWindow != 12*time.Hour {
		t.Fatalf("history: %d key days, %d actor days, app %+v, token %+v", len(h.Key), len(h.Actor), h.App, h.Token)
	}
	// The same days found by id and by e-mail count once, merged or not.
	if s := summarizeActor(append(habitual(2), habitual(3)...), dayOf(t0), 30); s.activeDays != 3 || s.signinDays != 3 {
		t.Errorf("unmerged actor summary: %+v", s)
	}
	// A second episode of the key shares the summaries For memoized.
	h2 := b.For(ep)
	k1, _ := h.summaries(dayOf(t0))
	if len(h2.memo) != 1 {
		t.Errorf("the key's second episode found %d memoized days, want the first one's", len(h2.memo))
	}
	if k2, _ := h2.summaries(dayOf(t0)); k2.activeDays != k1.activeDays || k2.activeDays != 3 {
		t.Errorf("memoized key summary %d active days, fresh %d", k2.activeDays, k1.activeDays)
	}
	if s := summarizeActor(h.Actor, dayOf(t0), 30); s.activeDays != 3 || s.signinDays != 3 {
		t.Errorf("merged actor summary: %+v", s)
	}
	if got := Identities(ep); !slices.Equal(got, []string{"00u1", "alice@acme.example"}) {
		t.Errorf("identities %q", got)
	}
	if got := Identities(episode(func(e *engine.Episode) { e.ActorID, e.ActorName = "octocat", "octocat" })); !slices.Equal(got, []string{"octocat"}) {
		t.Errorf("a login that is not an e-mail is no second identity: %q", got)
	}
	if got := TokenIDs(ep); !slices.Equal(got, []string{"tok-a", "tok-b"}) {
		t.Errorf("token ids %q", got)
	}
	var nilBase *Baselines
	if nilBase.For(ep) != nil {
		t.Error("no baselines must give no history")
	}
}

func TestHourRanges(t *testing.T) {
	for mask, want := range map[uint32]string{0: "none", 1 << 3: "03:00-03:59 UTC", hoursMask(9, 17) | 1<<23: "09:00-17:59, 23:00-23:59 UTC"} {
		if got := hourRanges(mask); got != want {
			t.Errorf("hourRanges(%b) = %q, want %q", mask, got, want)
		}
	}
}
