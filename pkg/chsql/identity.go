package chsql

import (
	"fmt"
	"strings"

	"github.com/tokentrail/tokentrail/pkg/echo"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// KeyHashesTable is the external table of key hashes (column k UInt64)
// whose identity Identity reads.
const KeyHashesTable = "tt_key_hashes"

// keySeparator joins actor and app in the rollup's key values
// (keySeparatorSQL in SQL).
const keySeparator = 0x1f

// MaxIdentitySpans is how many actor spans Identity names one by one; more
// are read as the one span that covers them all. A few spans (an alert
// rule's hour) let the primary index skip every other key, and thousands
// (a 30-day dashboard) would read most granules anyway.
const MaxIdentitySpans = 64

// Identity returns, per default correlation key of KeyHashesTable, its
// identity: tenant, source, actor id and name, app id and name. The compact
// sequence statement leaves them out of every row; they are read once per
// key, from the rollup when the table has one, else from the events.
// spans, the actors the keys belong to (the first pass's least and
// greatest actor id of each), bound the read through the primary index;
// without them every key of the window is hashed, which cost 40 ms for the
// ten keys of an hour at 10M events (measured).
func Identity(s BaselineSpec, spans []ActorSpan) (string, error) {
	if err := s.check(); err != nil {
		return "", err
	}
	if len(spans) > MaxIdentitySpans {
		all := ActorSpan{First: spans[0].First, Last: spans[0].Last}
		for _, sp := range spans[1:] {
			all.First, all.Last = min(all.First, sp.First), max(all.Last, sp.Last)
		}
		spans = []ActorSpan{all}
	}
	for _, sp := range spans {
		if sp.First > sp.Last {
			return "", fmt.Errorf("actor span %s..%s is empty", echo.Quote(sp.First), echo.Quote(sp.Last))
		}
	}
	if s.Rollup {
		split := "splitByChar('" + keySeparatorSQL + "', value)"
		return fmt.Sprintf(`SELECT cityHash64(%s[1], %s[2]) AS k, anyLastMerge(id_tenant), anyLastMerge(id_source),
  any(%s[1]) AS actor_id, anyLastIfMerge(id_actor_name), any(%s[2]) AS app_id, anyLastIfMerge(id_app_name)
FROM %s
WHERE dim = 'key' AND %s%s AND cityHash64(%s[1], %s[2]) IN (SELECT k FROM %s)
GROUP BY value`, split, split, split, split, s.rollup(), s.days(), spanCondition(spans, keyValueRange), split, split, KeyHashesTable), nil
	}
	return fmt.Sprintf(`SELECT %s AS k, any(tenant), any(source), any(actor_id), anyIf(actor_name, actor_name != ''), any(app_id), anyIf(app_name, app_name != '')
FROM %s.%s
PREWHERE %s%s AND %s IN (SELECT k FROM %s)
GROUP BY k`, schema.KeyHashColumn, s.Database, s.Table, s.window(), spanCondition(spans, actorRange), schema.KeyHashColumn, KeyHashesTable), nil
}

// spanCondition is " AND (range OR range …)" for spans, "" for none.
func spanCondition(spans []ActorSpan, render func(ActorSpan) string) string {
	if len(spans) == 0 {
		return ""
	}
	parts := make([]string, len(spans))
	for i, sp := range spans {
		parts[i] = render(sp)
	}
	return " AND (" + strings.Join(parts, " OR ") + ")"
}

// actorRange bounds the events' actor_id by sp.
func actorRange(sp ActorSpan) string {
	return "(actor_id >= " + Quote(sp.First) + " AND actor_id <= " + Quote(sp.Last) + ")"
}

// keyValueRange bounds the rollup's key values (actor + "\x1f" + app) to
// those whose actor lies in sp, as a range of value itself so that the
// primary index (dim, value, day) applies. Every such value is at least
// sp.First. Above, it is below KeyUpperBound(sp.Last) when there is one.
func keyValueRange(sp ActorSpan) string {
	cond := "value >= " + Quote(sp.First)
	if upper, ok := KeyUpperBound(sp.Last); ok {
		cond += " AND value < " + Quote(upper)
	}
	return "(" + cond + ")"
}

// KeyUpperBound returns a string above every key value actor + "\x1f" +
// app whose actor is at most last, bytewise, and false when no string
// bounds them. It is the least string above every string that begins with
// last's prefix before its first byte at or below the separator: a
// shorter actor that is a prefix of last is followed in its key by the
// separator, which sorts below every byte of that prefix.
func KeyUpperBound(last string) (string, bool) {
	p := []byte(last)
	for i, c := range p {
		if c <= keySeparator {
			p = p[:i]
			break
		}
	}
	for len(p) > 0 && p[len(p)-1] == 0xff {
		p = p[:len(p)-1]
	}
	if len(p) == 0 {
		return "", false
	}
	p[len(p)-1]++
	return string(p), true
}
