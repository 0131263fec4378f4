package sampleorg

import (
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// Clients: the token-based software people and admins run every day. A
// client is one person's use of one app (or of one bare token), which is
// one (actor_id, app_id) key of the detector. Sync clients read mail, files
// and repositories all day and are the largest class of benign AN0020
// episodes; admin tools change security settings as routine.

type clientKind uint8

const (
	ckOutlook      clientKind = iota // desktop mail: Microsoft Outlook, delegated OAuth
	ckMobileMail                     // iOS Mail (Apple Internet Accounts) from carrier networks
	ckDriveDesktop                   // Google Drive for desktop
	ckSlackApp                       // a Slack app downloading files with the user's token
	ckGitHubOAuth                    // the gh CLI's or GitHub Desktop's OAuth token
	ckGitHubPAT                      // a classic personal access token
	ckGAM                            // admin tool: GAM, a Google OAuth client
	ckEXO                            // admin tool: Exchange Online PowerShell
	ckGhAdmin                        // admin tool: gh for repository settings
	ckOktaScript                     // admin tool: a script with the admin's SSWS API token
	clientKinds
)

var clientKindNames = [clientKinds]string{"Outlook", "mobile mail", "Drive for desktop", "Slack app",
	"GitHub OAuth client", "classic PAT", "GAM", "Exchange Online PowerShell", "gh", "Okta API-token script"}

func (k clientKind) source() string {
	switch k {
	case ckOutlook, ckMobileMail, ckEXO:
		return event.SourceMicrosoft
	case ckDriveDesktop, ckGAM:
		return event.SourceGoogle
	case ckSlackApp:
		return event.SourceSlack
	case ckOktaScript:
		return event.SourceOkta
	}
	return event.SourceGitHub
}

func (k clientKind) adminTool() bool { return k >= ckGAM }

// client is one person's use of one app or bare token.
type client struct {
	kind  clientKind
	owner *person
	app   *app   // the OAuth client; for a bare token an app that only holds tokenID
	token string // GitHub OAuth token or PAT id; for Okta the API token id
	key   uint64 // hash key
	// lastDay, when set, is the local day after which the client falls
	// silent: a dormant key, active early in the history only.
	lastDay int64
	// rotated, when set, is the local day a PAT was replaced by a new one:
	// prevToken before it, token from then on. A rotated PAT is a new app
	// to a baseline, used from the owner's usual networks and hours.
	rotated   int64
	prevToken string
	ua        string
}

// tokenAt is the token the client holds at t.
func (c *client) tokenAt(t time.Time) string {
	if c.rotated != 0 && localDay(t) < c.rotated {
		return c.prevToken
	}
	return c.token
}

// appID is the client's app_id as normalized: the token for a bare token.
func (c *client) appID() string {
	if c.kind == ckGitHubPAT || c.kind == ckOktaScript {
		return c.token
	}
	return c.app.id
}

// Well-known public client ids, so the data looks like a real tenant's.
// pkg/normalize treats none of them as Microsoft's interactive first-party
// clients, so their mail reads are delegated OAuth, which is what a stolen
// refresh token of the same client looks like too.
const (
	outlookAppID    = "5d661950-3475-41cd-a2c3-d671a3162bc1" // Microsoft Outlook
	appleMailAppID  = "f8d98a96-0999-43f5-8af3-69971c7bb423" // iOS Accounts (Apple Internet Accounts)
	exoPowerShellID = "fb78d390-0c51-40cd-8e17-fdbfab77341b" // Microsoft Exchange REST API Based Powershell
	driveDesktopID  = "947318989803-6bn6qk8qdgf4n4g3pfee6491hc0brc4i.apps.googleusercontent.com"
)

// syncApps are the shared apps behind people's clients, by kind.
type syncApps struct {
	outlook, appleMail, exo, drive, gam, ghCLI, ghDesktop *app
	slack                                                 []*app
}

// patRotation is the share of classic PATs replaced during the data.
const patRotation = 0.3

var slackAppNames = []string{"NoteNest", "FileBridge", "FlowZap"}

func (o *org) buildSyncApps() {
	s := &o.sync
	s.outlook = o.newApp(event.SourceMicrosoft, "Microsoft Outlook", classBackground, []string{"Mail.ReadWrite", "offline_access"})
	s.outlook.id = outlookAppID
	s.appleMail = o.newApp(event.SourceMicrosoft, "iOS Accounts", classBackground, []string{"EAS.AccessAsUser.All", "offline_access"})
	s.appleMail.id = appleMailAppID
	s.exo = o.newApp(event.SourceMicrosoft, "Microsoft Exchange REST API Based Powershell", classBackground, nil)
	s.exo.id = exoPowerShellID
	s.drive = o.newApp(event.SourceGoogle, "Google Drive for desktop", classBackground, []string{"https://www.googleapis.com/auth/drive"})
	s.drive.id = driveDesktopID
	s.gam = o.newApp(event.SourceGoogle, "GAM", classBackground, []string{"https://www.googleapis.com/auth/admin.directory.user"})
	s.ghCLI = o.newApp(event.SourceGitHub, "GitHub CLI", classBackground, []string{"repo", "read:org", "gist"})
	s.ghDesktop = o.newApp(event.SourceGitHub, "GitHub Desktop", classBackground, []string{"repo", "user", "workflow"})
	for _, n := range slackAppNames {
		s.slack = append(s.slack, o.newApp(event.SourceSlack, n, classBackground, []string{"files:read", "channels:history", "users:read"}))
	}
}

// buildClients gives people their clients and admins their tools, by the
// Realism rates, then makes sure every kind has a user so that every kind
// of act is rendered at every size.
func (o *org) buildClients(rng *rand.Rand) {
	r := o.cfg.Realism
	for _, p := range o.people {
		if rng.Float64() < r.SyncClients {
			first := pickKind(rng)
			o.addClient(p, first, rng)
			if rng.IntN(4) == 0 {
				if second := pickKind(rng); second != first {
					o.addClient(p, second, rng)
				}
			}
			if rng.Float64() < r.MobileMail {
				o.addClient(p, ckMobileMail, rng)
			}
		}
		if p.dev && rng.Float64() < r.DevTokens {
			k := ckGitHubOAuth
			if rng.Float64() < 0.4 {
				k = ckGitHubPAT
			}
			o.addClient(p, k, rng)
		}
		if p.admin {
			for k := ckGAM; k < clientKinds; k++ {
				if rng.IntN(2) == 0 {
					o.addClient(p, k, rng)
				}
			}
		}
	}
	for k := range clientKinds {
		if len(o.byKind[k]) > 0 {
			continue
		}
		pool := o.people
		switch {
		case k == ckGitHubOAuth || k == ckGitHubPAT:
			pool = o.devs
		case k.adminTool():
			pool = o.admins
		}
		o.addClient(pool[rng.IntN(len(pool))], k, rng)
	}
	o.buildDormantClients(rng)
}

// pickKind picks a person's primary sync client: desktop mail is the most
// common, then Drive for desktop, then a Slack app.
func pickKind(rng *rand.Rand) clientKind {
	switch x := rng.Float64(); {
	case x < 0.5:
		return ckOutlook
	case x < 0.85:
		return ckDriveDesktop
	}
	return ckSlackApp
}

func (o *org) addClient(p *person, k clientKind, rng *rand.Rand) *client {
	c := &client{kind: k, owner: p, key: splitmix(p.habits.key ^ uint64(k)<<56 ^ uint64(len(p.clients))<<48)}
	s := &o.sync
	switch k {
	case ckOutlook:
		c.app, c.ua = s.outlook, "Client=MSExchangeRPC"
	case ckMobileMail:
		c.app, c.ua = s.appleMail, "Client=ActiveSync;UserAgent=Apple-iPhone15C2/2105.79"
	case ckEXO:
		c.app = s.exo
	case ckDriveDesktop:
		c.app = s.drive
	case ckGAM:
		c.app = s.gam
	case ckSlackApp:
		c.app, c.ua = s.slack[rng.IntN(len(s.slack))], "Slack-API-Client/1.0"
	case ckGitHubOAuth, ckGhAdmin:
		c.app, c.ua = s.ghCLI, "git/2.45.2"
		if k == ckGitHubOAuth && rng.IntN(3) == 0 {
			c.app, c.ua = s.ghDesktop, "git/2.45.2 (GitHub Desktop 3.4.2)"
		}
		c.token = o.mintToken(event.SourceGitHub)
	case ckGitHubPAT:
		c.app, c.ua = &app{source: event.SourceGitHub, class: classBackground}, "git/2.43.0"
		c.token = o.mintToken(event.SourceGitHub)
		c.app.tokenID = c.token
		if rng.Float64() < patRotation {
			first := localDay(o.cfg.start())
			c.prevToken, c.rotated = c.token, first+1+rng.Int64N(int64(o.cfg.Days+o.cfg.history()))
			c.token = o.mintToken(event.SourceGitHub)
		}
	case ckOktaScript:
		c.token = o.mintToken(event.SourceOkta)
		c.app, c.ua = &app{source: event.SourceOkta, class: classBackground, tokenID: c.token, name: "admin script"}, scriptUA
	}
	p.clients = append(p.clients, c)
	o.byKind[k] = append(o.byKind[k], c)
	return c
}

// buildDormantClients gives a few people a second token that was used for
// a few days at the start of the data and then abandoned: an old laptop's
// Drive client, a PAT of a finished project. They are what a dormant key
// looks like before an attacker finds it (ShapeDormantKey).
func (o *org) buildDormantClients(rng *rand.Rand) {
	first := localDay(o.cfg.start())
	active := int64(max(1, min(8, o.cfg.history()/4)))
	n := max(3, len(o.people)/40)
	for i := 0; i < n; i++ {
		var c *client
		if i%2 == 0 {
			c = o.addClient(o.devs[rng.IntN(len(o.devs))], ckGitHubPAT, rng)
		} else {
			c = o.addClient(o.people[rng.IntN(len(o.people))], ckDriveDesktop, rng)
		}
		c.lastDay = first + 1 + rng.Int64N(active)
		o.dormant = append(o.dormant, c)
	}
}

func uitoa(n uint64) string { return strconv.FormatUint(n, 10) }

// mintToken mints a token id in the vendor's format, unique in the org.
func (o *org) mintToken(source string) string {
	o.nextObject++
	n := o.nextObject
	switch source {
	case event.SourceOkta:
		return o.ids.okta("00T", nsToken, n)
	case event.SourceGitHub:
		return uitoa(9_000_000 + mixBits(n^o.ids.key, 22))
	default:
		return o.ids.uuid(nsToken, n)
	}
}
