package sampleorg

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// person is one employee with an account in every vendor.
type person struct {
	idx         int
	first, last string
	login       string // local part of the e-mail address
	email       string
	admin, dev  bool
	homeIP, ua  string
	habits      habits
	plans       [4]dayPlan // cache of recent day plans, by day&3
	clients     []*client  // sync clients and admin tools

	okta, google, m365, github, slack identity

	m365ObjectID string // Entra ID object id, used in directory audit records
	mailboxGUID  string // Exchange mailbox id, the target of mail reads
	githubID     int64
	googleID     string // Reports API actor.profileId
}

func (p *person) in(source string) *identity {
	switch source {
	case event.SourceOkta:
		return &p.okta
	case event.SourceGoogle:
		return &p.google
	case event.SourceMicrosoft:
		return &p.m365
	case event.SourceGitHub:
		return &p.github
	default:
		return &p.slack
	}
}

// appClass says how an app behaves and whether it is trusted.
type appClass int

const (
	classAutomation appClass = iota // approved, does steady bulk token work
	classThirdParty                 // consented by users, harmless, never approved
	classPlanted                    // belongs to one planted chain or look-alike
	classBackground                 // unapproved but benign: sync clients, services, admin tools, new apps
)

// app is an OAuth client, API token holder or integration in one vendor.
type app struct {
	source   string
	id, name string // app_id and app_name as normalized
	class    appClass
	scopes   []string
	objectID string    // M365 service principal object id
	numID    int64     // GitHub OAuth app or GitHub App id
	actor    *identity // the service identity automation acts as, if its own
	tokenID  string    // the API token or PAT id, for apps that are a bare token
	dwd      bool      // a Google client that impersonates users (domain-wide delegation)
	cloud    uint64    // the vendor cloud its servers call from (third-party apps)
}

func (a *app) approved() bool { return a.class == classAutomation }

// repo is a GitHub repository of the organisation.
type repo struct {
	name    string // org/name
	id      int64
	private bool
}

// org is the synthetic organisation: people, apps and the things they touch.
// It is built once per Generate call and never changes afterwards.
type org struct {
	cfg    Config
	ids    ids
	domain string

	people []*person
	admins []*person
	devs   []*person

	tenantGoogle, tenantM365, tenantGitHub, tenantSlack, oktaHost string

	automation   map[string]*app   // by source: the approved automation app
	thirdParty   map[string][]*app // by source: harmless third-party apps
	oktaSSO      []*app            // apps users sign in to through Okta
	officePortal *app              // Microsoft's own client of browser sign-ins
	oktaRules    []target          // sign-on and MFA policy rules
	repos        []repo
	driveFiles   []target
	spFiles      []target
	slackFiles   []target

	officeIPs, cloudIPs []string

	sync     syncApps
	byKind   [clientKinds][]*client
	dormant  []*client  // keys active only early in the history
	services []*service // unapproved automation
	newApps  []*newApp  // legitimate apps consented during the data
	// scale thins routine activity at small sizes: the share of person-days
	// and runs that happen, so that routines never outgrow the event budget.
	scale float64

	nextApp, nextObject uint64
}

// peopleFor scales the head count with the data size: a few hundred people
// at demo sizes, growing slowly so per-person activity stays plausible.
func peopleFor(events int) int {
	return 120 + int(40*math.Log2(float64(events)/MinEvents))
}

func newOrg(cfg Config, rng *rand.Rand) *org {
	o := &org{
		cfg:        cfg,
		ids:        newIDs(cfg.Seed),
		domain:     cfg.Tenant + ".example.com",
		automation: map[string]*app{},
		thirdParty: map[string][]*app{},
	}
	o.tenantGoogle = "C0" + strings.ToLower(o.ids.upperAlnum("", nsTenant, 1)[:7])
	o.tenantM365 = o.ids.uuid(nsTenant, 2)
	o.tenantGitHub = cfg.Tenant
	o.tenantSlack = o.ids.upperAlnum("T", nsTenant, 3)
	o.oktaHost = cfg.Tenant + ".okta.com"
	for i := 10; i < 40; i++ {
		o.officeIPs = append(o.officeIPs, "203.0.113."+strconv.Itoa(i))
	}
	for i := uint64(0); i < 20; i++ {
		o.cloudIPs = append(o.cloudIPs, orgCloudIP(200+i))
	}
	o.buildPeople(rng, peopleFor(cfg.Events))
	o.buildResources(rng)
	o.buildApps()
	o.buildSyncApps()
	o.buildClients(rng)
	o.buildServices(rng)
	o.buildNewApps(rng)
	o.scale = o.routineScale()
	return o
}

var userAgents = []string{
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0",
	"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
}

func (o *org) buildPeople(rng *rand.Rand, n int) {
	seen := map[string]int{}
	for i := 0; i < n; i++ {
		p := &person{idx: i, first: firstNames[rng.IntN(len(firstNames))], last: lastNames[rng.IntN(len(lastNames))]}
		login := strings.ToLower(p.first + "." + p.last)
		if k := seen[login]; k > 0 {
			seen[login] = k + 1
			login += strconv.Itoa(k + 1)
		} else {
			seen[login] = 1
		}
		p.login = login
		p.email = login + "@" + o.domain
		p.admin = i%20 == 0 // one in twenty, at least six at the smallest size
		p.dev = !p.admin && i%3 == 1
		p.ua = userAgents[rng.IntN(len(userAgents))]
		o.buildHabits(p, rng)
		p.m365ObjectID = o.ids.uuid(nsUser, uint64(i)<<3|1)
		p.mailboxGUID = o.ids.uuid(nsUser, uint64(i)<<3|6)
		p.githubID = 1_000_000 + int64(mixBits(uint64(i)^o.ids.key, 26))
		p.googleID = o.ids.digits21(nsUser, uint64(i))
		display := p.first + " " + p.last
		ghLogin := strings.ToLower(p.first[:1]+p.last) + "-" + o.cfg.Tenant
		if k := seen["gh:"+ghLogin]; k > 0 {
			seen["gh:"+ghLogin] = k + 1
			ghLogin += strconv.Itoa(k + 1)
		} else {
			seen["gh:"+ghLogin] = 1
		}
		p.okta = identity{id: o.ids.okta("00u", nsUser, uint64(i)<<3|4), email: p.email, display: display, person: p}
		p.google = identity{id: p.googleID, email: p.email, display: display, person: p}
		p.m365 = identity{id: p.email, email: p.email, display: display, person: p}
		p.github = identity{id: strconv.FormatInt(p.githubID, 10), numID: p.githubID, email: p.email, display: display, person: p}
		p.slack = identity{id: o.ids.upperAlnum("U", nsUser, uint64(i)<<3|5), email: p.email, display: display, person: p}
		for _, id := range []*identity{&p.okta, &p.google, &p.m365, &p.slack} {
			id.name = id.email
		}
		// GitHub's actor_id is the lower-cased login (pkg/normalize's
		// identity rule: organization audit logs often omit actor_id).
		p.github.id, p.github.name = strings.ToLower(ghLogin), ghLogin
		o.people = append(o.people, p)
		if p.admin {
			o.admins = append(o.admins, p)
		}
		if p.dev {
			o.devs = append(o.devs, p)
		}
	}
}

func (o *org) buildResources(rng *rand.Rand) {
	for i, n := range []string{"Google Workspace", "Microsoft Office 365", "Slack", "GitHub Enterprise Cloud", "Salesforce", "Zoom", "Workday", "Jira Cloud"} {
		o.oktaSSO = append(o.oktaSSO, &app{source: event.SourceOkta, id: o.ids.okta("0oa", nsObject, uint64(i)), name: n, class: classThirdParty})
	}
	for i, n := range []string{"Default sign-on rule", "Require MFA outside office", "Admin console MFA", "Contractor session lifetime", "Legacy auth block"} {
		o.oktaRules = append(o.oktaRules, target{typ: "policy_rule", id: o.ids.okta("0pr", nsObject, 100+uint64(i)), name: n})
	}
	for i, n := range repoNames {
		o.repos = append(o.repos, repo{name: o.cfg.Tenant + "/" + n, id: 400_000_000 + int64(i)*7919 + int64(mixBits(uint64(i)^o.ids.key, 12)), private: i%6 != 5})
	}
	nFiles := 200 + len(o.people)
	for i := 0; i < nFiles; i++ {
		name := fileTopics[rng.IntN(len(fileTopics))] + fileSuffixes[rng.IntN(len(fileSuffixes))] + fileTypes[rng.IntN(len(fileTypes))]
		o.driveFiles = append(o.driveFiles, target{typ: "file", id: driveID(o.ids.unique62(nsFile, uint64(i))), name: name})
		o.spFiles = append(o.spFiles, target{typ: "file", id: "https://" + o.cfg.Tenant + ".sharepoint.com/sites/Shared/Documents/" + name, name: name})
		o.slackFiles = append(o.slackFiles, target{typ: "file", id: o.ids.upperAlnum("F", nsFile, uint64(i)|1<<30), name: name})
	}
}

// driveID renders a Drive-style 33-character file id.
func driveID(v uint64) string {
	return "1" + base62Fixed(v, 11) + base62Fixed(splitmix(v), 11) + base62Fixed(splitmix(^v), 10)
}
