package sampleorg

import (
	"math/rand/v2"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// A client's day. Sync clients poll through the person's working hours,
// from the day's network, with an access token refreshed every hour, and
// touch something sensitive at every poll, so a working day makes one
// episode: polls are never more than maxSpan apart.

// pollGap is the pause between two polls of a desktop client: always below
// maxSpan, so a day stays one episode.
func pollGap(rng *rand.Rand) time.Duration {
	return 25*time.Minute + time.Duration(rng.Int64N(int64(30*time.Minute)))
}

func (g *generator) clientDay(c *client, pl *dayPlan, sessions int) {
	rng := g.detail(c.key, pl.day)
	switch c.kind {
	case ckOutlook:
		g.outlookDay(c, pl, rng)
	case ckMobileMail:
		g.mobileDay(c, pl, sessions, rng)
	case ckDriveDesktop:
		g.driveDay(c, pl, rng)
	case ckSlackApp:
		g.slackAppDay(c, pl, rng)
	case ckGitHubOAuth, ckGitHubPAT:
		g.gitDay(c, pl, rng)
	default:
		g.adminSession(c, pl, rng)
	}
}

// m365Session is a client's Entra ID session id for a day.
func (g *generator) m365Session(c *client, day int64) string {
	return g.o.ids.uuid(nsSession, 3<<44|(c.key^uint64(day))&(1<<44-1))
}

// mailPoll is one sync of a mail client: MailItemsAccessed with
// MailAccessType Sync (bulk), delegated with the owner's token.
func (g *generator) mailPoll(t time.Time, c *client, ip, token, sess string) *act {
	a := g.m365MailRead(t, c.owner, c.app, ip, token, sess)
	a.ua = c.ua
	a.facts |= factBulk
	return a
}

// hourlyToken returns the access token in use at t, minting a new one when
// the hour changes: clients refresh their access token every hour.
type hourlyToken struct {
	hour int64
	id   string
}

func (h *hourlyToken) at(g *generator, t time.Time) string {
	if hr := t.Unix() / 3600; hr != h.hour || h.id == "" {
		h.hour, h.id = hr, g.o.mintToken(event.SourceMicrosoft)
	}
	return h.id
}

func (g *generator) outlookDay(c *client, pl *dayPlan, rng *rand.Rand) {
	sess := g.m365Session(c, pl.day)
	var tok hourlyToken
	for t := within(rng, pl.start, 3*time.Minute, 12*time.Minute); t.Before(pl.end); t = t.Add(pollGap(rng)) {
		for i := 1 + rng.IntN(2); i > 0; i-- {
			g.keep(g.mailPoll(t, c, pl.ip, tok.at(g, t), sess))
			t = t.Add(time.Duration(1+rng.IntN(20)) * time.Second)
		}
	}
}

// Mobile sessions start at these local minutes: the commute, lunch and the
// evening.
var mobileSlots = []int{7*60 + 10, 12*60 + 5, 19 * 60}

// mobileDay: the phone syncs mail in short sessions from a carrier network
// (or the trip's), at the local hours of wherever the person is.
func (g *generator) mobileDay(c *client, pl *dayPlan, sessions int, rng *rand.Rand) {
	mid := midnight(pl.day, pl.zone)
	sess := g.m365Session(c, pl.day)
	first := rng.IntN(len(mobileSlots))
	var tok hourlyToken
	for s := 0; s < sessions; s++ {
		slot := mobileSlots[(first+s*2)%len(mobileSlots)]
		t := within(rng, mid.Add(time.Duration(slot)*time.Minute), 0, 80*time.Minute)
		ip := g.o.mobileIP(c.owner, pl, uint64(s)+c.key)
		for i := 2 + rng.IntN(4); i > 0; i-- {
			g.keep(g.mailPoll(t, c, ip, tok.at(g, t), sess))
			t = t.Add(3*time.Minute + time.Duration(rng.Int64N(int64(9*time.Minute))))
		}
	}
}

// driveReauth is the chance that Drive for desktop asks its user to grant
// access again on a day (a new password, a new laptop, an expired grant):
// a fresh grant anchoring an ordinary day of an established client.
const driveReauth = 0.07

// driveDay: Drive for desktop syncs changed files (sync_item_content) and
// lists folders.
func (g *generator) driveDay(c *client, pl *dayPlan, rng *rand.Rand) {
	p := c.owner
	first := within(rng, pl.start, 5*time.Minute, 15*time.Minute)
	if rng.Float64() < driveReauth {
		g.keep(g.googleToken(first.Add(-time.Minute), "authorize", p, c.app, pl.ip))
	}
	for t := first; t.Before(pl.end); t = t.Add(pollGap(rng)) {
		if rng.IntN(2) == 0 {
			g.keep(g.googleDrive(t, "view", p, g.anyDriveFile(rng), c.app, pl.ip))
			t = t.Add(time.Duration(1+rng.IntN(5)) * time.Second)
		}
		for i := 1 + rng.IntN(2); i > 0; i-- {
			g.keep(g.googleDrive(t, "sync_item_content", p, g.anyDriveFile(rng), c.app, pl.ip))
			t = t.Add(time.Duration(1+rng.IntN(10)) * time.Second)
		}
	}
}

// slackAppDay: a Slack app fetches shared files with the person's token.
func (g *generator) slackAppDay(c *client, pl *dayPlan, rng *rand.Rand) {
	for t := within(rng, pl.start, 10*time.Minute, 20*time.Minute); t.Before(pl.end); t = t.Add(pollGap(rng)) {
		for i := 1 + rng.IntN(2); i > 0; i-- {
			g.keep(g.slackFileDownload(t, c.owner, g.anySlackFile(rng), c.app, pl.ip))
			t = t.Add(time.Duration(1+rng.IntN(30)) * time.Second)
		}
	}
}

// gitDay: a developer's token fetches all day, pushes now and then, and in
// one block of the day clones private repositories (a new worktree, a
// dependency, a review).
func (g *generator) gitDay(c *client, pl *dayPlan, rng *rand.Rand) {
	access := ghOAuth
	if c.kind == ckGitHubPAT {
		access = ghPAT
	}
	polls := int(pl.end.Sub(pl.start) / (40 * time.Minute))
	block := rng.IntN(max(polls-2, 1))
	blockLen := 1 + rng.IntN(3)
	i := 0
	for t := within(rng, pl.start, 5*time.Minute, 20*time.Minute); t.Before(pl.end); t = t.Add(pollGap(rng)) {
		r := g.anyRepo(rng)
		g.keep(g.gitAct(t, "git.fetch", c, r, access, pl.ip))
		if i >= block && i < block+blockLen {
			for n := 1 + rng.IntN(2); n > 0; n-- {
				t = t.Add(time.Duration(5+rng.IntN(60)) * time.Second)
				g.keep(g.gitAct(t, "git.clone", c, g.anyRepo(rng), access, pl.ip))
			}
		}
		if rng.IntN(4) == 0 {
			g.keep(g.gitAct(t.Add(time.Duration(1+rng.IntN(5))*time.Minute), "git.push", c, r, access, pl.ip))
		}
		i++
	}
}

// gitAct is a git operation of a person's token client.
func (g *generator) gitAct(t time.Time, action string, c *client, r repo, access, ip string) *act {
	a := g.githubRepoAct(t, action, &c.owner.github, r, access, c.app, ip)
	a.token, a.ua = c.tokenAt(t), c.ua
	return a
}

// morningSignIn: the person signs in to Okta, opens apps by SSO, and each
// vendor records its own sign-in minutes later (GitHub has none).
func (g *generator) morningSignIn(p *person, pl *dayPlan) {
	rng := g.detail(p.habits.key^0x5349, pl.day)
	t := pl.start.Add(-time.Duration(2+rng.IntN(14)) * time.Minute)
	if t.Before(pl.anchor) {
		t = pl.anchor
	}
	g.oktaSignIn(t, p, pl.ip, rng)
	if rng.IntN(8) != 0 {
		g.keep(g.m365SignIn(within(rng, t, time.Minute, 6*time.Minute), p, nil, pl.ip))
	}
	if rng.IntN(8) != 0 {
		g.keep(g.googleLogin(within(rng, t, time.Minute, 9*time.Minute), p, pl.ip))
	}
	if rng.IntN(8) != 0 {
		g.keep(g.slackLogin(within(rng, t, time.Minute, 12*time.Minute), p, pl.ip))
	}
}
