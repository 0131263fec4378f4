package engine_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/engine/enginetest"
)

// TestDetectRules runs the shared rule cases in memory at millisecond
// resolution, the finest the DateTime64 table keeps. The store's
// integration test runs the same cases through ClickHouse.
func TestDetectRules(t *testing.T) {
	for _, tc := range enginetest.Cases(time.Millisecond) {
		t.Run(tc.Name, func(t *testing.T) {
			eps, err := engine.Detect(tc.DetectParams(), tc.Rows)
			if err != nil {
				t.Fatalf("Detect: %v", err)
			}
			if got := enginetest.Summarize(eps); !reflect.DeepEqual(got, tc.Want) {
				t.Errorf("episodes:\n got %+v\nwant %+v", got, tc.Want)
			}
		})
	}
}
