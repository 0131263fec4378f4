// Package chsql builds every SQL statement the plugin sends to ClickHouse.
// The builders are pure functions of validated inputs: identifiers come
// through schema.CheckIdentifier or a fixed allow-list, and every value is
// rendered as an escaped literal by the functions in this file. The SQL is
// kept portable between ClickHouse 18.16 (Debian's package) and current
// releases: no window functions, no JSONExtract, no toStartOfInterval, no
// DateTime64 arithmetic.
package chsql

import (
	"fmt"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/schema"
)

var quoter = strings.NewReplacer(
	`\`, `\\`,
	`'`, `\'`,
	"\n", `\n`,
	"\r", `\r`,
	"\t", `\t`,
	"\x00", `\0`,
)

// Quote renders s as a ClickHouse string literal. Backslash and quote are
// the only characters that can end a literal early; control characters are
// escaped as well so the statement stays on one line in logs.
func Quote(s string) string { return "'" + quoter.Replace(s) + "'" }

// QuoteList renders values as a parenthesised list of literals.
func QuoteList(values []string) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = Quote(v)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// lastParsedDateTime is the last DateTime ClickHouse 18.16 reads from text.
var lastParsedDateTime = time.Date(2105, 12, 31, 23, 59, 59, 0, time.UTC)

// Time renders t as a literal of the event_time column's type, so the
// comparison uses the primary key without a conversion on the column side.
// Bounds beyond the column's range are clamped to it (exact for a range
// bound, where ClickHouse would turn the literal into another time).
func Time(v schema.Variant, t time.Time) string {
	t = schema.ClampTime(v, t)
	if v == schema.Legacy && t.After(lastParsedDateTime) {
		// 18.16 parses no DateTime text after 2105 (it reads
		// '2106-01-01 00:00:00' as 0); seconds are exact everywhere.
		return fmt.Sprintf("toDateTime(%d, 'UTC')", t.Unix())
	}
	if v == schema.Legacy {
		return "toDateTime(" + Quote(schema.FormatTime(v, t)) + ", 'UTC')"
	}
	return "toDateTime64(" + Quote(schema.FormatTime(v, t)) + ", 3, 'UTC')"
}

// Range is the condition event_time in [from, to]. It repeats the bounds as
// days because the sort key begins with toDate(event_time): ClickHouse 18.16
// does not derive a bound on toDate(event_time) from one on event_time, so
// without the day terms every granule of the table is read (a one-day range
// over a month took 2.5 s instead of 0.34 s). The column is in UTC, so the
// day of each bound is its UTC date. A day outside what the Date type holds
// on every release (1970 to 2105) is left out: the time bound alone is exact.
func Range(v schema.Variant, from, to time.Time) string {
	from, to = schema.ClampTime(v, from), schema.ClampTime(v, to)
	terms := make([]string, 0, 4)
	if !from.Before(firstDay) && !from.After(lastDay) {
		terms = append(terms, "toDate(event_time) >= "+day(from))
	}
	if !to.Before(firstDay) && !to.After(lastDay) {
		terms = append(terms, "toDate(event_time) <= "+day(to))
	}
	terms = append(terms, "event_time >= "+Time(v, from), "event_time <= "+Time(v, to))
	return strings.Join(terms, " AND ")
}

// firstDay and lastDay bound the Date values every release reads from text.
var (
	firstDay = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	lastDay  = time.Date(2105, 12, 31, 23, 59, 59, 0, time.UTC)
)

// Day renders the UTC date of t, clamped to the dates every release reads,
// as a Date literal.
func Day(v schema.Variant, t time.Time) string {
	t = schema.ClampTime(v, t)
	if t.Before(firstDay) {
		t = firstDay
	}
	if t.After(lastDay) {
		t = lastDay
	}
	return day(t)
}

func day(t time.Time) string { return "toDate(" + Quote(t.UTC().Format("2006-01-02")) + ")" }
