package chsql

import (
	"fmt"
	"strings"

	"github.com/tokentrail/tokentrail/pkg/echo"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// The AN0020 event roles, as SQL. They mirror engine.IsAccess, IsSensitive
// and IsRevoke; the integration tests run both sides over the same rows.
const (
	accessPred = "(category IN ('grant', 'token_auth') OR (auth_method IN ('oauth', 'api_token', 'pat', 'service_account') AND category != 'revoke'))"
	revokePred = "(category = 'revoke')"
)

// tokenBasedPred mirrors engine's Row.tokenBased: the event itself was made
// with a token, or by an app that is not a person's interactive client.
const tokenBasedPred = "(auth_method IN ('oauth', 'api_token', 'pat', 'service_account') OR (app_id != '' AND auth_method != 'interactive'))"

// roles are the predicates of a row's part in a sequence.
type roles struct{ access, sensitive, revoke string }

// rolePreds tests the one-byte role column when the table has it (see
// schema.RoleColumn), else the columns it is computed from. Both give the
// same rows; the store's equivalence tests run with and without it.
// needsToken (the broad preset) adds the token test to the sensitive role.
func rolePreds(role bool, minSensitivity int, needsToken bool) roles {
	if !role || minSensitivity < 0 || minSensitivity > 31 {
		return roles{accessPred, sensitivePred(minSensitivity, needsToken), revokePred}
	}
	r := roles{
		access:    "(bitAnd(" + schema.RoleColumn + ", 1) = 1)",
		sensitive: fmt.Sprintf("(%s >= %d)", schema.RoleColumn, 4+8*minSensitivity),
		revoke:    "(bitAnd(" + schema.RoleColumn + ", 2) = 2)",
	}
	if needsToken {
		r.sensitive = "(" + r.sensitive + " AND " + tokenBasedPred + ")"
	}
	return r
}

func sensitivePred(minSensitivity int, needsToken bool) string {
	if needsToken {
		return fmt.Sprintf("(category IN ('data_access', 'config_change') AND sensitivity >= %d AND %s)", minSensitivity, tokenBasedPred)
	}
	return fmt.Sprintf("(category IN ('data_access', 'config_change') AND sensitivity >= %d)", minSensitivity)
}

// enumFields are Enum8 columns: LIKE needs them as strings.
var enumFields = map[string]bool{"category": true, "auth_method": true}

// filterSQL renders validated filters joined by AND, or "" when none. Field
// names come from models.FilterFields (validated by models.ParseQuery); they
// are checked again here because this is where they meet SQL.
func filterSQL(filters []models.Filter) (string, error) {
	var parts []string
	for i, f := range filters {
		if !allowed(models.FilterFields, f.Field) {
			return "", fmt.Errorf("filter %d: field %s is not allowed", i+1, echo.Quote(f.Field))
		}
		col := f.Field
		switch f.Op {
		case "=", "!=":
			if len(f.Values) != 1 {
				return "", fmt.Errorf("filter %d: %s takes one value", i+1, f.Op)
			}
			parts = append(parts, fmt.Sprintf("%s %s %s", col, f.Op, Quote(f.Values[0])))
		case "in", "not in":
			if len(f.Values) == 0 {
				return "", fmt.Errorf("filter %d: %s needs values", i+1, f.Op)
			}
			parts = append(parts, inList(i, f))
		case "like":
			if len(f.Values) == 0 {
				return "", fmt.Errorf("filter %d: like needs a pattern", i+1)
			}
			if enumFields[col] {
				col = "toString(" + col + ")"
			}
			likes := make([]string, len(f.Values))
			for j, v := range f.Values {
				likes[j] = col + " LIKE " + Quote(v)
			}
			cond := strings.Join(likes, " OR ")
			if len(likes) > 1 {
				cond = "(" + cond + ")"
			}
			parts = append(parts, cond)
		default:
			return "", fmt.Errorf("filter %d: operator %s is not allowed", i+1, echo.Quote(f.Op))
		}
	}
	return strings.Join(parts, " AND "), nil
}

func allowed(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// where joins non-empty conditions with AND.
func where(conds ...string) string {
	var out []string
	for _, c := range conds {
		if c != "" {
			out = append(out, c)
		}
	}
	return strings.Join(out, "\n  AND ")
}
