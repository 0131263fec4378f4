package frames

import (
	"flag"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/experimental"
	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/risk"
)

// update rewrites the golden files: go test ./pkg/frames -update
var update = flag.Bool("update", false, "rewrite testdata/*.jsonc golden files")

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

const sql = "SELECT 1 /* executed SQL */"

// episode builds a scored-looking episode; values differ per argument so a
// swapped column would show in the goldens.
func episode(id, actor, app string, first time.Duration, configChanges int) engine.Episode {
	return engine.Episode{
		ID: id, Key: []string{actor, app},
		Tenant: "acme", Source: "okta", ActorID: actor, ActorName: "Name of " + actor,
		AppID: app, AppName: "Name of " + app, TokenID: "tok-" + id,
		AccessTime: t0.Add(first - 5*time.Minute), AccessAction: "app.oauth2.consent.grant",
		AccessIP: "203.0.113.7", AccessCategory: "grant",
		FirstSensitive: t0.Add(first), LastSensitive: t0.Add(first + 3*time.Minute),
		SensitiveCount: 2 + configChanges, DataAccessCount: 2, ConfigChangeCount: configChanges,
		MaxSensitivity: 3, Actions: []string{"files.download", "files.share"}, Targets: []string{"q3.xlsx", "hr.pdf"},
		Score: 40 + 30*configChanges, Severity: risk.SeverityMedium, Impact: 25, Deviation: 0.6 + 0.5*float64(configChanges),
		Reasons: []string{"+10 base: token access (app.oauth2.consent.grant) followed by 2 sensitive events", "+15 2 events of high sensitivity", "+8 fresh grant anchors the episode (app.oauth2.consent.grant)", "+7 new app in the tenant: first seen 1 day ago"},
		Unknown: []string{"no_signin: no interactive sign-ins recorded for this actor in the last 30 days (the source may not log them)"},
	}
}

func TestGoldenFrames(t *testing.T) {
	correlateBy := []string{engine.FieldActorID, engine.FieldAppID}
	two := []engine.Episode{
		episode("ep-b", "bob", "app2", 30*time.Minute, 1), // given out of order on purpose
		episode("ep-a", "alice", "app1", 10*time.Minute, 0),
	}
	approved := two[1]
	approved.Approved = true
	withDuplicates := []engine.Episode{
		episode("ep-1", "bob", "app1", 0, 0),
		episode("ep-2", "alice", "app1", time.Minute, 0),
		episode("ep-3", "bob", "app1", 2*time.Minute, 0),
		episode("ep-4", "", "app1", 3*time.Minute, 0), // token-only actor: label must be "" not null
	}
	from, to := t0, t0.Add(time.Hour)
	tests := []struct {
		name   string
		frames data.Frames
	}{
		{"sequences_two_episodes", data.Frames{Sequences([]engine.Episode{two[0], approved}, correlateBy, sql)}},
		{"sequences_empty", data.Frames{Sequences(nil, correlateBy, sql)}},
		{"numeric_aggregated", data.Frames{CountsNumeric(withDuplicates, []string{engine.FieldActorID}, sql)}},
		{"numeric_empty", data.Frames{CountsNumeric(nil, []string{engine.FieldActorID}, sql)}},
		{"numeric_by_severity", data.Frames{CountsNumeric(bySeverity(withDuplicates), []string{FieldSeverity, engine.FieldAppID}, sql)}},
		{"timeseries_two_series", CountsTimeSeries(two, []string{engine.FieldActorID}, from, to, 15*time.Minute, sql)},
		{"timeseries_empty", CountsTimeSeries(nil, []string{engine.FieldActorID}, from, to, 15*time.Minute, sql)},
		{"timeline", data.Frames{Timeline(timelineEvents(), engine.Params{MinSensitivity: 1}, sql)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			experimental.CheckGoldenJSONResponse(t, "testdata", tc.name, &backend.DataResponse{Frames: tc.frames}, *update)
		})
	}
}

// bySeverity gives the episodes alternating severities.
func bySeverity(eps []engine.Episode) []engine.Episode {
	out := append([]engine.Episode{}, eps...)
	for i := range out {
		out[i].Severity = []string{risk.SeverityHigh, risk.SeverityLow}[i%2]
	}
	return out
}

// timelineEvents are two events with every column distinct, newest first as
// the store returns them.
func timelineEvents() []event.Event {
	return []event.Event{
		{EventTime: t0.Add(time.Minute), EventID: "evt-2", Source: "github", Action: "git.clone",
			Category: event.CategoryDataAccess, AuthMethod: event.AuthPAT, Outcome: "success",
			ActorID: "alice", ActorName: "Alice", AppID: "pat", AppName: "PAT", TokenID: "tok-9",
			SrcIP: "203.0.113.9", UserAgent: "git/2.43", SessionID: "s-2", TargetType: "repository",
			TargetID: "r-1", TargetName: "acme/payroll", Scopes: []string{"repo", "read:org"},
			Sensitivity: 3, Raw: `{"action":"git.clone"}`},
		{EventTime: t0, EventID: "evt-1", Source: "okta", Action: "user.session.start",
			Category: event.CategorySignin, AuthMethod: event.AuthInteractive, ActorID: "alice"},
	}
}
