package sampleorg

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// Newly consented legitimate apps. Through the data, people consent to new
// apps (a fresh grant), which then read modest amounts of data from their
// vendor's cloud: right after the consent and on some later workdays. Some
// are adopted by colleagues over the following days, some stay with one
// person, a few are removed again. A fresh grant of a new app followed by
// reads is exactly what an illicit consent looks like, so these are the
// look-alikes of the fresh-app attacks.

type newApp struct {
	app      *app
	birth    int64 // UTC day of the first consent
	adopters []adoption
	key      uint64
	hour     int // the vendor's sync hour (UTC)
}

type adoption struct {
	p      *person
	day    int64  // UTC day of the consent
	revoke int64  // UTC day it is removed again, 0 for never
	token  string // GitHub: the OAuth token the app holds for this person
}

var newAppNames = map[string][]string{
	event.SourceMicrosoft: {"Inbox Insights", "MailMerge Pro", "Meeting Minutes AI", "Contract Tracker", "CRM Mail Sync"},
	event.SourceGoogle:    {"Drive Analytics", "Doc Templates Plus", "Sheets Connector", "Slide Library", "File Finder"},
	event.SourceSlack:     {"Poll Party", "Files to Wiki", "Retro Board", "Kudos Files"},
	event.SourceGitHub:    {"Repo Insights", "Coverage Cloud", "Dependency Watch", "PR Reviewer AI"},
}

var newAppScopes = map[string][]string{
	event.SourceMicrosoft: {"openid", "offline_access", "User.Read", "Mail.Read"},
	event.SourceGoogle:    {"openid", "https://www.googleapis.com/auth/drive.readonly"},
	event.SourceSlack:     {"files:read", "channels:read", "commands"},
	event.SourceGitHub:    {"repo", "read:org"},
}

var newAppSources = []string{event.SourceMicrosoft, event.SourceMicrosoft, event.SourceGoogle, event.SourceGoogle, event.SourceSlack, event.SourceGitHub}

// newAppUse is the chance that an adopted app syncs on a later workday.
const newAppUse = 0.13

func (o *org) buildNewApps(rng *rand.Rand) {
	first, last := utcDay(o.cfg.start()), utcDay(o.cfg.End.Add(-time.Second))
	span := last - first + 1
	n := int(math.Round(o.cfg.Realism.NewAppsPer100 * float64(len(o.people)) / 100 * float64(span) / 30))
	for i := 0; i < n; i++ {
		src := newAppSources[rng.IntN(len(newAppSources))]
		names := newAppNames[src]
		name := names[rng.IntN(len(names))] + suffix(rng.IntN(4))
		na := &newApp{app: o.newApp(src, name, classBackground, newAppScopes[src]), birth: first + rng.Int64N(span),
			key: splitmix(o.ids.key ^ 0x6e6577 ^ uint64(i)<<24), hour: rng.IntN(24)}
		na.app.cloud = uint64(rng.IntN(256))
		na.adopters = append(na.adopters, o.adopt(na, o.people[rng.IntN(len(o.people))], na.birth, rng))
		if rng.IntN(2) == 0 {
			for k := 1 + rng.IntN(6); k > 0; k-- {
				p := o.people[rng.IntN(len(o.people))]
				if !na.adoptedBy(p) {
					na.adopters = append(na.adopters, o.adopt(na, p, na.birth+1+rng.Int64N(10), rng))
				}
			}
		}
		o.newApps = append(o.newApps, na)
	}
}

func (o *org) adopt(na *newApp, p *person, day int64, rng *rand.Rand) adoption {
	a := adoption{p: p, day: day}
	if rng.IntN(7) == 0 {
		a.revoke = day + 2 + rng.Int64N(10)
	}
	if na.app.source == event.SourceGitHub {
		a.token = o.mintToken(event.SourceGitHub)
	}
	return a
}

func (na *newApp) adoptedBy(p *person) bool {
	for _, a := range na.adopters {
		if a.p == p {
			return true
		}
	}
	return false
}

// syncs reports whether the app syncs for adoption a on UTC day (a later
// workday, not removed). It is pure.
func (o *org) syncs(na *newApp, a *adoption, day int64) bool {
	if day <= a.day || (a.revoke != 0 && day >= a.revoke) || isWeekend(weekdayOf(day)) {
		return false
	}
	u := unit(o.hash(saltNewApp, na.key^a.p.habits.key, uint64(day)))
	return u < newAppUse*o.scale
}

func (g *generator) newAppDay(na *newApp, day int64) {
	base := time.Unix(day*86400, 0).UTC()
	for i := range na.adopters {
		a := &na.adopters[i]
		rng := g.detail(na.key^a.p.habits.key, day)
		switch {
		case day == a.day:
			pl := g.o.plan(a.p, localDay(base.Add(16*time.Hour)))
			t := within(rng, pl.start, 20*time.Minute, max(pl.end.Sub(pl.start)-time.Hour, time.Minute))
			if t.Before(base) {
				t = base
			}
			g.keep(g.consent(t, na.app, a, pl.ip))
			g.appReads(within(rng, t, time.Minute, 14*time.Minute), na, a, 2+rng.IntN(7), rng)
		case day == a.revoke:
			pl := g.o.plan(a.p, localDay(base.Add(16*time.Hour)))
			g.keep(g.removal(within(rng, base.Add(16*time.Hour), 0, 4*time.Hour), na.app, a.p, pl.ip))
		case g.o.syncs(na, a, day):
			g.appReads(within(rng, base.Add(time.Duration(na.hour)*time.Hour), 0, 50*time.Minute), na, a, 2+rng.IntN(5), rng)
		}
	}
}

// appReads: the app reads n items for the adopter from its vendor's cloud.
func (g *generator) appReads(t time.Time, na *newApp, a *adoption, n int, rng *rand.Rand) {
	ip := vendorCloudIP(na.app.cloud, rng.Uint64())
	tok := ""
	if na.app.source == event.SourceMicrosoft {
		tok = g.o.mintToken(event.SourceMicrosoft)
	}
	for ; n > 0; n-- {
		var x *act
		switch na.app.source {
		case event.SourceMicrosoft:
			x = g.m365MailRead(t, a.p, na.app, ip, tok, "")
		case event.SourceGoogle:
			x = g.googleDrive(t, "download", a.p, g.anyDriveFile(rng), na.app, ip)
		case event.SourceSlack:
			x = g.slackFileDownload(t, a.p, g.anySlackFile(rng), na.app, ip)
		default:
			x = g.githubRepoAct(t, "git.clone", &a.p.github, g.anyRepo(rng), ghOAuth, na.app, ip)
			x.token, x.ua = a.token, "Go-http-client/2.0"
		}
		g.keep(x)
		t = within(rng, t, 20*time.Second, 4*time.Minute)
	}
}

// consent is the fresh grant of an app by a person, in the vendor's terms.
// M365 logs a consent and a permission grant; the second is returned after
// the first is kept.
func (g *generator) consent(t time.Time, app *app, a *adoption, ip string) *act {
	p := a.p
	switch app.source {
	case event.SourceMicrosoft:
		g.keep(g.m365Grant(t, "Consent to application.", p, app, ip))
		return g.m365Grant(t.Add(2*time.Second), "Add delegated permission grant.", p, app, ip)
	case event.SourceGoogle:
		return g.googleToken(t, "authorize", p, app, ip)
	case event.SourceSlack:
		return g.slackApp(t, "app_installed", p, app, app.scopes, ip)
	}
	x := g.githubOAuth(t, "oauth_authorization.create", p, app, ip)
	x.token = a.token
	return x
}

// removal is a person removing an app's grant.
func (g *generator) removal(t time.Time, app *app, p *person, ip string) *act {
	switch app.source {
	case event.SourceMicrosoft:
		return g.m365Grant(t, "Remove delegated permission grant.", p, app, ip)
	case event.SourceGoogle:
		return g.googleToken(t, "revoke", p, app, ip)
	case event.SourceSlack:
		return g.slackApp(t, "app_uninstalled", p, app, app.scopes, ip)
	}
	return g.githubOAuth(t, "oauth_authorization.destroy", p, app, ip)
}

// newAppEpisodes is how many episodes na makes on UTC day. It is pure.
func (o *org) newAppEpisodes(na *newApp, day int64) int {
	n := 0
	for i := range na.adopters {
		a := &na.adopters[i]
		if day == a.day || o.syncs(na, a, day) {
			n++
		}
	}
	return n
}
