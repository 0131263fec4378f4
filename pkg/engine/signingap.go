package engine

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// Analytic names of the findings the engine reports.
const (
	AnalyticAN0020 = "AN0020"
	AnalyticAN0528 = "AN0528"
)

// SigninGapParams configures the AN0528 detector: application access
// tokens used with no interactive sign-in by the same actor shortly before
// (MITRE ATT&CK DET0185, T1550.001).
type SigninGapParams struct {
	// SigninWindow is how long before a token use a successful interactive
	// sign-in by the actor still covers it.
	SigninWindow time.Duration
	// MaxSpan is the longest gap between two uncovered uses of one app that
	// still belong to one episode.
	MaxSpan time.Duration
	// From and To bound the uses reported; sign-ins up to SigninWindow
	// before From are read.
	From, To        time.Time
	ApprovedApps    map[string]bool
	IncludeApproved bool
}

// signinGapKey is the key AN0528 episodes are grouped by: the actor, and the
// app the token belongs to.
var signinGapKey = []string{FieldActorID, FieldAppID}

// SigninGapDetector finds AN0528 in rows sorted by actor_id, event_time,
// event_id that hold the actors' token uses and their successful interactive
// sign-ins. A token use is uncovered when the actor's last sign-in is more
// than SigninWindow before it (or there is none); an actor's uncovered uses
// of one app, no more than MaxSpan apart and with no sign-in between, form
// one episode: a single-stage finding whose "sensitive" events are the
// uncovered uses. It holds one actor at a time: the last sign-in and the
// open episode per app. Which actors to read (those who do sign in) is the
// caller's choice: an actor who never signs in interactively (a service)
// would make every use uncovered.
type SigninGapDetector struct {
	p          SigninGapParams
	emit       func(Episode) error
	err        error
	actor      string
	started    bool
	prevTime   time.Time
	prevID     string
	lastSignin time.Time
	open       map[string]*gapRun
}

type gapRun struct {
	eb   *episodeBuilder
	last time.Time
}

// NewSigninGapDetector validates p and returns a detector calling emit for
// every episode.
func NewSigninGapDetector(p SigninGapParams, emit func(Episode) error) (*SigninGapDetector, error) {
	switch {
	case p.SigninWindow <= 0:
		return nil, errors.New("signinWindow must be positive")
	case p.MaxSpan <= 0 || p.MaxSpan > MaxSpanLimit:
		return nil, fmt.Errorf("maxSpan %s is out of range: use a duration greater than 0 and at most %s", p.MaxSpan, MaxSpanLimit)
	case p.To.Before(p.From):
		return nil, errors.New("time range is inverted")
	case emit == nil:
		return nil, errors.New("NewSigninGapDetector needs an emit function")
	}
	return &SigninGapDetector{p: p, emit: emit, open: map[string]*gapRun{}}, nil
}

// isInteractiveSignin is a sign-in made by a person, not with a token.
func (r *Row) isInteractiveSignin() bool {
	return r.Category == event.CategorySignin && !r.AuthMethod.IsTokenAuth()
}

// isTokenUse is an event made with a token, other than granting or
// revoking one.
func (r *Row) isTokenUse() bool {
	switch r.Category {
	case event.CategoryGrant, event.CategoryRevoke:
		return false
	case event.CategoryTokenAuth:
		return true
	}
	return r.AuthMethod.IsTokenAuth()
}

// Add feeds the next row; rows out of order are an error.
func (d *SigninGapDetector) Add(r Row) error {
	if d.err != nil {
		return d.err
	}
	if r.ActorID == "" {
		return nil
	}
	if d.started {
		c := strings.Compare(r.ActorID, d.actor)
		if c < 0 || (c == 0 && (r.EventTime.Before(d.prevTime) || (r.EventTime.Equal(d.prevTime) && r.EventID < d.prevID))) {
			d.err = fmt.Errorf("%w: event %q of actor %q sorts before the previous row; order by actor_id, event_time, event_id", ErrOutOfOrder, r.EventID, r.ActorID)
			return d.err
		}
		if c > 0 {
			if err := d.flushAll(); err != nil {
				return err
			}
			d.lastSignin = time.Time{}
		}
	}
	d.started, d.actor, d.prevTime, d.prevID = true, r.ActorID, r.EventTime, r.EventID
	switch {
	case r.isInteractiveSignin():
		d.lastSignin = r.EventTime
		return d.flushAll() // what follows is covered again, until the window passes
	case !r.isTokenUse() || r.AppID == "" || r.EventTime.Before(d.p.From) || r.EventTime.After(d.p.To):
		return nil
	case !d.lastSignin.IsZero() && r.EventTime.Sub(d.lastSignin) <= d.p.SigninWindow:
		return nil
	}
	run := d.open[r.AppID]
	if run != nil && r.EventTime.Sub(run.last) > d.p.MaxSpan {
		if err := d.flush(r.AppID); err != nil {
			return err
		}
		run = nil
	}
	if run == nil {
		eb := newEpisode(signinGapKey, []string{r.ActorID, r.AppID}, &r, &r)
		eb.ep.ID = EpisodeID([]string{"analytic", FieldActorID, FieldAppID}, []string{AnalyticAN0528, r.ActorID, r.AppID}, r.EventID)
		eb.ep.Analytic = AnalyticAN0528
		run = &gapRun{eb: eb}
		d.open[r.AppID] = run
	}
	run.eb.add(&r)
	run.last = r.EventTime
	return nil
}

// Close flushes the last actor's open episodes.
func (d *SigninGapDetector) Close() error {
	if d.err != nil {
		return d.err
	}
	err := d.flushAll()
	if err == nil {
		d.err = errClosed
	}
	return err
}

func (d *SigninGapDetector) flushAll() error {
	for _, app := range slices.Sorted(maps.Keys(d.open)) { // a stable order for the emitted episodes
		if err := d.flush(app); err != nil {
			return err
		}
	}
	return nil
}

func (d *SigninGapDetector) flush(app string) error {
	run := d.open[app]
	delete(d.open, app)
	if run == nil {
		return nil
	}
	approved := d.p.ApprovedApps[app]
	if approved && !d.p.IncludeApproved {
		return nil
	}
	if err := d.emit(run.eb.finish(approved)); err != nil {
		d.err = err
		return err
	}
	return nil
}

// DetectSigninGaps runs a SigninGapDetector over rows in any order and
// returns the episodes. Like the store's statement it reads only the actors
// who sign in interactively somewhere in rows (the rows stand for the
// baseline); it sorts a copy of rows first.
func DetectSigninGaps(p SigninGapParams, rows []Row) ([]Episode, error) {
	signsIn := map[string]bool{}
	for i := range rows {
		if rows[i].isInteractiveSignin() {
			signsIn[rows[i].ActorID] = true
		}
	}
	rows = slices.DeleteFunc(slices.Clone(rows), func(r Row) bool { return !signsIn[r.ActorID] })
	var eps []Episode
	d, err := NewSigninGapDetector(p, func(ep Episode) error {
		eps = append(eps, ep)
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(rows, func(a, b Row) int {
		return cmp.Or(strings.Compare(a.ActorID, b.ActorID), a.EventTime.Compare(b.EventTime), strings.Compare(a.EventID, b.EventID))
	})
	for _, r := range rows {
		if err := d.Add(r); err != nil {
			return nil, err
		}
	}
	return eps, d.Close()
}
