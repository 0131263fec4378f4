package chsql

import (
	"fmt"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// SigninGapSpec is everything the AN0528 statement depends on.
type SigninGapSpec struct {
	Database, Table string
	Variant         schema.Variant
	// From..To holds the token uses reported; sign-ins are read from
	// SigninWindow before From.
	From, To     time.Time
	SigninWindow time.Duration
	// ActorsFrom is where the look for actors who sign in at all starts
	// (the baseline): only their uses are read.
	ActorsFrom  time.Time
	Filters     []models.Filter
	ExcludeApps []string
	// Sharding plans the actors' subquery on a cluster (keyed by actor).
	Sharding Sharding
}

// AN0528's event roles, as SQL: they mirror engine's Row.isInteractiveSignin
// (restricted to successful sign-ins, which the engine cannot see) and
// Row.isTokenUse.
const (
	interactiveSigninPred = "(category = 'signin' AND auth_method NOT IN ('oauth', 'api_token', 'pat', 'service_account'))"
	tokenUsePred          = "((category = 'token_auth' OR auth_method IN ('oauth', 'api_token', 'pat', 'service_account')) AND category NOT IN ('grant', 'revoke'))"
	signinSucceeded       = "outcome IN ('success', '')"
)

// SigninGaps returns the statement AN0528 streams from: the token uses of
// [From, To] and the successful interactive sign-ins from SigninWindow
// before, of the actors who signed in interactively at least once since
// ActorsFrom (an actor who never does, a service, has nothing to compare
// with), ordered by actor, time and event id.
func SigninGaps(s SigninGapSpec) (string, error) {
	if err := schema.CheckIdentifier("database", s.Database); err != nil {
		return "", err
	}
	if err := schema.CheckIdentifier("table", s.Table); err != nil {
		return "", err
	}
	if s.SigninWindow <= 0 {
		return "", fmt.Errorf("signinWindow must be positive")
	}
	filters, err := filterSQL(s.Filters)
	if err != nil {
		return "", err
	}
	rangeCond := Range(s.Variant, s.From.Add(-s.SigninWindow), s.To)
	actorsRange := Range(s.Variant, s.ActorsFrom, s.To)
	conds := []string{
		"actor_id != ''",
		"(NOT " + interactiveSigninPred + " OR " + signinSucceeded + ")",
	}
	if len(s.ExcludeApps) > 0 {
		conds = append(conds, "("+interactiveSigninPred+" OR app_id NOT IN "+QuoteList(s.ExcludeApps)+")")
	}
	in, from := s.Sharding.in(s.Database, s.Table, []string{"actor_id"})
	conds = append(conds, filters, fmt.Sprintf(`actor_id %s (
  SELECT actor_id FROM %s
  PREWHERE %s AND %s
  WHERE %s AND actor_id != ''
  GROUP BY actor_id
  )`, in, from, actorsRange, interactiveSigninPred, signinSucceeded))
	return fmt.Sprintf("SELECT %s\nFROM %s.%s\nPREWHERE %s\n  AND (%s OR %s)\nWHERE %s\nORDER BY actor_id, event_time, event_id",
		strings.Join(RowColumns, ", "), s.Database, s.Table, rangeCond, interactiveSigninPred, tokenUsePred, where(conds...)), nil
}
