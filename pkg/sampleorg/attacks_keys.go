package sampleorg

import (
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// Attacks on established keys: a token the victim's own software has used
// every day (or used long ago) is used by somebody else. The key's history
// is clean; only behaviour against that history gives them away.

// pickClient picks an unclaimed client among candidates, or any when all
// are claimed.
func (g *generator) pickClient(cands []*client) *client {
	if len(cands) == 0 {
		return nil
	}
	off := g.pl.IntN(len(cands))
	for i := range cands {
		c := cands[(off+i)%len(cands)]
		if g.claimKey(c.owner.in(c.kind.source()).id, c.appID()) {
			return c
		}
	}
	return cands[off]
}

func active(cs []*client) []*client {
	var out []*client
	for _, c := range cs {
		if c.lastDay == 0 {
			out = append(out, c)
		}
	}
	return out
}

// plantStolenSyncToken: the refresh token of a sync client (desktop or
// mobile mail, Drive for desktop, a Slack app) is stolen from the victim's
// machine and used from the attacker's network, with no sign-in.
func (g *generator) plantStolenSyncToken(t time.Time) (*act, []*act) {
	kinds := []clientKind{ckOutlook, ckOutlook, ckMobileMail, ckDriveDesktop, ckDriveDesktop, ckSlackApp}
	var cands []*client
	for k := g.pl.IntN(len(kinds)); len(cands) == 0; k++ {
		cands = active(g.o.byKind[kinds[k%len(kinds)]])
	}
	c := g.pickClient(cands)
	s := g.drawStyle(0.15)
	t = g.attackTime(c.owner, t, s.during)
	n := g.volume(s, 25, 150)
	key, acts := g.clientTheft(c, t, s, n)
	g.established = true
	g.describe(s, "stolen "+clientKindNames[c.kind]+" token of "+c.owner.email, n, t, c.owner)
	return key, acts
}

// clientTheft is n sensitive reads through client c by an attacker.
func (g *generator) clientTheft(c *client, t time.Time, s style, n int) (*act, []*act) {
	mark := len(g.planted)
	if s.signIn {
		g.phishedSignIn(c.owner, t, s)
	}
	p := c.owner
	var key *act
	tok := g.o.mintToken(event.SourceMicrosoft)
	sess := g.m365Session(c, localDay(t)-1-int64(g.pl.IntN(20))) // the session the refresh token came from
	for i := 0; i < n; i++ {
		var a *act
		switch c.kind {
		case ckOutlook, ckMobileMail:
			a = g.mailPoll(t, c, s.ip, tok, sess)
			if s.ua != "" {
				a.ua, a.facts = s.ua, factMailbox // a script binds items one by one
			}
		case ckDriveDesktop:
			name := "download" // a script on the Drive API
			switch {
			case s.ua == "": // the stolen client itself, or a faithful copy of it
				name = "sync_item_content"
			case g.pl.IntN(8) == 0:
				name = "copy"
			}
			a = g.googleDrive(t, name, p, g.anyDriveFile(g.pl), c.app, s.ip)
		case ckSlackApp:
			a = g.slackFileDownload(t, p, g.anySlackFile(g.pl), c.app, s.ip)
			if s.ua != "" {
				a.ua = s.ua
			}
		default: // a GitHub token
			action := "git.clone"
			if g.pl.IntN(5) == 0 {
				action = "repo.download_zip"
			}
			access := ghOAuth
			if c.kind == ckGitHubPAT {
				access = ghPAT
			}
			a = g.gitAct(t, action, c, g.o.repos[g.pl.IntN(len(g.o.repos))], access, s.ip)
			if s.ua != "" {
				a.ua = s.ua
			}
		}
		g.keep(a)
		if key == nil {
			key = a
		}
		t = t.Add(g.pace(s))
	}
	return key, g.since(mark)
}

// plantOldPAT: a developer's months-old classic PAT, in daily use from
// their own machine, clones private repositories from a new network.
func (g *generator) plantOldPAT(t time.Time) (*act, []*act) {
	var cands []*client
	for _, c := range active(g.o.byKind[ckGitHubPAT]) {
		if c.rotated == 0 {
			cands = append(cands, c)
		}
	}
	if len(cands) == 0 {
		cands = active(g.o.byKind[ckGitHubPAT])
	}
	c := g.pickClient(cands)
	s := g.drawStyle(0)
	t = g.attackTime(c.owner, t, s.during)
	n := g.volume(s, 15, 60)
	key, acts := g.clientTheft(c, t, s, n)
	g.established = true
	g.describe(s, "months-old PAT of "+c.owner.github.name+" cloning private repositories", n, t, c.owner)
	return key, acts
}

// plantDormant: a key that was busy in the first days of the history and
// silent since (an abandoned laptop's Drive client, a finished project's
// PAT, a retired integration) is used again.
func (g *generator) plantDormant(t time.Time) (*act, []*act) {
	s := g.drawStyle(0.1)
	var legacy *service
	for _, sv := range g.o.services {
		if sv.lastDay != 0 {
			legacy = sv
		}
	}
	if legacy != nil && g.pl.IntN(len(g.o.dormant)+1) == 0 && g.claimKey(legacy.actor.id, legacy.appID()) {
		t = g.clampPlant(t)
		n := g.volume(s, 30, 150)
		key, acts := g.serviceTheft(legacy, t, s, n)
		g.established = true
		g.describe(s, "retired integration "+legacy.name+" reactivated", n, t, nil)
		return key, acts
	}
	c := g.pickClient(g.o.dormant)
	t = g.attackTime(c.owner, t, s.during)
	n := g.volume(s, 20, 80)
	key, acts := g.clientTheft(c, t, s, n)
	g.established = true
	g.describe(s, "dormant "+clientKindNames[c.kind]+" of "+c.owner.email+" reactivated", n, t, c.owner)
	return key, acts
}
