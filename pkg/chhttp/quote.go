package chhttp

import "strings"

// QuoteString renders s as a ClickHouse single-quoted string literal. Inside
// a literal ClickHouse treats backslash as an escape character and ends the
// literal at an unescaped quote, so both are escaped with a backslash. NUL and
// the line-breaking control characters are written as escapes too: the value
// is unchanged, and a query that ends up in a log stays on one line. All other
// bytes, including invalid UTF-8, pass through untouched, which is what a
// String column stores.
func QuoteString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case '\'':
			b.WriteString(`\'`)
		case 0:
			b.WriteString(`\0`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// AppendTSV appends s as one TabSeparated field. The format ends fields at
// tabs and rows at newlines and reads backslash as an escape, so those are
// escaped; every other byte is copied.
func AppendTSV(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		var esc byte
		switch s[i] {
		case '\\':
			esc = '\\'
		case '\t':
			esc = 't'
		case '\n':
			esc = 'n'
		case '\r':
			esc = 'r'
		case 0:
			esc = '0'
		default:
			continue
		}
		b = append(b, s[start:i]...)
		b = append(b, '\\', esc)
		start = i + 1
	}
	return append(b, s[start:]...)
}
