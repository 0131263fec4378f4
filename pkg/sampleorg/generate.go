package sampleorg

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/tokentrail/tokentrail/pkg/catalog"
	"github.com/tokentrail/tokentrail/pkg/event"
)

// Record is one generated event. In Normalized mode Event is set; in Vendor
// mode Vendor holds one record in its vendor's export shape and Event is the
// zero value. Source is set in both modes.
type Record struct {
	Source string
	Vendor json.RawMessage
	Event  event.Event
}

// window is the unit of streaming: sessions starting in one window are
// generated together, then every queued event before the window's end is
// emitted.
const window = time.Hour

// Generate builds the organisation described by cfg and passes its events to
// emit in time order (ties in a fixed order). It stops at the first error
// emit returns and returns it wrapped. The Truth describes the planted
// chains and look-alikes; it is complete only when err is nil.
func Generate(cfg Config, emit func(Record) error) (Truth, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return Truth{}, err
	}
	if emit == nil {
		return Truth{}, errors.New("sampleorg: emit is nil: pass a function that stores or forwards each Record")
	}
	g := newGenerator(cfg)
	g.plant()
	if err := g.run(emit); err != nil {
		return Truth{}, err
	}
	g.truth.Events = g.emitted
	g.truth.RangeEvents = g.inRange
	return g.truth, nil
}

// generator holds the state of one Generate call.
type generator struct {
	cfg        Config
	o          *org
	start, end time.Time
	bg, pl     *rand.Rand // background and planting draw from separate streams

	cat   *catalog.Catalog
	class map[classKey]classValue

	seq     uint64
	q       queue
	free    []*act
	planted []*act // every planted act, sorted by time
	truth   Truth
	emitted int
	inRange int    // emitted events inside the range
	buf     []byte // scratch for rendering, reused

	debtHuman, debtAuto float64 // events still owed to the schedule
	planting            bool    // keep files acts as planted, not queued
	note                string  // set by a chain's plant function for its truth
	established         bool    // set by a chain's plant function: it rides a background key
	usedKeys            map[refKey]bool

	agenda              []agendaItem      // every routine's next day
	counting            routineKind       // the routine whose day is being generated, rkNone for filler
	window              int64             // the window being generated
	startNs             int64             // g.start in Unix ns
	ringHuman, ringAuto [ringSize]float64 // routine events booked per window, by window % ringSize
	routineHuman        int               // routine events of people and new apps booked so far
	routineAuto         int               // routine events of services booked so far
	dpcg                *rand.PCG         // the detail stream of routines, reseeded per entity and day
	drng                *rand.Rand
	rangeStart          time.Time
	rangeNs             int64
}

type classKey struct {
	source, action string
	facts          fact
}

type classValue struct {
	cat  event.Category
	sens uint8
}

func newGenerator(cfg Config) *generator {
	seed := uint64(cfg.Seed)
	g := &generator{
		cfg:        cfg,
		start:      cfg.start(),
		rangeStart: cfg.rangeStart(),
		end:        cfg.End,
		bg:         rand.New(rand.NewPCG(seed, 0x6267)),
		pl:         rand.New(rand.NewPCG(seed, 0x706c)),
		dpcg:       rand.NewPCG(seed, 0x6470),
		cat:        catalog.Default(),
		class:      map[classKey]classValue{},
	}
	g.drng = rand.New(g.dpcg)
	g.startNs, g.rangeNs = g.start.UnixNano(), g.rangeStart.UnixNano()
	g.o = newOrg(cfg, rand.New(rand.NewPCG(seed, 0x6f72)))
	g.truth = Truth{Seed: cfg.Seed, Start: g.start, RangeStart: g.rangeStart, End: g.end, Background: g.o.background()}
	for _, src := range event.Sources {
		g.truth.ApprovedApps = append(g.truth.ApprovedApps, g.o.automation[src].id)
	}
	return g
}

// newAct returns a blank act at t for source and action, with its creation
// sequence number assigned. Times are cut to the vendor's precision so both
// modes agree on them.
func (g *generator) newAct(t time.Time, source, action string) *act {
	var a *act
	if n := len(g.free); n > 0 {
		a = g.free[n-1]
		g.free = g.free[:n-1]
		*a = act{}
	} else {
		a = new(act)
	}
	g.seq++
	a.seq = g.seq
	a.t = t.Truncate(precision(source))
	a.ns = a.t.UnixNano()
	a.source = source
	a.action = action
	a.auth = event.AuthUnknown
	return a
}

// precision is the time resolution of each vendor's export: Microsoft 365
// CreationTime and Slack date_create carry whole seconds.
func precision(source string) time.Duration {
	switch source {
	case event.SourceMicrosoft, event.SourceSlack:
		return time.Second
	}
	return time.Millisecond
}

// classify fills the category and sensitivity from the catalogue, exactly as
// a normalizer does for the facts its vendor record carries.
func (g *generator) classify(a *act) {
	k := classKey{a.source, a.action, a.facts}
	v, ok := g.class[k]
	if !ok {
		v.cat, v.sens, _ = g.cat.Classify(a.source, a.action, a.facts.facts())
		g.class[k] = v
	}
	a.cat, a.sens = v.cat, v.sens
}

// run streams the data window by window: planted acts are merged in, the
// routines whose day starts in the window generate that day, and filler
// sessions make up the rest of the window's quota.
func (g *generator) run(emit func(Record) error) error {
	inRange := 0
	for _, a := range g.planted {
		if a.ns >= g.rangeNs {
			inRange++
		}
	}
	sched := newSchedule(g.cfg, g.start, g.cfg.Events-inRange)
	g.initAgenda()
	next := 0
	for w := 0; w < sched.windows(); w++ {
		g.window = int64(w)
		ws := g.start.Add(time.Duration(w) * window)
		we := ws.Add(window)
		for next < len(g.planted) && g.planted[next].ns < we.UnixNano() {
			g.q.push(g.planted[next])
			next++
		}
		g.runRoutines(we.UnixNano())
		h, a := g.booked(int64(w))
		g.background(ws, sched.quota(w), h, a)
		for a := g.q.peek(); a != nil && a.ns < we.UnixNano(); a = g.q.peek() {
			if err := g.emit(g.q.pop(), emit); err != nil {
				return err
			}
		}
	}
	for g.q.peek() != nil {
		if err := g.emit(g.q.pop(), emit); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) emit(a *act, emit func(Record) error) error {
	rec := Record{Source: a.source}
	if g.cfg.Mode == Vendor {
		raw, err := g.vendorRecord(a)
		if err != nil {
			return fmt.Errorf("sampleorg: render %s %q: %w", a.source, a.action, err)
		}
		rec.Vendor = raw
	} else {
		rec.Event = g.normalized(a)
	}
	g.emitted++
	if a.ns >= g.rangeNs {
		g.inRange++
	}
	g.free = append(g.free, a)
	if err := emit(rec); err != nil {
		return fmt.Errorf("sampleorg: emit event %d (%s %q at %s): %w", g.emitted, a.source, a.action, a.t.Format(time.RFC3339), err)
	}
	return nil
}
