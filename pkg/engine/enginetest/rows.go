// Package enginetest holds the AN0020 rule cases of the engine as data, so
// that every layer which claims to implement the rules runs the same
// timelines: the engine's unit tests in memory, the store's integration
// tests through ClickHouse, and anything added later. A rule pinned only in
// one layer can silently drift in another; a shared table cannot.
//
// The package is for tests only; nothing in the plugin imports it.
package enginetest

import (
	"time"

	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/event"
)

// T0 is the reference time of every case. Rows sit at offsets from it so a
// case reads as a timeline, and Summary reports times as offsets from it.
// It is a whole second so that every offset of Cases stays representable
// in a second-precision DateTime column.
var T0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// Option adjusts one field of a row built by NewRow.
type Option func(*engine.Row)

// NewRow builds an event of actor "alice" and app "app1" in tenant "acme",
// high sensitivity, at T0+at. The action is the event_id, so an episode's
// AccessAction names its anchor row directly.
func NewRow(id string, at time.Duration, cat event.Category, auth event.AuthMethod, opts ...Option) engine.Row {
	r := engine.Row{
		EventTime: T0.Add(at), EventID: id, Tenant: "acme", Source: event.SourceOkta,
		Action: id, Category: cat, AuthMethod: auth,
		ActorID: "alice", ActorName: "Alice", AppID: "app1", AppName: "App One",
		SrcIP: "203.0.113.7", TargetName: "target-" + id, Sensitivity: event.SensitivityHigh,
	}
	for _, o := range opts {
		o(&r)
	}
	return r
}

// Access is a token authentication with an OAuth token.
func Access(id string, at time.Duration, opts ...Option) engine.Row {
	return NewRow(id, at, event.CategoryTokenAuth, event.AuthOAuth, opts...)
}

// Read is an interactive, high-sensitivity data access: sensitive, but not
// an access, so it never anchors anything itself.
func Read(id string, at time.Duration, opts ...Option) engine.Row {
	return NewRow(id, at, event.CategoryDataAccess, event.AuthInteractive, opts...)
}

// Revoke is the revocation of an OAuth grant.
func Revoke(id string, at time.Duration, opts ...Option) engine.Row {
	return NewRow(id, at, event.CategoryRevoke, event.AuthOAuth, opts...)
}

// Actor sets actor_id.
func Actor(id string) Option { return func(r *engine.Row) { r.ActorID = id } }

// App sets app_id.
func App(id string) Option { return func(r *engine.Row) { r.AppID = id } }

// Sensitivity sets the sensitivity (0..3).
func Sensitivity(s uint8) Option { return func(r *engine.Row) { r.Sensitivity = s } }

// BaseParams correlates by actor and app with a one-hour span over a range
// wide enough that no case row falls outside it unless the case says so.
func BaseParams() engine.Params {
	return engine.Params{
		MaxSpan:     time.Hour,
		From:        T0.Add(-24 * time.Hour),
		To:          T0.Add(24 * time.Hour),
		CorrelateBy: []string{engine.FieldActorID, engine.FieldAppID},
	}
}
