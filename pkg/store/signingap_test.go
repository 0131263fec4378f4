package store_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/engine/enginetest"
	"github.com/tokentrail/tokentrail/pkg/models"
)

// TestSigninGapRuleCases runs every AN0528 case through ClickHouse: the
// statement must hand the engine exactly the rows it needs, so the episodes
// equal the case's and those found in memory on the same rows.
func TestSigninGapRuleCases(t *testing.T) {
	h := newHarness(t)
	for i, tc := range enginetest.SigninGapCases(h.tick()) {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			p := tc.SigninGapParams()
			table := h.table(t, fmt.Sprintf("gap_%02d", i), tc.Rows)
			raw, _ := json.Marshal(map[string]any{"queryType": "sequences", "preset": models.PresetAN0528,
				"signinWindow": p.SigninWindow.String(), "maxSpan": p.MaxSpan.String(), "includeApproved": p.IncludeApproved})
			q, err := models.ParseQuery(raw, "", p.From, p.To)
			if err != nil {
				t.Fatal(err)
			}
			got, sql := h.sequences(t, h.open(t, table, p.ApprovedApps), q)
			if sums := enginetest.Summarize(got); !reflect.DeepEqual(sums, tc.Want) {
				t.Errorf("through ClickHouse:\n got %+v\nwant %+v\n%s", sums, tc.Want, sql)
			}
			want, err := engine.DetectSigninGaps(p, tc.Rows)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("ClickHouse %d episodes, memory %d", len(got), len(want))
			}
			for i := range got {
				if g, w := inUTC(got[i]), inUTC(want[i]); !reflect.DeepEqual(g, w) {
					t.Errorf("episode %d differs from memory:\n got %+v\nwant %+v", i, g, w)
				}
			}
		})
	}
}
