package sampleorg

import (
	"cmp"
	"slices"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// The reference detector is a deliberately naive, quadratic restatement of
// AN0020 with the default query settings. The generator uses it to compute
// each planted chain's window from the chain's own events, and the tests run
// it over whole generated data sets to prove the truth honest. It shares no
// code with pkg/engine on purpose: two independent readings of the rules
// that agree are the evidence.

// DefaultMaxSpan is the default query's maxSpan, which Truth assumes.
const DefaultMaxSpan = time.Hour

// refRow is one event as the reference detector sees it.
type refRow struct {
	t                         time.Time
	id                        string
	actor, app                string
	access, sensitive, revoke bool
}

// refRowOf reduces a normalized event, applying the engine's definitions
// with minSensitivity 1.
func refRowOf(e *event.Event) refRow {
	r := refRow{t: e.EventTime, id: e.EventID, actor: e.ActorID, app: e.AppID}
	switch e.Category {
	case event.CategoryGrant, event.CategoryTokenAuth:
		r.access = true
	case event.CategoryRevoke:
		r.revoke = true
	default:
		r.access = e.AuthMethod.IsTokenAuth()
	}
	r.sensitive = (e.Category == event.CategoryDataAccess || e.Category == event.CategoryConfigChange) && e.Sensitivity >= event.SensitivityLow
	return r
}

// refKey is the default correlation key.
type refKey struct{ actor, app string }

// refEpisode is a run of matched sensitive events of one key.
type refEpisode struct {
	key         refKey
	access      time.Time // earliest access that explains the first sensitive event
	first, last time.Time
	count       int
}

// referenceDetect returns the episodes of rows, ordered by key and time.
// Rows with an empty actor or app are ignored, as the engine ignores keys
// with an empty value.
func referenceDetect(rows []refRow, maxSpan time.Duration) []refEpisode {
	return referenceDetectFrom(rows, maxSpan, time.Time{})
}

// referenceDetectFrom is referenceDetect for a query range starting at
// from: sensitive events before it are not reported (accesses before it
// still anchor), as the engine does with Params.From.
func referenceDetectFrom(rows []refRow, maxSpan time.Duration, from time.Time) []refEpisode {
	byKey := map[refKey][]refRow{}
	for _, r := range rows {
		if r.actor == "" || r.app == "" {
			continue
		}
		k := refKey{r.actor, r.app}
		byKey[k] = append(byKey[k], r)
	}
	keys := make([]refKey, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b refKey) int {
		return cmp.Or(cmp.Compare(a.actor, b.actor), cmp.Compare(a.app, b.app))
	})
	var out []refEpisode
	for _, k := range keys {
		rs := byKey[k]
		slices.SortFunc(rs, func(a, b refRow) int { return cmp.Or(a.t.Compare(b.t), cmp.Compare(a.id, b.id)) })
		rs = slices.CompactFunc(rs, func(a, b refRow) bool { return a.id == b.id })
		var cur *refEpisode
		for j, b := range rs {
			if !b.sensitive || b.t.Before(from) {
				continue
			}
			anchor, ok := refAnchor(rs, j, maxSpan)
			if !ok {
				continue
			}
			if cur != nil && b.t.Sub(cur.last) <= maxSpan {
				cur.last = b.t
				cur.count++
				continue
			}
			out = append(out, refEpisode{key: k, access: anchor, first: b.t, last: b.t, count: 1})
			cur = &out[len(out)-1]
		}
	}
	return out
}

// refAnchor finds the earliest access before rs[j] within maxSpan with no
// revoke between it and rs[j].
func refAnchor(rs []refRow, j int, maxSpan time.Duration) (time.Time, bool) {
	var anchor time.Time
	found := false
	for i := j - 1; i >= 0; i-- {
		if rs[j].t.Sub(rs[i].t) > maxSpan || rs[i].revoke {
			break
		}
		if rs[i].access {
			anchor, found = rs[i].t, true
		}
	}
	return anchor, found
}
