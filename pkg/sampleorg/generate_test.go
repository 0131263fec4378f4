package sampleorg

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"runtime"
	"testing"
	"time"

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
	t.Run("variant", func(t *testing.T) {
		cfg := testConfig(42, MinEvents, Normalized)
		cfg.Realism = RealismVariant()
		if a, b := hashOf(t, cfg), hashOf(t, cfg); a != b {
			t.Errorf("same variant config gave different output: %s vs %s", a, b)
		}
		if hashOf(t, cfg) == hashOf(t, testConfig(42, MinEvents, Normalized)) {
			t.Errorf("RealismVariant gave the same output as the default realism")
		}
	})
}

// TestSizeScaling: Events is the size of the range, within 10%, and the
// history adds the same rate for its days, whatever the size.
func TestSizeScaling(t *testing.T) {
	cases := []Config{
		testConfig(7, MinEvents, Normalized),
		testConfig(7, 100_000, Normalized),
		{Seed: 7, Events: 20_000, End: testEnd, Days: 10, HistoryDays: 45},
		{Seed: 7, Events: 50_000, End: testEnd, Days: 20, HistoryDays: NoHistory},
	}
	for _, cfg := range cases {
		got, inRange := 0, 0
		days := cfg.Days
		if days == 0 {
			days = DefaultDays
		}
		rangeStart := cfg.End.Add(-time.Duration(days) * 24 * time.Hour)
		truth, err := Generate(cfg, func(r Record) error {
			got++
			if !r.Event.EventTime.Before(rangeStart) {
				inRange++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		n := cfg.Events
		t.Logf("Events=%d Days=%d HistoryDays=%d: emitted %d, %d in the range (%d chains, %d look-alikes)", n, cfg.Days, cfg.HistoryDays, got, inRange, len(truth.Chains), len(truth.LookAlikes))
		if lo, hi := n*9/10, n*11/10; inRange < lo || inRange > hi {
			t.Errorf("Events=%d produced %d in the range, want within ±10%% [%d, %d]", n, inRange, lo, hi)
		}
		if want := ExpectedEvents(cfg); got < want*9/10 || got > want*11/10 {
			t.Errorf("emitted %d in all, want within ±10%% of ExpectedEvents %d", got, want)
		}
		if truth.Events != got || truth.RangeEvents != inRange || !truth.RangeStart.Equal(rangeStart) {
			t.Errorf("Truth.Events = %d, RangeEvents = %d, RangeStart = %v; emitted %d, %d in the range from %v", truth.Events, truth.RangeEvents, truth.RangeStart, got, inRange, rangeStart)
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
	t.Logf("peak HeapAlloc: 100k events %.1f MiB, 1M events %.1f MiB (each with 30 days of history: twice as many emitted)", float64(small)/(1<<20), float64(large)/(1<<20))
	// Holding 2M events would take hundreds of MiB; a streaming generator
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

// TestChainShapesPresent: even the smallest organisation holds every chain
// shape, each chain on a key of its own, inside the range.
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
		if c.ActorID == "" || c.AppID == "" || c.SensitiveEvents < 1 || c.Note == "" {
			t.Errorf("chain %s: empty key or note, or no sensitive event: %+v", c.ID, c)
		}
		if c.AccessTime.Before(truth.RangeStart) || c.FirstSensitive.Before(c.AccessTime) || c.LastSensitive.Before(c.FirstSensitive) || !c.LastSensitive.Before(truth.End) {
			t.Errorf("chain %s: times out of order or range: %+v", c.ID, c)
		}
		if c.FirstSensitive.Sub(c.AccessTime) > DefaultMaxSpan {
			t.Errorf("chain %s: first sensitive event %v after access, more than maxSpan", c.ID, c.FirstSensitive.Sub(c.AccessTime))
		}
	}
	for _, s := range ChainShapes {
		if perShape[s] < 1 {
			t.Errorf("shape %s not planted", s)
		}
	}
	if len(truth.Chains) < 5 {
		t.Errorf("%d chains at the smallest size, want at least 5", len(truth.Chains))
	}
}

func TestLookAlikesPresent(t *testing.T) {
	_, truth := collect(t, testConfig(5, MinEvents, Normalized))
	perShape := map[string]int{}
	for _, l := range truth.LookAlikes {
		perShape[l.Shape]++
		if l.Why == "" || l.ActorID == "" || l.AppID == "" || l.Time.Before(truth.RangeStart) || !l.Time.Before(truth.End) {
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
