package chhttp

import (
	"context"
	"encoding/hex"
	"io"
	"strings"
	"testing"

	"github.com/tokentrail/tokentrail/pkg/chlocal"
)

// hostile are strings that break naive quoting: they end literals, escape
// the closing quote, smuggle statements or carry bytes that are not text.
var hostile = []string{
	"",
	"plain",
	"'",
	"''",
	`\`,
	`\'`,
	`ends with a backslash\`,
	`'); DROP TABLE x; --`,
	`' OR '1'='1`,
	"line\nbreak\r\nand\ttab",
	"nul\x00byte",
	`literal \n and \t and \0 and \x41`,
	"invalid utf-8 \xff\xfe",
	"unicode é 😀 \u2028",
	"`backtick` \"double\" {curly} ?question %27",
}

func TestQuoteString(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", `''`},
		{"abc", `'abc'`},
		{"it's", `'it\'s'`},
		{`a\b`, `'a\\b'`},
		{`\'`, `'\\\''`},
		{"a\nb\r\tc\x00", `'a\nb\r\tc\0'`},
		{`'); DROP TABLE x; --`, `'\'); DROP TABLE x; --'`},
		{"\xff", "'\xff'"},
	}
	for _, tt := range tests {
		if got := QuoteString(tt.in); got != tt.want {
			t.Errorf("QuoteString(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestQuoteStringRoundTrip asks the server to read every hostile literal back
// byte for byte: anything mis-escaped either fails to parse or changes bytes.
func TestQuoteStringRoundTrip(t *testing.T) {
	s := chlocal.ForTest(t)
	c := &Client{BaseURL: s.HTTPURL()}
	for _, in := range hostile {
		var row struct {
			H string `json:"h"`
		}
		found, err := c.queryOne(context.Background(), "SELECT hex("+QuoteString(in)+") AS h FORMAT JSONEachRow", &row)
		if err != nil || !found {
			t.Errorf("%q: found=%v err=%v", in, found, err)
			continue
		}
		if want := strings.ToUpper(hex.EncodeToString([]byte(in))); row.H != want {
			t.Errorf("%q came back as hex %s, want %s", in, row.H, want)
		}
	}
}

func TestAppendTSV(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"a\tb\nc\rd\x00e", `a\tb\nc\rd\0e`},
		{`back\slash`, `back\\slash`},
		{`it's`, `it's`},
	}
	for _, tt := range tests {
		if got := string(AppendTSV(nil, tt.in)); got != tt.want {
			t.Errorf("AppendTSV(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestExternalTableRoundTrip sends the hostile strings as external data and
// reads each back byte for byte, in order.
func TestExternalTableRoundTrip(t *testing.T) {
	s := chlocal.ForTest(t)
	c := &Client{BaseURL: s.HTTPURL()}
	var rows []byte
	for _, h := range hostile {
		rows = append(AppendTSV(rows, h), '\n')
	}
	rc, err := c.QueryExternal(context.Background(), "SELECT hex(v) FROM vals FORMAT TSV",
		ExternalTable{Name: "vals", Structure: "v String", Rows: rows})
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	body, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(string(body), "\n"), "\n")
	if len(got) != len(hostile) {
		t.Fatalf("got %d rows back, sent %d: %q", len(got), len(hostile), body)
	}
	for i, h := range hostile {
		if want := strings.ToUpper(hex.EncodeToString([]byte(h))); got[i] != want {
			t.Errorf("%q came back as hex %s, want %s", h, got[i], want)
		}
	}
	if _, err := c.QueryExternal(context.Background(), "SELECT 1", ExternalTable{Name: "x; DROP", Structure: "v String"}); err == nil {
		t.Error("a hostile external table name was accepted")
	}
}
