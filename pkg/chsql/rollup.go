package chsql

import (
	"fmt"
	"strings"

	"github.com/tokentrail/tokentrail/pkg/schema"
)

// The baseline rollup: one row per dimension value and UTC day, kept up to
// date by a materialized view on every insert into the events table. The
// risk baselines read it instead of re-aggregating 30 days of raw events on
// every query: what was a scan of the baseline window becomes a lookup of
// the episodes' keys. Tables created without it (by an older release or
// another pipeline) still work; the baselines then aggregate raw events.
//
// Each event contributes one row to each dimension it has a value for:
//
//	key    actor_id + "\x1f" + app_id (the default correlation key)
//	actor  actor_id
//	ident  the lower-cased actor_name when it is an e-mail address
//	app    app_id
//	token  token_id
const (
	RollupSuffix = "_days"
)

// Dimensions of the rollup.
const (
	DimKey   = "key"
	DimActor = "actor"
	DimIdent = "ident"
	DimApp   = "app"
	DimToken = "token"
)

// RollupTable names the rollup of table.
func RollupTable(table string) string { return table + RollupSuffix }

func rollupName(table string) (string, error) {
	name := RollupTable(table)
	if err := schema.CheckIdentifier("table", name+"_mv"); err != nil {
		return "", fmt.Errorf("the baseline rollup of %q would be named %q with a view %q: use a table name of at most %d letters, digits or underscores", table, name, name+"_mv", 64-len(RollupSuffix+"_mv"))
	}
	return name, nil
}

// rollupColumn is one aggregate of the rollup: its name, its state type
// and the -State expression the view feeds it with.
type rollupColumn struct{ name, typ, state string }

// rollupColumns are the aggregates, in DDL order. Sensitive counts and
// distinct targets are kept per sensitivity level, so that every
// minSensitivity reads its own.
func rollupColumns(serverMajor int) []rollupColumn {
	cols := []rollupColumn{
		{"events", "AggregateFunction(count)", "countState()"},
		{"token_events", "AggregateFunction(countIf, UInt8)", "countIfState(" + accessPred + ")"},
		{"signins", "AggregateFunction(countIf, UInt8)", "countIfState(" + signinSQL + ")"},
	}
	for level := 0; level <= 3; level++ {
		sens := sensitivePred(level, false)
		cols = append(cols,
			rollupColumn{fmt.Sprintf("sensitive%d", level), "AggregateFunction(countIf, UInt8)", "countIfState(" + sens + ")"},
			rollupColumn{fmt.Sprintf("targets%d", level), "AggregateFunction(uniqExactIf, String, UInt8)", "uniqExactIfState(target_name, " + sens + " AND target_name != '')"})
	}
	return append(cols,
		rollupColumn{"config_changes", "AggregateFunction(countIf, UInt8)", "countIfState(category = 'config_change')"},
		rollupColumn{"hours", "AggregateFunction(groupBitOr, UInt32)", "groupBitOrState(" + hourBit + ")"},
		rollupColumn{"networks", "AggregateFunction(groupUniqArrayIf, String, UInt8)", "groupUniqArrayIfState(net, net != '')"},
		rollupColumn{"agents", "AggregateFunction(groupUniqArrayIf, String, UInt8)", "groupUniqArrayIfState(agent, agent != '')"},
		rollupColumn{"config_actions", "AggregateFunction(groupUniqArrayIf, String, UInt8)", "groupUniqArrayIfState(action, category = 'config_change')"},
		rollupColumn{"presence_networks", "AggregateFunction(groupUniqArrayIf, String, UInt8)", "groupUniqArrayIfState(net, net != '' AND NOT " + accessPred + ")"},
		rollupColumn{"network_apps", "AggregateFunction(groupUniqArrayIf, String, UInt8)", "groupUniqArrayIfState(concat(net, '|', app_id), net != '' AND app_id != '' AND " + accessPred + ")"},
		rollupColumn{"signin_times", fmt.Sprintf("AggregateFunction(groupArrayIf(%d), UInt32, UInt8)", MaxDaySigninTimes),
			fmt.Sprintf("groupArrayIfState(%d)(toUInt32(toDateTime(event_time)), %s)", MaxDaySigninTimes, signinSQL)},
		rollupColumn{"actors", "AggregateFunction(uniqExactIf, String, UInt8)", "uniqExactIfState(actor_id, actor_id != '')"},
		rollupColumn{"first_seen", "AggregateFunction(min, UInt32)", "minState(toUInt32(toDateTime(event_time)))"},
		// The identity of a key, named apart from the event columns so the
		// view's aliases do not shadow them.
		rollupColumn{"id_tenant", "AggregateFunction(anyLast, String)", "anyLastState(toString(tenant))"},
		rollupColumn{"id_source", "AggregateFunction(anyLast, String)", "anyLastState(toString(source))"},
		rollupColumn{"id_actor_name", "AggregateFunction(anyLastIf, String, UInt8)", "anyLastIfState(actor_name, actor_name != '')"},
		rollupColumn{"id_app_name", "AggregateFunction(anyLastIf, String, UInt8)", "anyLastIfState(app_name, app_name != '')"},
	)
}

// dimEnum is the type of the rollup's dim column.
const dimEnum = "Enum8('key' = 1, 'actor' = 2, 'ident' = 3, 'app' = 4, 'token' = 5)"

// dimensionsSQL is the ARRAY JOIN list of (dimension, value) pairs of an
// event; pairs with an empty value are dropped.
const dimensionsSQL = `arrayFilter(d -> d.2 != '', [
    ('key', if(actor_id != '' AND app_id != '', concat(actor_id, '` + keySeparatorSQL + `', app_id), '')),
    ('actor', actor_id),
    ('ident', if(position(actor_name, '@') > 0, lower(actor_name), '')),
    ('app', app_id),
    ('token', token_id)])`

// CreateRollup returns the statements that create the rollup table and the
// materialized view that fills it, for db.table on a server of the given
// major version.
func CreateRollup(db, table string, serverMajor int) ([]string, error) {
	if err := schema.CheckIdentifier("database", db); err != nil {
		return nil, err
	}
	name, err := rollupName(table)
	if err != nil {
		return nil, err
	}
	return []string{
		createRollupTable(db+"."+name, "AggregatingMergeTree()", "", serverMajor),
		createRollupView(db, name, "", table, serverMajor),
	}, nil
}

// RollupIndexGranularity is the rows per primary-index mark of the rollup
// (ClickHouse's default is 8192). Its reads are lookups of a few hundred
// values each, and a value's days are a few dozen rows, so every value
// read costs about a granule of large aggregate states. Measured on 18.16,
// on merged copies of the same rollup:
//   - an alert rule's hour at 10M events read its actors' days in 34 ms at
//     1024 against 100 ms at 8192, and 18 ms at 256;
//   - a 30-day ranking at 10M: the actor-day reads 4.2 s at 1024 against
//     3.1 s at 256 (2.2M rows and 1.3 GB read against 1.1M and 0.7 GB),
//     the key-day reads 2.7 against 2.2 s;
//   - at 1M the same, or slightly faster at 256 (0.33 against 0.39 s).
//
// Rollups made before keep theirs, and still work.
const RollupIndexGranularity = 256

// createRollupTable is the DDL of a rollup table named name (db.table, with
// an ON CLUSTER clause when the caller adds one) with the given engine of
// the AggregatingMergeTree family and settings besides the granularity
// ("" for none).
func createRollupTable(name, engine, settings string, serverMajor int) string {
	var cols strings.Builder
	for _, c := range rollupColumns(serverMajor) {
		fmt.Fprintf(&cols, ",\n    %s %s", c.name, c.typ)
	}
	return fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s
(
    dim %s,
    value String,
    app String,
    day Date%s
)
ENGINE = %s
PARTITION BY toYYYYMM(day)
ORDER BY (dim, value, day)
SETTINGS index_granularity = %d%s`, name, dimEnum, cols.String(), engine, RollupIndexGranularity, settings)
}

// createRollupView is the DDL of the materialized view that feeds db.name
// from every insert into db.table; on is "" or an ON CLUSTER clause.
func createRollupView(db, name, on, table string, serverMajor int) string {
	return fmt.Sprintf("CREATE MATERIALIZED VIEW IF NOT EXISTS %s.%s_mv%s TO %s.%s\nAS %s", db, name, on, db, name, rollupSelect(db, table, serverMajor))
}

// BackfillRollup returns the statement that fills the rollup from events
// already in db.table, for a rollup added to a table that has data.
func BackfillRollup(db, table string, serverMajor int) (string, error) {
	name, err := rollupName(table)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("INSERT INTO %s.%s\n%s", db, name, rollupSelect(db, table, serverMajor)), nil
}

// rollupSelect aggregates events into rollup rows.
func rollupSelect(db, table string, serverMajor int) string {
	var states strings.Builder
	for _, c := range rollupColumns(serverMajor) {
		fmt.Fprintf(&states, ",\n    %s AS %s", c.state, c.name)
	}
	return fmt.Sprintf(`WITH %s,
  substring(replaceRegexpAll(user_agent, '[0-9]+', ''), 1, %d) AS agent
SELECT CAST(d.1 AS %s) AS dim, d.2 AS value, if(d.1 = 'key', app_id, '') AS app, toDate(event_time) AS day%s
FROM %s.%s
ARRAY JOIN %s AS d
GROUP BY dim, value, app, day`, NetworkWith(serverMajor), maxAgentLength, dimEnum, states.String(), db, table, dimensionsSQL)
}

// RollupColumnNames lists the rollup's columns, for telling a usable
// rollup from an older or foreign table of the same name.
func RollupColumnNames() []string {
	names := []string{"dim", "value", "app", "day"}
	for _, c := range rollupColumns(0) {
		names = append(names, c.name)
	}
	return names
}

// RollupColumnsSQL counts how many of RollupColumnNames the rollup of
// db.table has; the rollup is usable when all of them are there.
func RollupColumnsSQL(db, table string) string {
	return fmt.Sprintf("SELECT count() FROM system.columns WHERE database = %s AND table = %s AND name IN %s",
		Quote(db), Quote(RollupTable(table)), QuoteList(RollupColumnNames()))
}
