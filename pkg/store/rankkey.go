package store

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/models"
)

// consumerFields are the query fields that only say what a caller keeps of
// a ranking (its minimum severity, its grouping and format), or that are
// raw text whose resolved values are compared instead: MaxSpan for
// MaxSpanRaw, SigninWindow for SigninWindowRaw, and CorrelateBy,
// SensitiveNeedsToken and Analytic for Preset (ParseQuery resolves a
// preset into them, and nothing after it reads the preset). Every other
// field, present or future, is part of rankKey, so a field that changes
// which episodes are found or how they score can never be shared by
// mistake.
var consumerFields = map[string]bool{
	"QueryType": true, "MinSeverity": true, "GroupBy": true, "Format": true, "Limit": true,
	"MaxSpanRaw": true, "SigninWindowRaw": true, "Preset": true,
}

// rankKey identifies the detection inputs of q: two queries with the same
// key find the same episodes and score them alike on the same store.
// baselineDays is q's, resolved against the datasource's default.
func rankKey(q *models.Query, baselineDays int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "baselineDays=%d", baselineDays)
	writeFields(&b, reflect.ValueOf(*q), true)
	return b.String()
}

// writeFields writes a struct's fields; top is the query itself (and its
// embedded fields), where consumerFields are left out.
func writeFields(b *strings.Builder, v reflect.Value, top bool) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		switch {
		case top && (consumerFields[f.Name] || f.Name == "BaselineDays"):
			continue
		case f.Anonymous:
			writeFields(b, v.Field(i), top)
			continue
		}
		b.WriteString(";" + f.Name + "=")
		writeValue(b, v.Field(i))
	}
}

// writeValue writes v unambiguously: strings quoted, a nil pointer apart
// from any value, and a nil slice like an empty one (a query whose filters
// were all dropped as "%" ranks like one that had none).
func writeValue(b *strings.Builder, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		b.WriteString("&")
		writeValue(b, v.Elem())
	case reflect.Slice, reflect.Array:
		fmt.Fprintf(b, "[%d:", v.Len())
		for i := range v.Len() {
			writeValue(b, v.Index(i))
			b.WriteString(",")
		}
		b.WriteString("]")
	case reflect.String:
		b.WriteString(strconv.Quote(v.String()))
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() && v.CanInterface() {
			b.WriteString(v.Interface().(time.Time).UTC().Format(time.RFC3339Nano))
			return
		}
		b.WriteString("{")
		writeFields(b, v, false)
		b.WriteString("}")
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		b.WriteString(strconv.FormatUint(v.Uint(), 10))
	default:
		// A kind the query does not use today (maps, floats, interfaces):
		// written with its type, so it still keys.
		fmt.Fprintf(b, "%s:%v", v.Type(), v)
	}
}
