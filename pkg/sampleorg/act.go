package sampleorg

import (
	"time"

	"github.com/tokentrail/tokentrail/pkg/catalog"
	"github.com/tokentrail/tokentrail/pkg/event"
)

// fact is a bit set over catalog.KnownFacts: the observations a normalizer
// would extract from the vendor record this act renders to.
type fact uint16

const (
	factPrivateRepo fact = 1 << iota
	factMailbox
	factBulk
	factSecuritySetting
	factForwarding
	factAdminRole
	factTenantWide
	factExternalSharing
)

var factNames = []struct {
	bit  fact
	name string
}{
	{factPrivateRepo, catalog.FactPrivateRepo},
	{factMailbox, catalog.FactMailbox},
	{factBulk, catalog.FactBulk},
	{factSecuritySetting, catalog.FactSecuritySetting},
	{factForwarding, catalog.FactForwarding},
	{factAdminRole, catalog.FactAdminRole},
	{factTenantWide, catalog.FactTenantWide},
	{factExternalSharing, catalog.FactExternalSharing},
}

func (f fact) facts() catalog.Facts {
	out := catalog.Facts{}
	for _, n := range factNames {
		if f&n.bit != 0 {
			out[n.name] = true
		}
	}
	return out
}

// act is one audit event in vendor-neutral form. Both renderers start from
// it: the normalized one copies its fields, the vendor ones spell them the
// way each API does. Every string field holds the value as it appears in the
// normalized row, so the two modes cannot drift apart silently (a test
// normalizes vendor records and compares).
type act struct {
	t      time.Time
	ns     int64  // t in Unix nanoseconds, for cheap ordering
	seq    uint64 // creation order: unique, breaks time ties deterministically
	source string
	tenant string // tenant as normalized; vendors differ in what they name
	action string
	facts  fact
	auth   event.AuthMethod
	failed bool

	actor     *identity // who did it; nil only for app-only access, then app.actor is used
	app       *app      // the OAuth client, token or integration; nil for interactive work
	noAppName bool      // the vendor record names the app by id only
	token     string    // token id as normalized
	ip, ua    string
	sess      string

	target target
	scopes []string
	detail string // vendor-specific extra: forwarding address, policy rule name, ...

	cat  event.Category
	sens uint8
}

// identity is one person's or service's account in one vendor.
type identity struct {
	id      string // actor_id as normalized
	name    string // actor_name as normalized
	email   string
	display string
	numID   int64   // GitHub's numeric actor_id
	person  *person // nil for service accounts
}

// target is what an act touched.
type target struct {
	typ, id, name string
	alt           string    // alternate id (login, e-mail) where the vendor has one
	owner         *identity // mailbox or file owner, when it differs from the actor
	private       bool
}

// isAccess, isSensitive and isRevoke mirror the AN0020 definitions the
// engine implements; the generator uses them to keep its truth honest.
func (a *act) isAccess() bool {
	switch a.cat {
	case event.CategoryGrant, event.CategoryTokenAuth:
		return true
	case event.CategoryRevoke:
		return false
	}
	return a.auth.IsTokenAuth()
}

func (a *act) isSensitive() bool {
	return (a.cat == event.CategoryDataAccess || a.cat == event.CategoryConfigChange) && a.sens >= event.SensitivityLow
}

func (a *act) isRevoke() bool { return a.cat == event.CategoryRevoke }

// appID returns the normalized app_id of the act ("" when none).
func (a *act) appID() string {
	if a.app != nil {
		return a.app.id
	}
	if isBareToken(a.auth) {
		return a.token
	}
	return ""
}

// isBareToken reports whether the method authenticates with a token that
// belongs to no app: a personal access token or an API token. For those the
// token is the app (see BareTokenAppID), or the default correlation key
// would have an empty app_id and the detector would never see them.
func isBareToken(m event.AuthMethod) bool {
	return m == event.AuthPAT || m == event.AuthAPIToken
}

// BareTokenAppID is the app_id rule this package assumes for events
// authenticated by a bare token (auth_method pat or api_token) that name no
// OAuth client or integration: the token id stands in for the app, so a
// stolen PAT or a freshly minted Okta API token correlates with what it is
// used for under the default key (actor_id, app_id). It returns the app_id
// the event should have. pkg/normalize applies the same rule when it
// finishes an event; the vendor-mode test proves the two agree.
func BareTokenAppID(e *event.Event) string {
	if e.AppID == "" && e.TokenID != "" && isBareToken(e.AuthMethod) {
		return e.TokenID
	}
	return e.AppID
}
