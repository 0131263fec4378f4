package risk

import (
	"strings"
	"testing"
)

func TestDefaultProfile(t *testing.T) {
	p := DefaultProfile()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if p.Severity.Critical <= p.Severity.High || len(p.Impact.ConfigKinds) < 4 {
		t.Errorf("default profile looks empty: %+v", p)
	}
	q := DefaultProfile()
	q.Severity.High = 1
	if DefaultProfile().Severity.High == 1 {
		t.Error("DefaultProfile shares state between calls")
	}
}

func TestLoadProfile(t *testing.T) {
	tests := []struct {
		name, doc, wantErr string
		check              func(*Profile) bool
	}{
		{name: "empty keeps defaults", doc: "  ", check: func(p *Profile) bool { return p.Severity.High == DefaultProfile().Severity.High }},
		{name: "YAML override of one value", doc: "severity: {high: 60}", check: func(p *Profile) bool {
			return p.Severity.High == 60 && p.Severity.Critical == DefaultProfile().Severity.Critical
		}},
		{name: "JSON override", doc: `{"deviation": {"noSignin": {"weight": 1.5}}}`, check: func(p *Profile) bool {
			return p.Deviation.NoSignin.Weight == 1.5 && p.Deviation.NoSignin.MinHabit == DefaultProfile().Deviation.NoSignin.MinHabit
		}},
		{name: "unknown key", doc: "severity: {hihg: 60}", wantErr: "field hihg not found"},
		{name: "bands out of order", doc: "severity: {high: 120}", wantErr: "medium < high < critical"},
		{name: "negative weight", doc: "deviation: {freshGrant: -1}", wantErr: "deviation.freshGrant is -1"},
		{name: "fraction above 1", doc: "dampen: {approvedApp: 2}", wantErr: "dampen.approvedApp is 2"},
		{name: "not YAML", doc: "{{{", wantErr: "scoring profile"},
		{name: "kind without keywords", doc: "impact: {configKinds: [{kind: x, points: 3}]}", wantErr: "configKinds[0]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := LoadProfile(tc.doc)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(p) {
				t.Errorf("override not applied: %+v", p)
			}
		})
	}
}

func TestSeverity(t *testing.T) {
	p := DefaultProfile()
	for _, tc := range []struct {
		score int
		want  string
	}{{0, SeverityLow}, {p.Severity.Medium - 1, SeverityLow}, {p.Severity.Medium, SeverityMedium}, {p.Severity.High, SeverityHigh}, {p.Severity.Critical, SeverityCritical}, {100, SeverityCritical}} {
		if got := p.Band(tc.score); got != tc.want {
			t.Errorf("Band(%d) = %s, want %s", tc.score, got, tc.want)
		}
	}
	for in, want := range map[string]string{"": "", "HIGH": "high", " critical ": "critical"} {
		if got, err := ParseSeverity(in); err != nil || got != want {
			t.Errorf("ParseSeverity(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseSeverity(strings.Repeat("x", 500)); err == nil || len(err.Error()) > 200 {
		t.Errorf("bad severity: err %v should be short and name the bands", err)
	}
	if SeverityRank(SeverityCritical) <= SeverityRank(SeverityHigh) || SeverityRank("bogus") != -1 {
		t.Error("SeverityRank order broken")
	}
}
