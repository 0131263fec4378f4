package chsql

import (
	"fmt"
	"strings"
	"time"
)

// The baseline statements over the rollup return exactly the columns of
// their raw counterparts, so the store reads both alike.

// rollupDim is the rollup dimension that holds a correlation key, or "".
func rollupDim(correlateBy []string) string {
	switch {
	case (SequenceSpec{CorrelateBy: correlateBy}).defaultKey():
		return DimKey
	case len(correlateBy) == 1 && correlateBy[0] == "actor_id":
		return DimActor
	case len(correlateBy) == 1 && correlateBy[0] == "app_id":
		return DimApp
	case len(correlateBy) == 1 && correlateBy[0] == "token_id":
		return DimToken
	}
	return ""
}

// UsesRollup reports whether the baselines of s read the rollup: the table
// has one and the correlation key is one of its dimensions.
func (s BaselineSpec) UsesRollup() bool {
	return s.Rollup && !s.SensitiveNeedsToken && rollupDim(s.CorrelateBy) != ""
}

func (s BaselineSpec) rollup() string { return s.Database + "." + RollupTable(s.Table) }

func (s BaselineSpec) days() string {
	return fmt.Sprintf("day >= %s AND day <= %s", Day(s.Variant, s.WindowStart), Day(s.Variant, s.To))
}

func rollupKeyDays(s BaselineSpec) string {
	dim := rollupDim(s.CorrelateBy)
	keyCols, keyExpr := s.CorrelateBy[0], s.CorrelateBy[0]
	if dim == DimKey {
		parts := make([]string, len(s.CorrelateBy))
		for i, f := range s.CorrelateBy {
			n := 1
			if f == "app_id" {
				n = 2
			}
			parts[i] = fmt.Sprintf("splitByChar('%s', value)[%d] AS %s", keySeparatorSQL, n, f)
		}
		keyCols, keyExpr = strings.Join(parts, ", "), "concat(actor_id, '"+keySeparatorSQL+"', app_id)"
	} else {
		keyCols = "value AS " + keyCols
	}
	level := min(max(s.MinSensitivity, 0), 3)
	return fmt.Sprintf(`SELECT %s, day,
  countMerge(events) AS events,
  countIfMerge(sensitive%d) AS sensitive,
  uniqExactIfMerge(targets%d) AS targets,
  countIfMerge(config_changes) AS config_changes,
  groupBitOrMerge(hours) AS hours,
  %s AS networks,
  arraySlice(groupUniqArrayIfMerge(agents), 1, %d) AS agents,
  arraySlice(groupUniqArrayIfMerge(config_actions), 1, %d) AS config_actions
FROM %s
WHERE dim = '%s' AND value IN (SELECT %s FROM %s) AND %s
GROUP BY value, day`, keyCols, level, level, hashed(fmt.Sprintf("arraySlice(groupUniqArrayIfMerge(networks), 1, %d)", MaxDayNetworks)), MaxDayAgents, MaxDayConfigActions,
		s.rollup(), dim, keyExpr, KeysTable, s.days())
}

// rollupActorDays reads the actors' days. The rows come in no order (the
// store sorts each actor's days; an ORDER BY cost 0.5 s of 4.5 s at 10M
// events), and days before NearFrom's eve come without the three lists
// only the near-episode signals read (see BaselineSpec.NearFrom): at 10M
// events over a month, merging those lists for the whole window took
// about 40% of the statement.
func rollupActorDays(s BaselineSpec) string {
	near := []string{
		hashed(fmt.Sprintf("arraySlice(groupUniqArrayIfMerge(presence_networks), 1, %d)", MaxDayNetworks)) + " AS presence_networks",
		numbers(fmt.Sprintf("arraySlice(groupArrayIfMerge(%d)(signin_times), 1, %d)", MaxDaySigninTimes, MaxDaySigninTimes)) + " AS signin_times",
		networkAppLists(fmt.Sprintf("arraySlice(groupUniqArrayIfMerge(network_apps), 1, %d)", MaxActorDayNetworks)),
	}
	part := func(lists []string, days string) string {
		return fmt.Sprintf(`SELECT value AS ident, day,
  countMerge(events) AS events,
  countIfMerge(token_events) AS token_events,
  countIfMerge(signins) AS signins,
  groupBitOrMerge(hours) AS hours,
  %s AS networks,
  %s
FROM %s
WHERE dim IN ('actor', 'ident') AND value IN (SELECT ident FROM %s) AND %s
GROUP BY value, day`, hashed(fmt.Sprintf("arraySlice(groupUniqArrayIfMerge(networks), 1, %d)", MaxActorDayNetworks)), strings.Join(lists, ",\n  "), s.rollup(), ActorsTable, days)
	}
	if s.NearFrom.IsZero() {
		return part(near, s.days())
	}
	split := s.NearFrom.UTC().Truncate(24*time.Hour).AddDate(0, 0, -1)
	if !split.After(s.WindowStart) {
		return part(near, s.days())
	}
	empty := []string{"'' AS presence_networks", "'' AS signin_times", "'' AS network_app_nets", "'' AS network_app_apps"}
	// The union is wrapped so that the SETTINGS the store appends (limits,
	// skip_unavailable_shards) bind the whole statement: on 18.16 a
	// SETTINGS clause after a bare UNION ALL does not reach its first
	// SELECT (measured: max_rows_to_read let the first part read 100,000
	// rows, and skip_unavailable_shards failed the cluster fault test).
	return "SELECT * FROM (\n" + part(empty, fmt.Sprintf("day >= %s AND day < %s", Day(s.Variant, s.WindowStart), Day(s.Variant, split))) +
		"\nUNION ALL\n" + part(near, fmt.Sprintf("day >= %s AND day <= %s", Day(s.Variant, split), Day(s.Variant, s.To))) + "\n)"
}

// rollupAppStats reads an app's first and last day from its app rows, and
// its actors and peer networks from its key rows in one pass. Each key row
// is one actor of the app (key = actor + app), so counting the distinct
// keys gives the distinct actors exactly; merging the app rows' own actor
// sets would decode every day's set of a popular app, which measured 0.2 s
// for three apps at 10M events against nothing extra here.
func rollupAppStats(s BaselineSpec) string {
	return fmt.Sprintf(`SELECT app_id, first_seen, last_seen, actors, peer_networks
FROM (
  SELECT value AS app_id, toDateTime(minMerge(first_seen)) AS first_seen, toDateTime(max(day)) AS last_seen
  FROM %s
  WHERE dim = 'app' AND value IN (SELECT app_id FROM %s) AND %s
  GROUP BY value
)
ANY LEFT JOIN (
  SELECT app AS app_id, any(keys) AS actors, %s AS peer_networks
  FROM (
    SELECT app, keys, net, count() AS n
    FROM (
      SELECT app, count() AS keys, groupArrayArray(nets) AS all_nets
      FROM (
        SELECT app, value, groupUniqArrayIfMerge(networks) AS nets
        FROM %s
        WHERE dim = 'key' AND app IN (SELECT app_id FROM %s) AND %s
        GROUP BY app, value
      )
      GROUP BY app
    )
    LEFT ARRAY JOIN all_nets AS net
    GROUP BY app, keys, net
  )
  GROUP BY app
) USING app_id`, s.rollup(), AppsTable, s.days(), topPeerNetworks("net", "n"), s.rollup(), AppsTable, s.days())
}

func rollupTokenStats(s BaselineSpec) string {
	return fmt.Sprintf(`SELECT value AS token_id, toDateTime(min(first)) AS first_seen,
  arraySlice(arraySort(groupArray(day)), 1, %d) AS days
FROM (
  SELECT value, day, minMerge(first_seen) AS first
  FROM %s
  WHERE dim = 'token' AND value IN (SELECT token_id FROM %s) AND %s
  GROUP BY value, day
)
GROUP BY value`, maxTokenDaysReturned, s.rollup(), TokensTable, s.days())
}

// keySeparatorSQL is keySeparator as a ClickHouse string escape.
const keySeparatorSQL = `\x1f`
