// Package posture holds what the inventory and coverage queries return, as
// values, and the pure rules that judge them: which token kind a token is,
// and which telemetry blind spots a source shows under the datasource's
// thresholds. Like engine it does no I/O and knows nothing of ClickHouse or
// Grafana, so every rule is pinned by a unit test.
package posture

import (
	"slices"
	"time"
)

// App is one app of the apps inventory: everything the window says about an
// app id in one tenant and source.
type App struct {
	Tenant, Source, AppID, AppName string
	FirstSeen, LastSeen            time.Time
	Actors, Grants, Revokes        uint64
	Scopes                         []string // union of the scopes granted, sorted
	Privileged, Unapproved         bool
	New, Rare                      bool
	// The last episode of the app in the panel range, if any.
	LastEpisodeID, LastSeverity string
	LastScore                   int
	LastEpisodeAt               time.Time
}

// Grant is one actor's grants to one app.
type Grant struct {
	Tenant, Source, AppID, AppName, ActorID, ActorName string
	FirstGranted, LastGranted                          time.Time
	Grants                                             uint64
	Scopes                                             []string
	Revokes                                            uint64
	LastRevoked                                        time.Time // zero when never revoked
	Consent                                            string    // admin, user or unknown
	Privileged, Unapproved, AdminConsent, Active       bool
}

// Token is one token id seen in the window.
type Token struct {
	Tenant, Source, TokenID          string
	Methods                          []string // token auth methods seen with it
	OwnerID, OwnerName               string
	AppID, AppName                   string
	FirstSeen                        time.Time
	LastUsed                         time.Time // zero when never used in the window
	Uses, UseDays, Networks, Revokes uint64
	LastRevoked                      time.Time
	Scopes                           []string
	Privileged, Unapproved           bool
	LongLived, InUse, Unused, Active bool
}

// Token kinds as the inventory names them.
const (
	KindPAT            = "PAT"
	KindAPIToken       = "API token"
	KindServiceAccount = "service account"
	KindOAuth          = "OAuth"
	KindUnknown        = "unknown"
)

// TokenKind names a token by the strongest auth method seen with it: a
// personal access token or API token outranks an OAuth token, because the
// same id seen both ways is a long-lived credential that also did OAuth work.
func TokenKind(methods []string) string {
	for _, m := range []struct{ method, kind string }{
		{"pat", KindPAT}, {"api_token", KindAPIToken}, {"service_account", KindServiceAccount}, {"oauth", KindOAuth},
	} {
		if slices.Contains(methods, m.method) {
			return m.kind
		}
	}
	return KindUnknown
}

// AgeDays is how many days before the end of the range the token was
// first seen.
func (t *Token) AgeDays(to time.Time) float64 { return days(to.Sub(t.FirstSeen)) }

// IdleDays is how many days before the end of the range the token was last
// used, or its age when it was never used in the window.
func (t *Token) IdleDays(to time.Time) float64 {
	if t.LastUsed.IsZero() {
		return t.AgeDays(to)
	}
	return days(to.Sub(t.LastUsed))
}

func days(d time.Duration) float64 {
	return float64(d.Round(time.Hour)/time.Hour) / 24
}

// Inventory is one inventory answer: the rows of one kind, newest first,
// and the window they were read from.
type Inventory struct {
	Kind                 string
	Apps                 []App
	Grants               []Grant
	Tokens               []Token
	WindowFrom, From, To time.Time
	// Truncated says more rows matched than the limit let through.
	Truncated bool
}

// Len is the number of rows of the inventory's kind.
func (inv *Inventory) Len() int { return len(inv.Apps) + len(inv.Grants) + len(inv.Tokens) }
