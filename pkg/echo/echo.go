// Package echo shortens the user input and server text that errors and log
// lines repeat back. A field name, a duration or a database name can be a
// megabyte long; repeated whole, it would bury the message that names the
// problem and swell Grafana's logs. Every error that quotes its input goes
// through Quote, and every foreign text through Clip.
package echo

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Limit is the most characters Quote and Clip keep of the input itself.
const Limit = 120

// Quote renders s as a Go-quoted string of at most Limit characters of
// input, saying how long the whole was when it had to be cut.
func Quote(s string) string {
	if len(s) <= Limit {
		q := strconv.Quote(s)
		if len(q) <= Limit+2 {
			return q
		}
	}
	// Escapes (\x00 takes four characters) can make the quoted form
	// longer than the input; cut the input until it fits.
	n := Limit
	q := strconv.Quote(cut(s, n))
	for len(q) > Limit+2 && n > 1 {
		n /= 2
		q = strconv.Quote(cut(s, n))
	}
	return fmt.Sprintf("%s… (%d bytes in all)", q, len(s))
}

// Clip cuts s to at most Limit bytes, on a character boundary.
func Clip(s string) string {
	if len(s) <= Limit {
		return s
	}
	return cut(s, Limit) + fmt.Sprintf("… (%d bytes in all)", len(s))
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
