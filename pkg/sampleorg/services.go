package sampleorg

import (
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// Unapproved automation: service accounts, bots and CI jobs that nobody
// listed in approvedApps. They never sign in, run at their own (often
// night) hours from the organisation's cloud, touch sensitive data every
// run, and have bulk days at the month's end. Each run is one benign
// episode, and their keys are what a hijacked service account looks like
// (ShapeServiceHijack).

type svcKind uint8

const (
	svcDriveETL   svcKind = iota // Google: a DWD service exporting Drive files at night
	svcReports                   // Microsoft 365: app-only SharePoint and shared-mailbox reads
	svcDeployBot                 // GitHub App cloning private repositories a few times a day
	svcReleasePAT                // GitHub machine user with a classic PAT, nightly builds
	svcSlackBot                  // Slack bot downloading files through office hours
	svcOktaSync                  // Okta SSWS token of a provisioning job
	svcKinds
)

var svcNames = [svcKinds][]string{
	{"Warehouse ETL", "Finance Drive Export", "Data Lake Sync"},
	{"Power Reports Connector", "Invoice Mail Parser", "Board Pack Builder"},
	{"deploy-bot", "release-train", "preview-deployer"},
	{"svc-release", "build-mirror", "svc-nightly"},
	{"Digest Bot", "Archive Bot", "Standup Files"},
	{"HR provisioning", "Contractor sync", "SCIM bridge"},
}

// service is one unapproved automation key and its schedule.
type service struct {
	kind     svcKind
	name     string
	app      *app
	actor    *identity
	token    string
	ip       string
	firstMin int  // UTC minute of the day of the first run
	runs     int  // runs per day
	every    int  // minutes between runs
	workdays bool // weekdays only
	monthly  bool // a month-end job: runs on the last two days of a month only
	lastDay  int64
	key      uint64
}

func (s *service) appID() string {
	if s.kind == svcReleasePAT || s.kind == svcOktaSync {
		return s.token
	}
	return s.app.id
}

// buildServices creates ServiceAccountsPer100 services per 100 people, at
// least one of each kind, one month-end job and one legacy integration that
// went quiet early in the history.
func (o *org) buildServices(rng *rand.Rand) {
	rate := o.cfg.Realism.ServiceAccountsPer100
	if rate == 0 {
		return
	}
	n := max(int(math.Round(rate*float64(len(o.people))/100)), int(svcKinds)+1)
	for i := 0; i < n; i++ {
		k := svcKind(i % int(svcKinds))
		s := o.newService(k, svcNames[k][(i/int(svcKinds))%3]+suffix(i/int(svcKinds)/3), rng)
		if i == int(svcKinds) {
			s.monthly, s.name = true, "Month-end "+s.name
		}
		o.services = append(o.services, s)
	}
	legacy := o.newService(svcDriveETL, "Legacy BI Export", rng)
	legacy.lastDay = utcDay(o.cfg.start()) + int64(max(1, min(6, o.cfg.history()/5)))
	o.services = append(o.services, legacy)
}

func suffix(n int) string {
	if n == 0 {
		return ""
	}
	return " " + strconv.Itoa(n+1)
}

func (o *org) newService(k svcKind, name string, rng *rand.Rand) *service {
	s := &service{kind: k, name: name, ip: orgCloudIP(uint64(rng.IntN(200))), runs: 1}
	s.key = splitmix(o.ids.key ^ 0x737663 ^ uint64(len(o.services))<<32)
	switch k {
	case svcDriveETL:
		s.app = o.newApp(event.SourceGoogle, name, classBackground, []string{"https://www.googleapis.com/auth/drive.readonly"})
		s.app.dwd = true
		s.actor = o.googleService("svc-" + slug(name))
		s.firstMin = 60 + rng.IntN(5*60) // 01:00-06:00 UTC
	case svcReports:
		s.app = o.newApp(event.SourceMicrosoft, name, classBackground, []string{"Sites.Read.All", "Mail.Read"})
		s.actor = o.serviceIdentity(event.SourceMicrosoft, "svc-"+slug(name))
		s.app.actor = s.actor
		s.firstMin, s.workdays = 9*60+rng.IntN(3*60), true // 04:00-07:00 local
	case svcDeployBot:
		s.app = o.newApp(event.SourceGitHub, name, classBackground, nil)
		s.app.id = name
		s.actor = o.serviceIdentity(event.SourceGitHub, name+"[bot]")
		s.app.actor = s.actor
		s.app.tokenID = o.mintToken(event.SourceGitHub)
		s.token = s.app.tokenID
		s.runs, s.every, s.firstMin = 2+rng.IntN(3), 240+rng.IntN(180), rng.IntN(4*60)
	case svcReleasePAT:
		o.nextApp++
		s.actor = o.serviceIdentity(event.SourceGitHub, slug(name))
		s.token = o.mintToken(event.SourceGitHub)
		s.app = &app{source: event.SourceGitHub, class: classBackground, tokenID: s.token}
		s.firstMin = 2*60 + rng.IntN(3*60)
	case svcSlackBot:
		s.app = o.newApp(event.SourceSlack, name, classBackground, []string{"files:read", "channels:history"})
		s.actor = o.serviceIdentity(event.SourceSlack, slug(name))
		s.app.actor = s.actor
		s.runs, s.every, s.firstMin, s.workdays = 8+rng.IntN(3), 40+rng.IntN(10), 13*60+rng.IntN(60), true
	case svcOktaSync:
		o.nextApp++
		s.actor = o.serviceIdentity(event.SourceOkta, "svc-"+slug(name))
		s.token = o.mintToken(event.SourceOkta)
		s.app = &app{source: event.SourceOkta, class: classBackground, tokenID: s.token, name: name}
		s.runs, s.every, s.firstMin, s.workdays = 5, 120, 12*60+rng.IntN(60), true
	}
	return s
}

// googleService is a Google service user a DWD client impersonates.
func (o *org) googleService(login string) *identity {
	o.nextApp++
	id := &identity{email: login + "@" + o.domain, display: login}
	id.id, id.name = o.ids.digits21(nsUser, 1<<40|o.nextApp), id.email
	return id
}

func slug(name string) string {
	b := make([]byte, 0, len(name))
	for i := 0; i < len(name); i++ {
		switch c := name[i]; {
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-':
			b = append(b, c)
		case c == ' ' && len(b) > 0 && b[len(b)-1] != '-':
			b = append(b, '-')
		}
	}
	return string(b)
}

// utcDay is the number of the UTC day t falls in; services keep UTC time.
func utcDay(t time.Time) int64 { return t.Unix() / 86400 }

// monthEnd reports whether UTC day is one of the last two of its month.
func monthEnd(day int64) bool {
	return time.Unix((day+2)*86400, 0).UTC().Day() <= 2
}

// runsOn returns how many runs s makes on UTC day (before thinning by
// scale, which the caller applies). It is pure.
func (o *org) runsOn(s *service, day int64) int {
	if s.lastDay != 0 && day > s.lastDay {
		return 0
	}
	if s.workdays && isWeekend(weekdayOf(day)) {
		return 0
	}
	if s.monthly && !monthEnd(day) {
		return 0
	}
	if unit(o.hash(saltService, s.key, uint64(day))) >= o.scale {
		return 0
	}
	return s.runs
}

// bulk is the month-end multiplier of a service's volume.
func bulk(day int64) int {
	if monthEnd(day) {
		return 4
	}
	return 1
}
