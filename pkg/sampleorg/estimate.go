package sampleorg

import (
	"math"
	"time"
)

// Estimates made before generating: how much of the event budget routines
// would take at full strength (which sets org.scale), and how many benign
// episodes the range will hold (which sets the number of attacks).

// Average events of one active day, per routine. They are measured from
// the generators above (TestRoutineVolumeEstimate keeps them honest) and
// only need to be right within a few tens of percent.
var clientDayEvents = [clientKinds]float64{
	ckOutlook: 19, ckMobileMail: 5.6, ckDriveDesktop: 24, ckSlackApp: 16, ckGitHubOAuth: 19, ckGitHubPAT: 19,
	ckGAM: 11, ckEXO: 6, ckGhAdmin: 6, ckOktaScript: 4.5,
}

var serviceDayEvents = [svcKinds]float64{
	svcDriveETL: 36, svcReports: 12, svcDeployBot: 21, svcReleasePAT: 8.5, svcSlackBot: 14, svcOktaSync: 22,
}

const (
	signInDayEvents = 6.5  // Okta session and SSO, then the vendors' own sign-ins
	workdayShare    = 0.69 // days a person works: weekdays less leave, and a little weekend work
	// routineHumanShare and routineAutoShare cap the parts of Config.Events
	// that people's and services' routines may take: the filler sessions
	// and the approved automation need the rest.
	routineHumanShare = 0.45
	routineAutoShare  = 0.15
)

// routineScale returns the share of routine days that happen (1 at medium
// and large sizes): small organisations thin their routines so that they
// fit in the event budget with room for everything else.
func (o *org) routineScale() float64 {
	human, auto := o.routineVolume()
	events := float64(o.cfg.Events) / float64(o.cfg.Days)
	return math.Min(1, math.Min(routineHumanShare*events/max(human, 1), routineAutoShare*events/max(auto, 1)))
}

// routineVolume estimates the events per day of people's routines (human)
// and of services (auto) at full strength.
func (o *org) routineVolume() (human, auto float64) {
	for _, p := range o.people {
		signIns := 5.0 / 7 * 0.95
		if !p.habits.daily {
			signIns = 1.5 / 7 * 0.95
		}
		human += signIns * signInDayEvents
		for _, c := range p.clients {
			if c.lastDay != 0 {
				continue
			}
			share := workdayShare * 0.93
			switch {
			case c.kind == ckMobileMail:
				share = 1
			case c.kind.adminTool():
				share = workdayShare * o.cfg.Realism.AdminToolDaily / float64(p.tools())
			}
			human += share * clientDayEvents[c.kind]
		}
	}
	for _, s := range o.services {
		days := 1.0
		if s.workdays {
			days = 5.0 / 7
		}
		if s.monthly {
			days = 2.0 / 30
		}
		auto += days * serviceDayEvents[s.kind]
	}
	return human, auto
}

// expectedBenign is the number of benign episodes the range should hold:
// the sum, over every routine and every day of the range, of the episodes
// the pure day decisions say it makes.
func (o *org) expectedBenign() float64 {
	from, to := o.cfg.rangeStart(), o.cfg.End
	n := 0
	for _, p := range o.people {
		for day := localDay(from); day <= localDay(to.Add(-time.Second)); day++ {
			pl := o.planFor(p, day)
			for _, c := range p.clients {
				n += o.clientSessions(c, &pl)
			}
		}
	}
	for day := utcDay(from); day <= utcDay(to.Add(-time.Second)); day++ {
		for _, s := range o.services {
			n += o.serviceEpisodes(s, day)
		}
		for _, na := range o.newApps {
			n += o.newAppEpisodes(na, day)
		}
	}
	return float64(n)
}
