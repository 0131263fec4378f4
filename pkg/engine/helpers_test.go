package engine

import (
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

const (
	minute = time.Minute
	hour   = time.Hour
)

// t0 is the reference time of the test scenarios; rows are placed at
// offsets from it so that each case reads as a timeline.
//
// These builders serve the package's internal tests. The rule cases shared
// with the store's integration tests live in enginetest, with builders of
// their own: the internal tests cannot import enginetest, which imports
// this package.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// row builds a test event. Action is the event_id, so an episode's
// AccessAction names its anchor row directly.
func row(id string, at time.Duration, cat event.Category, auth event.AuthMethod, opts ...func(*Row)) Row {
	r := Row{
		EventTime: t0.Add(at), EventID: id, Tenant: "acme", Source: event.SourceOkta,
		Action: id, Category: cat, AuthMethod: auth,
		ActorID: "alice", ActorName: "Alice", AppID: "app1", AppName: "App One",
		SrcIP: "203.0.113.7", TargetName: "target-" + id, Sensitivity: event.SensitivityHigh,
	}
	for _, o := range opts {
		o(&r)
	}
	return r
}

// access is a token authentication with an OAuth token.
func access(id string, at time.Duration, opts ...func(*Row)) Row {
	return row(id, at, event.CategoryTokenAuth, event.AuthOAuth, opts...)
}

// read is an interactive, high-sensitivity data access: sensitive, not access.
func read(id string, at time.Duration, opts ...func(*Row)) Row {
	return row(id, at, event.CategoryDataAccess, event.AuthInteractive, opts...)
}

func revoke(id string, at time.Duration, opts ...func(*Row)) Row {
	return row(id, at, event.CategoryRevoke, event.AuthOAuth, opts...)
}

func actor(a string) func(*Row)  { return func(r *Row) { r.ActorID = a } }
func app(a string) func(*Row)    { return func(r *Row) { r.AppID = a } }
func sens(s uint8) func(*Row)    { return func(r *Row) { r.Sensitivity = s } }
func target(t string) func(*Row) { return func(r *Row) { r.TargetName = t } }
func action(a string) func(*Row) { return func(r *Row) { r.Action = a } }

// baseParams correlates by actor and app over a wide range with a 1h span.
func baseParams() Params {
	return Params{
		MaxSpan:     time.Hour,
		From:        t0.Add(-24 * time.Hour),
		To:          t0.Add(24 * time.Hour),
		CorrelateBy: []string{FieldActorID, FieldAppID},
	}
}
