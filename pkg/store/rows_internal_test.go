package store

import (
	"reflect"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/event"
)

// recorder is a detector that keeps what it is fed.
type recorder struct {
	rows   []engine.Row
	closed bool
}

func (r *recorder) Add(row engine.Row) error { r.rows = append(r.rows, row); return nil }
func (r *recorder) Close() error             { r.closed = true; return nil }

// A batch's compact rows reach the engine as the rows the driver scanned:
// the same instant, down to the nanosecond, in the same location, every
// field in place, in (key hash, time, event id) order whatever order the
// statement returned them in.
func TestCompactRowsReachTheEngineIntact(t *testing.T) {
	loc := time.FixedZone("UTC+3", 3*3600)
	at := time.Date(2026, 11, 5, 10, 0, 0, 0, loc)
	want := []engine.Row{
		{KeyHash: 1, EventTime: at, EventID: "b", Tenant: "acme", Source: "okta", Action: "app.oauth2.token.grant", Category: event.CategoryGrant, AuthMethod: event.AuthOAuth, TokenID: "t1", SrcIP: "203.0.113.7", AgentHash: 11, TargetName: "", Sensitivity: 0},
		{KeyHash: 1, EventTime: at.Add(time.Nanosecond), EventID: "a", Tenant: "acme", Source: "okta", Action: "mail.read", Category: event.CategoryDataAccess, AuthMethod: event.AuthOAuth, TargetName: "inbox", Sensitivity: 3},
		{KeyHash: 1, EventTime: at.Add(time.Millisecond), EventID: "a", Tenant: "acme", Source: "okta", Action: "mail.read", Category: event.CategoryDataAccess, AuthMethod: event.AuthOAuth},
		{KeyHash: 1, EventTime: at.Add(time.Millisecond), EventID: "c", Tenant: "acme", Source: "okta", Action: "mail.read", Category: event.CategoryDataAccess, AuthMethod: event.AuthOAuth},
		{KeyHash: 2, EventTime: at.Add(-time.Hour), EventID: "z", Tenant: "other", Source: "github", Action: "git.clone", Category: event.CategoryDataAccess, AuthMethod: event.AuthPAT, Sensitivity: 2},
	}
	scanned := []engine.Row{want[3], want[4], want[1], want[0], want[2]} // as a statement might return them
	rd := newCompactReader()
	var rows []compactRow
	for _, r := range scanned {
		row, err := rd.read(func(dest ...any) error {
			vals := []any{r.KeyHash, r.EventTime, r.EventID, r.Tenant, r.Source, r.Action, string(r.Category), string(r.AuthMethod),
				r.TokenID, r.SrcIP, r.AgentHash, r.TargetName, r.Sensitivity}
			for i, v := range vals {
				reflect.ValueOf(dest[i]).Elem().Set(reflect.ValueOf(v))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, row)
	}
	if rd.loc != loc {
		t.Fatalf("the reader kept location %v, want the scanned %v", rd.loc, loc)
	}
	var det recorder
	if err := detectSorted(rows, rd.loc, &det); err != nil {
		t.Fatal(err)
	}
	if !det.closed {
		t.Error("detectSorted did not close the detector")
	}
	if !reflect.DeepEqual(det.rows, want) {
		t.Errorf("the engine was fed\n%+v\nwant\n%+v", det.rows, want)
	}
}
