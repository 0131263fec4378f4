package sampleorg

import (
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// testEnd is a fixed end so every test sees the same organisation.
var testEnd = time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)

func testConfig(seed int64, events int, mode Mode) Config {
	return Config{Seed: seed, Events: events, End: testEnd, Mode: mode}
}

// collect generates cfg in Normalized mode and returns every event.
func collect(t testing.TB, cfg Config) ([]event.Event, Truth) {
	t.Helper()
	var out []event.Event
	truth, err := Generate(cfg, func(r Record) error {
		out = append(out, r.Event)
		return nil
	})
	if err != nil {
		t.Fatalf("Generate(%+v): %v", cfg, err)
	}
	return out, truth
}

// episodesOf runs the reference detector over normalized events.
func episodesOf(events []event.Event) []refEpisode {
	rows := make([]refRow, len(events))
	for i := range events {
		rows[i] = refRowOf(&events[i])
	}
	return referenceDetect(rows, DefaultMaxSpan)
}

// mediumSize is the size of the organisation the realism tests measure:
// large enough for every routine to run at full strength (org.scale 1).
const mediumSize = 300_000

func mediumConfig(seed int64) Config { return testConfig(seed, mediumSize, Normalized) }
