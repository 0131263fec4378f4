package sampleorg

import (
	"fmt"
	"reflect"
	"sort"
	"testing"

	"github.com/tokentrail/tokentrail/pkg/catalog"
	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/normalize"
)

// normalizeVendor generates cfg in Vendor mode and runs every record through
// its vendor's normalizer.
func normalizeVendor(t *testing.T, cfg Config) ([]event.Event, Truth) {
	t.Helper()
	cfg.Mode = Vendor
	norms := map[string]normalize.Normalizer{}
	for _, src := range event.Sources {
		n, err := normalize.New(src, catalog.Default())
		if err != nil {
			t.Fatal(err)
		}
		norms[src] = n
	}
	var out []event.Event
	truth, err := Generate(cfg, func(r Record) error {
		evs, err := norms[r.Source].Normalize(r.Vendor)
		if err != nil {
			return fmt.Errorf("normalize %s record %s: %w", r.Source, r.Vendor, err)
		}
		if len(evs) != 1 {
			return fmt.Errorf("%s record gave %d events, want 1: %s", r.Source, len(evs), r.Vendor)
		}
		out = append(out, evs[0])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out, truth
}

// TestVendorMatchesNormalized renders the same organisation in both modes,
// normalizes the vendor records with pkg/normalize and requires the rows to
// agree column by column (raw aside: it is the vendor record itself).
func TestVendorMatchesNormalized(t *testing.T) {
	cfg := testConfig(21, MinEvents, Normalized)
	want, wantTruth := collect(t, cfg)
	got, gotTruth := normalizeVendor(t, cfg)
	if len(got) != len(want) {
		t.Fatalf("vendor mode gave %d events, normalized mode %d", len(got), len(want))
	}
	if !reflect.DeepEqual(gotTruth, wantTruth) {
		t.Errorf("the truth depends on the mode")
	}
	type diffKey struct{ source, action, field string }
	diffs := map[diffKey]string{}
	counts := map[diffKey]int{}
	for i := range want {
		w, g := want[i], got[i]
		wv, gv := reflect.ValueOf(w), reflect.ValueOf(g)
		for f := 0; f < wv.NumField(); f++ {
			name := wv.Type().Field(f).Name
			if name == "Raw" {
				continue
			}
			if !reflect.DeepEqual(wv.Field(f).Interface(), gv.Field(f).Interface()) {
				k := diffKey{w.Source, w.Action, name}
				counts[k]++
				if _, ok := diffs[k]; !ok {
					diffs[k] = fmt.Sprintf("normalized mode %#v, vendor→normalize %#v; record %s", wv.Field(f).Interface(), gv.Field(f).Interface(), g.Raw)
				}
			}
		}
	}
	keys := make([]diffKey, 0, len(diffs))
	for k := range diffs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
	for _, k := range keys {
		t.Errorf("%s %q %s differs in %d events, e.g. %s", k.source, k.action, k.field, counts[k], diffs[k])
	}
}

// TestVendorChainsDetectable proves the chains detectable from what the
// real normalizers make of the vendor records.
func TestVendorChainsDetectable(t *testing.T) {
	events, truth := normalizeVendor(t, testConfig(22, MinEvents, Vendor))
	checkTruth(t, events, truth)
}
