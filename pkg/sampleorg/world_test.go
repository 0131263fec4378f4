package sampleorg

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// A world is one generated organisation seen the way an evaluation sees it:
// the reference detector's episodes over the range with approved apps
// excluded, each matched to a planted chain or to the background class of
// its key, with the flags a naive score would use. Worlds are built by
// streaming, keeping only the rows episodes and flags need, and cached, so
// that several tests can share one medium-sized world.

// worldRow is an access, sensitive or revoke row, with what flags need.
type worldRow struct {
	refRow
	cat event.Category
}

// worldEpisode is one episode in the range.
type worldEpisode struct {
	refEpisode
	chain *Chain // the chain it belongs to, nil when benign
	class string // the background class of its key when benign
	// Flags a naive score would use.
	configChange bool // a configuration change among its sensitive events
	grantAnchor  bool // the anchor is a grant: a fresh consent
	newApp       bool // the app was never seen before the range
	signIn       int  // an interactive sign-in by the actor (by e-mail) within 12h before the anchor: 1, 0, or -1 when the vendor names the actor without an e-mail
}

type world struct {
	cfg      Config
	truth    Truth
	elapsed  time.Duration // generation alone
	episodes []worldEpisode
	events   int
	habits   *habitStats
}

var (
	worldMu    sync.Mutex
	worldCache = map[string]*world{}
)

// worldOf generates cfg (normalized mode) once per test binary.
func worldOf(t testing.TB, cfg Config) *world {
	t.Helper()
	worldMu.Lock()
	defer worldMu.Unlock()
	k := fmt.Sprintf("%+v", cfg)
	if w, ok := worldCache[k]; ok {
		return w
	}
	w, err := buildWorld(cfg)
	if err != nil {
		t.Fatal(err)
	}
	worldCache[k] = w
	return w
}

func buildWorld(cfg Config) (*world, error) {
	w := &world{cfg: cfg}
	var rows []worldRow
	signIns := map[string][]time.Time{} // by actor_name (e-mail)
	firstSeen := map[string]time.Time{} // by app_id
	emails := map[string]string{}       // actor_id to actor_name, where that is an e-mail
	w.habits = newHabitStats(cfg)
	start := time.Now()
	truth, err := Generate(cfg, func(r Record) error {
		e := &r.Event
		w.events++
		w.habits.observe(e)
		if _, ok := firstSeen[e.AppID]; !ok && e.AppID != "" {
			firstSeen[e.AppID] = e.EventTime
		}
		if strings.Contains(e.ActorName, "@") {
			if _, ok := emails[e.ActorID]; !ok {
				emails[e.ActorID] = e.ActorName
			}
			if e.Category == event.CategorySignin && e.Outcome == "success" {
				signIns[e.ActorName] = append(signIns[e.ActorName], e.EventTime)
			}
		}
		rr := refRowOf(e)
		if (rr.access || rr.sensitive || rr.revoke) && rr.actor != "" && rr.app != "" {
			rows = append(rows, worldRow{refRow: rr, cat: e.Category})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	w.elapsed, w.truth = time.Since(start), truth
	w.classify(rows, emails, signIns, firstSeen)
	return w, nil
}

// classify runs the reference detector and describes each episode in the
// range. Sign-ins are correlated across vendors by e-mail, the way
// actor_name carries it; GitHub names no e-mail, so its sign-in flag is
// unknown.
func (w *world) classify(rows []worldRow, emails map[string]string, signIns map[string][]time.Time, firstSeen map[string]time.Time) {
	approved := map[string]bool{}
	for _, id := range w.truth.ApprovedApps {
		approved[id] = true
	}
	class := map[refKey]string{}
	for _, k := range w.truth.Background {
		class[refKey{k.ActorID, k.AppID}] = k.Class
	}
	byKey := map[refKey][]worldRow{}
	plain := make([]refRow, len(rows))
	for i, r := range rows {
		k := refKey{r.actor, r.app}
		byKey[k] = append(byKey[k], r)
		plain[i] = r.refRow
	}
	for _, ep := range referenceDetect(plain, DefaultMaxSpan) {
		if ep.last.Before(w.truth.RangeStart) || approved[ep.key.app] {
			continue
		}
		we := worldEpisode{refEpisode: ep, class: ClassOther, signIn: -1}
		for i := range w.truth.Chains {
			c := &w.truth.Chains[i]
			if c.ActorID == ep.key.actor && c.AppID == ep.key.app && overlaps(Found{First: ep.first, Last: ep.last}, *c) {
				we.chain = c
			}
		}
		if cl, ok := class[ep.key]; ok {
			we.class = cl
		}
		for _, r := range byKey[ep.key] {
			switch {
			case r.t.Equal(ep.access) && r.access && r.cat == event.CategoryGrant:
				we.grantAnchor = true
			case r.sensitive && r.cat == event.CategoryConfigChange && !r.t.Before(ep.first) && !r.t.After(ep.last):
				we.configChange = true
			}
		}
		we.newApp = firstSeen[ep.key.app].After(w.truth.RangeStart) || firstSeen[ep.key.app].Equal(w.truth.RangeStart)
		if name := emails[ep.key.actor]; name != "" {
			we.signIn = 0
			ts := signIns[name]
			i, _ := slices.BinarySearchFunc(ts, ep.access, func(a, b time.Time) int { return a.Compare(b) })
			if i > 0 && ep.access.Sub(ts[i-1]) <= 12*time.Hour {
				we.signIn = 1
			}
		}
		w.episodes = append(w.episodes, we)
	}
}

// counts tallies benign episodes by class and attack episodes by shape.
func (w *world) counts() (benign map[string]int, attacks map[string]int, nBenign, nAttack int) {
	benign, attacks = map[string]int{}, map[string]int{}
	for _, e := range w.episodes {
		if e.chain != nil {
			attacks[e.chain.Shape]++
			nAttack++
			continue
		}
		benign[e.class]++
		nBenign++
	}
	return benign, attacks, nBenign, nAttack
}

// episodeFlags are the naive flags the report and TestNoFlagSeparatesAttacks
// measure.
var episodeFlags = []struct {
	name string
	is   func(e *worldEpisode) bool
}{
	{"config change", func(e *worldEpisode) bool { return e.configChange }},
	{"fresh grant anchor", func(e *worldEpisode) bool { return e.grantAnchor }},
	{"new app", func(e *worldEpisode) bool { return e.newApp }},
	{"sign-in within 12h", func(e *worldEpisode) bool { return e.signIn == 1 }},
	{"no sign-in within 12h", func(e *worldEpisode) bool { return e.signIn == 0 }},
}

type flagCount struct{ attacks, benign, nAttacks, nBenign int }

func (f flagCount) precision() float64 {
	return float64(f.attacks) / float64(max(f.attacks+f.benign, 1))
}

// flag counts the episodes a flag is raised on.
func (w *world) flag(is func(*worldEpisode) bool) flagCount {
	var f flagCount
	for i := range w.episodes {
		e := &w.episodes[i]
		if e.chain != nil {
			f.nAttacks++
		} else {
			f.nBenign++
		}
		if !is(e) {
			continue
		}
		if e.chain != nil {
			f.attacks++
		} else {
			f.benign++
		}
	}
	return f
}
