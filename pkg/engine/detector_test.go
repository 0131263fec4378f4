package engine

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// TestAddRejectsOutOfOrder checks that each kind of ordering violation is
// reported as ErrOutOfOrder, and that forward moves are accepted.
func TestAddRejectsOutOfOrder(t *testing.T) {
	tests := []struct {
		name    string
		rows    []Row
		wantErr bool
	}{
		{"key goes backwards", []Row{access("a1", 0, actor("bob")), access("a2", minute, actor("alice"))}, true},
		{"time goes backwards within a key", []Row{access("a1", minute), access("a2", 0)}, true},
		{"event_id goes backwards at equal time", []Row{access("a2", 0), access("a1", 0)}, true},
		{"next key may start earlier in time", []Row{access("a1", hour, actor("alice")), access("a2", 0, actor("bob"))}, false},
		{"equal time and event_id is a duplicate, not disorder", []Row{access("a1", 0), access("a1", 0)}, false},
		{"rows with an empty key are skipped before the order check", []Row{access("a1", minute, actor("bob")), access("a0", 0, actor(""))}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := NewDetector(baseParams(), func(Episode) error { return nil })
			if err != nil {
				t.Fatal(err)
			}
			var addErr error
			for _, r := range tc.rows {
				if addErr = d.Add(r); addErr != nil {
					break
				}
			}
			if got := errors.Is(addErr, ErrOutOfOrder); got != tc.wantErr {
				t.Fatalf("Add error = %v, want ErrOutOfOrder: %v", addErr, tc.wantErr)
			}
			if tc.wantErr && !strings.Contains(addErr.Error(), "order the query by actor_id, app_id, event_time, event_id") {
				t.Errorf("error %q does not say how to fix the order", addErr)
			}
			if tc.wantErr && !errors.Is(d.Close(), ErrOutOfOrder) {
				t.Error("Close after a failed Add must keep reporting the failure")
			}
		})
	}
}

// TestEmitErrorStopsDetector checks that a failing consumer aborts the run.
func TestEmitErrorStopsDetector(t *testing.T) {
	boom := errors.New("frame too large")
	d, err := NewDetector(baseParams(), func(Episode) error { return boom })
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []Row{access("a1", 0), read("b1", minute)} {
		if err := d.Add(r); err != nil {
			t.Fatalf("Add before any episode is complete: %v", err)
		}
	}
	if err := d.Close(); !errors.Is(err, boom) {
		t.Fatalf("Close = %v, want the emit error", err)
	}
	if err := d.Add(access("a2", hour)); !errors.Is(err, boom) {
		t.Errorf("Add after failure = %v, want the emit error", err)
	}
}

// TestCloseTwice checks that a closed detector refuses more work rather than
// silently starting a second run with stale state.
func TestCloseTwice(t *testing.T) {
	d, err := NewDetector(baseParams(), func(Episode) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatalf("first Close: %v", err)
	}
	if err := d.Add(access("a1", 0)); !errors.Is(err, errClosed) {
		t.Errorf("Add after Close = %v, want errClosed", err)
	}
}

func TestNewDetectorRejectsNilEmit(t *testing.T) {
	if _, err := NewDetector(baseParams(), nil); err == nil {
		t.Error("NewDetector accepted a nil emit function")
	}
}

// TestValidate checks that each invalid parameter is reported with its name
// and the accepted values.
func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Params)
		want   []string // substrings of the error; none means valid
	}{
		{"valid", func(*Params) {}, nil},
		{"maxSpan at the 30 day limit is valid", func(p *Params) { p.MaxSpan = 30 * 24 * time.Hour }, nil},
		{"all fields in any order are valid", func(p *Params) { p.CorrelateBy = []string{"token_id", "source", "tenant", "app_id", "actor_id"} }, nil},
		{"from equal to to is valid", func(p *Params) { p.To = p.From }, nil},
		{"zero maxSpan", func(p *Params) { p.MaxSpan = 0 }, []string{"maxSpan 0s is out of range", "greater than 0"}},
		{"negative maxSpan", func(p *Params) { p.MaxSpan = -time.Minute }, []string{"maxSpan -1m0s is out of range"}},
		{"maxSpan over 30 days", func(p *Params) { p.MaxSpan = 30*24*time.Hour + time.Second }, []string{"maxSpan 720h0m1s is out of range", "at most 720h0m0s (30 days)"}},
		{"minSensitivity over 3", func(p *Params) { p.MinSensitivity = 4 }, []string{"minSensitivity 4 is out of range", "3 (high)"}},
		{"empty correlateBy", func(p *Params) { p.CorrelateBy = nil }, []string{"correlateBy is empty", "actor_id, app_id, tenant, source, token_id"}},
		{"unknown correlateBy field", func(p *Params) { p.CorrelateBy = []string{"actor_id", "user"} }, []string{`correlateBy field "user" is unknown`, "allowed fields are actor_id, app_id"}},
		{"duplicate correlateBy field", func(p *Params) { p.CorrelateBy = []string{"app_id", "app_id"} }, []string{`correlateBy lists "app_id" twice`}},
		{"inverted range", func(p *Params) { p.To = p.From.Add(-time.Second) }, []string{"time range is inverted", "to (2025-02-28T11:59:59Z) is before from (2025-02-28T12:00:00Z)"}},
		{"several problems at once", func(p *Params) { p.MaxSpan, p.CorrelateBy = 0, nil }, []string{"maxSpan", "correlateBy is empty"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := baseParams()
			tc.modify(&p)
			err := p.Validate()
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Validate accepted invalid params")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if _, derr := NewDetector(p, func(Episode) error { return nil }); derr == nil {
				t.Error("NewDetector accepted params that Validate rejects")
			}
		})
	}
}

// TestFieldValue checks that every allowed field reads its own column.
func TestFieldValue(t *testing.T) {
	r := Row{ActorID: "u", AppID: "a", Tenant: "t", Source: "s", TokenID: "k"}
	want := map[string]string{FieldActorID: "u", FieldAppID: "a", FieldTenant: "t", FieldSource: "s", FieldTokenID: "k", "target_name": ""}
	for f, w := range want {
		if got := FieldValue(&r, f); got != w {
			t.Errorf("FieldValue(%q) = %q, want %q", f, got, w)
		}
	}
	if len(CorrelateFields) != 5 {
		t.Errorf("CorrelateFields has %d entries; update this test and FieldValue together", len(CorrelateFields))
	}
}

// TestClassification pins access, sensitive and revoke for every category
// and auth method combination that matters.
func TestClassification(t *testing.T) {
	tests := []struct {
		cat                       event.Category
		auth                      event.AuthMethod
		access, sensitive, revoke bool
	}{
		{event.CategoryGrant, event.AuthInteractive, true, false, false},
		{event.CategoryTokenAuth, event.AuthUnknown, true, false, false},
		{event.CategorySignin, event.AuthInteractive, false, false, false},
		{event.CategorySignin, event.AuthOAuth, true, false, false},
		{event.CategoryDataAccess, event.AuthInteractive, false, true, false},
		{event.CategoryDataAccess, event.AuthAPIToken, true, true, false},
		{event.CategoryConfigChange, event.AuthPAT, true, true, false},
		{event.CategoryConfigChange, event.AuthUnknown, false, true, false},
		{event.CategoryOther, event.AuthServiceAccount, true, false, false},
		{event.CategoryRevoke, event.AuthOAuth, false, false, true},
		{event.CategoryRevoke, event.AuthInteractive, false, false, true},
	}
	for _, tc := range tests {
		r := Row{Category: tc.cat, AuthMethod: tc.auth, Sensitivity: event.SensitivityMedium}
		if got := r.isAccess(); got != tc.access {
			t.Errorf("%s/%s access = %v, want %v", tc.cat, tc.auth, got, tc.access)
		}
		if got := r.isSensitive(event.SensitivityMedium, false); got != tc.sensitive {
			t.Errorf("%s/%s sensitive = %v, want %v", tc.cat, tc.auth, got, tc.sensitive)
		}
		if got := r.isRevoke(); got != tc.revoke {
			t.Errorf("%s/%s revoke = %v, want %v", tc.cat, tc.auth, got, tc.revoke)
		}
	}
}
