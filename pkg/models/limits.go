package models

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/echo"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// Limits on a query's filters. In and not in lists longer than a hundred
// values travel beside the statement as an external table, so their size
// is bounded by memory, not by the server's max_query_size; like patterns
// stay in the statement and are bounded so it keeps under 256 KiB.
const (
	MaxFilters      = 20
	MaxFilterValues = 100000
	MaxFilterBytes  = 16 << 20
	MaxLikePatterns = 100
	MaxValueLength  = 1024
)

// checkFilterSizes refuses filters whose values could not be sent, naming
// how many are allowed.
func (q *Query) checkFilterSizes() error {
	if len(q.Filters) > MaxFilters {
		return badQuery("%d filters: at most %d are allowed; combine values of one field into one in filter", len(q.Filters), MaxFilters)
	}
	total := 0
	for i, f := range q.Filters {
		if len(f.Values) > MaxFilterValues {
			return badQuery("filter %d has %d values: at most %d are allowed per filter; narrow the list or filter on another field", i+1, len(f.Values), MaxFilterValues)
		}
		if f.Op == "like" && len(f.Values) > MaxLikePatterns {
			return badQuery("filter %d has %d like patterns: at most %d are allowed; use in for exact values, which takes up to %d", i+1, len(f.Values), MaxLikePatterns, MaxFilterValues)
		}
		for _, v := range f.Values {
			total += len(v)
		}
	}
	if total > MaxFilterBytes {
		return badQuery("the filters' values add up to %d bytes: at most %d MiB are allowed", total, MaxFilterBytes>>20)
	}
	return nil
}

// ParseSpan parses a Go duration, also accepting whole days ("2d") since
// analysts think in days. A day count too large for a duration is an error,
// never a wrapped-around small span.
func ParseSpan(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseInt(days, 10, 64)
		if err != nil || strconv.FormatInt(n, 10) != days {
			return 0, fmt.Errorf("bad day count %s", echo.Quote(s))
		}
		if n > math.MaxInt64/int64(24*time.Hour) || n < -math.MaxInt64/int64(24*time.Hour) {
			return 0, errSpanTooLong
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

var errSpanTooLong = fmt.Errorf("longer than a duration can hold")

// GrafanaTime undoes the overflow in the SDK's reading of Grafana's time
// range. Grafana sends milliseconds since 1970; the SDK turns them into
// time.Time through nanoseconds in an int64, which wraps for dates after
// 2262 or before 1677 (a range ending in the year 3000 arrives as 1830).
// The wrapped nanoseconds still hold the milliseconds modulo 2^58 (the
// product's low 64 bits, with 10^6 = 2^6 · 15625 and 15625 odd), and every
// time JavaScript can express (±8.64e15 ms) fits in 2^57, so the original
// millisecond is recovered exactly. Only pass times that came from Grafana:
// a time finer than a millisecond is returned as it is when it is not a
// multiple of 64 ns, and misread when it is.
func GrafanaTime(t time.Time) time.Time {
	ns := t.UnixNano()
	if ns%64 != 0 {
		return t
	}
	const bits = 58
	ms := (uint64(ns) >> 6) * inverse15625 & (1<<bits - 1)
	v := int64(ms)
	if ms >= 1<<(bits-1) {
		v -= 1 << bits
	}
	return time.UnixMilli(v).UTC()
}

// inverse15625 is the multiplicative inverse of 15625 modulo 2^64.
var inverse15625 = func() uint64 {
	x := uint64(15625)
	inv := x // correct to 3 bits; each step doubles them
	for range 6 {
		inv *= 2 - x*inv
	}
	return inv
}()

// ClipRange fits the range into what the table's event_time column can
// hold. Clipping is exact, since no row lies outside: a range from the year
// 1 to 9999 on a DateTime table reads 1970 to 2106. A range wholly outside
// cannot be answered, and says why, instead of matching nothing (ClickHouse
// turns an unrepresentable time literal into 1970 or wraps it).
func ClipRange(v schema.Variant, from, to time.Time) (time.Time, time.Time, error) {
	lo, hi := schema.TimeBounds(v)
	if to.Before(lo) {
		return from, to, badQuery("the time range ends %s, before the earliest time the table's event_time column (%s) can hold, %s%s",
			to.UTC().Format(time.RFC3339), schema.TimeColumnName(v), lo.Format(time.RFC3339), wrapNote)
	}
	if from.After(hi) {
		return from, to, badQuery("the time range starts %s, after the latest time the table's event_time column (%s) can hold, %s",
			from.UTC().Format(time.RFC3339), schema.TimeColumnName(v), hi.Format(time.RFC3339))
	}
	if from.Before(lo) {
		from = lo
	}
	if to.After(hi) {
		to = hi
	}
	return from, to, nil
}

// CheckBucketRange refuses a time-series range longer than a Go duration
// holds (about 292 years): its buckets could not be computed exactly.
func CheckBucketRange(from, to time.Time) error {
	if from.Add(to.Sub(from)).Equal(to) {
		return nil
	}
	return badQuery("the time range %s to %s is longer than 292 years, too long to split into time-series buckets: narrow it",
		from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339))
}

// wrapHint explains a range that ends a century or more before it starts,
// as one wrapped around does: a time after 2262 or before 1677 that
// reached the plugin through nanoseconds in an int64 (somewhere before
// GrafanaTime could undo it) arrives 584 years off.
func wrapHint(from, to time.Time) string {
	if from.Year()-to.Year() < 100 {
		return ""
	}
	return wrapNote
}

// wrapNote also follows a range wholly before 1970, where wrapped ranges
// land too.
const wrapNote = "; a range that ends after 2262 or starts before 1677 wraps around on its way to the plugin (Grafana's time range travels as nanoseconds), so keep the range between 1677 and 2262"
