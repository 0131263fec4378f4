package echo

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestQuoteAndClipStayShort(t *testing.T) {
	for _, in := range []string{
		"", "short", strings.Repeat("a", Limit), strings.Repeat("a", 1<<20),
		strings.Repeat("\x00", 5000), strings.Repeat("é", 1000), strings.Repeat("\xff", 300),
	} {
		q, c := Quote(in), Clip(in)
		if len(q) > 200 || len(c) > 200 {
			t.Errorf("input of %d bytes: quoted %d, clipped %d characters", len(in), len(q), len(c))
		}
		if !utf8.ValidString(c) && utf8.ValidString(in) {
			t.Errorf("clip cut a character in two: %q", c)
		}
		if len(in) <= 10 && (c != in || q != `"`+in+`"`) {
			t.Errorf("short input changed: %s %s", q, c)
		}
		if len(in) > Limit && !strings.Contains(q, "bytes in all") {
			t.Errorf("a cut input does not say it was cut: %s", q)
		}
	}
}
