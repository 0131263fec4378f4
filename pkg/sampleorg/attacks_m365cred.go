package sampleorg

import (
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// plantM365AppCredential is issue 7's Microsoft 365 chain: a user is led to
// grant Mail.ReadWrite to an app, a secret is added to the app, and mail
// is read through Graph minutes later with the user's delegated token. The
// attacker never signs in.
func (g *generator) plantM365AppCredential(t time.Time) (*act, []*act) {
	p := g.victim(false)
	s := g.drawStyle(0)
	t = g.attackTime(p, t, true) // the victim consents while at work
	app := g.attackerApp(event.SourceMicrosoft, []string{"openid", "offline_access", "User.Read", "Mail.ReadWrite"})
	ip := g.o.ipAt(p, t)
	mark := len(g.planted)
	key := g.m365Grant(t, "Consent to application.", p, app, ip)
	g.keep(key)
	g.keep(g.m365Grant(t.Add(g.jitter(time.Second, 3*time.Second)), "Add delegated permission grant.", p, app, ip))
	t = t.Add(g.jitter(time.Minute, 5*time.Minute))
	cred := g.m365Act(t, "Add service principal credentials.", &p.m365, s.ip)
	cred.app, cred.ua = app, attackerUAs[g.pl.IntN(len(attackerUAs))]
	cred.token = g.o.mintToken(event.SourceMicrosoft)
	cred.detail = "automation"
	cred.target = target{typ: "app", id: app.objectID, name: app.name}
	g.keep(cred)
	t = t.Add(g.jitter(2*time.Minute, 12*time.Minute))
	n := g.volume(s, 15, 80)
	tok := g.o.mintToken(event.SourceMicrosoft)
	for i := 0; i < n; i++ {
		g.keep(g.m365MailRead(t, p, app, s.ip, tok, ""))
		t = t.Add(g.pace(s))
	}
	g.describe(s, "Mail.ReadWrite consent, app secret added, Graph mail reads", n, key.t, p)
	return key, g.since(mark)
}
