package frames

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/tokentrail/tokentrail/pkg/catalog/posturedata"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/posture"
)

// inventoryLink opens the SOC dashboard on the row's app (or token), over
// the inventory panel's own time range: its episodes and its timeline.
var inventoryLink = data.DataLink{
	Title: "Episodes and timeline of this app",
	URL: SOCDashboard + "?var-actor=${__data.fields.timeline_actor:percentencode}&var-app=${__data.fields.timeline_app:percentencode}" +
		"&var-token=${__data.fields.timeline_token:percentencode}&${__url_time_range}",
}

// Inventory returns the inventory table of inv's kind. Every row carries
// the vendor's containment step and a link to the app's episodes and
// timeline. A cut list and ages bounded by the window come with notices.
func Inventory(inv *posture.Inventory, limit int, executedSQL string) *data.Frame {
	var f *data.Frame
	switch inv.Kind {
	case models.KindGrants:
		f = grantsFrame(inv.Grants, executedSQL)
	case models.KindTokens:
		f = tokensFrame(inv.Tokens, inv.To, executedSQL)
		for _, t := range inv.Tokens {
			if t.FirstSeen.Sub(inv.WindowFrom) < 24*time.Hour {
				f.AppendNotices(data.Notice{Severity: data.NoticeSeverityInfo, Text: fmt.Sprintf(
					"Some tokens were first seen on the window's first day (%s): their age is at least what is shown. Raise baselineDays to look further back.",
					inv.WindowFrom.UTC().Format("2006-01-02"))})
				break
			}
		}
	default:
		f = appsFrame(inv.Apps, executedSQL)
	}
	if inv.Truncated {
		f.AppendNotices(data.Notice{Severity: data.NoticeSeverityWarning, Text: fmt.Sprintf(
			"More than %d %s: showing the %d most recently seen. Narrow with filters or require, or raise limit (at most %d).",
			limit, inv.Kind, limit, models.MaxInventoryRows)})
	}
	return f
}

func appsFrame(apps []posture.App, sql string) *data.Frame {
	t := &table{n: len(apps)}
	a := func(i int) *posture.App { return &apps[i] }
	t.str("tenant", "Tenant", func(i int) string { return a(i).Tenant })
	t.str("source", "Source", func(i int) string { return a(i).Source })
	link(t.str("app_id", "App id", func(i int) string { return a(i).AppID }), inventoryLink)
	t.str("app_name", "App", func(i int) string { return a(i).AppName })
	t.at("first_seen", "First seen", func(i int) time.Time { return a(i).FirstSeen })
	t.at("last_seen", "Last seen", func(i int) time.Time { return a(i).LastSeen })
	t.num("actors", "Actors", func(i int) int64 { return int64(a(i).Actors) })
	t.num("grants", "Grants", func(i int) int64 { return int64(a(i).Grants) })
	t.num("revokes", "Revokes", func(i int) int64 { return int64(a(i).Revokes) })
	scopeColumns(t, func(i int) (string, []string) { return a(i).Source, a(i).Scopes }, func(i int) bool { return a(i).Privileged })
	t.flag("approved", "Approved", func(i int) bool { return !a(i).Unapproved })
	t.flag("new", "New in range", func(i int) bool { return a(i).New })
	t.flag("rare", "Rare (few actors)", func(i int) bool { return a(i).Rare })
	t.str("last_episode_id", "Last episode", func(i int) string { return a(i).LastEpisodeID })
	t.maybeAt("last_episode_time", "Last episode at", func(i int) time.Time { return a(i).LastEpisodeAt })
	t.str("last_severity", "Last episode severity", func(i int) string { return a(i).LastSeverity })
	t.num("last_score", "Last episode score", func(i int) int64 { return int64(a(i).LastScore) })
	responseColumns(t, posturedata.RespondApp, func(i int) (string, posturedata.ResponseVars) {
		return a(i).Source, posturedata.ResponseVars{Tenant: a(i).Tenant, AppID: a(i).AppID}
	})
	linkColumns(t, func(i int) (actor, app, token string) { return "", a(i).AppID, "" })
	return t.frame("inventory_apps", sql)
}

func grantsFrame(grants []posture.Grant, sql string) *data.Frame {
	t := &table{n: len(grants)}
	g := func(i int) *posture.Grant { return &grants[i] }
	t.str("tenant", "Tenant", func(i int) string { return g(i).Tenant })
	t.str("source", "Source", func(i int) string { return g(i).Source })
	link(t.str("app_id", "App id", func(i int) string { return g(i).AppID }), inventoryLink)
	t.str("app_name", "App", func(i int) string { return g(i).AppName })
	t.str("actor_id", "Granted by", func(i int) string { return g(i).ActorID })
	t.str("actor_name", "Granted by (name)", func(i int) string { return g(i).ActorName })
	t.at("first_granted", "First granted", func(i int) time.Time { return g(i).FirstGranted })
	t.at("last_granted", "Last granted", func(i int) time.Time { return g(i).LastGranted })
	t.num("grants", "Grants", func(i int) int64 { return int64(g(i).Grants) })
	scopeColumns(t, func(i int) (string, []string) { return g(i).Source, g(i).Scopes }, func(i int) bool { return g(i).Privileged })
	t.str("consent", "Consent", func(i int) string { return g(i).Consent })
	t.flag("revoked", "Revoked later", func(i int) bool { return !g(i).Active })
	t.maybeAt("revoked_at", "Revoked at", func(i int) time.Time { return g(i).LastRevoked })
	t.flag("approved", "Approved", func(i int) bool { return !g(i).Unapproved })
	responseColumns(t, posturedata.RespondGrant, func(i int) (string, posturedata.ResponseVars) {
		return g(i).Source, posturedata.ResponseVars{Tenant: g(i).Tenant, AppID: g(i).AppID, ActorID: g(i).ActorID}
	})
	linkColumns(t, func(i int) (actor, app, token string) { return g(i).ActorID, g(i).AppID, "" })
	return t.frame("inventory_grants", sql)
}

func tokensFrame(tokens []posture.Token, to time.Time, sql string) *data.Frame {
	t := &table{n: len(tokens)}
	k := func(i int) *posture.Token { return &tokens[i] }
	t.str("tenant", "Tenant", func(i int) string { return k(i).Tenant })
	t.str("source", "Source", func(i int) string { return k(i).Source })
	link(t.str("token_id", "Token id", func(i int) string { return k(i).TokenID }), inventoryLink)
	t.str("kind", "Kind", func(i int) string { return posture.TokenKind(k(i).Methods) })
	t.str("owner_id", "Owner", func(i int) string { return k(i).OwnerID })
	t.str("owner_name", "Owner (name)", func(i int) string { return k(i).OwnerName })
	t.str("app_id", "App id", func(i int) string { return k(i).AppID })
	t.str("app_name", "App", func(i int) string { return k(i).AppName })
	t.at("created", "Created (first seen)", func(i int) time.Time { return k(i).FirstSeen })
	t.maybeAt("last_used", "Last used", func(i int) time.Time { return k(i).LastUsed })
	t.real("age_days", "Age (days)", func(i int) float64 { return round1(k(i).AgeDays(to)) })
	t.real("idle_days", "Idle (days)", func(i int) float64 { return round1(k(i).IdleDays(to)) })
	t.num("use_days", "Use days", func(i int) int64 { return int64(k(i).UseDays) })
	t.num("uses", "Uses", func(i int) int64 { return int64(k(i).Uses) })
	t.num("networks", "Networks (source IPs)", func(i int) int64 { return int64(k(i).Networks) })
	t.flag("revoked", "Revoked", func(i int) bool { return !k(i).Active })
	t.maybeAt("revoked_at", "Revoked at", func(i int) time.Time { return k(i).LastRevoked })
	scopeColumns(t, func(i int) (string, []string) { return k(i).Source, k(i).Scopes }, func(i int) bool { return k(i).Privileged })
	t.flag("long_lived", "Long-lived", func(i int) bool { return k(i).LongLived })
	t.flag("in_use", "Used in range", func(i int) bool { return k(i).InUse })
	t.flag("unused", "Long-lived and unused", func(i int) bool { return k(i).Unused })
	t.flag("approved", "Approved app", func(i int) bool { return !k(i).Unapproved })
	responseColumns(t, posturedata.RespondToken, func(i int) (string, posturedata.ResponseVars) {
		return k(i).Source, posturedata.ResponseVars{Tenant: k(i).Tenant, AppID: k(i).AppID, TokenID: k(i).TokenID, ActorID: k(i).OwnerID}
	})
	linkColumns(t, func(i int) (actor, app, token string) { return "", "", k(i).TokenID })
	return t.frame("inventory_tokens", sql)
}

// scopeColumns adds the scopes, the privileged ones among them and their
// classes, and the privileged flag ClickHouse computed from the same
// catalogue data.
func scopeColumns(t *table, get func(int) (string, []string), privileged func(int) bool) {
	p := posturedata.DefaultPosture()
	priv, classes := make([]string, t.n), make([]string, t.n)
	for i := range t.n {
		src, scopes := get(i)
		ps, cs := p.Classify(src, scopes)
		priv[i], classes[i] = strings.Join(ps, " "), strings.Join(cs, ", ")
	}
	t.str("scopes", "Scopes", func(i int) string { _, s := get(i); return strings.Join(s, " ") })
	t.flag("privileged", "Privileged", privileged)
	t.str("privileged_scopes", "Privileged scopes", func(i int) string { return priv[i] })
	t.str("privileged_classes", "Reaches", func(i int) string { return classes[i] })
}

// responseColumns adds the vendor's containment step and its admin page.
func responseColumns(t *table, kind string, get func(int) (string, posturedata.ResponseVars)) {
	p := posturedata.DefaultPosture()
	texts, urls := make([]string, t.n), make([]string, t.n)
	for i := range t.n {
		src, vars := get(i)
		a, _ := p.Response(src, kind, vars)
		texts[i], urls[i] = a.Text, a.URL
	}
	link(t.str("response", "Response", func(i int) string { return texts[i] }), responseLink)
	t.hiddenStr("response_url", func(i int) string { return urls[i] })
}

// linkColumns adds the hidden LIKE patterns the row's link opens the
// SOC dashboard with; an empty value means any.
func linkColumns(t *table, get func(int) (actor, app, token string)) {
	pattern := func(v string) string {
		if v == "" {
			return "%"
		}
		return likeExact.Replace(v)
	}
	t.hiddenStr("timeline_actor", func(i int) string { a, _, _ := get(i); return pattern(a) })
	t.hiddenStr("timeline_app", func(i int) string { _, a, _ := get(i); return pattern(a) })
	t.hiddenStr("timeline_token", func(i int) string { _, _, k := get(i); return pattern(k) })
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
