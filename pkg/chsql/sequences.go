package chsql

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/echo"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// RowColumns are the columns the sequence statement returns, in order; the
// store scans them into engine.Row in exactly this order.
var RowColumns = []string{
	"event_time", "event_id", "tenant", "source", "action", "toString(category)", "toString(auth_method)",
	"actor_id", "actor_name", "app_id", "app_name", "token_id", "src_ip", "user_agent", "target_name", "sensitivity",
}

// CompactColumns are what the compact statement returns for the default
// key: the key as one number, the user agent as its family's hash, and no
// actor or app strings, which are the same on every row of a key and are
// read once per key instead (Identity). Reading, sorting and sending them
// for every row was most of the statement's cost.
var CompactColumns = []string{
	schema.KeyHashColumn, "event_time", "event_id", "tenant", "source", "action", "toString(category)", "toString(auth_method)",
	"token_id", "src_ip", AgentHashSQL, "target_name", "sensitivity",
}

// AgentHashSQL is event.AgentHash in SQL.
const AgentHashSQL = "if(user_agent = '', toUInt64(0), cityHash64(substring(replaceRegexpAll(user_agent, '[0-9]+', ''), 1, 200)))"

// SequenceSpec is everything the sequence statement depends on.
type SequenceSpec struct {
	Database, Table string
	Variant         schema.Variant
	From, To        time.Time
	MaxSpan         time.Duration
	CorrelateBy     []string
	MinSensitivity  int
	// SensitiveNeedsToken: only sensitive events made with a token count
	// (the broad preset); see engine.Params.
	SensitiveNeedsToken bool
	// ExcludeApps are approved app ids to drop in SQL. Only honoured when
	// app_id is part of the key: then dropping rows equals dropping the
	// key's episodes. Otherwise the engine drops episodes by their app.
	ExcludeApps []string
	Filters     []models.Filter
	// KeyHash, AppHash and Role say the table has the accelerator columns
	// schema.KeyHashColumn, schema.AppHashColumn and schema.RoleColumn.
	KeyHash, AppHash, Role bool
	// Sharding says how the table is spread over a cluster; the zero value
	// is one server.
	Sharding Sharding
}

// Compact reports whether the statement returns CompactColumns: the key is
// the default one and the table has its key_hash. The broad preset tests
// each row's app, so it reads the full rows.
func (s SequenceSpec) Compact() bool { return s.KeyHash && s.defaultKey() && !s.SensitiveNeedsToken }

// defaultKey reports whether the key is (actor_id, app_id), in any order.
func (s SequenceSpec) defaultKey() bool {
	return len(s.CorrelateBy) == 2 && allowed(s.CorrelateBy, "actor_id") && allowed(s.CorrelateBy, "app_id")
}

// keyHash is the expression the two passes join on: one UInt64 per key.
// Set membership of a number is far cheaper per row than of a tuple of
// strings; a hash collision only adds a key's rows to the second pass,
// where the engine still separates keys by their real values.
func (s SequenceSpec) keyHash() string {
	if s.KeyHash && s.defaultKey() {
		return schema.KeyHashColumn
	}
	return "cityHash64(" + strings.Join(s.CorrelateBy, ", ") + ")"
}

// candidateFilters splits the first pass's key conditions into those on
// numbers (for PREWHERE, read for every row of the range) and those on
// strings (read only for rows that passed PREWHERE).
func (s SequenceSpec) candidateFilters() (numeric, text []string) {
	if s.KeyHash && s.defaultKey() {
		// key_hash is 0 exactly when actor_id or app_id is empty (a real
		// key hashing to 0 has odds of 2^-64).
		numeric = append(numeric, schema.KeyHashColumn+" != 0")
	} else {
		for _, f := range s.CorrelateBy {
			text = append(text, f+" != ''")
		}
	}
	if len(s.ExcludeApps) > 0 && allowed(s.CorrelateBy, "app_id") {
		if s.AppHash {
			hashes := make([]string, len(s.ExcludeApps))
			for i, a := range s.ExcludeApps {
				hashes[i] = "cityHash64(" + Quote(a) + ")"
			}
			numeric = append(numeric, schema.AppHashColumn+" NOT IN ("+strings.Join(hashes, ", ")+")")
		} else {
			text = append(text, "app_id NOT IN "+QuoteList(s.ExcludeApps))
		}
	}
	return numeric, text
}

// Sequences returns one statement that does the reduction in ClickHouse:
//
//  1. an aggregation over the range (read back MaxSpan before From, so an
//     access just before the panel's start still anchors) keeps only keys
//     where windowFunnel finds an access followed within MaxSpan by a
//     sensitive event inside [From, To]. This is a superset of the engine's
//     answer (it ignores revokes and event_id ties), never a subset;
//  2. only those keys' access, sensitive and revoke rows come back, ordered
//     by key, event_time, event_id — the order the engine streams in.
func Sequences(s SequenceSpec) (string, error) {
	stmt, _, err := build(s, "")
	if err != nil {
		return "", err
	}
	key := strings.Join(s.CorrelateBy, ", ")
	if s.Compact() {
		key = schema.KeyHashColumn
	}
	return stmt + "\nORDER BY " + key + ", event_time, event_id", nil
}

// CandidatesTable is the external table (column k UInt64) of the candidate
// key hashes CompactRows reads.
const CandidatesTable = "tt_candidates"

// ActorSpan is the closed range of actor ids a batch of candidate keys
// covers. The sort key begins (toDate(event_time), actor_id), so within
// each day ClickHouse reads only the granules of the batch's actors.
type ActorSpan struct{ First, Last string }

// CompactRows is the second pass of the compact path on its own: the
// access, sensitive and revoke rows of the keys whose hashes are in
// CandidatesTable and whose actor lies in span, as CompactColumns, in no
// particular order. The store runs the first pass (CompactCandidates) once
// and this statement once per batch of keys, cut in actor order, and sorts
// each batch's rows itself: ClickHouse 18.16 merges the sorted blocks of
// a PREWHERE-filtered read column by column, row by row, and at 1M events
// that sort cost 0.4 s of the statement's 0.6 s (measured), against a few
// milliseconds in Go for the same rows.
func CompactRows(s SequenceSpec, span ActorSpan) (string, error) {
	if !s.Compact() {
		return "", fmt.Errorf("the compact second pass needs the default key (actor_id, app_id) and the key_hash column")
	}
	if span.First > span.Last {
		return "", fmt.Errorf("actor span %s..%s is empty", echo.Quote(span.First), echo.Quote(span.Last))
	}
	stmt, _, err := build(s, "SELECT k FROM "+CandidatesTable)
	if err != nil {
		return "", err
	}
	return stmt + "\n  AND actor_id >= " + Quote(span.First) + " AND actor_id <= " + Quote(span.Last), nil
}

// CompactCandidateColumns are what CompactCandidates returns per key hash
// after the hash itself: the least and greatest actor id among its rows
// (one actor, unless two keys share a hash) and how many access and
// sensitive rows it has in the range, which the store uses to cut batches
// of bounded size.
var CompactCandidateColumns = []string{"min(actor_id)", "max(actor_id)", "count()"}

// CompactCandidates is the compact path's first pass: Candidates with the
// actor bounds and row count of every candidate key (see
// CompactCandidateColumns). Reading actor_id for the role rows that pass
// PREWHERE cost nothing measurable at 1M events and 0.3 s at 10M, against
// seconds saved by letting each batch skip the other batches' granules.
func CompactCandidates(s SequenceSpec) (string, error) {
	if !s.Compact() {
		return "", fmt.Errorf("the compact first pass needs the default key (actor_id, app_id) and the key_hash column")
	}
	cand, err := Candidates(s)
	if err != nil {
		return "", err
	}
	head := "SELECT " + schema.KeyHashColumn + " AS candidate"
	rest, ok := strings.CutPrefix(cand, head)
	if !ok {
		return "", fmt.Errorf("internal: the first pass does not start with %q", head)
	}
	return head + ", " + strings.Join(CompactCandidateColumns, ", ") + rest, nil
}

// CandidateSettings are the settings the first pass runs with on its own
// (the compact path). On a Distributed table whose sharding keeps every
// key on one shard, each shard's candidates are final: with
// distributed_group_by_no_merge each shard finishes its aggregation,
// HAVING included, and sends only its candidate keys, instead of every
// key's windowFunnel state for the initiator to merge. Otherwise none: the
// states are merged, which is exact wherever a key's rows live.
func (s SequenceSpec) CandidateSettings() []string {
	if s.Sharding.Distributed && s.Sharding.Colocated(s.CorrelateBy) {
		return []string{"distributed_group_by_no_merge = 1"}
	}
	return nil
}

// Candidates returns only the first pass: the keys' hashes. The benchmark
// times it to show what the aggregation alone costs.
func Candidates(s SequenceSpec) (string, error) {
	_, candidates, err := build(s, "")
	return candidates, err
}

// build returns the whole statement, without an ORDER BY (Sequences adds
// the engine's order; the compact pass leaves the sorting to Go), and its
// first pass. The second pass reads its keys from the first pass, or from
// keySet when that is given.
func build(s SequenceSpec, keySet string) (stmt, candidates string, err error) {
	if err := schema.CheckIdentifier("database", s.Database); err != nil {
		return "", "", err
	}
	if err := schema.CheckIdentifier("table", s.Table); err != nil {
		return "", "", err
	}
	if len(s.CorrelateBy) == 0 {
		return "", "", fmt.Errorf("correlateBy is empty")
	}
	for _, f := range s.CorrelateBy {
		if !allowed(models.KeyFields, f) {
			return "", "", fmt.Errorf("correlateBy field %s is not allowed", echo.Quote(f))
		}
	}
	if s.MaxSpan <= 0 {
		return "", "", fmt.Errorf("maxSpan must be positive")
	}
	filters, err := filterSQL(s.Filters)
	if err != nil {
		return "", "", err
	}
	readFrom := s.From.Add(-s.MaxSpan)
	rangeCond := Range(s.Variant, readFrom, s.To)
	nonEmpty := make([]string, len(s.CorrelateBy))
	for i, f := range s.CorrelateBy {
		nonEmpty[i] = f + " != ''"
	}
	hash := s.keyHash()
	numeric, text := s.candidateFilters()
	r := rolePreds(s.Role, s.MinSensitivity, s.SensitiveNeedsToken)
	// windowFunnel counts whole seconds on a DateTime; rounding the span up
	// keeps the pre-filter a superset of the exact millisecond rule.
	windowSeconds := int64(math.Ceil(s.MaxSpan.Seconds()))

	// The range, the roles and the numeric key conditions touch only small
	// columns; in PREWHERE they decide which rows' strings are read at all.
	prewhere := append([]string{rangeCond, "(" + r.access + " OR " + r.sensitive + ")"}, numeric...)
	whereText := ""
	if w := where(append(text, filters)...); w != "" {
		whereText = "\n  WHERE " + indent(w)
	}
	candidatesFrom := func(table string) string {
		return fmt.Sprintf(`SELECT %s AS candidate
  FROM %s
  PREWHERE %s%s
  GROUP BY candidate
  HAVING windowFunnel(%d)(toDateTime(event_time), %s, %s AND event_time >= %s) = 2`,
			hash, table,
			indent(where(prewhere...)), whereText,
			windowSeconds, r.access, r.sensitive, Time(s.Variant, s.From))
	}
	candidates = candidatesFrom(s.Database + "." + s.Table)
	// On a Distributed table the second pass's key set is found on each
	// shard over its local table when every key's rows share a shard, else
	// once over all shards and shipped to each (see Sharding). A key set
	// the store sends as an external table needs neither: ClickHouse sends
	// a query's external tables along to every shard it asks (measured on
	// 18.16 with prefer_localhost_replica = 0, every shard remote), so a
	// plain IN reads it there, and GLOBAL IN would ship the keys twice.
	in := "IN"
	if keySet == "" {
		var from string
		in, from = s.Sharding.in(s.Database, s.Table, s.CorrelateBy)
		keySet = candidatesFrom(from)
	}

	// PREWHERE on the key set: ClickHouse reads only the key hash for every
	// row of the range and the other columns only for the granules of
	// candidate keys, which are few.
	cols := RowColumns
	nonEmptyKey := strings.Join(nonEmpty, " AND ")
	if s.Compact() {
		cols, nonEmptyKey = CompactColumns, schema.KeyHashColumn+" != 0"
	}
	stmt = fmt.Sprintf(`SELECT %s
FROM %s.%s
PREWHERE %s %s (
  %s
  )
WHERE %s`,
		strings.Join(cols, ", "), s.Database, s.Table,
		hash, in, keySet,
		where(rangeCond, nonEmptyKey, filters, "("+r.access+" OR "+r.sensitive+" OR "+r.revoke+")"))
	return stmt, candidates, nil
}

func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n  ") }

// ScanBaselineSQL is the benchmark's yardstick: the cheapest statement that
// reads the same rows as the first pass of Sequences (the range plus the
// access/sensitive predicate), reducing them to one number.
// With role, it tests the role column, as the sequences statements then do.
func ScanBaselineSQL(db, table string, v schema.Variant, from, to time.Time, minSensitivity int, role bool) (string, error) {
	if err := schema.CheckIdentifier("database", db); err != nil {
		return "", err
	}
	if err := schema.CheckIdentifier("table", table); err != nil {
		return "", err
	}
	r := rolePreds(role, minSensitivity, false)
	return fmt.Sprintf("SELECT count() FROM %s.%s WHERE %s AND (%s OR %s)",
		db, table, Range(v, from, to), r.access, r.sensitive), nil
}

// SelfJoinSQL is the benchmark's second yardstick: the AN0020 pairing as a
// user would write it in plain SQL, access rows joined to the same key's
// sensitive rows within MaxSpan, counting the sensitive events that some
// access precedes. It ignores revokes and ties, like the first pass, and
// holds every sensitive row of the range in the join's memory.
func SelfJoinSQL(s SequenceSpec) (string, error) {
	if _, _, err := build(s, ""); err != nil {
		return "", err
	}
	r := rolePreds(s.Role, s.MinSensitivity, s.SensitiveNeedsToken)
	numeric, text := s.candidateFilters()
	side := func(role, alias string, from time.Time) string {
		return fmt.Sprintf("SELECT %s AS k, toUInt32(toDateTime(event_time)) AS %s FROM %s.%s PREWHERE %s",
			s.keyHash(), alias, s.Database, s.Table, where(append(append([]string{Range(s.Variant, from, s.To), role}, numeric...), text...)...))
	}
	return fmt.Sprintf("SELECT uniqExact(k, st) FROM (%s) ALL INNER JOIN (%s) USING k WHERE st >= at AND st <= at + %d",
		side(r.access, "at", s.From.Add(-s.MaxSpan)), side(r.sensitive, "st", s.From), int64(math.Ceil(s.MaxSpan.Seconds()))), nil
}

// RowReadBuffer is the read buffer, in bytes, of the statements that fetch
// the candidates' rows (max_read_buffer_size; ClickHouse's default is
// 1 MiB). Each such statement reads a few granules of its actors from
// every day of the range: hundreds of separate ranges, and at each one
// ClickHouse fills a whole buffer per column. Measured on 18.16 at 10M
// events (system.query_log, two rankings per run, alternating settings):
// the row statements read 7.2 GB from the page cache at 1 MiB to use
// under 1 GB compressed, 2.4 GB at 128 KiB, 1.7 GB at 64 KiB and 1.3 GB
// at 32 KiB; their system CPU fell from 3.7-4.3 s to 2.2-2.5 s at 64 KiB
// and their time from 10.7-12.6 s to 9.2-10.0 s, with the same user CPU.
// At 1M events they mostly hit the uncompressed cache: no difference.
const RowReadBuffer = 65536

// RowSettings are the settings of the statements that fetch the
// candidates' rows (CompactRows).
func (s SequenceSpec) RowSettings() []string {
	return []string{fmt.Sprintf("max_read_buffer_size = %d", RowReadBuffer)}
}
