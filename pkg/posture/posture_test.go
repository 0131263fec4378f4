package posture

import (
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/engine"
)

var end = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

func thresholds() Thresholds {
	return Thresholds{SilenceHours: 24, MinRetentionDays: 90, MinTokenIDPercent: 1, MaxZeroDays: 0, AlertLookbackMinutes: 60}
}

func healthy() Coverage {
	return Coverage{Source: "okta", Events: 1000, FirstEvent: end.Add(-90 * 24 * time.Hour), LastEvent: end.Add(-time.Hour),
		ActiveDays: 90, TokenEvents: 100, TokenEventsWithID: 1, Signins: 10, Late: 50}
}

// Each threshold trips exactly at the first value past it, and not at it.
func TestEvaluateBoundaries(t *testing.T) {
	cases := []struct {
		name   string
		change func(*Coverage, *Thresholds)
		want   string // the one finding, or "" for none
	}{
		{"healthy at every boundary", func(*Coverage, *Thresholds) {}, ""},
		{"silent just past silenceHours", func(c *Coverage, _ *Thresholds) { c.LastEvent = end.Add(-24*time.Hour - 6*time.Minute) }, FindingSilent},
		{"silent exactly at silenceHours is not", func(c *Coverage, _ *Thresholds) { c.LastEvent = end.Add(-24 * time.Hour) }, ""},
		{"a threshold is a setting", func(c *Coverage, t *Thresholds) {
			c.LastEvent = end.Add(-30 * time.Hour)
			t.SilenceHours = 48
		}, ""},
		{"retention a second short", func(c *Coverage, _ *Thresholds) { c.FirstEvent = end.Add(-90*24*time.Hour + time.Second) }, FindingShortRetention},
		{"token ids under the share", func(c *Coverage, _ *Thresholds) { c.TokenEventsWithID = 0 }, FindingNoTokenIDs},
		{"no token events at all", func(c *Coverage, _ *Thresholds) { c.TokenEvents, c.TokenEventsWithID = 0, 0 }, FindingNoTokenIDs},
		{"no sign-ins", func(c *Coverage, _ *Thresholds) { c.Signins = 0 }, FindingNoSignins},
		{"one day without events", func(c *Coverage, _ *Thresholds) { c.ActiveDays = 89 }, FindingZeroDays},
		{"one day without events allowed", func(c *Coverage, t *Thresholds) { c.ActiveDays, t.MaxZeroDays = 89, 1 }, ""},
		{"late share just above 5%", func(c *Coverage, _ *Thresholds) { c.Late = 51 }, FindingLateIngest},
	}
	for _, tc := range cases {
		c, th := healthy(), thresholds()
		tc.change(&c, &th)
		Evaluate(&c, th, end)
		var kinds []string
		for _, f := range c.Findings {
			kinds = append(kinds, f.Kind)
		}
		if (tc.want == "" && len(kinds) != 0) || (tc.want != "" && (len(kinds) != 1 || kinds[0] != tc.want)) {
			t.Errorf("%s: findings %v (%s), want %q", tc.name, kinds, c.BlindSpots(), tc.want)
		}
	}
}

func TestTokenKindAndAge(t *testing.T) {
	for methods, want := range map[string]string{"oauth": KindOAuth, "oauth,pat": KindPAT, "api_token": KindAPIToken, "service_account": KindServiceAccount, "": KindUnknown} {
		var m []string
		if methods != "" {
			m = splitComma(methods)
		}
		if got := TokenKind(m); got != want {
			t.Errorf("TokenKind(%v) = %s, want %s", m, got, want)
		}
	}
	tok := Token{FirstSeen: end.Add(-100 * 24 * time.Hour)}
	if tok.AgeDays(end) != 100 || tok.IdleDays(end) != 100 {
		t.Errorf("a never-used token is idle since it was first seen: age %v idle %v", tok.AgeDays(end), tok.IdleDays(end))
	}
	tok.LastUsed = end.Add(-36 * time.Hour)
	if tok.IdleDays(end) != 1.5 {
		t.Errorf("idle %v, want 1.5", tok.IdleDays(end))
	}
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}

func TestLastEpisodes(t *testing.T) {
	l := LastEpisodes{}
	ep := func(id, app string, at time.Duration, sev string) engine.Episode {
		return engine.Episode{ID: id, Tenant: "t", Source: "m365", AppID: app, FirstSensitive: end.Add(at), Severity: sev, Score: len(sev)}
	}
	for _, e := range []engine.Episode{ep("b", "a1", 2*time.Hour, "high"), ep("a", "a1", time.Hour, "low"), ep("c", "a1", 2*time.Hour, "critical"), ep("z", "a2", 0, "medium")} {
		_ = l.Add(e)
	}
	apps := []App{{Tenant: "t", Source: "m365", AppID: "a1"}, {Tenant: "t", Source: "m365", AppID: "a2"}, {Tenant: "t", Source: "slack", AppID: "a1"}}
	l.Apply(apps)
	if apps[0].LastEpisodeID != "b" || apps[0].LastSeverity != "high" || apps[1].LastEpisodeID != "z" || apps[2].LastEpisodeID != "" {
		t.Errorf("last episodes: %+v", apps)
	}
}
