package chsql

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/catalog/posturedata"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// InventorySpec is everything an inventory statement depends on.
type InventorySpec struct {
	Database, Table string
	Variant         schema.Variant
	Kind            string // models.KindApps, KindGrants or KindTokens
	// Window is read; From..To is the panel range inside it, which decides
	// "new" (first seen inside the range) and "in use" (used inside it).
	WindowFrom, From, To time.Time
	Filters              []models.Filter
	Approved             []string // the datasource's approved app ids
	Require              []string // flags every returned row must have
	LongLivedDays        int
	UnusedDays           int
	RareActors           int
	Posture              *posturedata.Posture
	// Limit is the most rows returned; the statement fetches one more so the
	// caller can say the list was cut.
	Limit int
	// Sharding plans the grants' admin-consent subquery on a cluster
	// (keyed by event id).
	Sharding Sharding
}

// InventoryColumns name the columns each kind returns, in order, as the
// frame calls them; the store scans them in exactly this order. Aggregates
// carry other aliases in SQL (latest_app_name for app_name): ClickHouse
// aliases are global, and one named like a column would replace that
// column in WHERE, where a filter may test it.
var InventoryColumns = map[string][]string{
	models.KindApps: {"tenant", "source", "app_id", "app_name", "first_seen", "last_seen", "actors", "grants", "revokes",
		"scopes", "privileged", "unapproved", "new", "rare"},
	models.KindGrants: {"tenant", "source", "app_id", "app_name", "actor_id", "actor_name", "first_granted", "last_granted",
		"grants", "scopes", "revokes", "last_revoked", "consent", "privileged", "unapproved", "admin_consent", "active"},
	models.KindTokens: {"tenant", "source", "token_id", "methods", "owner_id", "owner_name", "app_id", "app_name",
		"first_seen", "last_used", "uses", "use_days", "networks", "revokes", "last_revoked", "scopes",
		"privileged", "unapproved", "long_lived", "in_use", "active", "unused", "last_seen"},
}

// Inventory returns the one aggregation that builds the inventory of s.Kind
// over the window: one row per app, per (app, actor) grant, or per token,
// with the flags computed in ClickHouse so that require narrows there and
// only the rows shown travel.
func Inventory(s InventorySpec) (string, error) {
	body, order, err := inventoryBody(s)
	if err != nil {
		return "", err
	}
	if s.Limit < 1 {
		return "", fmt.Errorf("limit must be positive")
	}
	return fmt.Sprintf("%s\nORDER BY %s\nLIMIT %d", body, order, s.Limit+1), nil
}

// InventoryCount returns the number of rows Inventory would give without a
// limit, for stat panels.
func InventoryCount(s InventorySpec) (string, error) {
	body, _, err := inventoryBody(s)
	if err != nil {
		return "", err
	}
	return "SELECT count() FROM (\n" + body + "\n)", nil
}

func inventoryBody(s InventorySpec) (body, order string, err error) {
	if err := schema.CheckIdentifier("database", s.Database); err != nil {
		return "", "", err
	}
	if err := schema.CheckIdentifier("table", s.Table); err != nil {
		return "", "", err
	}
	if s.Posture == nil {
		return "", "", fmt.Errorf("inventory needs the catalogue's posture data")
	}
	flags, ok := models.InventoryFlags[s.Kind]
	if !ok {
		return "", "", fmt.Errorf("kind %q is not an inventory kind", s.Kind)
	}
	for _, r := range s.Require {
		if !slices.Contains(flags, r) {
			return "", "", fmt.Errorf("require %q is not a flag of kind %s", r, s.Kind)
		}
	}
	filters, err := filterSQL(s.Filters)
	if err != nil {
		return "", "", err
	}
	rangeCond := Range(s.Variant, s.WindowFrom, s.To)
	// PREWHERE holds the small columns that decide which rows are read at
	// all: the range and, for grants, the category. ClickHouse 18.16 moves
	// only some conditions there by itself.
	prewhere := rangeCond
	var cols []string
	var cond, group string
	switch s.Kind {
	case models.KindApps:
		cols, cond, group, order = s.appsColumns(), "app_id != ''", "tenant, source, app_id", "last_seen DESC, tenant, source, app_id"
	case models.KindGrants:
		prewhere += " AND category IN ('grant', 'revoke')"
		cols, cond, group, order = s.grantsColumns(rangeCond), "app_id != ''", "tenant, source, app_id, actor_id",
			"last_granted DESC, tenant, source, app_id, actor_id"
	default:
		cols, cond, group, order = s.tokensColumns(), "token_id != ''", "tenant, source, token_id", "last_seen_any DESC, tenant, source, token_id"
	}
	having := []string{}
	if s.Kind == models.KindGrants {
		having = append(having, "grants > 0") // an app's revokes alone are no grant
	}
	having = append(having, s.Require...)
	body = fmt.Sprintf("SELECT %s\nFROM %s.%s\nPREWHERE %s\nWHERE %s\nGROUP BY %s",
		strings.Join(cols, ",\n  "), s.Database, s.Table, prewhere, where(cond, filters), group)
	if len(having) > 0 {
		body += "\nHAVING " + strings.Join(having, " AND ")
	}
	return body, order, nil
}

// Scopes are collected only from events that carry some (notEmpty): most
// events carry none, and merging their empty arrays costs more than the
// aggregation's other columns together.
func (s InventorySpec) appsColumns() []string {
	return []string{
		"tenant", "source", "app_id",
		"argMaxIf(app_name, event_time, app_name != '') AS latest_app_name",
		"min(event_time) AS first_seen", "max(event_time) AS last_seen",
		"uniqExactIf(actor_id, actor_id != '') AS actors",
		"countIf(category = 'grant') AS grants", "countIf(category = 'revoke') AS revokes",
		"groupUniqArrayArrayIf(scopes, notEmpty(scopes)) AS scope_union",
		privilegedSQL(s.Posture, "scope_union") + " AS privileged",
		s.unapprovedSQL("app_id") + " AS unapproved",
		"first_seen >= " + Time(s.Variant, s.From) + " AS new",
		fmt.Sprintf("actors <= %d AS rare", s.RareActors),
	}
}

func (s InventorySpec) grantsColumns(rangeCond string) []string {
	return []string{
		"tenant", "source", "app_id",
		"argMaxIf(app_name, event_time, app_name != '') AS latest_app_name",
		"actor_id", "argMaxIf(actor_name, event_time, actor_name != '') AS latest_actor_name",
		"minIf(event_time, category = 'grant') AS first_granted", "maxIf(event_time, category = 'grant') AS last_granted",
		"countIf(category = 'grant') AS grants",
		"groupUniqArrayArrayIf(scopes, category = 'grant' AND notEmpty(scopes)) AS granted_scopes",
		"countIf(category = 'revoke') AS revokes", "maxIf(event_time, category = 'revoke') AS last_revoked",
		s.consentSQL(rangeCond) + " AS consent",
		privilegedSQL(s.Posture, "granted_scopes") + " AS privileged",
		s.unapprovedSQL("app_id") + " AS unapproved",
		"consent = 'admin' AS admin_consent",
		// A revoke by the same actor at or after the last grant ends it.
		"NOT (revokes > 0 AND last_revoked >= last_granted) AS active",
	}
}

// tokenUse is an event that uses a token rather than granting or revoking it.
const tokenUse = "category NOT IN ('grant', 'revoke')"

func (s InventorySpec) tokensColumns() []string {
	longLived := s.To.Add(-time.Duration(s.LongLivedDays) * 24 * time.Hour)
	idleSince := s.To.Add(-time.Duration(s.UnusedDays) * 24 * time.Hour)
	return []string{
		"tenant", "source", "token_id",
		"groupUniqArrayIf(toString(auth_method), auth_method IN ('oauth', 'api_token', 'pat', 'service_account')) AS methods",
		// The first actor seen with the token is the one who created or was given it.
		"argMin(actor_id, event_time) AS owner_id", "argMin(actor_name, event_time) AS owner_name",
		"argMaxIf(app_id, event_time, app_id != '') AS latest_app_id", "argMaxIf(app_name, event_time, app_name != '') AS latest_app_name",
		"min(event_time) AS first_seen", "maxIf(event_time, " + tokenUse + ") AS last_used",
		"countIf(" + tokenUse + ") AS uses", "uniqExactIf(toDate(event_time), " + tokenUse + ") AS use_days",
		"uniqExactIf(src_ip, src_ip != '') AS networks",
		"countIf(category = 'revoke') AS revokes", "maxIf(event_time, category = 'revoke') AS last_revoked",
		"groupUniqArrayArrayIf(scopes, notEmpty(scopes)) AS scope_union",
		privilegedSQL(s.Posture, "scope_union") + " AS privileged",
		s.unapprovedSQL("latest_app_id") + " AS unapproved",
		"first_seen <= " + Time(s.Variant, longLived) + " AS long_lived",
		"uses > 0 AND last_used >= " + Time(s.Variant, s.From) + " AS in_use",
		// Revoked: a revoke at or after the token's last other event.
		"NOT (revokes > 0 AND last_revoked >= maxIf(event_time, category != 'revoke')) AS active",
		"long_lived AND active AND (uses = 0 OR last_used < " + Time(s.Variant, idleSince) + ") AS unused",
		"max(event_time) AS last_seen_any",
	}
}

// unapprovedSQL is 1 when the column is not one of the approved app ids.
func (s InventorySpec) unapprovedSQL(col string) string {
	if len(s.Approved) == 0 {
		return "1"
	}
	return col + " NOT IN " + QuoteList(s.Approved)
}

// privilegedSQL is 1 when any element of the scopes array matches a
// privileged scope of the row's source, without case; it is the SQL twin of
// posturedata.Posture.Classify.
func privilegedSQL(p *posturedata.Posture, scopes string) string {
	return privilegedArms(p, "arrayExists", scopes, "0")
}

// privilegedArms applies fn (arrayExists or arrayFilter) with each source's
// scope test, choosing the source outside the lambda: ClickHouse 18.16
// loses columns that only a lambda mentions.
func privilegedArms(p *posturedata.Posture, fn, scopes, otherwise string) string {
	bySource := map[string][]string{}
	var sources []string
	for _, e := range p.Privileged {
		if _, ok := bySource[e.Source]; !ok {
			sources = append(sources, e.Source)
		}
		bySource[e.Source] = append(bySource[e.Source], "lower(s) LIKE "+Quote(scopeLike(e.Scope)))
	}
	if len(sources) == 0 {
		return otherwise
	}
	var arms []string
	for _, src := range sources {
		arms = append(arms, "source = "+Quote(src), fn+"(s -> "+strings.Join(bySource[src], " OR ")+", "+scopes+")")
	}
	return "multiIf(" + strings.Join(arms, ", ") + ", " + otherwise + ")"
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// scopeLike turns a lower-cased scope pattern with at most one "*" into a
// LIKE pattern in which only that star is a wildcard.
func scopeLike(scope string) string {
	return strings.ReplaceAll(likeEscaper.Replace(strings.ToLower(scope)), "*", "%")
}

// consentSQL names a grant group's consent type: admin when any grant is an
// admin consent by its action or by the vendor's marker in the record, user
// when one is a user consent, else unknown. Each row's action is looked up
// once (transform, a hash lookup) rather than compared with every listed
// action. The markers sit in the raw vendor record, the table's widest
// column, so they are tested in a subquery that reads raw only for the
// grants of the actions that need it; the aggregation never reads raw.
func (s InventorySpec) consentSQL(rangeCond string) string {
	var keys, kinds, marked []string
	for _, c := range s.Posture.Consent {
		key := c.Source + ":" + strings.ToLower(c.Action)
		kind := c.Type
		if c.AdminMarker != "" {
			kind = "marked"
			marked = append(marked, "(source = "+Quote(c.Source)+" AND lower(action) = "+Quote(strings.ToLower(c.Action))+
				" AND match(raw, "+Quote(c.AdminMarker)+"))")
		}
		keys, kinds = append(keys, Quote(key)), append(kinds, Quote(kind))
	}
	if len(keys) == 0 {
		return "'unknown'"
	}
	kind := "transform(concat(source, ':', lower(action)), [" + strings.Join(keys, ", ") + "], [" + strings.Join(kinds, ", ") + "], '')"
	admin := "kind = 'admin'"
	if len(marked) > 0 {
		in, from := s.Sharding.in(s.Database, s.Table, []string{"event_id"})
		admin = fmt.Sprintf("(kind = 'admin' OR (kind = 'marked' AND event_id %s (SELECT event_id FROM %s PREWHERE %s AND category = 'grant' WHERE %s)))",
			in, from, rangeCond, strings.Join(marked, " OR "))
	}
	return fmt.Sprintf("multiIf(countIf(category = 'grant' AND %s) > 0, 'admin', countIf(category = 'grant' AND kind IN ('user', 'marked')) > 0, 'user', 'unknown')",
		strings.Replace(admin, "kind", "("+kind+" AS kind)", 1))
}
