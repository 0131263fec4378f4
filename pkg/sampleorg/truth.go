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
	Seed int64 `json:"seed"`
	// Start is the beginning of the data, history included; RangeStart
	// the beginning of the range, the month a detector is asked about and
	// the only place attacks and look-alikes are planted; End the end of
	// both.
	Start      time.Time `json:"start"`
	RangeStart time.Time `json:"rangeStart"`
	End        time.Time `json:"end"`
	// Events is the number of events emitted (records in Vendor mode),
	// history included; RangeEvents those inside the range.
	Events      int `json:"events"`
	RangeEvents int `json:"rangeEvents"`
	// ApprovedApps are the app_id values of the organisation's sanctioned
	// automation, one per source (for Okta an API token, whose id is its
	// app_id by BareTokenAppID). Their token work is intense by design and
	// must be excluded, so the demo configures them as the data source's
	// approvedApps.
	ApprovedApps []string    `json:"approvedApps"`
	Chains       []Chain     `json:"chains"`
	LookAlikes   []LookAlike `json:"lookAlikes"`
	// Background lists the token-using keys of the benign background and
	// the behaviour each comes from, so an evaluation can say which benign
	// class an unexpected episode belongs to. Sorted by source, actor, app.
	Background []BackgroundKey `json:"background"`
}

// BackgroundKey is one benign (actor_id, app_id) key and its class.
type BackgroundKey struct {
	Source  string `json:"source"`
	ActorID string `json:"actorId"`
	AppID   string `json:"appId"`
	Class   string `json:"class"`
	// Name says what it is: "Microsoft Outlook of ana@acme.example.com".
	Name string `json:"name"`
}

// Classes of benign background behaviour that form AN0020 episodes.
// Anything else an evaluation sees is "other".
const (
	ClassSync      = "sync_client" // people's own token clients: mail, Drive, Slack apps, gh, PATs
	ClassService   = "service"     // unapproved service accounts, bots and CI
	ClassAdminTool = "admin_tool"  // admins' GAM, PowerShell, gh and API-token scripts
	ClassNewApp    = "new_app"     // newly consented legitimate apps
	ClassOther     = "other"
)

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
	// Established is true when the attack rides a key the background
	// already uses (a sync client's token, a PAT, a service account, an
	// admin tool): its episode may merge with the owner's own, and Score
	// still counts such an episode as the chain's, by key and overlap.
	Established bool `json:"established"`
	// Note says in a few words how this instance differs: network, hours,
	// volume, user agent.
	Note string `json:"note"`
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
	// ShapeStolenSyncToken: the refresh token of an established sync
	// client (desktop or mobile mail, Drive for desktop, a Slack app) used
	// from attacker infrastructure, with no sign-in.
	ShapeStolenSyncToken = "stolen_sync_token"
	// ShapeOldPAT: a developer's months-old classic PAT clones private
	// repositories from a new network.
	ShapeOldPAT = "old_pat_new_network"
	// ShapeDormantKey: a token or app key active early in the history and
	// silent for weeks is used again.
	ShapeDormantKey = "dormant_key_reactivated"
	// ShapeServiceHijack: an unapproved service account's token exports
	// from a new network outside its schedule.
	ShapeServiceHijack = "service_account_hijack"
	// ShapeAdminToolHijack: an admin tool's token makes a security change:
	// external forwarding, 2SV or MFA off, an admin role granted.
	ShapeAdminToolHijack = "admin_tool_hijack"
	// ShapeM365AppCredential: a user grants Mail.ReadWrite to an app, a
	// credential is added to the app, and mail is read through Graph
	// minutes later with no sign-in.
	ShapeM365AppCredential = "m365_app_credential"
)

// ChainShapes lists every chain shape.
var ChainShapes = []string{
	ShapeM365IllicitConsent, ShapeGitHubStolenPAT, ShapeOktaAPIToken, ShapeGoogleOAuthDrive, ShapeSlackScopeExpanded,
	ShapeStolenSyncToken, ShapeOldPAT, ShapeDormantKey, ShapeServiceHijack, ShapeAdminToolHijack, ShapeM365AppCredential,
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
