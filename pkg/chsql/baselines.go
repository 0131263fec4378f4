package chsql

import (
	"fmt"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// Names of the external tables the baseline statements read their keys
// from. The store sends each as a ClickHouse external table with the
// query, so thousands of keys never become SQL text (max_query_size).
const (
	KeysTable   = "tt_keys"   // the correlateBy columns, as named in the table
	ActorsTable = "tt_actors" // column ident: actor ids and lower-cased e-mail addresses
	AppsTable   = "tt_apps"   // column app_id
	TokensTable = "tt_tokens" // column token_id
)

// Caps on the arrays a baseline row carries, so a row's size is bounded
// whatever the day held.
const (
	MaxDayNetworks       = 16
	MaxDayAgents         = 8
	MaxDayConfigActions  = 32
	MaxDaySigninTimes    = 48
	MaxActorDayNetworks  = 32
	MaxAppPeerNetworks   = 256
	maxAgentLength       = event.MaxAgentFamily
	maxTokenDaysReturned = 400
)

// BaselineSpec is what every baseline statement depends on.
type BaselineSpec struct {
	Database, Table string
	Variant         schema.Variant
	// ServerMajor picks the IP parsing function: ClickHouse 22 and later
	// throw on a malformed address unless the OrDefault form is used.
	ServerMajor int
	// WindowStart and To bound the rows read: the baseline before the
	// range, and the range itself.
	WindowStart, To time.Time
	// NearFrom is the earliest instant the near-episode signals look at:
	// the earliest anchor the range can have (maxSpan before From) less
	// the sign-in window. An actor's sign-in times, presence networks and
	// network-app pairs are only ever read from the day before it on
	// (risk: signedInBetween, presenceNetworksNear), so the rollup
	// statement leaves them out of earlier days, which are most of the
	// window on a short range. Zero reads them for every day.
	NearFrom       time.Time
	CorrelateBy    []string
	MinSensitivity int
	// SensitiveNeedsToken counts sensitive events as the broad preset does.
	SensitiveNeedsToken bool
	// KeyHash and AppHash say the table has the accelerator columns;
	// Rollup that it has the baseline rollup (RollupTable).
	KeyHash, AppHash, Rollup bool
}

func (s BaselineSpec) check() error {
	if err := schema.CheckIdentifier("database", s.Database); err != nil {
		return err
	}
	if err := schema.CheckIdentifier("table", s.Table); err != nil {
		return err
	}
	if len(s.CorrelateBy) == 0 {
		return fmt.Errorf("correlateBy is empty")
	}
	for _, f := range s.CorrelateBy {
		if !allowed(models.KeyFields, f) {
			return fmt.Errorf("correlateBy field %q is not allowed", f)
		}
	}
	if s.To.Before(s.WindowStart) {
		return fmt.Errorf("baseline window ends before it starts")
	}
	return nil
}

func (s BaselineSpec) window() string {
	return Range(s.Variant, s.WindowStart, s.To)
}

// NetworkWith defines, for a WITH clause, the alias net: event.NetworkPrefix
// in SQL, "a.b.c.0/24" for a dotted IPv4 address, "x:y:z::/48" for an IPv6
// one, ” otherwise. The store's integration test feeds both the same
// addresses. ClickHouse 22 and later throw on a malformed IPv6 address
// unless the OrDefault parser is used; 18.16 has only the plain one, which
// returns zeros.
func NetworkWith(serverMajor int) string {
	parse := "IPv6StringToNum"
	if serverMajor >= 22 {
		parse = "IPv6StringToNumOrDefault"
	}
	return fmt.Sprintf("toFixedString(concat(substring(%s(src_ip), 1, 6), unhex('00000000000000000000')), 16) AS v6net,\n"+
		"  multiIf(match(src_ip, '^[0-9]{1,3}(\\\\.[0-9]{1,3}){3}$') AND arrayAll(o -> toUInt16OrZero(o) <= 255 AND (length(o) = 1 OR substring(o, 1, 1) != '0'), splitByChar('.', src_ip)),\n"+
		"    concat(arrayStringConcat(arraySlice(splitByChar('.', src_ip), 1, 3), '.'), '.0/24'),\n"+
		"    position(src_ip, ':') > 0 AND v6net != toFixedString(unhex('00000000000000000000000000000000'), 16), concat(IPv6NumToString(v6net), '/48'),\n"+
		"    '') AS net", parse)
}

const (
	hourBit   = "bitShiftLeft(toUInt32(1), toHour(event_time))"
	signinSQL = "(category = 'signin' AND outcome IN ('success', ''))"
)

// KeyDays returns, per key and UTC day of the window, what the risk
// signals compare an episode with: volume, targets, hours, networks, user
// agents and configuration changes. Keys come from KeysTable.
func KeyDays(s BaselineSpec) (string, error) {
	if err := s.check(); err != nil {
		return "", err
	}
	if s.UsesRollup() {
		return rollupKeyDays(s), nil
	}
	cols := strings.Join(s.CorrelateBy, ", ")
	sensitive := sensitivePred(s.MinSensitivity, s.SensitiveNeedsToken)
	prewhere := []string{s.window()}
	if s.KeyHash && (SequenceSpec{CorrelateBy: s.CorrelateBy}).defaultKey() {
		prewhere = append(prewhere, fmt.Sprintf("%s IN (SELECT cityHash64(actor_id, app_id) FROM %s)", schema.KeyHashColumn, KeysTable))
	}
	return fmt.Sprintf(`WITH %s
SELECT %s, toDate(event_time) AS day,
  count() AS events,
  countIf(%s) AS sensitive,
  uniqExactIf(target_name, %s AND target_name != '') AS targets,
  countIf(category = 'config_change') AS config_changes,
  groupBitOr(%s) AS hours,
  %s AS networks,
  arraySlice(arrayFilter(x -> x != '', groupUniqArray(substring(replaceRegexpAll(user_agent, '[0-9]+', ''), 1, %d))), 1, %d) AS agents,
  arraySlice(groupUniqArrayIf(action, category = 'config_change'), 1, %d) AS config_actions
FROM %s.%s
PREWHERE %s
WHERE %s IN (SELECT %s FROM %s)
GROUP BY %s, day
ORDER BY %s, day`,
		NetworkWith(s.ServerMajor), cols, sensitive, sensitive, hourBit, hashed(fmt.Sprintf("arraySlice(arrayFilter(x -> x != '', groupUniqArray(net)), 1, %d)", MaxDayNetworks)), maxAgentLength, MaxDayAgents, MaxDayConfigActions,
		s.Database, s.Table, where(prewhere...), tuple(s.CorrelateBy), cols, KeysTable, cols, cols), nil
}

// ActorDays returns, per actor identity and UTC day, the actor's habits
// over every app and source: sign-in times, token use, hours, networks,
// the networks of the actor's token-free activity (sign-ins, browser work,
// SSH), and which apps' tokens each network served (two parallel lists,
// network_app_nets and network_app_apps): where
// the person really was that day, with all of their devices. An identity is an actor id or a lower-cased e-mail
// address, so a Google or Slack actor meets their Okta sign-ins by e-mail.
func ActorDays(s BaselineSpec) (string, error) {
	if err := s.check(); err != nil {
		return "", err
	}
	if s.Rollup {
		return rollupActorDays(s), nil
	}
	return fmt.Sprintf(`WITH %s
SELECT ident, toDate(event_time) AS day,
  count() AS events,
  countIf(%s) AS token_events,
  countIf(%s) AS signins,
  groupBitOr(%s) AS hours,
  %s AS networks,
  %s AS presence_networks,
  %s AS signin_times,
  %s
FROM %s.%s
ARRAY JOIN arrayFilter(x -> x != '', [actor_id, lower(actor_name)]) AS ident
PREWHERE %s
WHERE (actor_id IN (SELECT ident FROM %s) OR lower(actor_name) IN (SELECT ident FROM %s))
  AND ident IN (SELECT ident FROM %s)
GROUP BY ident, day
ORDER BY ident, day`,
		NetworkWith(s.ServerMajor), accessPred, signinSQL, hourBit,
		hashed(fmt.Sprintf("arraySlice(arrayFilter(x -> x != '', groupUniqArray(net)), 1, %d)", MaxActorDayNetworks)),
		hashed(fmt.Sprintf("arraySlice(arrayFilter(x -> x != '', groupUniqArrayIf(net, NOT %s)), 1, %d)", accessPred, MaxDayNetworks)),
		numbers(fmt.Sprintf("arraySlice(groupArrayIf(toUInt32(toDateTime(event_time)), %s), 1, %d)", signinSQL, MaxDaySigninTimes)),
		networkAppLists(fmt.Sprintf("arraySlice(groupUniqArrayIf(concat(net, '|', app_id), %s AND net != '' AND app_id != ''), 1, %d)", accessPred, MaxActorDayNetworks)),
		s.Database, s.Table, s.window(), ActorsTable, ActorsTable, ActorsTable), nil
}

// AppStats returns, per app of AppsTable, when the tenant first and last
// saw it in the window, how many actors used it (peer rarity), and the
// networks from which at least two actors used it, as "network|actors":
// the app's own servers, which explain a new network for one more actor.
// An app with more than MaxAppPeerNetworks such networks keeps the most
// shared ones (ties by network), so the same history always gives the
// same list, whatever order the server aggregates in.
func AppStats(s BaselineSpec) (string, error) {
	if err := s.check(); err != nil {
		return "", err
	}
	if s.Rollup {
		return rollupAppStats(s), nil
	}
	prewhere := []string{s.window()}
	if s.AppHash {
		prewhere = append(prewhere, fmt.Sprintf("%s IN (SELECT cityHash64(app_id) FROM %s)", schema.AppHashColumn, AppsTable))
	}
	return fmt.Sprintf(`SELECT app_id, min(first_seen) AS first_seen, max(last_seen) AS last_seen,
  uniqExactMerge(actor_state) AS actors,
  %s AS peer_networks
FROM (
  WITH %s
  SELECT app_id, net, min(event_time) AS first_seen, max(event_time) AS last_seen,
    uniqExactState(actor_id) AS actor_state, uniqExact(actor_id) AS net_actors
  FROM %s.%s
  PREWHERE %s
  WHERE app_id IN (SELECT app_id FROM %s) AND actor_id != ''
  GROUP BY app_id, net
)
GROUP BY app_id`,
		topPeerNetworks("net", "net_actors"), indent(NetworkWith(s.ServerMajor)), s.Database, s.Table, where(prewhere...), AppsTable), nil
}

// TokenStats returns, per token of TokensTable, the days it was used in
// the window: its age and its silences (ATT&CK's OAuthTokenAge).
func TokenStats(s BaselineSpec) (string, error) {
	if err := s.check(); err != nil {
		return "", err
	}
	if s.Rollup {
		return rollupTokenStats(s), nil
	}
	return fmt.Sprintf(`SELECT token_id, min(event_time) AS first_seen,
  arraySlice(arraySort(groupUniqArray(toDate(event_time))), 1, %d) AS days
FROM %s.%s
PREWHERE %s
WHERE token_id IN (SELECT token_id FROM %s)
GROUP BY token_id`,
		maxTokenDaysReturned, s.Database, s.Table, s.window(), TokensTable), nil
}

// topPeerNetworks aggregates the networks (net) that at least two actors
// (n of them) used an app from into "network|n", the MaxAppPeerNetworks
// most shared first and ties by network: a deterministic choice, where a
// plain slice of groupArray would keep whichever networks came first.
func topPeerNetworks(net, n string) string {
	return fmt.Sprintf("arrayMap(p -> concat(p.2, '|', toString(-p.1)), arraySlice(arraySort(groupArrayIf((-toInt64(%s), %s), %s != '' AND %s >= 2)), 1, %d))",
		n, net, net, n, MaxAppPeerNetworks)
}

// tuple renders columns as a tuple when there are several.
func tuple(cols []string) string {
	if len(cols) == 1 {
		return cols[0]
	}
	return "(" + strings.Join(cols, ", ") + ")"
}

// The baselines' lists of numbers travel as text: comma-separated
// decimals in one String column, which the store splits. clickhouse-go
// scans an Array column element by element through reflection, with
// several allocations per element; at 10M events that was about 1 s of
// a 30-day ranking's Go CPU for the actors' daily lists alone.

// hashed is list, an array of strings, as the list of its elements'
// cityHash64 (event.Hash): the baselines only test networks and apps for
// membership, and numbers cost the scorer far less to decode and hold
// than text.
func hashed(list string) string {
	return "arrayStringConcat(arrayMap(h -> toString(cityHash64(h)), " + list + "), ',')"
}

// numbers is list, an array of numbers, as a list.
func numbers(list string) string {
	return "arrayStringConcat(arrayMap(n -> toString(n), " + list + "), ',')"
}

// networkAppLists splits list, an array of "network|app", into two lists
// of the same length: network_app_nets, the networks hashed, and
// network_app_apps, the apps hashed (see hashed). A network never holds
// '|', so the first one ends it.
func networkAppLists(list string) string {
	return hashed("arrayMap(p -> substring(p, 1, position(p, '|') - 1), "+list+")") + " AS network_app_nets,\n  " +
		hashed("arrayMap(p -> substring(p, position(p, '|') + 1, length(p)), "+list+")") + " AS network_app_apps"
}
