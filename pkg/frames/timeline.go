package frames

import (
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/event"
)

// timelineColumns are the string columns of the timeline, in frame order,
// with how each is read from an event.
var timelineColumns = []struct {
	name string
	get  func(*event.Event) string
}{
	{"source", func(e *event.Event) string { return e.Source }},
	{"action", func(e *event.Event) string { return e.Action }},
	{"category", func(e *event.Event) string { return string(e.Category) }},
	{"auth_method", func(e *event.Event) string { return string(e.AuthMethod) }},
	{"outcome", func(e *event.Event) string { return e.Outcome }},
	{"actor_id", func(e *event.Event) string { return e.ActorID }},
	{"actor_name", func(e *event.Event) string { return e.ActorName }},
	{"app_id", func(e *event.Event) string { return e.AppID }},
	{"app_name", func(e *event.Event) string { return e.AppName }},
	{"token_id", func(e *event.Event) string { return e.TokenID }},
	{"src_ip", func(e *event.Event) string { return e.SrcIP }},
	{"user_agent", func(e *event.Event) string { return e.UserAgent }},
	{"session_id", func(e *event.Event) string { return e.SessionID }},
	{"target_type", func(e *event.Event) string { return e.TargetType }},
	{"target_id", func(e *event.Event) string { return e.TargetID }},
	{"target_name", func(e *event.Event) string { return e.TargetName }},
	{"scopes", func(e *event.Event) string { return strings.Join(e.Scopes, " ") }},
}

// Timeline is the drill-down table: one row per event in the order given
// (the store reads newest first), with the role each event plays under the
// query's rule (engine.Role: access, sensitive, revoke, sign-in, other) so
// an analyst sees why an episode formed, and the original vendor record so
// the evidence can be read itself. It is a plain table with no data-plane
// type: it is for panels and Explore, not for alert rules.
func Timeline(events []event.Event, rule engine.Params, executedSQL string) *data.Frame {
	n := len(events)
	times := make([]time.Time, n)
	sens := make([]int64, n)
	ids := make([]string, n)
	raws := make([]string, n)
	cols := make([][]string, len(timelineColumns))
	for c := range cols {
		cols[c] = make([]string, n)
	}
	roles := make([]string, n)
	for i := range events {
		e := &events[i]
		times[i], sens[i], ids[i], raws[i] = e.EventTime.UTC(), int64(e.Sensitivity), e.EventID, e.Raw
		roles[i] = engine.Role(&engine.Row{Category: e.Category, AuthMethod: e.AuthMethod, AppID: e.AppID, Sensitivity: e.Sensitivity}, rule)
		for c, col := range timelineColumns {
			cols[c][i] = col.get(e)
		}
	}
	fields := []*data.Field{data.NewField("event_time", nil, times), data.NewField("role", nil, roles)}
	for c, col := range timelineColumns {
		fields = append(fields, data.NewField(col.name, nil, cols[c]))
	}
	fields = append(fields,
		data.NewField("sensitivity", nil, sens),
		data.NewField("event_id", nil, ids),
		data.NewField("raw", nil, raws),
	)
	f := data.NewFrame("timeline", fields...)
	f.SetMeta(&data.FrameMeta{ExecutedQueryString: executedSQL, PreferredVisualization: data.VisTypeTable})
	return f
}
