package sampleorg

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// Truth is the answer key of one generated organisation: what a correct
// AN0020 detector with the default query settings (maxSpan 1h, correlateBy
// actor_id and app_id, minSensitivity 1, approved apps excluded) reports,
// and what it must not.
type Truth struct {
	Seed  int64     `json:"seed"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Events is the number of events emitted (records in Vendor mode).
	Events int `json:"events"`
	// ApprovedApps are the app_id values of the organisation's sanctioned
	// automation, one per source (for Okta an API token, whose id is its
	// app_id by BareTokenAppID). Their token work is intense by design and
	// must be excluded, so the demo configures them as the data source's
	// approvedApps.
	ApprovedApps []string    `json:"approvedApps"`
	Chains       []Chain     `json:"chains"`
	LookAlikes   []LookAlike `json:"lookAlikes"`
}

// Chain is one planted attack: a token access followed by sensitive activity
// of the same actor and app. ActorID and AppID are the normalized values, so
// an episode can be matched by (actor_id, app_id) and time overlap with
// [FirstSensitive, LastSensitive].
type Chain struct {
	ID              string    `json:"id"`
	Shape           string    `json:"shape"`
	Source          string    `json:"source"`
	ActorID         string    `json:"actorId"`
	AppID           string    `json:"appId"`
	AccessTime      time.Time `json:"accessTime"`
	FirstSensitive  time.Time `json:"firstSensitive"`
	LastSensitive   time.Time `json:"lastSensitive"`
	SensitiveEvents int       `json:"sensitiveEvents"`
}

// LookAlike is planted activity that resembles an attack but must not be
// reported with the default query settings; Why says which rule spares it.
type LookAlike struct {
	ID      string    `json:"id"`
	Shape   string    `json:"shape"`
	Why     string    `json:"why"`
	Source  string    `json:"source"`
	ActorID string    `json:"actorId"`
	AppID   string    `json:"appId"`
	Time    time.Time `json:"time"`
}

// Chain shapes.
const (
	ShapeM365IllicitConsent = "m365_illicit_consent"
	ShapeGitHubStolenPAT    = "github_stolen_pat"
	ShapeOktaAPIToken       = "okta_api_token"
	ShapeGoogleOAuthDrive   = "google_oauth_drive_exfil"
	ShapeSlackScopeExpanded = "slack_app_scopes_expanded"
)

// ChainShapes lists every chain shape in the order they are planted.
var ChainShapes = []string{
	ShapeM365IllicitConsent, ShapeGitHubStolenPAT, ShapeOktaAPIToken, ShapeGoogleOAuthDrive, ShapeSlackScopeExpanded,
}

// Look-alike shapes.
const (
	LookLateFollowUp = "late_follow_up"
	LookRevokedFirst = "revoked_before_sensitive"
	LookInteractive  = "interactive_download"
	LookApprovedBulk = "approved_app_bulk_read"
	LookNonSensitive = "non_sensitive_follow_up"
	LookDifferentApp = "sensitive_by_different_app"
)

// LookAlikeShapes lists every look-alike shape in the order they are planted.
var LookAlikeShapes = []string{
	LookLateFollowUp, LookRevokedFirst, LookInteractive, LookApprovedBulk, LookNonSensitive, LookDifferentApp,
}

// WriteTruth writes t as indented JSON.
func WriteTruth(w io.Writer, t Truth) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(t); err != nil {
		return fmt.Errorf("sampleorg: write truth: %w", err)
	}
	return nil
}

// ReadTruth reads a file written by WriteTruth. Unknown fields are rejected
// so that a truth file from an incompatible version fails loudly.
func ReadTruth(r io.Reader) (Truth, error) {
	var t Truth
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return Truth{}, fmt.Errorf("sampleorg: read truth: %w (expected the JSON written by WriteTruth)", err)
	}
	return t, nil
}
