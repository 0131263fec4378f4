package chsql

import (
	"fmt"
	"strings"
)

// overflowModes are the server's limits that may be set to "break" (or
// "any") in a user's profile: ClickHouse then stops reading, grouping or
// sorting at the limit and returns what it has as if it were the whole
// answer. Every statement forces them to "throw", so a limit always
// surfaces as an error instead of a silently partial result.
var overflowModes = []string{
	"timeout_overflow_mode", "read_overflow_mode", "result_overflow_mode", "group_by_overflow_mode",
	"sort_overflow_mode", "set_overflow_mode", "join_overflow_mode", "distinct_overflow_mode", "transfer_overflow_mode",
}

// LimitSettings is the SETTINGS clause every statement of the plugin ends
// with: the server stops the query after seconds (the query's remaining
// time), and no limit may turn into a partial answer. It is part of the SQL
// text rather than the protocol's settings because clickhouse-go replaces a
// max_execution_time sent there with its own (the context's remaining time
// plus five seconds), and cannot send string settings to servers before
// 19.x at all. Both ClickHouse 18.16 and current releases parse it.
//
// skip_unavailable_shards is set either way: on, a Distributed table that
// cannot reach any replica of a shard answers without that shard's rows,
// as if they did not exist. A user's profile may turn it on; the plugin
// allows it only when the datasource's skipUnavailableShards setting says
// so, and then tells the panel (see Store.UnavailableShards).
//
// extra are settings of the statement's own (see
// SequenceSpec.CandidateSettings), as "name = value".
func LimitSettings(seconds int, skipUnavailableShards bool, extra ...string) string {
	if seconds < 1 {
		seconds = 1
	}
	skip := 0
	if skipUnavailableShards {
		skip = 1
	}
	parts := make([]string, 0, len(overflowModes)+2)
	parts = append(parts, fmt.Sprintf("max_execution_time = %d", seconds), fmt.Sprintf("skip_unavailable_shards = %d", skip))
	for _, m := range overflowModes {
		parts = append(parts, m+" = 'throw'")
	}
	parts = append(parts, extra...)
	return "\nSETTINGS " + strings.Join(parts, ", ")
}

// KillQuerySQL asks the server to stop the query with this id. ASYNC: the
// caller watches system.processes itself, with its own time limit.
func KillQuerySQL(queryID string) string {
	return "KILL QUERY WHERE query_id = " + Quote(queryID) + " ASYNC"
}

// RunningSQL counts the server's running queries with this id.
func RunningSQL(queryID string) string {
	return "SELECT count() FROM system.processes WHERE query_id = " + Quote(queryID)
}

// LimitProbeSQL reads back the max_execution_time a statement runs with,
// so the health check can tell whether the server honours the per-query
// limit the store appends (a readonly=1 user may have it refused or dropped).
const LimitProbeSQL = "SELECT value FROM system.settings WHERE name = 'max_execution_time'"
