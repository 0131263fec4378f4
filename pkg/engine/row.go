// Package engine detects MITRE ATT&CK analytic AN0020 (detection strategy
// DET0008, technique T1021.007): an OAuth or API-token access followed, for
// the same correlation key and within a bounded span, by sensitive data
// access or a configuration change.
//
// The engine is pure: rows in, episodes out. It does no I/O and knows nothing
// of ClickHouse or Grafana, so every rule can be pinned by a unit test. It
// works as a streaming per-key state machine over rows sorted by the
// correlation key, event_time and event_id, which is the order ClickHouse
// returns them in; memory is bounded by one key's rows within maxSpan, never
// by the size of the result set.
package engine

import (
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// Names of the normalized dimensions an episode can be correlated or grouped
// by. They are the ClickHouse column names, so they can be used verbatim in
// ORDER BY and GROUP BY clauses.
const (
	FieldActorID = "actor_id"
	FieldAppID   = "app_id"
	FieldTenant  = "tenant"
	FieldSource  = "source"
	FieldTokenID = "token_id"
)

// CorrelateFields lists the dimensions allowed in Params.CorrelateBy and in
// a counts query's groupBy, in the order the query editor offers them.
var CorrelateFields = []string{FieldActorID, FieldAppID, FieldTenant, FieldSource, FieldTokenID}

// Row is one normalized event reduced to the columns the engine reads.
// Reading fewer columns keeps the ClickHouse scan and the transfer small.
//
// A store may leave the key and identity columns (tenant, source, actor,
// app) empty and set KeyHash instead, one number per correlation key: the
// detector then tells keys apart by it, and the store fills the episodes'
// identity afterwards (see Episode.FirstSensitiveID and EpisodeID). That
// saves ClickHouse reading, sorting and sending the same strings for every
// row of a key.
type Row struct {
	KeyHash    uint64
	EventTime  time.Time
	EventID    string
	Tenant     string
	Source     string
	Action     string
	Category   event.Category
	AuthMethod event.AuthMethod
	ActorID    string
	ActorName  string
	AppID      string
	AppName    string
	TokenID    string
	SrcIP      string
	UserAgent  string
	// AgentHash is cityHash64 of the user agent's family (event.AgentFamily);
	// when zero the detector computes it from UserAgent.
	AgentHash   uint64
	TargetName  string
	Sensitivity uint8
}

// FieldValue returns the value of the dimension named by its column name
// (one of CorrelateFields). An unknown name yields "", which the detector
// treats like a missing value; Params.Validate rejects unknown names first.
func FieldValue(r *Row, field string) string {
	switch field {
	case FieldActorID:
		return r.ActorID
	case FieldAppID:
		return r.AppID
	case FieldTenant:
		return r.Tenant
	case FieldSource:
		return r.Source
	case FieldTokenID:
		return r.TokenID
	}
	return ""
}

// isAccess reports whether the row opens a token-based access: a grant or a
// token authentication, or any non-revoke event performed with a token.
func (r *Row) isAccess() bool {
	switch r.Category {
	case event.CategoryGrant, event.CategoryTokenAuth:
		return true
	case event.CategoryRevoke:
		return false
	}
	return r.AuthMethod.IsTokenAuth()
}

// isSensitive reports whether the row is the kind of follow-up activity
// AN0020 looks for: data access or configuration change at or above the
// configured sensitivity, and, when needsToken is set, made with a token.
func (r *Row) isSensitive(minSensitivity uint8, needsToken bool) bool {
	switch r.Category {
	case event.CategoryDataAccess, event.CategoryConfigChange:
		return r.Sensitivity >= minSensitivity && (!needsToken || r.tokenBased())
	}
	return false
}

// tokenBased reports whether the event itself was made with a token: a
// token auth method, or an app that is not a person's interactive client.
func (r *Row) tokenBased() bool {
	return r.AuthMethod.IsTokenAuth() || (r.AppID != "" && r.AuthMethod != event.AuthInteractive)
}

// isRevoke reports whether the row ends every earlier access of its key.
func (r *Row) isRevoke() bool { return r.Category == event.CategoryRevoke }
