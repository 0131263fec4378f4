package sampleorg

import (
	"math/rand/v2"
	"time"
)

// Habits. Every person has a routine that holds through history and range:
// working hours, a home and an office, a sign-in habit, a phone carrier and,
// now and then, a trip. What a person does on a given day is a pure function
// of the organisation's seed, the person and the day (dayPlan), so the
// generator, the filler sessions and the planted attacks all agree on where
// somebody is and when they work, and the attack count can be derived from
// the plan before anything is generated.

// habits are the stable parts of a person's routine.
type habits struct {
	startMin    int     // local minute of the day work usually starts (06:00..10:00)
	workMin     int     // usual length of the working day (7..10 hours)
	daily       bool    // signs in interactively every workday morning
	signInDays  uint8   // weekday bit mask of the weekly sign-ins of the others
	officeShare float64 // chance that a workday is spent at the office
	weekendWork float64 // chance of working on a weekend day
	carrier     uint64  // mobile carrier, 0..3
	key         uint64  // hash key of the person
}

// Salts separate the hash streams of different decisions.
const (
	saltDay uint64 = iota + 0x5a17
	saltTrip
	saltClient
	saltMobile
	saltService
	saltNewApp
	saltDetail
	saltAdmin
)

// Rates that are facts of office life rather than knobs.
const (
	leaveRate    = 0.05 // a workday off: sick, holiday, offsite
	tripBlock    = 28   // days; at most one trip per person per block
	dayAnchorMin = 5 * 60
)

// tripShifts are time-zone differences from the office (UTC-5) to where
// people travel: Western Europe, Central Europe, Gulf, India, Singapore,
// Tokyo, US Mountain and Pacific.
var tripShifts = []time.Duration{6 * time.Hour, 7 * time.Hour, 9 * time.Hour, 10*time.Hour + 30*time.Minute,
	13 * time.Hour, 14 * time.Hour, -2 * time.Hour, -3 * time.Hour}

func (o *org) buildHabits(p *person, rng *rand.Rand) {
	r := o.cfg.Realism
	h := &p.habits
	h.key = splitmix(o.ids.key ^ uint64(p.idx)<<20 ^ 0x4861)
	h.startMin = 6*60 + rng.IntN(4*60+1)
	h.workMin = 7*60 + rng.IntN(3*60+1)
	h.daily = rng.Float64() < r.SignInHabit
	d1 := 1 + rng.IntN(5)
	h.signInDays = 1 << d1
	if rng.IntN(2) == 0 {
		h.signInDays |= 1 << (1 + (d1+1+rng.IntN(3))%5)
	}
	h.officeShare = 0.2 + 0.7*rng.Float64()
	h.weekendWork = 0.02 + 0.1*rng.Float64()
	h.carrier = uint64(rng.IntN(4))
	p.homeIP = homeIP(splitmix(h.key ^ 0x686f6d65))
}

// hash mixes the organisation's key with a salt and two parts.
func (o *org) hash(salt, a, b uint64) uint64 {
	return splitmix(splitmix(splitmix(o.ids.key^salt)^a) ^ b)
}

// unit maps a hash to [0, 1).
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

// localDay is the number of the office's local day (UTC-5) that t falls in.
func localDay(t time.Time) int64 {
	s := t.Unix() + int64(localOffset/time.Second)
	if s < 0 {
		return (s+1)/86400 - 1
	}
	return s / 86400
}

// midnight is the start of local day in a zone offset from UTC by zone.
func midnight(day int64, zone time.Duration) time.Time {
	return time.Unix(day*86400, 0).UTC().Add(-zone)
}

func weekdayOf(day int64) time.Weekday { return time.Unix(day*86400, 0).UTC().Weekday() }

func isWeekend(wd time.Weekday) bool { return wd == time.Saturday || wd == time.Sunday }

// dayPlan is one person's day: whether and where they work, at which hours
// in UTC, and whether they sign in interactively.
type dayPlan struct {
	day        int64
	valid      bool          // the plan has been computed (for the cache)
	works      bool          // a working day for this person
	routine    bool          // the day carries routine activity (size thinning, see org.scale)
	trip       bool          // travelling: a travel network, hours shifted
	tripID     uint64        // the trip, which picks the travel network
	zone       time.Duration // offset from UTC where the person is
	ip         string        // the day's desktop address: office, home or travel
	start, end time.Time     // working hours
	anchor     time.Time     // 05:00 local: nothing routine of the day happens earlier
	signIn     bool          // the morning interactive sign-in happens
}

// tripOn reports whether p travels on day, with the trip's id and the time
// difference to the office.
func (o *org) tripOn(p *person, day int64) (uint64, time.Duration, bool) {
	block := day / tripBlock
	h := o.hash(saltTrip, p.habits.key, uint64(block))
	if unit(h) >= o.cfg.Realism.TravelPerMonth {
		return 0, 0, false
	}
	length := int64(2 + (h>>8)%4)
	first := block*tripBlock + int64((h>>16)%uint64(tripBlock-length))
	if day < first || day >= first+length {
		return 0, 0, false
	}
	return h >> 24, tripShifts[(h>>40)%uint64(len(tripShifts))], true
}

// plan returns p's plan for local day, from a small per-person cache:
// filler sessions ask about the same few days over and over.
func (o *org) plan(p *person, day int64) *dayPlan {
	c := &p.plans[day&3]
	if !c.valid || c.day != day {
		*c = o.planFor(p, day)
	}
	return c
}

// planFor computes p's plan for local day. It is pure.
func (o *org) planFor(p *person, day int64) dayPlan {
	h := o.hash(saltDay, p.habits.key, uint64(day))
	wd := weekdayOf(day)
	weekend := isWeekend(wd)
	pl := dayPlan{day: day, valid: true, zone: localOffset}
	tid, shift, trip := o.tripOn(p, day)
	if trip {
		pl.trip, pl.tripID, pl.zone = true, tid, localOffset+shift
	}
	u := unit(h)
	switch {
	case trip:
		pl.works = !weekend || u < 0.4
	case weekend:
		pl.works = u < p.habits.weekendWork
	default:
		pl.works = u >= leaveRate
	}
	pl.routine = unit(splitmix(h^1)) < o.scale
	mid := midnight(day, pl.zone)
	start := p.habits.startMin + int(splitmix(h^2)%41) - 20
	length := p.habits.workMin + int(splitmix(h^3)%61) - 30
	if weekend && !trip {
		length /= 2
	}
	pl.start = mid.Add(time.Duration(start) * time.Minute)
	pl.end = pl.start.Add(time.Duration(length) * time.Minute)
	pl.anchor = mid.Add(dayAnchorMin * time.Minute)
	switch {
	case trip:
		pl.ip = travelIP(tid, splitmix(h^4))
	case weekend || unit(splitmix(h^5)) >= p.habits.officeShare:
		pl.ip = p.homeIP
	default:
		pl.ip = o.officeIPs[(uint64(p.idx)+splitmix(h^6)%3)%uint64(len(o.officeIPs))]
	}
	pl.signIn = pl.works && pl.routine && (p.habits.daily || p.habits.signInDays&(1<<wd) != 0)
	return pl
}

// mobileIP is where p's phone is on day: the trip's network while
// travelling, else a carrier /24 that moves every MobileChurnDays or so.
func (o *org) mobileIP(p *person, pl *dayPlan, salt uint64) string {
	if pl.trip {
		return travelIP(pl.tripID, splitmix(salt))
	}
	churn := o.cfg.Realism.MobileChurnDays
	epoch := uint64(float64(pl.day+int64(p.habits.key%7)) / churn)
	h := o.hash(saltMobile, p.habits.key, epoch)
	return carrierIP(p.habits.carrier, h^(splitmix(salt)&0xff0000))
}

// planAt returns the plan of the day p is living at t: the one whose
// working hours (widened a little) contain t, else the office's local day.
func (o *org) planAt(p *person, t time.Time) *dayPlan {
	d := localDay(t)
	for _, day := range [...]int64{d, d - 1, d + 1} {
		pl := o.plan(p, day)
		if !t.Before(pl.anchor) && t.Before(pl.end.Add(5*time.Hour)) {
			return pl
		}
	}
	return o.plan(p, d)
}

// working reports whether t falls in p's working hours of that day.
func (o *org) working(p *person, t time.Time) bool {
	pl := o.planAt(p, t)
	return pl.works && !t.Before(pl.start) && t.Before(pl.end)
}

// signsInOn reports whether p signs in interactively on the day of t.
func (o *org) signsInOn(p *person, t time.Time) bool { return o.planAt(p, t).signIn }

// ipAt is where p works from at t: the day's network.
func (o *org) ipAt(p *person, t time.Time) string { return o.planAt(p, t).ip }
