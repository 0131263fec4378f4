package engine_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/engine/enginetest"
)

// TestSigninGapRules runs the AN0528 cases in memory; the store's test runs
// the same cases through ClickHouse.
func TestSigninGapRules(t *testing.T) {
	for _, tc := range enginetest.SigninGapCases(time.Millisecond) {
		t.Run(tc.Name, func(t *testing.T) {
			eps, err := engine.DetectSigninGaps(tc.SigninGapParams(), tc.Rows)
			if err != nil {
				t.Fatal(err)
			}
			if got := enginetest.Summarize(eps); !reflect.DeepEqual(got, tc.Want) {
				t.Errorf("\n got %+v\nwant %+v", got, tc.Want)
			}
			for _, ep := range eps {
				if ep.Analytic != engine.AnalyticAN0528 || ep.ID == "" {
					t.Errorf("episode %+v is not marked AN0528", ep)
				}
			}
		})
	}
}

func TestSigninGapRejects(t *testing.T) {
	emit := func(engine.Episode) error { return nil }
	for _, p := range []engine.SigninGapParams{{MaxSpan: time.Hour}, {SigninWindow: time.Hour}} {
		if _, err := engine.NewSigninGapDetector(p, emit); err == nil {
			t.Errorf("%+v must be refused", p)
		}
	}
	d, _ := engine.NewSigninGapDetector(engine.SigninGapParams{SigninWindow: time.Hour, MaxSpan: time.Hour, To: enginetest.T0.Add(time.Hour)}, emit)
	_ = d.Add(enginetest.Use("b", 0, enginetest.Actor("bob")))
	if err := d.Add(enginetest.Use("a", 0)); !errors.Is(err, engine.ErrOutOfOrder) {
		t.Errorf("alice after bob: %v, want ErrOutOfOrder", err)
	}
}
