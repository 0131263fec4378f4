package sampleorg

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"runtime"
	"testing"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// hashOf generates cfg and hashes every record, so any change in content or
// order changes the result.
func hashOf(t *testing.T, cfg Config) string {
	t.Helper()
	h := sha256.New()
	_, err := Generate(cfg, func(r Record) error {
		if r.Vendor != nil {
			h.Write(r.Vendor)
		} else {
			b, err := json.Marshal(r.Event)
			if err != nil {
				return err
			}
			h.Write(b)
		}
		h.Write([]byte{'\n'})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestDeterminism(t *testing.T) {
	for _, mode := range []Mode{Normalized, Vendor} {
		t.Run(mode.String(), func(t *testing.T) {
			a := hashOf(t, testConfig(42, MinEvents, mode))
			b := hashOf(t, testConfig(42, MinEvents, mode))
			c := hashOf(t, testConfig(43, MinEvents, mode))
			if a != b {
				t.Errorf("same seed gave different output: %s vs %s", a, b)
			}
			if a == c {
				t.Errorf("seeds 42 and 43 gave identical output %s", a)
			}
		})
	}
}

func TestSizeScaling(t *testing.T) {
	sizes := []int{MinEvents, 100_000, 1_000_000}
	if testing.Short() {
		sizes = sizes[:2]
	}
	for _, n := range sizes {
		got := 0
		truth, err := Generate(testConfig(7, n, Normalized), func(Record) error { got++; return nil })
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("Events=%d: emitted %d (%d chains, %d look-alikes)", n, got, len(truth.Chains), len(truth.LookAlikes))
		if lo, hi := n*9/10, n*11/10; got < lo || got > hi {
			t.Errorf("Events=%d produced %d, want within ±10%% [%d, %d]", n, got, lo, hi)
		}
		if truth.Events != got {
			t.Errorf("Truth.Events = %d, emitted %d", truth.Events, got)
		}
	}
}

// peakHeap generates n events and samples HeapAlloc from inside emit.
func peakHeap(t *testing.T, n int) uint64 {
	t.Helper()
	runtime.GC()
	var peak uint64
	var ms runtime.MemStats
	i := 0
	_, err := Generate(testConfig(3, n, Normalized), func(Record) error {
		if i++; i%2000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return peak
}

func TestStreamingMemory(t *testing.T) {
	// -short skips this 1.1M-event test for quick local loops; CI runs it
	// always (CI=true overrides -short).
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("generates 1.1M events; run without -short")
	}
	small := peakHeap(t, 100_000)
	large := peakHeap(t, 1_000_000)
	t.Logf("peak HeapAlloc: 100k events %.1f MiB, 1M events %.1f MiB", float64(small)/(1<<20), float64(large)/(1<<20))
	// Holding 1M events would take hundreds of MiB; a streaming generator
	// stays within a small constant of the 100k run. The bound is generous
	// to absorb GC pacing.
	if limit := 2*small + 32<<20; large > limit {
		t.Errorf("peak heap grew with size: 1M events %d bytes > limit %d (100k: %d)", large, limit, small)
	}
}

func TestEventInvariants(t *testing.T) {
	events, truth := collect(t, testConfig(11, MinEvents, Normalized))
	seen := make(map[string]bool, len(events))
	for i, e := range events {
		if seen[e.EventID] {
			t.Fatalf("event %d: duplicate event_id %q", i, e.EventID)
		}
		seen[e.EventID] = true
		if e.EventTime.Before(truth.Start) || !e.EventTime.Before(truth.End) {
			t.Fatalf("event %d: time %v outside [%v, %v)", i, e.EventTime, truth.Start, truth.End)
		}
		if i > 0 && e.EventTime.Before(events[i-1].EventTime) {
			t.Fatalf("event %d: time %v before previous %v", i, e.EventTime, events[i-1].EventTime)
		}
		if !e.Category.Valid() || !e.AuthMethod.Valid() || e.Sensitivity > event.SensitivityHigh {
			t.Fatalf("event %d: invalid category/auth/sensitivity %q/%q/%d", i, e.Category, e.AuthMethod, e.Sensitivity)
		}
		if e.EventID == "" || e.Source == "" || e.Action == "" || e.ActorID == "" || e.ActorName == "" || e.Outcome == "" || e.Scopes == nil || !json.Valid([]byte(e.Raw)) {
			t.Fatalf("event %d: a required column is empty or raw is not JSON: %+v", i, e)
		}
		if e.Tenant == "" && e.Source != event.SourceOkta {
			t.Fatalf("event %d: %s event without tenant", i, e.Source)
		}
	}
}

func TestChainShapesPresent(t *testing.T) {
	_, truth := collect(t, testConfig(5, MinEvents, Normalized))
	perShape := map[string]int{}
	ids := map[string]bool{}
	keys := map[refKey]bool{}
	for _, c := range truth.Chains {
		perShape[c.Shape]++
		if ids[c.ID] {
			t.Errorf("duplicate chain id %s", c.ID)
		}
		ids[c.ID] = true
		k := refKey{c.ActorID, c.AppID}
		if keys[k] {
			t.Errorf("chain %s shares its key with another chain", c.ID)
		}
		keys[k] = true
		if c.ActorID == "" || c.AppID == "" || c.SensitiveEvents < 2 {
			t.Errorf("chain %s: empty key or too few sensitive events: %+v", c.ID, c)
		}
		if c.AccessTime.Before(truth.Start) || c.FirstSensitive.Before(c.AccessTime) || c.LastSensitive.Before(c.FirstSensitive) || !c.LastSensitive.Before(truth.End) {
			t.Errorf("chain %s: times out of order or range: %+v", c.ID, c)
		}
		if c.FirstSensitive.Sub(c.AccessTime) > DefaultMaxSpan {
			t.Errorf("chain %s: first sensitive event %v after access, more than maxSpan", c.ID, c.FirstSensitive.Sub(c.AccessTime))
		}
	}
	for _, s := range ChainShapes {
		if perShape[s] < 3 {
			t.Errorf("shape %s planted %d times, want at least 3", s, perShape[s])
		}
	}
}

func TestLookAlikesPresent(t *testing.T) {
	_, truth := collect(t, testConfig(5, MinEvents, Normalized))
	perShape := map[string]int{}
	for _, l := range truth.LookAlikes {
		perShape[l.Shape]++
		if l.Why == "" || l.ActorID == "" || l.AppID == "" || l.Time.Before(truth.Start) || !l.Time.Before(truth.End) {
			t.Errorf("look-alike %s incomplete or out of range: %+v", l.ID, l)
		}
	}
	for _, s := range LookAlikeShapes {
		if perShape[s] < 2 {
			t.Errorf("look-alike %s planted %d times, want at least 2", s, perShape[s])
		}
	}
}

func TestApprovedAppsAreAutomation(t *testing.T) {
	events, truth := collect(t, testConfig(5, MinEvents, Normalized))
	if len(truth.ApprovedApps) != len(event.Sources) {
		t.Fatalf("ApprovedApps = %v, want one per source", truth.ApprovedApps)
	}
	used := map[string]int{}
	for _, e := range events {
		used[e.AppID]++
	}
	for _, id := range truth.ApprovedApps {
		if used[id] < 20 {
			t.Errorf("approved app %q appears in %d events; automation should be steady", id, used[id])
		}
	}
}
