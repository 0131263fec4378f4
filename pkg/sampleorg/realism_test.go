package sampleorg

import (
	"strings"
	"testing"
)

// The realism tests measure a medium organisation (300k events in the
// range, 30 days of history) with the reference detector and the default
// query. Their bounds are the documented targets of DefaultRealism, wide
// enough for any seed: a few thousand benign episodes dominated by sync
// clients, then services, admin tools and new apps; about one attack per
// 70 episodes; and no single naive flag that separates attacks from
// benign episodes.

// Bounds of the benign background at the medium size.
const (
	minBenign, maxBenign = 3_500, 8_000
	minAttackShare       = 1.0 / 100
	maxAttackShare       = 1.0 / 45
)

func TestBenignEpisodesAtMediumSize(t *testing.T) {
	w := worldOf(t, mediumConfig(4))
	benign, _, n, _ := w.counts()
	t.Logf("%d benign episodes: %v (generated %d events in %s)", n, benign, w.events, w.elapsed)
	if n < minBenign || n > maxBenign {
		t.Errorf("%d benign episodes, want %d..%d", n, minBenign, maxBenign)
	}
	share := func(c string) float64 { return float64(benign[c]) / float64(max(n, 1)) }
	bounds := []struct {
		class  string
		lo, hi float64
	}{
		{ClassSync, 0.6, 0.95},
		{ClassService, 0.04, 0.2},
		{ClassAdminTool, 0.015, 0.1},
		{ClassNewApp, 0.01, 0.1},
		{ClassOther, 0, 0},
	}
	for _, b := range bounds {
		if s := share(b.class); s < b.lo || s > b.hi {
			t.Errorf("class %s holds %.3f of benign episodes, want %.3f..%.3f", b.class, s, b.lo, b.hi)
		}
	}
	if !(benign[ClassSync] > benign[ClassService] && benign[ClassService] > benign[ClassAdminTool] && benign[ClassService] > benign[ClassNewApp]) {
		t.Errorf("class order %v: want sync clients first, then services, then admin tools and new apps", benign)
	}
}

func TestAttackShare(t *testing.T) {
	w := worldOf(t, mediumConfig(4))
	_, attacks, nb, na := w.counts()
	share := float64(na) / float64(na+nb)
	t.Logf("%d attack episodes of %d (1 in %.0f): %v", na, na+nb, 1/share, attacks)
	if share < minAttackShare || share > maxAttackShare {
		t.Errorf("attack share %.4f (1 in %.0f), want 1 in 45..100", share, 1/share)
	}
	for _, s := range ChainShapes {
		if attacks[s] == 0 {
			t.Errorf("no episode of shape %s", s)
		}
	}
	est := 0
	for _, c := range w.truth.Chains {
		if c.Established {
			est++
		}
	}
	if est*2 < len(w.truth.Chains) {
		t.Errorf("%d of %d chains ride established keys, want at least half", est, len(w.truth.Chains))
	}
}

// TestNoFlagSeparatesAttacks: no single flag a naive score would add
// points for (a config change, a fresh grant, a new app, a missing
// sign-in) flags mostly attacks. Ranking has to come from behaviour
// against each key's own history.
func TestNoFlagSeparatesAttacks(t *testing.T) {
	w := worldOf(t, mediumConfig(4))
	for _, f := range episodeFlags {
		fl := w.flag(f.is)
		t.Logf("%-22s attacks %3d/%d, benign %5d/%d: precision %.3f", f.name, fl.attacks, fl.nAttacks, fl.benign, fl.nBenign, fl.precision())
		if fl.attacks == 0 || fl.benign == 0 {
			t.Errorf("flag %q is never raised on attacks (%d) or on benign episodes (%d)", f.name, fl.attacks, fl.benign)
		}
		if p := fl.precision(); p >= 0.5 {
			t.Errorf("flag %q has precision %.3f: it alone separates attacks from benign episodes", f.name, p)
		}
	}
}

// TestRealismValidation names the field and its range.
func TestRealismValidation(t *testing.T) {
	mod := func(f func(*Realism)) Realism {
		r := DefaultRealism()
		f(&r)
		return r
	}
	tests := []struct {
		r    Realism
		want string
	}{
		{mod(func(r *Realism) { r.SignInHabit = 1.5 }), "Realism.SignInHabit = 1.5"},
		{mod(func(r *Realism) { r.TravelPerMonth = -0.1 }), "Realism.TravelPerMonth"},
		{mod(func(r *Realism) { r.MobileChurnDays = 0 }), "Realism.MobileChurnDays"},
		{mod(func(r *Realism) { r.AttackShare = 0 }), "Realism.AttackShare"},
		{mod(func(r *Realism) { r.AttackMix = map[string]float64{"phishing": 1} }), `"phishing", which is not a chain shape`},
		{mod(func(r *Realism) { r.AttackMix = map[string]float64{ShapeOldPAT: 0} }), "no shape a positive weight"},
	}
	for _, tc := range tests {
		cfg := testConfig(1, MinEvents, Normalized)
		cfg.Realism = tc.r
		if _, err := cfg.withDefaults(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error = %v, want it to contain %q", err, tc.want)
		}
	}
	cfg, err := testConfig(1, MinEvents, Normalized).withDefaults()
	if err != nil || cfg.Realism.SignInHabit != DefaultRealism().SignInHabit || cfg.Realism.AttackMix == nil {
		t.Errorf("zero Realism did not become DefaultRealism: %+v, %v", cfg.Realism, err)
	}
	r := DefaultRealism()
	r.AttackMix = nil
	cfg = testConfig(1, MinEvents, Normalized)
	cfg.Realism = r
	if cfg, err = cfg.withDefaults(); err != nil || len(cfg.Realism.AttackMix) != len(ChainShapes) {
		t.Errorf("nil AttackMix did not become DefaultAttackMix: %v, %v", cfg.Realism.AttackMix, err)
	}
}

// TestVariantShiftsTheWorld compares the plans of the same organisation
// under both realisms: the variant travels more, signs in less by habit,
// changes phone networks more often and consents to more new apps.
func TestVariantShiftsTheWorld(t *testing.T) {
	stats := func(r Realism) (trip, signIn, mobileNets float64, newApps int) {
		cfg := testConfig(9, mediumSize, Normalized)
		cfg.Realism = r
		cfg, err := cfg.withDefaults()
		if err != nil {
			t.Fatal(err)
		}
		o := newGenerator(cfg).o
		days, trips, works, signs := 0, 0, 0, 0
		nets := map[string]bool{}
		first, last := localDay(cfg.rangeStart()), localDay(cfg.End)
		for _, p := range o.people {
			for d := first; d < last; d++ {
				pl := o.planFor(p, d)
				days++
				if pl.trip {
					trips++
				}
				if pl.works && !pl.trip {
					works++
					if pl.signIn {
						signs++
					}
				}
				if p.idx < 40 {
					nets[prefix24(o.mobileIP(p, &pl, 0))] = true
				}
			}
		}
		return float64(trips) / float64(days), float64(signs) / float64(works), float64(len(nets)) / 40, len(o.newApps)
	}
	dt, ds, dm, dn := stats(DefaultRealism())
	vt, vs, vm, vn := stats(RealismVariant())
	t.Logf("trip days %.3f -> %.3f, habitual sign-in days %.2f -> %.2f, phone /24s per person %.1f -> %.1f, new apps %d -> %d", dt, vt, ds, vs, dm, vm, dn, vn)
	if vt < 2*dt || vs > ds-0.1 || vm < 2*dm || float64(vn) < 1.6*float64(dn) {
		t.Errorf("the variant is not noticeably shifted from the default")
	}
	cfg := testConfig(9, mediumSize, Normalized)
	cfg.Realism = RealismVariant()
	cfg, _ = cfg.withDefaults()
	g := newGenerator(cfg)
	counts := g.attackCounts()
	if counts[ShapeStolenSyncToken] <= counts[ShapeGoogleOAuthDrive]*4 {
		t.Errorf("variant attack mix %v: want stolen sync tokens well ahead of Drive apps", counts)
	}
}

// TestRealismExtremes: a world with none of the optional behaviour (no
// services, travel, new apps, habits or sync clients beyond the one of
// each kind every organisation keeps) still generates, plants only what it
// can and keeps its truth honest.
func TestRealismExtremes(t *testing.T) {
	r := Realism{MobileChurnDays: 1, AttackShare: 0.5, AttackMix: DefaultAttackMix()}
	cfg := testConfig(8, MinEvents, Normalized)
	cfg.Realism = r
	events, truth := collect(t, cfg)
	checkTruth(t, events, truth)
	for _, c := range truth.Chains {
		if c.Shape == ShapeServiceHijack {
			t.Errorf("chain %s hijacks a service in an organisation without services", c.ID)
		}
	}
}

// TestRoutineVolumeEstimate keeps the per-day event constants of
// estimate.go honest: at full strength the routines generate within a
// third of what routineVolume expects, so org.scale keeps them inside the
// event budget at every size.
func TestRoutineVolumeEstimate(t *testing.T) {
	cfg, err := testConfig(10, 200_000, Normalized).withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	g := newGenerator(cfg)
	g.o.scale = 1 // measure at full strength, whatever the size
	g.plant()
	if err := g.run(func(Record) error { return nil }); err != nil {
		t.Fatal(err)
	}
	human, auto := g.o.routineVolume()
	days := float64(cfg.Days + cfg.history())
	gotH, gotA := float64(g.routineHuman)/days, float64(g.routineAuto)/days
	t.Logf("routine events per day: people %.0f (estimated %.0f), services %.0f (estimated %.0f); %.0f%% of all events",
		gotH, human, gotA, auto, 100*float64(g.routineHuman+g.routineAuto)/float64(g.emitted))
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"people", gotH, human}, {"services", gotA, auto}} {
		if c.got < c.want*2/3 || c.got > c.want*4/3 {
			t.Errorf("%s' routines make %.0f events a day, the estimate says %.0f", c.name, c.got, c.want)
		}
	}
}
