package normalize

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// fixtureCase is one vendor record in testdata/<source>/ and the events it
// must normalize to. want leaves Raw empty; Raw is checked separately
// against the compacted file.
type fixtureCase struct {
	file string
	want []event.Event
}

func runFixtures(t *testing.T, source string, cases []fixtureCase) {
	t.Helper()
	n, err := New(source, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			rec := readFixture(t, source, tc.file)
			got, err := n.Normalize(rec)
			if err != nil {
				t.Fatalf("Normalize: %v", err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d events, want %d", len(got), len(tc.want))
			}
			var compact bytes.Buffer
			if err := json.Compact(&compact, rec); err != nil {
				t.Fatal(err)
			}
			for i := range got {
				if got[i].Raw != compact.String() {
					t.Errorf("event %d: Raw is not the compacted record:\n got %s\nwant %s", i, got[i].Raw, compact.String())
				}
				g := got[i]
				g.Raw = ""
				for _, d := range diffEvent(g, tc.want[i]) {
					t.Errorf("event %d: %s", i, d)
				}
			}
		})
	}
}

func readFixture(t *testing.T, source, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", source, file))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// diffEvent lists the fields that differ, by name, so a failure says which
// mapping broke instead of dumping two structs.
func diffEvent(got, want event.Event) []string {
	var out []string
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := 0; i < gv.NumField(); i++ {
		g, w := gv.Field(i).Interface(), wv.Field(i).Interface()
		if !reflect.DeepEqual(g, w) {
			out = append(out, fmt.Sprintf("%s = %#v, want %#v", gv.Type().Field(i).Name, g, w))
		}
	}
	return out
}

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// TestFixturesAreAllUsed fails when a fixture file exists that no table
// references, so fixtures cannot silently stop being tested.
func TestFixturesAreAllUsed(t *testing.T) {
	tables := map[string][]fixtureCase{
		event.SourceOkta:      oktaCases,
		event.SourceGoogle:    googleCases,
		event.SourceMicrosoft: m365Cases,
		event.SourceGitHub:    githubCases,
		event.SourceSlack:     slackCases,
	}
	for source, cases := range tables {
		used := map[string]bool{}
		for _, c := range cases {
			used[c.file] = true
		}
		for _, c := range variantCases {
			if c.source == source {
				used[c.file] = true
			}
		}
		files, err := filepath.Glob(filepath.Join("testdata", source, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if !used[filepath.Base(f)] {
				t.Errorf("%s is not referenced by the %s fixture table", f, source)
			}
		}
	}
}
