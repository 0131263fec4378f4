package risk

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/tokentrail/tokentrail/pkg/engine"
)

// sumReasons adds the signed points each reason starts with.
func sumReasons(t *testing.T, reasons []string) int {
	t.Helper()
	total := 0
	for _, r := range reasons {
		n, err := strconv.Atoi(strings.SplitN(r, " ", 2)[0])
		if err != nil {
			t.Fatalf("reason %q does not start with signed points", r)
		}
		total += n
	}
	return total
}

// TestScoreComposition checks impact × (1 + deviation) × dampening on the
// profile's own numbers, and that the reasons always add up to the score.
func TestScoreComposition(t *testing.T) {
	p := DefaultProfile()
	cases := []struct {
		name string
		ep   func(*engine.Episode)
		hist func(*History)
		want func() int
		sev  string
	}{
		{
			name: "routine sync client is damped",
			want: func() int {
				impact := pts(p.Impact.Base) + pts(volumeOf(p, 5))
				return impact - roundInt(float64(impact)*(1-p.Dampen.EstablishedAutomation.Factor))
			},
			sev: SeverityLow,
		},
		{
			name: "stolen sync token: new network, off hours, first bulk day, no sign-in",
			ep: func(e *engine.Episode) {
				e.AccessTime, e.FirstSensitive, e.LastSensitive = day(0).Add(3*3600e9), day(0).Add(3*3600e9+60e9), day(0).Add(4*3600e9)
				e.Hours, e.Networks, e.SensitiveCount, e.MaxSensitivity, e.HighSensitivityCount = 1<<3|1<<4, []string{"192.0.2.0/24"}, 60, 3, 60
			},
			hist: func(h *History) { h.Actor = habitual(30) },
			want: func() int { return -1 }, // far above critical; checked below
			sev:  SeverityCritical,
		},
		{
			name: "fresh consent of a rare new app reading high-sensitivity mail",
			ep: func(e *engine.Episode) {
				e.AccessCategory, e.AccessAction, e.MaxSensitivity, e.HighSensitivityCount = "grant", "Consent to application.", 3, 5
			},
			hist: func(h *History) {
				h.Key, h.App = nil, &AppStats{FirstSeen: day(0), LastSeen: t0, Actors: 1}
			},
			want: func() int {
				impact := pts(p.Impact.Base) + pts(p.Impact.Sensitivity.High) + pts(volumeOf(p, 5))
				d := p.Deviation
				total := impact
				for _, w := range []float64{d.NewApp.Weight, d.FreshGrant, d.NewKey} {
					total += roundInt(float64(impact) * w)
				}
				return total
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ep := episode()
			if tc.ep != nil {
				tc.ep(ep)
			}
			h := history()
			if tc.hist != nil {
				tc.hist(h)
			}
			a := Assess(ep, h, p)
			if want := tc.want(); want >= 0 && a.Score != want {
				t.Errorf("score %d, want %d; reasons %q", a.Score, want, a.Reasons())
			}
			if got := sumReasons(t, a.Reasons()); got != a.Score {
				t.Errorf("reasons add up to %d, score is %d: %q", got, a.Score, a.Reasons())
			}
			if tc.sev != "" && a.Severity != tc.sev {
				t.Errorf("severity %s, want %s", a.Severity, tc.sev)
			}
			if a.Severity != p.Band(a.Score) {
				t.Errorf("severity %s does not match score %d", a.Severity, a.Score)
			}
		})
	}
}

func pts(f float64) int { return roundInt(f) }

func volumeOf(p *Profile, n int) float64 { return p.Impact.VolumePerDecade * math.Log10(float64(n)) }

func roundInt(f float64) int {
	if f < 0 {
		return -int(-f + 0.5)
	}
	return int(f + 0.5)
}

// TestReasonsAlwaysAddUp varies every input the signals read and checks the
// invariant the frame's reasons column promises.
func TestReasonsAlwaysAddUp(t *testing.T) {
	p := DefaultProfile()
	n := 0
	for _, sens := range []uint8{1, 2, 3} {
		for _, count := range []int{1, 12, 300} {
			for _, cfg := range [][]string{nil, {"New-InboxRule"}, {"policy.rule.update", "repo.rename"}} {
				for _, net := range []string{"203.0.113.0/24", "192.0.2.0/24"} {
					for _, approved := range []bool{false, true} {
						ep := episode(func(e *engine.Episode) {
							e.MaxSensitivity, e.HighSensitivityCount, e.SensitiveCount = sens, count, count
							e.ConfigActions, e.ConfigChangeCount, e.Networks, e.Approved = cfg, len(cfg), []string{net}, approved
						})
						for _, h := range []*History{nil, history(), history(func(h *History) { h.Key = nil })} {
							a := Assess(ep, h, p)
							if got := sumReasons(t, a.Reasons()); got != a.Score || a.Score < 0 {
								t.Fatalf("case %d: reasons sum %d, score %d: %q", n, got, a.Score, a.Reasons())
							}
							n++
						}
					}
				}
			}
		}
	}
	t.Logf("%d combinations", n)
}

func TestApply(t *testing.T) {
	ep := episode(func(e *engine.Episode) { e.Networks = []string{"192.0.2.0/24"} })
	a := Assess(ep, nil, DefaultProfile())
	Apply(ep, a)
	if ep.Score != a.Score || ep.Severity != a.Severity || fmt.Sprint(ep.Reasons) != fmt.Sprint(a.Reasons()) || len(ep.Unknown) == 0 || ep.Impact != a.Impact {
		t.Errorf("Apply did not copy the assessment: %+v", ep)
	}
}
