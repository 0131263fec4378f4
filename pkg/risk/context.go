package risk

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/event"
)

// context holds what the signals share for one episode: the summaries of
// the key's and the actor's history before the anchor's day.
type context struct {
	ep *engine.Episode
	h  *History
	p  *Profile

	day   time.Time // the anchor's UTC day; history is strictly before it
	key   keySummary
	actor actorSummary
	// baselineDays is the part of the baseline the table can cover: days
	// since the window start, at most BaselineDays.
	baselineDays int
	// networks are event.Hash of the episode's networks, in order.
	networks []uint64
	// newNetworksForKey are the episode's networks the key never used.
	newNetworksForKey []string
	// bulk says the first-bulk-day impact fired; dormant the dormant-key
	// deviation, which the token's own silence then does not repeat.
	bulk, dormant bool
}

func newContext(ep *engine.Episode, h *History, p *Profile) *context {
	c := &context{ep: ep, h: h, p: p, day: dayOf(ep.AccessTime)}
	if h == nil {
		return c
	}
	c.key, c.actor = h.summaries(c.day)
	c.baselineDays = h.BaselineDays
	if !h.WindowStart.IsZero() {
		if covered := int(c.day.Sub(dayOf(h.WindowStart)).Hours() / 24); covered < c.baselineDays {
			c.baselineDays = max(covered, 0)
		}
	}
	c.networks = make([]uint64, len(ep.Networks))
	for i, n := range ep.Networks {
		c.networks[i] = event.Hash(n)
		if !c.key.networks[c.networks[i]] {
			c.newNetworksForKey = append(c.newNetworksForKey, n)
		}
	}
	return c
}

// hasBaseline reports whether history was read at all.
func (c *context) hasBaseline() bool { return c.h != nil && c.h.BaselineDays > 0 }

func signal(name, kind string, state State, value float64, evidence string, args ...any) Signal {
	return Signal{Name: name, Kind: kind, State: state, Value: value, Evidence: fmt.Sprintf(evidence, args...)}
}

func unknown(name, kind, why string, args ...any) Signal {
	return signal(name, kind, Unknown, 0, why, args...)
}

func quiet(name, kind, why string, args ...any) Signal {
	return signal(name, kind, Quiet, 0, why, args...)
}

const noBaseline = "no baseline was read (baselineDays is 0)"

// hourRanges renders a mask of UTC hours as "02:00-03:59, 14:00-14:59 UTC".
func hourRanges(mask uint32) string {
	var parts []string
	for h := 0; h < 24; h++ {
		if mask&(1<<h) == 0 {
			continue
		}
		end := h
		for end+1 < 24 && mask&(1<<(end+1)) != 0 {
			end++
		}
		parts = append(parts, fmt.Sprintf("%02d:00-%02d:59", h, end))
		h = end
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ") + " UTC"
}

// signedInBetween reports whether any of the actor's sign-ins lies in [lo, hi].
func signedInBetween(days []ActorDay, lo, hi time.Time) bool {
	l, h := lo.Unix(), hi.Unix()
	for _, d := range days {
		for _, t := range d.SigninTimes {
			if int64(t) >= l && int64(t) <= h {
				return true
			}
		}
	}
	return false
}

// presenceNetworksNear are the networks of the actor's token-free activity
// (sign-ins, browser work) and of the actor's other apps, from the day
// before the anchor to the day after the episode: where the person and
// their devices really were, which tells travel from a stranger holding
// one of their tokens.
func presenceNetworksNear(days []ActorDay, from, to time.Time, app string) map[uint64]bool {
	out := map[uint64]bool{}
	appHash := event.Hash(app)
	lo, hi := dayOf(from).AddDate(0, 0, -1), dayOf(to).AddDate(0, 0, 1)
	for _, d := range days {
		if d.Day.Before(lo) || d.Day.After(hi) {
			continue
		}
		for _, n := range d.PresenceNetworks {
			out[n] = true
		}
		// The person's other devices and apps moved with them.
		for _, na := range d.NetworkApps {
			if na.App != appHash {
				out[na.Network] = true
			}
		}
	}
	return out
}

func isGrant(ep *engine.Episode) bool { return ep.AccessCategory == string(event.CategoryGrant) }

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
