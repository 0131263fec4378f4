// Package event defines the normalized SaaS audit event: the row contract
// between the vendor normalizers that write the ClickHouse table and the
// detection engine that reads it. Column names in ClickHouse are exactly the
// JSON names below, so a change here is a schema change.
package event

import "time"

// Category is the coarse meaning of an audit event. The detection rules of
// AN0020 are written against categories, never against vendor action names,
// so that one rule covers every vendor.
type Category string

// Categories of the normalized table. The set is closed: the schema, the
// catalogue and the engine all assume exactly these values.
const (
	CategoryGrant        Category = "grant"         // a user or admin grants an app or token access
	CategoryTokenAuth    Category = "token_auth"    // a token is minted or used to authenticate
	CategorySignin       Category = "signin"        // interactive sign-in
	CategoryDataAccess   Category = "data_access"   // reading or exporting data
	CategoryConfigChange Category = "config_change" // changing security or tenant configuration
	CategoryRevoke       Category = "revoke"        // a grant or token is revoked
	CategoryOther        Category = "other"         // anything the catalogue does not map
)

// Categories lists every Category in a stable order.
var Categories = []Category{
	CategoryGrant, CategoryTokenAuth, CategorySignin, CategoryDataAccess,
	CategoryConfigChange, CategoryRevoke, CategoryOther,
}

// AuthMethod says how the actor authenticated for this event. Token-based
// methods are what makes an event an "access" in AN0020 terms.
type AuthMethod string

// Authentication methods of the normalized table.
const (
	AuthInteractive    AuthMethod = "interactive"
	AuthOAuth          AuthMethod = "oauth"
	AuthAPIToken       AuthMethod = "api_token"
	AuthPAT            AuthMethod = "pat"
	AuthServiceAccount AuthMethod = "service_account"
	AuthUnknown        AuthMethod = "unknown"
)

// AuthMethods lists every AuthMethod in a stable order.
var AuthMethods = []AuthMethod{
	AuthInteractive, AuthOAuth, AuthAPIToken, AuthPAT, AuthServiceAccount, AuthUnknown,
}

// Sensitivity levels: 0 none, 1 low, 2 medium, 3 high.
const (
	SensitivityNone   uint8 = 0
	SensitivityLow    uint8 = 1
	SensitivityMedium uint8 = 2
	SensitivityHigh   uint8 = 3
)

// Event is one row of the normalized table. Field order follows the DDL.
type Event struct {
	EventTime   time.Time  `json:"event_time"`
	IngestTime  time.Time  `json:"ingest_time"`
	EventID     string     `json:"event_id"`
	Tenant      string     `json:"tenant"`
	Source      string     `json:"source"`
	Action      string     `json:"action"`
	Category    Category   `json:"category"`
	AuthMethod  AuthMethod `json:"auth_method"`
	Outcome     string     `json:"outcome"`
	ActorID     string     `json:"actor_id"`
	ActorName   string     `json:"actor_name"`
	AppID       string     `json:"app_id"`
	AppName     string     `json:"app_name"`
	TokenID     string     `json:"token_id"`
	SrcIP       string     `json:"src_ip"`
	UserAgent   string     `json:"user_agent"`
	SessionID   string     `json:"session_id"`
	TargetType  string     `json:"target_type"`
	TargetID    string     `json:"target_id"`
	TargetName  string     `json:"target_name"`
	Scopes      []string   `json:"scopes"`
	Sensitivity uint8      `json:"sensitivity"`
	Raw         string     `json:"raw"`
}

// Sources are the vendor names used in the `source` column.
const (
	SourceOkta      = "okta"
	SourceGoogle    = "google_workspace"
	SourceMicrosoft = "m365"
	SourceGitHub    = "github"
	SourceSlack     = "slack"
)

// Sources lists every supported vendor source in a stable order.
var Sources = []string{SourceOkta, SourceGoogle, SourceMicrosoft, SourceGitHub, SourceSlack}

// IsTokenAuth reports whether the method is token-based, which is what makes
// a non-revoke event an access event for AN0020.
func (m AuthMethod) IsTokenAuth() bool {
	switch m {
	case AuthOAuth, AuthAPIToken, AuthPAT, AuthServiceAccount:
		return true
	}
	return false
}

// Valid reports whether c is one of the closed set of categories.
func (c Category) Valid() bool {
	for _, k := range Categories {
		if k == c {
			return true
		}
	}
	return false
}

// Valid reports whether m is one of the closed set of auth methods.
func (m AuthMethod) Valid() bool {
	for _, k := range AuthMethods {
		if k == m {
			return true
		}
	}
	return false
}
