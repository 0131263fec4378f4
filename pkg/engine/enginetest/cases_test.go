package enginetest_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/engine/enginetest"
)

// The cases must hold at every storage resolution, or a store test would
// fail for the table's sake rather than the store's. Running them in memory
// at several ticks proves the table itself consistent.
func TestCasesHoldAtEveryTick(t *testing.T) {
	for _, tick := range []time.Duration{time.Millisecond, time.Second, 30 * time.Second} {
		t.Run(tick.String(), func(t *testing.T) {
			for _, tc := range enginetest.Cases(tick) {
				eps, err := engine.Detect(tc.DetectParams(), tc.Rows)
				if err != nil {
					t.Fatalf("%s: Detect: %v", tc.Name, err)
				}
				if got := enginetest.Summarize(eps); !reflect.DeepEqual(got, tc.Want) {
					t.Errorf("%s:\n got %+v\nwant %+v", tc.Name, got, tc.Want)
				}
			}
		})
	}
}

// Every row must sit on the tick grid, or a store of that resolution would
// round it and test a different timeline than the one written down. Names
// must be unique and the same at every tick, so a failure is addressable
// with -run and comparable across stores.
func TestCasesFitTheStorageGrid(t *testing.T) {
	ms, s := enginetest.Cases(time.Millisecond), enginetest.Cases(time.Second)
	if len(ms) != len(s) || len(s) == 0 {
		t.Fatalf("Cases(1ms) has %d cases, Cases(1s) %d: want the same non-zero number", len(ms), len(s))
	}
	seen := map[string]bool{}
	for i, tc := range s {
		if tc.Name != ms[i].Name {
			t.Errorf("case %d is %q at 1s but %q at 1ms", i, tc.Name, ms[i].Name)
		}
		if seen[tc.Name] {
			t.Errorf("case name %q is used twice", tc.Name)
		}
		seen[tc.Name] = true
		for _, r := range tc.Rows {
			if off := r.EventTime.Sub(enginetest.T0); off%time.Second != 0 {
				t.Errorf("%s: row %s at T0%+v is not on a one-second grid", tc.Name, r.EventID, off)
			}
		}
	}
}

// A tick that is not a storage resolution would make the boundary cases
// meaningless; Cases refuses it loudly and names the fix.
func TestCasesRejectsBadTick(t *testing.T) {
	for _, tick := range []time.Duration{0, -time.Second, time.Minute, time.Hour} {
		t.Run(tick.String(), func(t *testing.T) {
			defer func() {
				msg, _ := recover().(string)
				if !strings.Contains(msg, "positive step shorter than a minute") {
					t.Errorf("Cases(%s) should panic naming the accepted ticks, got %q", tick, msg)
				}
			}()
			enginetest.Cases(tick)
		})
	}
}
