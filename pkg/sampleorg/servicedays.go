package sampleorg

import (
	"math/rand/v2"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// A service's day: its runs, each a burst of token work on sensitive data
// from the service's cloud address, four times the volume on month-end
// days.

const oktaSyncUA = "okta-sdk-python/2.9.5"

// oktaResetShare is the share of provisioning runs that also reset a
// leaver's MFA factors, which is what makes such a run an episode.
const oktaResetShare = 0.15

// resets reports whether run r of an Okta provisioning service on day
// resets factors. It is pure.
func (o *org) resets(s *service, day int64, r int) bool {
	return unit(o.hash(saltService^0x7273, s.key, uint64(day)<<4|uint64(r))) < oktaResetShare
}

func (g *generator) serviceDay(s *service, day int64) {
	runs := g.o.runsOn(s, day)
	if runs == 0 {
		return
	}
	rng := g.detail(s.key, day)
	base := time.Unix(day*86400, 0).UTC()
	for r := 0; r < runs; r++ {
		t := within(rng, base.Add(time.Duration(s.firstMin+r*s.every)*time.Minute), 0, 8*time.Minute)
		g.serviceRun(s, t, bulk(day), g.o.resets(s, day, r), rng)
	}
}

// serviceRun is one run of s at t with the given volume multiplier.
func (g *generator) serviceRun(s *service, t time.Time, mult int, reset bool, rng *rand.Rand) {
	step := func(lo, span time.Duration) { t = within(rng, t, lo, span) }
	switch s.kind {
	case svcDriveETL:
		for i := (15 + rng.IntN(30)) * mult; i > 0; i-- {
			g.keep(g.googleDriveBy(t, "download", s.actor, nil, g.anyDriveFile(rng), s.app, s.ip))
			step(time.Second, 9*time.Second)
		}
	case svcReports:
		sess := g.o.ids.uuid(nsSession, 5<<44|uint64(t.Unix()/86400)<<8|s.key&0xff)
		tok := g.o.mintToken(event.SourceMicrosoft)
		for i := (3 + rng.IntN(8)) * mult; i > 0; i-- {
			g.keep(g.m365FileByApp(t, s.actor, s.app, g.o.spFiles[rng.IntN(len(g.o.spFiles))], s.ip, tok, sess))
			step(time.Second, 15*time.Second)
		}
		for i := 2 + rng.IntN(5); i > 0; i-- {
			g.keep(g.m365MailRead(t, g.pickPerson(rng), s.app, s.ip, tok, sess))
			step(time.Second, 10*time.Second)
		}
	case svcDeployBot, svcReleasePAT:
		access := ghAppServer
		if s.kind == svcReleasePAT {
			access = ghPAT
		}
		for i := (3 + rng.IntN(8)) * mult; i > 0; i-- {
			a := g.githubRepoAct(t, "git.clone", s.actor, g.anyRepo(rng), access, s.app, s.ip)
			a.ua = "git/2.39.3"
			g.keep(a)
			step(2*time.Second, 40*time.Second)
		}
	case svcSlackBot:
		for i := 1 + rng.IntN(2)*mult; i > 0; i-- {
			a := slackByApp(g.slackAct(t, "file_downloaded", s.actor, s.ip, "Slack-API-Client/1.0"), s.app)
			a.target = g.anySlackFile(rng)
			g.keep(a)
			step(time.Second, 20*time.Second)
		}
	case svcOktaSync:
		for i := 2 + rng.IntN(5); i > 0; i-- {
			p := g.pickPerson(rng)
			tg := target{typ: "user", id: p.okta.id, name: p.okta.display, alt: p.email}
			g.keep(g.oktaAPITokenAct(t, "group.user_membership.add", s.actor, s.app, s.ip, oktaSyncUA, tg))
			step(time.Second, 5*time.Second)
			if reset && i == 1 {
				g.keep(g.oktaAPITokenAct(t, "user.mfa.factor.reset_all", s.actor, s.app, s.ip, oktaSyncUA, tg))
			}
		}
	}
}

// serviceEpisodes is how many episodes s makes on UTC day: one per run,
// except that a provisioning run is one only when it resets factors and a
// bot's hourly polls make one together. It is pure.
func (o *org) serviceEpisodes(s *service, day int64) int {
	runs := o.runsOn(s, day)
	switch {
	case runs == 0:
		return 0
	case s.kind == svcSlackBot:
		return 1
	case s.kind == svcOktaSync:
		n := 0
		for r := 0; r < runs; r++ {
			if o.resets(s, day, r) {
				n++
			}
		}
		return n
	}
	return runs
}
