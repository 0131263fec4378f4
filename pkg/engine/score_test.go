package engine

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// TestScore pins each scoring rule and the severity bands.
func TestScore(t *testing.T) {
	tests := []struct {
		name        string
		ep          Episode
		targets     int
		wantScore   int
		wantSev     string
		wantReasons []string
	}{
		{
			name:        "base only",
			ep:          Episode{SensitiveCount: 1, DataAccessCount: 1, MaxSensitivity: 1, AccessCategory: "token_auth"},
			targets:     1,
			wantScore:   20,
			wantSev:     SeverityLow,
			wantReasons: []string{"+20 token access followed by sensitive activity"},
		},
		{
			name:        "config change",
			ep:          Episode{SensitiveCount: 2, ConfigChangeCount: 2, AccessCategory: "token_auth"},
			wantScore:   45,
			wantSev:     SeverityMedium,
			wantReasons: []string{"+20 token access followed by sensitive activity", "+25 2 configuration change(s)"},
		},
		{
			name:      "bulk by event count at the threshold",
			ep:        Episode{SensitiveCount: 10, DataAccessCount: 10, AccessCategory: "token_auth"},
			targets:   1,
			wantScore: 35,
			wantSev:   SeverityLow,
			wantReasons: []string{"+20 token access followed by sensitive activity",
				"+15 bulk activity: 10 sensitive events (threshold 10)"},
		},
		{
			name:        "nine events are not bulk",
			ep:          Episode{SensitiveCount: 9, DataAccessCount: 9, AccessCategory: "token_auth"},
			targets:     9,
			wantScore:   20,
			wantSev:     SeverityLow,
			wantReasons: []string{"+20 token access followed by sensitive activity"},
		},
		{
			name:      "bulk by distinct targets",
			ep:        Episode{SensitiveCount: 9, DataAccessCount: 9, AccessCategory: "token_auth"},
			targets:   10,
			wantScore: 30,
			wantSev:   SeverityLow,
			wantReasons: []string{"+20 token access followed by sensitive activity",
				"+10 bulk activity: at least 10 distinct targets"},
		},
		{
			name:      "medium sensitivity",
			ep:        Episode{SensitiveCount: 1, MaxSensitivity: 2, AccessCategory: "token_auth"},
			wantScore: 30,
			wantSev:   SeverityLow,
			wantReasons: []string{"+20 token access followed by sensitive activity",
				"+10 medium sensitivity (max 2)"},
		},
		{
			name:      "high sensitivity after a fresh grant",
			ep:        Episode{SensitiveCount: 1, MaxSensitivity: 3, AccessCategory: "grant", AccessAction: "app.oauth2.consent.grant"},
			wantScore: 55,
			wantSev:   SeverityMedium,
			wantReasons: []string{"+20 token access followed by sensitive activity",
				"+20 high sensitivity (max 3)",
				"+15 access anchor is a fresh grant/consent (app.oauth2.consent.grant)"},
		},
		{
			name:      "config change and high sensitivity reach high",
			ep:        Episode{SensitiveCount: 1, ConfigChangeCount: 1, MaxSensitivity: 3, AccessCategory: "token_auth"},
			wantScore: 65,
			wantSev:   SeverityHigh,
			wantReasons: []string{"+20 token access followed by sensitive activity",
				"+25 1 configuration change(s)", "+20 high sensitivity (max 3)"},
		},
		{
			name:      "approved app lowers the score",
			ep:        Episode{SensitiveCount: 1, MaxSensitivity: 3, AccessCategory: "token_auth", Approved: true, AppID: "slackbot"},
			wantScore: 20,
			wantSev:   SeverityLow,
			wantReasons: []string{"+20 token access followed by sensitive activity",
				"+20 high sensitivity (max 3)", "-20 approved app slackbot"},
		},
		{
			name:      "everything is capped at 100",
			ep:        Episode{SensitiveCount: 12, ConfigChangeCount: 3, MaxSensitivity: 3, AccessCategory: "grant", AccessAction: "grant"},
			targets:   10,
			wantScore: 100,
			wantSev:   SeverityCritical,
			wantReasons: []string{"+20 token access followed by sensitive activity",
				"+25 3 configuration change(s)",
				"+15 bulk activity: 12 sensitive events (threshold 10)",
				"+10 bulk activity: at least 10 distinct targets",
				"+20 high sensitivity (max 3)",
				"+15 access anchor is a fresh grant/consent (grant)",
				"-5 capped at 100"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, sev, reasons := score(&tc.ep, tc.targets)
			if got != tc.wantScore || sev != tc.wantSev {
				t.Errorf("score = %d %s, want %d %s", got, sev, tc.wantScore, tc.wantSev)
			}
			if !reflect.DeepEqual(reasons, tc.wantReasons) {
				t.Errorf("reasons:\n got %q\nwant %q", reasons, tc.wantReasons)
			}
			if sum := sumReasons(t, reasons); sum != got {
				t.Errorf("reasons sum to %d, score is %d", sum, got)
			}
		})
	}
}

// TestSeverityBands pins the band edges.
func TestSeverityBands(t *testing.T) {
	for score, want := range map[int]string{0: SeverityLow, 39: SeverityLow, 40: SeverityMedium, 59: SeverityMedium,
		60: SeverityHigh, 79: SeverityHigh, 80: SeverityCritical, 100: SeverityCritical} {
		if got := severity(score); got != want {
			t.Errorf("severity(%d) = %s, want %s", score, got, want)
		}
	}
}

// sumReasons adds up the signed points each reason starts with.
func sumReasons(t *testing.T, reasons []string) int {
	t.Helper()
	sum := 0
	for _, r := range reasons {
		n, err := strconv.Atoi(strings.Fields(r)[0])
		if err != nil {
			t.Fatalf("reason %q does not start with its points: %v", r, err)
		}
		sum += n
	}
	return sum
}
