package risk

import (
	"fmt"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// Deviation signal names.
const (
	SigNewApp          = "new_app"
	SigRareApp         = "rare_app"
	SigFreshGrant      = "fresh_grant"
	SigNewKey          = "new_key"
	SigNoSignin        = "no_signin"
	SigNewNetworkKey   = "new_network_key"
	SigNewNetworkActor = "new_network_actor"
	SigOffHours        = "off_hours"
	SigDormant         = "dormant"
	SigNewUserAgent    = "new_user_agent"
	SigTokenAge        = "token_age"
)

// deviationSignals weigh how unusual the credential use is.
func (c *context) deviationSignals() []Signal {
	return []Signal{
		c.newAppSignal(), c.rareAppSignal(), c.freshGrantSignal(), c.newKeySignal(), c.noSigninSignal(),
		c.newNetworkKeySignal(), c.newNetworkActorSignal(), c.offHoursSignal(), c.dormantSignal(), c.tokenAgeSignal(), c.newAgentSignal(),
	}
}

// appSignalState says whether the app signals can judge this episode: they
// need a baseline and an app, and a personal token (a PAT or an API token,
// which is its own app) has one actor and one age by design.
func (c *context) appSignalState(name string) (Signal, bool) {
	switch {
	case !c.hasBaseline():
		return unknown(name, KindDeviation, noBaseline), false
	case c.ep.AppID == "" || c.h.App == nil:
		return unknown(name, KindDeviation, "the episode names no app"), false
	case c.ep.AppID == c.ep.AccessTokenID || c.ep.AppID == c.ep.TokenID:
		return quiet(name, KindDeviation, "personal token: the token is its own app"), false
	}
	return Signal{}, true
}

// newAppAge is the app's age in days when it appeared inside the window.
func (c *context) newAppAge() (int, bool) {
	first := dayOf(c.h.App.FirstSeen)
	if !first.After(dayOf(c.h.WindowStart)) {
		return 0, false
	}
	age := int(c.day.Sub(first).Hours() / 24)
	return age, age <= c.p.Deviation.NewApp.Days
}

// newAppSignal weighs a young app by its peers: nobody else using it is
// what an illicit-consent app looks like; several colleagues adopting it
// is what a new tool looks like.
func (c *context) newAppSignal() Signal {
	if s, ok := c.appSignalState(SigNewApp); !ok {
		return s
	}
	d := &c.p.Deviation.NewApp
	age, young := c.newAppAge()
	if !young {
		return quiet(SigNewApp, KindDeviation, "app seen for more than %d days", d.Days)
	}
	if n := c.h.App.Actors; n > d.MaxActors {
		return signal(SigNewApp, KindDeviation, Fired, d.AdoptedWeight, "new app in the tenant, first seen %s ago, already used by %d actors", plural(age, "day", "days"), n)
	}
	return signal(SigNewApp, KindDeviation, Fired, d.Weight, "new app in the tenant, first seen %s ago, used by %s",
		plural(age, "day", "days"), plural(c.h.App.Actors, "actor", "actors"))
}

// rareAppSignal is peer rarity for apps that are not new (a new one is
// weighed with its peers above).
func (c *context) rareAppSignal() Signal {
	if s, ok := c.appSignalState(SigRareApp); !ok {
		return s
	}
	if _, young := c.newAppAge(); young {
		return quiet(SigRareApp, KindDeviation, "weighed as a new app")
	}
	d := &c.p.Deviation.RareApp
	if n := c.h.App.Actors; n <= d.MaxActors {
		return signal(SigRareApp, KindDeviation, Fired, d.Weight, "rare app: used by %s in the tenant", plural(n, "actor", "actors"))
	}
	return quiet(SigRareApp, KindDeviation, "app used by %d actors", c.h.App.Actors)
}

func (c *context) freshGrantSignal() Signal {
	if isGrant(c.ep) {
		return signal(SigFreshGrant, KindDeviation, Fired, c.p.Deviation.FreshGrant, "fresh grant anchors the episode (%s)", c.ep.AccessAction)
	}
	return quiet(SigFreshGrant, KindDeviation, "anchor is a token use, not a grant")
}

func (c *context) newKeySignal() Signal {
	if !c.hasBaseline() {
		return unknown(SigNewKey, KindDeviation, noBaseline)
	}
	if c.key.activeDays == 0 {
		return signal(SigNewKey, KindDeviation, Fired, c.p.Deviation.NewKey, "no earlier activity of this key in the last %d days", c.h.BaselineDays)
	}
	return quiet(SigNewKey, KindDeviation, "key active on %d earlier days", c.key.activeDays)
}

// noSigninSignal is AN0528's signal (T1550.001): token use with no
// interactive sign-in shortly before, counted only for actors whose
// history shows they do sign in first.
func (c *context) noSigninSignal() Signal {
	d := &c.p.Deviation.NoSignin
	if !c.hasBaseline() {
		return unknown(SigNoSignin, KindDeviation, noBaseline)
	}
	a := &c.actor
	if a.signinDays == 0 {
		return unknown(SigNoSignin, KindDeviation, "no interactive sign-ins recorded for this actor in the last %d days (the source may not log them)", c.h.BaselineDays)
	}
	if a.tokenDays < d.MinDays {
		return quiet(SigNoSignin, KindDeviation, "too little history: %s of token use", plural(a.tokenDays, "day", "days"))
	}
	habit := float64(a.habitDays) / float64(a.tokenDays)
	if habit < d.MinHabit {
		return quiet(SigNoSignin, KindDeviation, "the actor often uses tokens without signing in (%d of %d days)", a.tokenDays-a.habitDays, a.tokenDays)
	}
	lo := c.ep.AccessTime.Add(-c.h.SigninWindow)
	if signedInBetween(c.h.Actor, lo, c.ep.FirstSensitive) {
		return quiet(SigNoSignin, KindDeviation, "signed in within %s before", c.h.SigninWindow)
	}
	return signal(SigNoSignin, KindDeviation, Fired, d.Weight,
		"no interactive sign-in within %s before the anchor, though the actor signed in on %d of %d token days", c.h.SigninWindow, a.habitDays, a.tokenDays)
}

func (c *context) newNetworkKeySignal() Signal {
	d := &c.p.Deviation.NewNetworkKey
	switch {
	case !c.hasBaseline():
		return unknown(SigNewNetworkKey, KindDeviation, noBaseline)
	case len(c.ep.Networks) == 0:
		return unknown(SigNewNetworkKey, KindDeviation, "no source IP recorded")
	case c.key.activeDays < d.MinDays:
		return quiet(SigNewNetworkKey, KindDeviation, "too little history: key active on %s", plural(c.key.activeDays, "day", "days"))
	case len(c.key.networks) >= d.RoamingNetworks:
		return quiet(SigNewNetworkKey, KindDeviation, "key roams: %d networks in the last %d days", len(c.key.networks), c.h.BaselineDays)
	case len(c.newNetworksForKey) == 0:
		return quiet(SigNewNetworkKey, KindDeviation, "usual network")
	}
	return signal(SigNewNetworkKey, KindDeviation, Fired, d.Weight, "new network %s for this key (seen: %s in %d days)",
		strings.Join(c.newNetworksForKey, ", "), plural(len(c.key.networks), "network", "networks"), c.h.BaselineDays)
}

// newNetworkActorSignal fires for a network the actor never used, unless
// the actor also signed in from it around the episode: travel looks like
// that, a stolen token does not.
func (c *context) newNetworkActorSignal() Signal {
	d := &c.p.Deviation.NewNetworkActor
	switch {
	case !c.hasBaseline():
		return unknown(SigNewNetworkActor, KindDeviation, noBaseline)
	case len(c.ep.Networks) == 0:
		return unknown(SigNewNetworkActor, KindDeviation, "no source IP recorded")
	case c.actor.activeDays < d.MinDays:
		return quiet(SigNewNetworkActor, KindDeviation, "too little history: actor active on %s", plural(c.actor.activeDays, "day", "days"))
	case len(c.key.networks) >= c.p.Deviation.NewNetworkKey.RoamingNetworks:
		return quiet(SigNewNetworkActor, KindDeviation, "the key roams: %d networks in the last %d days", len(c.key.networks), c.h.BaselineDays)
	}
	near := presenceNetworksNear(c.h.Actor, c.ep.AccessTime, c.ep.LastSensitive, c.ep.AppID)
	var fresh, travel, appNets []string
	for i, n := range c.ep.Networks {
		h := c.networks[i]
		switch {
		case c.actor.networks[h]:
		case near[h]:
			travel = append(travel, n)
		case c.appNetwork(h):
			appNets = append(appNets, n)
		default:
			fresh = append(fresh, n)
		}
	}
	switch {
	case len(fresh) > 0:
		return signal(SigNewNetworkActor, KindDeviation, Fired, d.Weight,
			"network %s never used by this actor, no sign-in or browser activity from it nearby, not the app's own", strings.Join(fresh, ", "))
	case len(travel) > 0:
		return quiet(SigNewNetworkActor, KindDeviation, "network %s is new, but the actor was there in person (sign-ins, browser work or other apps from it): travel", strings.Join(travel, ", "))
	case len(appNets) > 0:
		return quiet(SigNewNetworkActor, KindDeviation, "network %s is new for the actor, but the app uses it for other actors", strings.Join(appNets, ", "))
	}
	return quiet(SigNewNetworkActor, KindDeviation, "networks the actor uses")
}

func (c *context) offHoursSignal() Signal {
	d := &c.p.Deviation.OffHours
	switch {
	case !c.hasBaseline():
		return unknown(SigOffHours, KindDeviation, noBaseline)
	case c.actor.activeDays < d.MinDays:
		return quiet(SigOffHours, KindDeviation, "too little history: actor active on %s", plural(c.actor.activeDays, "day", "days"))
	}
	usual := usualHours(c.actor.hourDays, max(d.UsualDays, int(d.UsualShare*float64(c.actor.activeDays)))) |
		usualHours(c.key.hourDays, max(d.UsualDays, int(d.UsualShare*float64(c.key.activeDays))))
	if odd := c.ep.Hours &^ usual; odd != 0 {
		return signal(SigOffHours, KindDeviation, Fired, d.Weight, "active %s, outside this actor's usual hours (%s)", hourRanges(odd), hourRanges(usual))
	}
	return quiet(SigOffHours, KindDeviation, "within usual hours")
}

func (c *context) dormantSignal() Signal {
	d := &c.p.Deviation.Dormant
	if !c.hasBaseline() {
		return unknown(SigDormant, KindDeviation, noBaseline)
	}
	if c.key.activeDays == 0 {
		return quiet(SigDormant, KindDeviation, "no earlier activity to be dormant after")
	}
	if silent := int(c.day.Sub(c.key.last).Hours()/24) - 1; silent >= d.Days {
		c.dormant = true
		return signal(SigDormant, KindDeviation, Fired, d.Weight, "dormant key reactivated: silent for %d days before", silent)
	}
	return quiet(SigDormant, KindDeviation, "active recently")
}

func (c *context) newAgentSignal() Signal {
	d := &c.p.Deviation.NewUserAgent
	switch {
	case !c.hasBaseline():
		return unknown(SigNewUserAgent, KindDeviation, noBaseline)
	case len(c.ep.Agents) == 0:
		return unknown(SigNewUserAgent, KindDeviation, "no user agent recorded")
	case c.key.activeDays < d.MinDays || len(c.key.agents) == 0:
		return quiet(SigNewUserAgent, KindDeviation, "too little history")
	}
	for _, h := range c.ep.Agents {
		if _, known := c.key.agents[h]; !known {
			ua := c.agentName(h)
			if len(ua) > 60 {
				ua = ua[:60] + "…"
			}
			return signal(SigNewUserAgent, KindDeviation, Fired, d.Weight, "new user agent %q for this key", ua)
		}
	}
	return quiet(SigNewUserAgent, KindDeviation, "usual user agent")
}

// agentName finds the text of a user-agent family hash: the episode's own
// agent when the rows carried it, else the family as the key's days in the
// range recorded it.
func (c *context) agentName(h uint64) string {
	for _, ua := range c.ep.UserAgents {
		if event.AgentHash(ua) == h {
			return ua
		}
	}
	for _, d := range c.h.Key {
		for _, f := range d.UserAgents {
			if event.AgentHash(f) == h {
				return f
			}
		}
	}
	return fmt.Sprintf("family %016x", h)
}

// tokenAgeSignal is ATT&CK's OAuthTokenAge: a token first seen long ago and
// silent for weeks is used again. The age is what the window shows: a token
// seen on the window's first day may be older still.
func (c *context) tokenAgeSignal() Signal {
	d := &c.p.Deviation.TokenAge
	switch {
	case !c.hasBaseline():
		return unknown(SigTokenAge, KindDeviation, noBaseline)
	case len(TokenIDs(c.ep)) == 0:
		return unknown(SigTokenAge, KindDeviation, "no token id recorded")
	case c.h.Token == nil:
		return unknown(SigTokenAge, KindDeviation, "token not found in the baseline window")
	}
	first := dayOf(c.h.Token.FirstSeen)
	age := int(c.day.Sub(first).Hours() / 24)
	ageText := plural(age, "day", "days") + " old"
	if !first.After(dayOf(c.h.WindowStart)) {
		ageText = "older than " + plural(age, "day", "days")
	}
	var last time.Time
	for _, d := range c.h.Token.Days {
		if d.Before(c.day) {
			last = d
		}
	}
	if age < d.MinAgeDays || last.IsZero() {
		return quiet(SigTokenAge, KindDeviation, "token %s", ageText)
	}
	if silent := int(c.day.Sub(last).Hours()/24) - 1; silent >= d.SilentDays {
		if c.dormant {
			return quiet(SigTokenAge, KindDeviation, "token %s, silent for %d days: weighed as a dormant key", ageText, silent)
		}
		return signal(SigTokenAge, KindDeviation, Fired, d.Weight, "token %s used again after %d silent days", ageText, silent)
	}
	return quiet(SigTokenAge, KindDeviation, "token %s, in regular use", ageText)
}

// appNetwork reports whether n is the app's own network: used by at least
// appPeers actors and by a good share of the app's actors, so that an
// attacker's network reused against a few victims of a popular app does not
// pass for the app's servers.
func (c *context) appNetwork(n uint64) bool {
	d := &c.p.Deviation.NewNetworkActor
	if c.h.App == nil {
		return false
	}
	peers := c.h.App.PeerNetworks[n]
	return peers >= d.AppPeers && float64(peers) >= d.AppPeerShare*float64(c.h.App.Actors)
}
