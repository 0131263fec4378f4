package normalize

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// FuzzNormalize feeds every normalizer mutated vendor records, seeded with
// the fixtures. Whatever the bytes, a normalizer returns events or an error
// (which the ingest command reports with the line number); it never panics,
// and what it returns would be accepted by the table.
func FuzzNormalize(f *testing.F) {
	for i, src := range event.Sources {
		files, _ := filepath.Glob(filepath.Join("testdata", src, "*.json"))
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(uint8(i), b)
		}
	}
	f.Add(uint8(0), []byte(`{"published": "x"}`))
	f.Add(uint8(2), []byte(`[]`))
	normalizers := make([]Normalizer, len(event.Sources))
	for i, src := range event.Sources {
		n, err := New(src, nil)
		if err != nil {
			f.Fatal(err)
		}
		normalizers[i] = n
	}
	f.Fuzz(func(t *testing.T, which uint8, rec []byte) {
		n := normalizers[int(which)%len(normalizers)]
		events, err := n.Normalize(json.RawMessage(rec))
		if err != nil {
			return
		}
		for _, e := range events {
			if e.EventID == "" || e.EventTime.IsZero() || e.Action == "" {
				t.Errorf("%s: accepted a record without id, time or action: %+v", n.Source(), e)
			}
			if !e.Category.Valid() || !e.AuthMethod.Valid() || e.Sensitivity > event.SensitivityHigh {
				t.Errorf("%s: out-of-contract values category=%q auth=%q sensitivity=%d", n.Source(), e.Category, e.AuthMethod, e.Sensitivity)
			}
			if e.Source != n.Source() {
				t.Errorf("source %q from the %s normalizer", e.Source, n.Source())
			}
		}
	})
}
