package sampleorg

import (
	"fmt"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// Attackers do not all look alike. Each attack draws a style: the kind of
// network it comes from, whether it happens in the victim's working hours
// (where it may merge with the victim's own activity) or at night, whether
// it takes a lot or keeps its volume low, which user agent it shows (a
// tool's, or the stolen client's own), and whether the attacker first signs
// in as the victim with a phished session. No single one of these is
// reliable, which is the point: a score has to weigh them against the
// key's own history.

type style struct {
	net    int    // netHosting, netResidential or netVendorCloud
	ip     string // the attacker's address for this attack
	during bool   // inside the victim's (or the service's) usual hours
	modest bool   // a low volume, below the owner's own busy days
	ua     string // "" keeps the stolen client's own user agent
	signIn bool   // an interactive sign-in as the victim just before
}

var attackerUAs = []string{
	"python-requests/2.32.3", "Go-http-client/2.0", "curl/8.5.0",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36",
}

// drawStyle draws an attack style. signInShare is the chance of a phished
// interactive sign-in first (0 where the shape excludes one).
func (g *generator) drawStyle(signInShare float64) style {
	s := style{net: netHosting}
	switch x := g.pl.Float64(); {
	case x < 0.3:
		s.net = netResidential
	case x < 0.5:
		s.net = netVendorCloud
	}
	s.ip = attackerIP(s.net, g.pl.Uint64())
	s.during = g.pl.Float64() < 0.4
	s.modest = g.pl.Float64() < 0.35
	if g.pl.Float64() < 0.6 {
		s.ua = attackerUAs[g.pl.IntN(len(attackerUAs))]
	}
	s.signIn = g.pl.Float64() < signInShare
	return s
}

// volume is how many items an attack takes: lo..hi in bulk, a few when
// modest.
func (g *generator) volume(s style, lo, hi int) int {
	if s.modest {
		return 3 + g.pl.IntN(8)
	}
	return lo + g.pl.IntN(hi-lo+1)
}

// pace is the pause between two of an attack's items: scripts are fast,
// modest attacks slow down to blend in.
func (g *generator) pace(s style) time.Duration {
	if s.modest {
		return g.jitter(time.Minute, 7*time.Minute)
	}
	return g.jitter(2*time.Second, 25*time.Second)
}

// attackTime finds, from t's day on, a time in p's working hours (during)
// or in p's local night, inside the range.
func (g *generator) attackTime(p *person, t time.Time, during bool) time.Time {
	day := localDay(t)
	for d := day; d < day+4; d++ {
		pl := g.o.planFor(p, d)
		var at time.Time
		switch {
		case during && pl.works:
			at = pl.start.Add(g.jitter(30*time.Minute, max(pl.end.Sub(pl.start)-2*time.Hour, time.Minute)))
		case !during:
			at = midnight(d, pl.zone).Add(g.jitter(time.Hour, 4*time.Hour))
		default:
			continue
		}
		if c := g.clampPlant(at); c.Equal(at) {
			return at
		}
	}
	return g.clampPlant(t)
}

// phishedSignIn: the attacker, holding the victim's phished session, signs
// in to Okta and Microsoft 365 from their own network just before.
func (g *generator) phishedSignIn(p *person, t time.Time, s style) {
	t = t.Add(-g.jitter(3*time.Minute, 25*time.Minute))
	a := g.oktaAct(t, "user.session.start", &p.okta, s.ip, p.ua)
	a.auth, a.sess = event.AuthInteractive, g.oktaSession(p, t)
	g.keep(a)
	g.keep(g.m365SignIn(t.Add(g.jitter(30*time.Second, 2*time.Minute)), p, nil, s.ip))
}

// claimKey reserves an established key for one chain; it reports false
// when another chain already rides it.
func (g *generator) claimKey(actor, app string) bool {
	k := refKey{actor, app}
	if g.usedKeys == nil {
		g.usedKeys = map[refKey]bool{}
	}
	if g.usedKeys[k] {
		return false
	}
	g.usedKeys[k] = true
	return true
}

// describe writes a chain's note.
func (g *generator) describe(s style, what string, n int, at time.Time, p *person) {
	when := "off-hours"
	if s.during {
		when = "in working hours"
	}
	local := at.Add(localOffset)
	if p != nil {
		local = at.Add(g.o.planAt(p, at).zone)
	}
	ua := "the client's own user agent"
	if s.ua != "" {
		ua = s.ua
	}
	size := "bulk"
	if s.modest {
		size = "modest"
	}
	g.note = fmt.Sprintf("%s: %d items (%s) from %s %s, %s at %s local, %s", what, n, size, netName(s.net), prefix24(s.ip), when, local.Format("Mon 15:04"), ua)
	if s.signIn {
		g.note += ", after a phished sign-in"
	}
}
