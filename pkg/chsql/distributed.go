package chsql

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tokentrail/tokentrail/pkg/echo"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// A Distributed table stores nothing: a query on it runs on one replica of
// every shard against the shard's local table and the initiator merges the
// answers. A subquery inside such a query that reads the Distributed table
// again is refused by default (code 288, distributed_product_mode =
// 'deny'). The builders therefore choose, for every IN subquery over the
// events, one of two plans:
//
//   - local: the subquery reads the local table, so each shard evaluates it
//     on its own rows. Exact when rows that agree on the subquery's key all
//     live on one shard, which holds when the sharding key is a function of
//     that key (sharded by cityHash64(actor_id), any key with actor_id);
//   - global: GLOBAL IN over the Distributed table. The subquery runs once
//     over every shard and its result is shipped to each of them. Always
//     exact; it costs the key list on the network.
//
// Neither depends on distributed_product_mode, so a profile that sets it
// cannot change the plugin's answers.

// Sharding tells the builders how the table they read is spread. The zero
// value is a table on one server.
type Sharding struct {
	// Distributed says the table is a Distributed table.
	Distributed bool
	// LocalDatabase and LocalTable name the table that holds the rows on
	// each shard; empty when the engine's arguments could not be read.
	LocalDatabase, LocalTable string
	// Columns are the columns the sharding key is a deterministic function
	// of; empty when it is unknown (no key, rand(), an expression this
	// package does not recognise). Rows that agree on them share a shard.
	Columns []string
	// Shards is the cluster's number of shards; with one, every subquery
	// is local.
	Shards int
}

// Colocated reports whether rows that agree on cols always live on one
// shard, so a subquery keyed by cols may read the local table.
func (s Sharding) Colocated(cols []string) bool {
	if !s.Distributed {
		return true
	}
	if s.LocalDatabase == "" || s.LocalTable == "" {
		return false
	}
	if s.Shards == 1 {
		return true
	}
	if len(s.Columns) == 0 {
		return false
	}
	for _, c := range s.Columns {
		if !slices.Contains(cols, c) {
			return false
		}
	}
	return true
}

// in returns the operator and the table of an IN subquery over db.table
// whose rows are keyed by cols, following the plan above.
func (s Sharding) in(db, table string, cols []string) (op, from string) {
	switch {
	case !s.Distributed:
		return "IN", db + "." + table
	case s.Colocated(cols):
		return "IN", s.LocalDatabase + "." + s.LocalTable
	}
	return "GLOBAL IN", db + "." + table
}

// TableEngineSQL reads a table's engine and its full definition, which
// for a Distributed table names the cluster, the local table and the
// sharding key.
func TableEngineSQL(db, table string) string {
	return "SELECT engine, engine_full FROM system.tables WHERE database = " + Quote(db) + " AND name = " + Quote(table)
}

// ClusterReplicasSQL lists a cluster's replicas as the server's
// remote_servers defines them.
func ClusterReplicasSQL(cluster string) string {
	return "SELECT shard_num, replica_num, host_name, host_address, port FROM system.clusters WHERE cluster = " + Quote(cluster) +
		" ORDER BY shard_num, replica_num"
}

// ShardProbeSQL makes the Distributed table contact every shard and read
// nothing. It fails, naming the replicas it tried, when a shard has no
// replica that answers.
func ShardProbeSQL(db, table string) (string, error) {
	if err := schema.CheckIdentifier("database", db); err != nil {
		return "", err
	}
	if err := schema.CheckIdentifier("table", table); err != nil {
		return "", err
	}
	return "SELECT count() FROM " + db + "." + table + " WHERE 0", nil
}

// DistributedEngine is what a Distributed table's engine_full says.
type DistributedEngine struct {
	Cluster, Database, Table string
	ShardingKey              string // "" when the table has none
}

// ParseDistributed reads engine_full of a Distributed table, such as
// "Distributed(tokentrail, db, events_local, cityHash64(actor_id))". The
// first three arguments may be quoted strings or identifiers.
func ParseDistributed(engineFull string) (DistributedEngine, error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(engineFull), "Distributed(")
	if !ok {
		return DistributedEngine{}, fmt.Errorf("engine %q is not Distributed(...)", echo.Clip(engineFull))
	}
	args, err := splitArgs(rest)
	if err != nil || len(args) < 3 {
		return DistributedEngine{}, fmt.Errorf("cannot read the arguments of %q", echo.Clip(engineFull))
	}
	d := DistributedEngine{Cluster: unquoteName(args[0]), Database: unquoteName(args[1]), Table: unquoteName(args[2])}
	if len(args) > 3 {
		d.ShardingKey = strings.TrimSpace(args[3])
	}
	return d, nil
}

// splitArgs splits the text after an opening parenthesis into its
// top-level arguments, up to the matching closing one.
func splitArgs(s string) ([]string, error) {
	var args []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'', '`', '"':
			end, err := skipQuoted(s, i)
			if err != nil {
				return nil, err
			}
			i = end
		case '(', '[':
			depth++
		case ')', ']':
			if depth == 0 {
				return append(args, strings.TrimSpace(s[start:i])), nil
			}
			depth--
		case ',':
			if depth == 0 {
				args = append(args, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return nil, fmt.Errorf("unbalanced parentheses")
}

// skipQuoted returns the index of the quote that closes the one at i.
func skipQuoted(s string, i int) (int, error) {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case q:
			return j, nil
		}
	}
	return 0, fmt.Errorf("unterminated quote")
}

// unquoteName reads an identifier or a quoted name.
func unquoteName(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && (s[0] == '\'' || s[0] == '`' || s[0] == '"') && s[len(s)-1] == s[0] {
		return strings.NewReplacer(`\\`, `\`, `\'`, `'`, "\\`", "`", `\"`, `"`).Replace(s[1 : len(s)-1])
	}
	return s
}

// deterministic are functions whose result depends on their arguments
// only: a sharding key made of them and columns sends equal column values
// to one shard. Anything else (rand(), now(), unknown functions) makes the
// key unknown and every subquery global.
var deterministic = map[string]bool{
	"cityHash64": true, "sipHash64": true, "sipHash128": true, "halfMD5": true, "MD5": true, "farmHash64": true,
	"metroHash64": true, "javaHash": true, "hiveHash": true, "xxHash32": true, "xxHash64": true,
	"murmurHash2_32": true, "murmurHash2_64": true, "murmurHash3_32": true, "murmurHash3_64": true,
	"intHash32": true, "intHash64": true, "lower": true, "upper": true, "lowerUTF8": true, "upperUTF8": true,
	"toString": true, "concat": true, "tuple": true, "assumeNotNull": true,
}

// ShardingColumns returns the columns a sharding key is a function of, and
// false when the key is not known to be a deterministic function of
// columns alone.
func ShardingColumns(expr string) ([]string, bool) {
	var cols []string
	for i := 0; i < len(expr); {
		c := expr[i]
		switch {
		case c == '\'':
			end, err := skipQuoted(expr, i)
			if err != nil {
				return nil, false
			}
			i = end + 1
		case c == '`' || c == '"':
			end, err := skipQuoted(expr, i)
			if err != nil {
				return nil, false
			}
			cols = appendUnique(cols, unquoteName(expr[i:end+1]))
			i = end + 1
		case isIdentStart(c):
			j := i
			for j < len(expr) && isIdentPart(expr[j]) {
				j++
			}
			name := expr[i:j]
			k := j
			for k < len(expr) && expr[k] == ' ' {
				k++
			}
			if k < len(expr) && expr[k] == '(' {
				if !deterministic[name] {
					return nil, false
				}
			} else {
				cols = appendUnique(cols, name)
			}
			i = j
		case c >= '0' && c <= '9':
			for i < len(expr) && (isIdentPart(expr[i]) || expr[i] == '.') {
				i++
			}
		case strings.IndexByte(" ,()+-*%", c) >= 0:
			i++
		default:
			return nil, false
		}
	}
	return cols, len(cols) > 0
}

func appendUnique(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

func isIdentStart(c byte) bool { return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') }
func isIdentPart(c byte) bool  { return isIdentStart(c) || (c >= '0' && c <= '9') }
