package ingest

import (
	"strconv"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// appendRow appends e as one JSONEachRow line. It is written by hand rather
// than with encoding/json because it is the hot path of every insert, and
// because times must be rendered in the layout of the table's variant,
// which json.Marshal of a time.Time would not do.
func appendRow(b []byte, e *event.Event, v schema.Variant, ingest time.Time) []byte {
	b = append(b, `{"event_time":"`...)
	b = append(b, schema.FormatTime(v, e.EventTime)...)
	b = append(b, `","ingest_time":"`...)
	// ingest_time is DateTime('UTC') in both variants.
	b = append(b, schema.FormatTime(schema.Legacy, ingest)...)
	b = append(b, '"')
	b = appendField(b, "event_id", e.EventID)
	b = appendField(b, "tenant", e.Tenant)
	b = appendField(b, "source", e.Source)
	b = appendField(b, "action", e.Action)
	b = appendField(b, "category", string(e.Category))
	b = appendField(b, "auth_method", string(e.AuthMethod))
	b = appendField(b, "outcome", e.Outcome)
	b = appendField(b, "actor_id", e.ActorID)
	b = appendField(b, "actor_name", e.ActorName)
	b = appendField(b, "app_id", e.AppID)
	b = appendField(b, "app_name", e.AppName)
	b = appendField(b, "token_id", e.TokenID)
	b = appendField(b, "src_ip", e.SrcIP)
	b = appendField(b, "user_agent", e.UserAgent)
	b = appendField(b, "session_id", e.SessionID)
	b = appendField(b, "target_type", e.TargetType)
	b = appendField(b, "target_id", e.TargetID)
	b = appendField(b, "target_name", e.TargetName)
	b = append(b, `,"scopes":[`...)
	for i, s := range e.Scopes {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	b = append(b, `],"sensitivity":`...)
	b = strconv.AppendUint(b, uint64(e.Sensitivity), 10)
	b = appendField(b, "raw", e.Raw)
	return append(b, "}\n"...)
}

// rowSizeHint estimates the encoded size of e: its strings plus the names,
// times and punctuation, which take about 400 bytes. Escapes can make a row
// longer; the estimate only spares most of the buffer regrowth.
func rowSizeHint(e *event.Event) int {
	n := 400 + len(e.EventID) + len(e.Tenant) + len(e.Source) + len(e.Action) + len(e.Outcome) +
		len(e.ActorID) + len(e.ActorName) + len(e.AppID) + len(e.AppName) + len(e.TokenID) +
		len(e.SrcIP) + len(e.UserAgent) + len(e.SessionID) + len(e.TargetType) + len(e.TargetID) +
		len(e.TargetName) + len(e.Raw)
	for _, s := range e.Scopes {
		n += len(s) + 3
	}
	return n
}

func appendField(b []byte, name, value string) []byte {
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return appendString(b, value)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. Only the quote, the backslash and
// control characters are escaped; every other byte, including invalid UTF-8,
// is copied as is, because a ClickHouse String column stores bytes and the
// raw vendor record must come back exactly as it was sent. (encoding/json
// would replace invalid UTF-8 with U+FFFD.)
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
