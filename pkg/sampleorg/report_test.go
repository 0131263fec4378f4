package sampleorg

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkRealismReport prints the figures that describe the realistic
// organisation, for seeds 1 to 3 at 300k and 1M events in the range with
// 30 days of history, measured with the reference detector and the
// default query: events generated, generation time (a separate run that
// only counts), benign episodes by class, attack episodes by shape, and
// the share of attack and benign episodes carrying each naive flag.
//
//	go test -run '^$' -bench RealismReport -benchtime 1x ./pkg/sampleorg
//
// It is a benchmark so that it never runs with the tests: the 1M worlds
// take a minute each on two cores.
func BenchmarkRealismReport(b *testing.B) {
	for b.Loop() {
		var out strings.Builder
		for _, size := range []int{300_000, 1_000_000} {
			for seed := int64(1); seed <= 3; seed++ {
				out.WriteString(reportWorld(b, testConfig(seed, size, Normalized)))
			}
		}
		fmt.Print(out.String()) // b.Log truncates long benchmark output
	}
}

func reportWorld(b *testing.B, cfg Config) string {
	start := time.Now()
	n := 0
	if _, err := Generate(cfg, func(Record) error { n++; return nil }); err != nil {
		b.Fatal(err)
	}
	gen := time.Since(start)
	w, err := buildWorld(cfg)
	if err != nil {
		b.Fatal(err)
	}
	benign, attacks, nb, na := w.counts()
	var s strings.Builder
	fmt.Fprintf(&s, "seed %d, %d events in the range: %d generated (%d history), %s\n", cfg.Seed, cfg.Events, n, n-w.truth.RangeEvents, gen.Round(10*time.Millisecond))
	fmt.Fprintf(&s, "  benign %d:", nb)
	for _, c := range []string{ClassSync, ClassService, ClassAdminTool, ClassNewApp, ClassOther} {
		fmt.Fprintf(&s, " %s %d", c, benign[c])
	}
	fmt.Fprintf(&s, "\n  attacks %d (1 in %.0f of all episodes):", na, float64(na+nb)/float64(max(na, 1)))
	for _, k := range slices.Sorted(maps.Keys(attacks)) {
		fmt.Fprintf(&s, " %s %d", k, attacks[k])
	}
	s.WriteString("\n")
	for _, f := range episodeFlags {
		fl := w.flag(f.is)
		fmt.Fprintf(&s, "  %-22s attacks %5.1f%%  benign %5.1f%%  precision %.3f\n", f.name,
			100*float64(fl.attacks)/float64(max(fl.nAttacks, 1)), 100*float64(fl.benign)/float64(max(fl.nBenign, 1)), fl.precision())
	}
	unknown := w.flag(func(e *worldEpisode) bool { return e.signIn < 0 })
	fmt.Fprintf(&s, "  sign-in unknown (GitHub names no e-mail): attacks %d, benign %d\n", unknown.attacks, unknown.benign)
	return s.String()
}
