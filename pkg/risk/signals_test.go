package risk

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/event"
)

type signalCase struct {
	name   string
	ep     func(*engine.Episode)
	hist   func(*History)
	signal string
	state  State
	want   string // a phrase of the evidence
}

func runSignalCases(t *testing.T, cases []signalCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.signal+"/"+tc.name, func(t *testing.T) {
			var ep *engine.Episode
			if tc.ep != nil {
				ep = episode(tc.ep)
			} else {
				ep = episode()
			}
			h := history()
			if tc.hist != nil {
				tc.hist(h)
			}
			checkSignal(t, Assess(ep, h, DefaultProfile()), tc.signal, tc.state, tc.want)
		})
	}
}

func TestImpactSignals(t *testing.T) {
	runSignalCases(t, []signalCase{
		{name: "base always", signal: SigBase, state: Fired, want: "5 sensitive events"},
		{name: "high sensitivity", ep: func(e *engine.Episode) { e.MaxSensitivity, e.HighSensitivityCount = 3, 4 }, signal: SigSensitivity, state: Fired, want: "4 events of high sensitivity"},
		{name: "medium sensitivity", ep: func(e *engine.Episode) { e.MaxSensitivity = 2 }, signal: SigSensitivity, state: Fired, want: "medium"},
		{name: "low sensitivity", signal: SigSensitivity, state: Quiet, want: "low"},
		{name: "no config change", signal: SigConfigChange, state: Quiet},
		{name: "MFA weakened", ep: func(e *engine.Episode) {
			e.ConfigChangeCount, e.ConfigActions = 2, []string{"group.user_membership.add", "user.mfa.factor.deactivate"}
		}, signal: SigConfigChange, state: Fired, want: "mfa_or_policy_weakened (user.mfa.factor.deactivate)"},
		{name: "forwarding rule", ep: func(e *engine.Episode) { e.ConfigChangeCount, e.ConfigActions = 1, []string{"New-InboxRule"} },
			signal: SigConfigChange, state: Fired, want: "mail_forwarding"},
		{name: "app credential", ep: func(e *engine.Episode) {
			e.ConfigChangeCount, e.ConfigActions = 1, []string{"Update application – Certificates and secrets management"}
		}, signal: SigConfigChange, state: Fired, want: "app_credential_added"},
		{name: "unlisted kind", ep: func(e *engine.Episode) { e.ConfigChangeCount, e.ConfigActions = 1, []string{"repo.rename"} },
			signal: SigConfigChange, state: Fired, want: "configuration change (repo.rename)"},
		{name: "routine change", ep: func(e *engine.Episode) { e.ConfigChangeCount, e.ConfigActions = 1, []string{"policy.rule.update"} },
			hist: func(h *History) { h.Key[3].ConfigActions = []string{"policy.rule.update"} }, signal: SigConfigChange, state: Fired, want: "routine"},
		{name: "first bulk day", ep: func(e *engine.Episode) { e.SensitiveCount = 40 }, signal: SigFirstBulkDay, state: Fired, want: "8.0× this key's busiest earlier day (5)"},
		{name: "busy but usual", ep: func(e *engine.Episode) { e.SensitiveCount = 12 }, hist: func(h *History) { h.Key[0].Sensitive = 9 }, signal: SigFirstBulkDay, state: Quiet},
		{name: "no history to compare with", ep: func(e *engine.Episode) { e.SensitiveCount = 25 }, hist: func(h *History) { h.Key = nil }, signal: SigFirstBulkDay, state: Quiet, want: "no earlier days"},
		{name: "one event", ep: func(e *engine.Episode) { e.SensitiveCount = 1 }, signal: SigVolume, state: Quiet, want: "one sensitive event"},
		{name: "several", signal: SigVolume, state: Fired, want: "volume: 5 sensitive events"},
		{name: "no baseline", hist: func(h *History) { h.BaselineDays = 0 }, signal: SigFirstBulkDay, state: Unknown, want: "baselineDays is 0"},
		{name: "target spread", ep: func(e *engine.Episode) { e.DistinctTargets = 30 }, signal: SigTargetSpread, state: Fired, want: "30 distinct targets"},
		{name: "usual targets", signal: SigTargetSpread, state: Quiet},
	})
}

func TestDeviationSignals(t *testing.T) {
	newApp := func(h *History) { h.App = &AppStats{FirstSeen: day(-2), LastSeen: t0, Actors: 1} }
	adopted := func(h *History) { h.App = &AppStats{FirstSeen: day(-2), LastSeen: t0, Actors: 9} }
	personal := func(e *engine.Episode) { e.AppID, e.AccessTokenID = "tok-9", "tok-9" }
	runSignalCases(t, []signalCase{
		{name: "new app nobody else uses", hist: newApp, signal: SigNewApp, state: Fired, want: "first seen 2 days ago, used by 1 actor"},
		{name: "new app colleagues adopted", hist: adopted, signal: SigNewApp, state: Fired, want: "already used by 9 actors"},
		{name: "app since window start", signal: SigNewApp, state: Quiet},
		{name: "app seen 20 days ago", hist: func(h *History) { h.App.FirstSeen = day(-20) }, signal: SigNewApp, state: Quiet, want: "more than 7 days"},
		{name: "no app id", ep: func(e *engine.Episode) { e.AppID = "" }, signal: SigNewApp, state: Unknown, want: "no app"},
		{name: "personal token", ep: personal, hist: newApp, signal: SigNewApp, state: Quiet, want: "personal token"},
		{name: "rare older app", hist: func(h *History) { h.App.Actors = 1 }, signal: SigRareApp, state: Fired, want: "1 actor"},
		{name: "rare but new: weighed once", hist: newApp, signal: SigRareApp, state: Quiet, want: "new app"},
		{name: "personal token is no rare app", ep: personal, hist: func(h *History) { h.App.Actors = 1 }, signal: SigRareApp, state: Quiet, want: "personal token"},
		{name: "common app", signal: SigRareApp, state: Quiet},
		{name: "fresh grant", ep: func(e *engine.Episode) { e.AccessCategory, e.AccessAction = "grant", "Consent to application." }, signal: SigFreshGrant, state: Fired, want: "Consent"},
		{name: "token use", signal: SigFreshGrant, state: Quiet},
		{name: "new key", hist: func(h *History) { h.Key = nil }, signal: SigNewKey, state: Fired, want: "30 days"},
		{name: "known key", signal: SigNewKey, state: Quiet},
		{name: "no sign-in where habitual", hist: func(h *History) { h.Actor = habitual(30) }, signal: SigNoSignin, state: Fired, want: "signed in on 30 of 30 token days"},
		{name: "signed in this morning", signal: SigNoSignin, state: Quiet, want: "signed in within 12h0m0s"},
		{name: "sign-in 13h before is too old", ep: func(e *engine.Episode) {
			e.AccessTime, e.FirstSensitive = day(0).Add(22*time.Hour+time.Minute), day(0).Add(22*time.Hour+2*time.Minute)
		}, signal: SigNoSignin, state: Fired},
		{name: "never signs in before token use", hist: func(h *History) {
			h.Actor = habitual(30)
			for i := range h.Actor[:20] {
				h.Actor[i].Signins, h.Actor[i].SigninTimes = 0, nil
			}
		}, signal: SigNoSignin, state: Quiet, want: "20 of 30 days"},
		{name: "no sign-in telemetry", hist: func(h *History) {
			for i := range h.Actor {
				h.Actor[i].Signins, h.Actor[i].SigninTimes = 0, nil
			}
		}, signal: SigNoSignin, state: Unknown, want: "no interactive sign-ins recorded"},
		{name: "new network for key", ep: func(e *engine.Episode) { e.Networks = []string{"192.0.2.0/24"} }, signal: SigNewNetworkKey, state: Fired, want: "192.0.2.0/24 for this key (seen: 1 network in 30 days)"},
		{name: "usual network", signal: SigNewNetworkKey, state: Quiet},
		{name: "roaming key", ep: func(e *engine.Episode) { e.Networks = []string{"192.0.2.0/24"} }, hist: func(h *History) {
			for i := range h.Key {
				h.Key[i].Networks = nets("100.64." + string(rune('0'+i%10)) + ".0/24")
			}
		}, signal: SigNewNetworkKey, state: Quiet, want: "roams"},
		{name: "no IP", ep: func(e *engine.Episode) { e.Networks = nil }, signal: SigNewNetworkKey, state: Unknown, want: "no source IP"},
		{name: "new network for actor", ep: func(e *engine.Episode) { e.Networks = []string{"192.0.2.0/24"} }, signal: SigNewNetworkActor, state: Fired, want: "no sign-in or browser activity from it nearby"},
		{name: "travel: signed in from it", ep: func(e *engine.Episode) { e.Networks = []string{"198.18.7.0/24"} }, hist: func(h *History) {
			h.Actor[len(h.Actor)-1].PresenceNetworks = nets("198.18.7.0/24")
		}, signal: SigNewNetworkActor, state: Quiet, want: "travel"},
		{name: "roaming key", ep: func(e *engine.Episode) { e.Networks = []string{"192.0.2.0/24"} }, hist: func(h *History) {
			for i := range h.Key {
				h.Key[i].Networks = nets(fmt.Sprintf("100.64.%d.0/24", i))
			}
		}, signal: SigNewNetworkActor, state: Quiet, want: "roams"},
		{name: "actor network", signal: SigNewNetworkActor, state: Quiet},
		{name: "the app's own network", ep: func(e *engine.Episode) { e.Networks = []string{"34.120.0.0/24"} }, hist: func(h *History) {
			h.App.PeerNetworks = map[uint64]int{event.Hash("34.120.0.0/24"): 5}
		}, signal: SigNewNetworkActor, state: Quiet, want: "the app uses it for other actors"},
		{name: "a few victims of a popular app are not its network", ep: func(e *engine.Episode) { e.Networks = []string{"192.0.2.0/24"} }, hist: func(h *History) {
			h.App.Actors, h.App.PeerNetworks = 300, map[uint64]int{event.Hash("192.0.2.0/24"): 3}
		}, signal: SigNewNetworkActor, state: Fired},
		{name: "the actor's other apps moved too: travel", ep: func(e *engine.Episode) { e.Networks = []string{"198.18.9.0/24"} }, hist: func(h *History) {
			h.Actor[len(h.Actor)-1].NetworkApps = netApps("198.18.9.0/24|outlook")
		}, signal: SigNewNetworkActor, state: Quiet, want: "other apps"},
		{name: "the episode's own app is no witness", ep: func(e *engine.Episode) { e.Networks = []string{"198.18.9.0/24"} }, hist: func(h *History) {
			h.Actor[len(h.Actor)-1].NetworkApps = netApps("198.18.9.0/24|app-1")
		}, signal: SigNewNetworkActor, state: Fired},
		{name: "one peer is not enough", ep: func(e *engine.Episode) { e.Networks = []string{"34.120.0.0/24"} }, hist: func(h *History) {
			h.App.PeerNetworks = map[uint64]int{event.Hash("34.120.0.0/24"): 1}
		}, signal: SigNewNetworkActor, state: Fired},
		{name: "actor IP unknown", ep: func(e *engine.Episode) { e.Networks = nil }, signal: SigNewNetworkActor, state: Unknown},
		{name: "off hours", ep: func(e *engine.Episode) { e.Hours = 1<<3 | 1<<14 }, signal: SigOffHours, state: Fired, want: "03:00-03:59 UTC, outside this actor's usual hours (09:00-17:59 UTC)"},
		{name: "usual hours", signal: SigOffHours, state: Quiet},
		{name: "an hour seen on too few days is unusual", ep: func(e *engine.Episode) { e.Hours = 1 << 22 }, hist: func(h *History) {
			for i := range h.Actor[:3] {
				h.Actor[i].Hours |= 1 << 22
			}
		}, signal: SigOffHours, state: Fired, want: "22:00-22:59"},
		{name: "too little actor history", ep: func(e *engine.Episode) { e.Hours = 1 << 3 }, hist: func(h *History) { h.Actor = habitual(2) }, signal: SigOffHours, state: Quiet, want: "too little"},
		{name: "dormant", hist: func(h *History) { h.Key = routine(30)[:10] }, signal: SigDormant, state: Fired, want: "silent for 20 days"},
		{name: "recent", signal: SigDormant, state: Quiet},
		{name: "old token silent for weeks", ep: func(e *engine.Episode) { e.AccessTokenID = "tok-1" }, hist: func(h *History) {
			h.Token = &TokenStats{FirstSeen: day(-30), Days: []time.Time{day(-30), day(-29), day(-28), day(0)}}
		}, signal: SigTokenAge, state: Fired, want: "older than 30 days used again after 27 silent days"},
		{name: "token silence already weighed as dormancy", ep: func(e *engine.Episode) { e.AccessTokenID = "tok-1" }, hist: func(h *History) {
			h.Key = routine(30)[:3]
			h.Token = &TokenStats{FirstSeen: day(-30), Days: []time.Time{day(-30), day(-29), day(-28), day(0)}}
		}, signal: SigTokenAge, state: Quiet, want: "weighed as a dormant key"},
		{name: "token in regular use", ep: func(e *engine.Episode) { e.AccessTokenID = "tok-1" }, hist: func(h *History) {
			h.Token = &TokenStats{FirstSeen: day(-20), Days: []time.Time{day(-20), day(-2), day(-1)}}
		}, signal: SigTokenAge, state: Quiet, want: "20 days old, in regular use"},
		{name: "young token", ep: func(e *engine.Episode) { e.AccessTokenID = "tok-1" }, hist: func(h *History) {
			h.Token = &TokenStats{FirstSeen: day(0), Days: []time.Time{day(0)}}
		}, signal: SigTokenAge, state: Quiet, want: "0 days old"},
		{name: "no token id", signal: SigTokenAge, state: Unknown, want: "no token id"},
		{name: "new user agent", ep: func(e *engine.Episode) { e.UserAgents = []string{"python-requests/2.32.3"} }, signal: SigNewUserAgent, state: Fired, want: "python-requests"},
		{name: "usual agent", signal: SigNewUserAgent, state: Quiet},
		{name: "no agent", ep: func(e *engine.Episode) { e.UserAgents = nil }, signal: SigNewUserAgent, state: Unknown},
	})
}

func TestDampenSignals(t *testing.T) {
	runSignalCases(t, []signalCase{
		{name: "routine key at its hour", signal: SigEstablished, state: Fired, want: "active on 30 of 30 days"},
		{name: "off its hours", ep: func(e *engine.Episode) { e.Hours = 1 << 2 }, signal: SigEstablished, state: Quiet, want: "usual hours"},
		{name: "new network", ep: func(e *engine.Episode) { e.Networks = []string{"192.0.2.0/24"} }, signal: SigEstablished, state: Quiet, want: "network"},
		{name: "bulk", ep: func(e *engine.Episode) { e.SensitiveCount = 50 }, signal: SigEstablished, state: Quiet, want: "volume"},
		{name: "occasional key", hist: func(h *History) { h.Key = routine(30)[20:] }, signal: SigEstablished, state: Quiet, want: "10 of 30"},
		{name: "approved", ep: func(e *engine.Episode) { e.Approved = true }, signal: SigApproved, state: Fired, want: "app-1"},
		{name: "not approved", signal: SigApproved, state: Quiet},
	})
}

// TestUnknownTelemetry: without a baseline every history signal reads
// unknown, says why, and adds nothing; the score is impact alone.
func TestUnknownTelemetry(t *testing.T) {
	ep := episode(func(e *engine.Episode) { e.MaxSensitivity, e.HighSensitivityCount = 3, 2 })
	a := Assess(ep, nil, DefaultProfile())
	names := []string{SigFirstBulkDay, SigTargetSpread, SigNewApp, SigRareApp, SigNewKey, SigNoSignin, SigNewNetworkKey, SigNewNetworkActor, SigOffHours, SigDormant, SigTokenAge, SigNewUserAgent, SigEstablished}
	for _, name := range names {
		s := find(t, a, name)
		if s.State != Unknown || s.Points != 0 || s.Evidence == "" {
			t.Errorf("%s without baseline: %+v, want unknown with a reason and no points", name, s)
		}
	}
	p := DefaultProfile()
	if want := int(math.Round(p.Impact.Base) + math.Round(p.Impact.Sensitivity.High) + math.Round(p.Impact.VolumePerDecade*math.Log10(5))); a.Score != want {
		t.Errorf("score %d, want impact alone %d", a.Score, want)
	}
	if len(a.Unknowns()) != len(names) {
		t.Errorf("Unknowns() = %q, want %d entries", a.Unknowns(), len(names))
	}
}

// TestVolumeGrowsWithTheLogarithm: every tenfold adds the profile's points,
// so a thousand reads outweigh a hundred without drowning everything else.
func TestVolumeGrowsWithTheLogarithm(t *testing.T) {
	p := DefaultProfile()
	at := func(n int) float64 {
		return find(t, Assess(episode(func(e *engine.Episode) { e.SensitiveCount = n }), nil, p), SigVolume).Value
	}
	if d := at(1000) - at(100); math.Abs(d-p.Impact.VolumePerDecade) > 1e-9 {
		t.Errorf("100 -> 1000 events adds %.2f points, want %.2f", d, p.Impact.VolumePerDecade)
	}
}
