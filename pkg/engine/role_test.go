package engine

import (
	"testing"

	"github.com/tokentrail/tokentrail/pkg/event"
)

func TestRole(t *testing.T) {
	base := Params{MinSensitivity: event.SensitivityMedium}
	broad := base
	broad.SensitiveNeedsToken = true
	row := func(cat event.Category, auth event.AuthMethod, app string, sens uint8) *Row {
		return &Row{Category: cat, AuthMethod: auth, AppID: app, Sensitivity: sens}
	}
	cases := []struct {
		name string
		r    *Row
		p    Params
		want string
	}{
		{"revoke wins even when made with a token", row(event.CategoryRevoke, event.AuthOAuth, "a", 3), base, RoleRevoke},
		{"an OAuth mailbox read is sensitive", row(event.CategoryDataAccess, event.AuthOAuth, "a", 3), base, RoleSensitive},
		{"below minSensitivity a token read is only an access", row(event.CategoryDataAccess, event.AuthOAuth, "a", 1), base, RoleAccess},
		{"a grant is an access", row(event.CategoryGrant, event.AuthInteractive, "a", 2), base, RoleAccess},
		{"interactive sign-in", row(event.CategorySignin, event.AuthInteractive, "", 0), base, RoleSignin},
		{"a sign-in with a token is an access", row(event.CategorySignin, event.AuthAPIToken, "", 0), base, RoleAccess},
		{"interactive read is sensitive under an0020", row(event.CategoryDataAccess, event.AuthInteractive, "office", 3), base, RoleSensitive},
		{"interactive read is other under the broad rule", row(event.CategoryDataAccess, event.AuthInteractive, "office", 3), broad, RoleOther},
		{"an app's change is sensitive under the broad rule", row(event.CategoryConfigChange, event.AuthUnknown, "app", 3), broad, RoleSensitive},
		{"anything else", row(event.CategoryOther, event.AuthUnknown, "", 0), base, RoleOther},
	}
	for _, c := range cases {
		if got := Role(c.r, c.p); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}
