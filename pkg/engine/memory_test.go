package engine

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// stream generates n rows already in detector order (actor, time, event_id)
// with a deterministic mix of accesses, reads, revokes, sign-ins and
// duplicates. Most keys have a few dozen rows; every 500th key has a long
// tail of 50 000 rows so that pruning within a key is exercised, not only
// the reset between keys.
func stream(n int, yield func(Row) bool) {
	rng := rand.New(rand.NewPCG(1, 2))
	var prev Row
	for i, key := 0, 0; i < n; key++ {
		rowsInKey := 1 + rng.IntN(40)
		if key%500 == 0 {
			rowsInKey = 50_000
		}
		at := t0.Add(time.Duration(rng.IntN(3600)) * time.Second)
		for j := 0; j < rowsInKey && i < n; j, i = j+1, i+1 {
			at = at.Add(time.Duration(rng.IntN(120)) * time.Second) // 0 makes ties
			r := Row{
				EventTime: at, EventID: fmt.Sprintf("e%09d", i), Tenant: "acme", Source: event.SourceGoogle,
				ActorID: fmt.Sprintf("u%07d", key), AppID: "app", Action: "drive.download",
				TargetName: fmt.Sprintf("doc-%d", rng.IntN(50)), Sensitivity: event.SensitivityHigh,
			}
			switch p := rng.IntN(100); {
			case p < 30:
				r.Category, r.AuthMethod = event.CategoryTokenAuth, event.AuthOAuth
			case p < 70:
				r.Category, r.AuthMethod = event.CategoryDataAccess, event.AuthInteractive
			case p < 75:
				r.Category, r.AuthMethod = event.CategoryRevoke, event.AuthOAuth
			case p < 95:
				r.Category, r.AuthMethod = event.CategorySignin, event.AuthInteractive
			default:
				if j > 0 {
					r = prev // at-least-once duplicate
				}
			}
			prev = r
			if !yield(r) {
				return
			}
		}
	}
}

// TestDetectorMemoryBounded feeds a million rows and checks after every row
// that the detector holds no more rows than the current key has within
// maxSpan of that row, computed independently here.
func TestDetectorMemoryBounded(t *testing.T) {
	const total = 1_000_000
	p := baseParams()
	p.MaxSpan = 10 * time.Minute
	p.CorrelateBy = []string{FieldActorID}
	p.To = t0.Add(365 * 24 * time.Hour)
	episodes := 0
	d, err := NewDetector(p, func(Episode) error { episodes++; return nil })
	if err != nil {
		t.Fatal(err)
	}

	var (
		key           string
		window        []time.Time // times of the key's rows within maxSpan
		rows, maxHeld int
		addErr        error
	)
	stream(total, func(r Row) bool {
		if r.ActorID != key {
			key, window = r.ActorID, window[:0]
		}
		window = append(window, r.EventTime)
		for r.EventTime.Sub(window[0]) > p.MaxSpan {
			window = window[1:]
		}
		if addErr = d.Add(r); addErr != nil {
			return false
		}
		rows++
		accesses, seen := d.retained()
		if accesses > len(window) || seen > len(window) {
			t.Errorf("row %d: detector holds %d accesses and %d seen ids, but key %s has only %d rows within maxSpan",
				rows, accesses, seen, key, len(window))
			return false
		}
		maxHeld = max(maxHeld, accesses+seen)
		return true
	})
	if addErr != nil {
		t.Fatalf("Add: %v", addErr)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if rows != total {
		t.Fatalf("fed %d rows, want %d", rows, total)
	}
	if episodes == 0 || maxHeld == 0 {
		t.Fatalf("the stream exercised nothing: %d episodes, at most %d rows held", episodes, maxHeld)
	}
	t.Logf("%d rows, %d episodes, at most %d rows held", rows, episodes, maxHeld)
}

// BenchmarkDetector measures the streaming throughput on the same mix.
func BenchmarkDetector(b *testing.B) {
	var rows []Row
	stream(200_000, func(r Row) bool { rows = append(rows, r); return true })
	p := baseParams()
	p.MaxSpan = 10 * time.Minute
	p.CorrelateBy = []string{FieldActorID}
	p.To = t0.Add(365 * 24 * time.Hour)
	b.ReportAllocs()
	for b.Loop() {
		d, err := NewDetector(p, func(Episode) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		for i := range rows {
			if err := d.Add(rows[i]); err != nil {
				b.Fatal(err)
			}
		}
		if err := d.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*float64(len(rows))/b.Elapsed().Seconds(), "rows/s")
}
