package normalize

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// text is a JSON scalar read as a string. Vendors are inconsistent about
// quoting ids and counters (GitHub actor_id is a number, the same field in
// another export is a string), so identifiers are read through it.
type text string

// UnmarshalJSON accepts a string, number or boolean; null leaves it empty.
func (t *text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*t = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = text(s)
	case b[0] == '{' || b[0] == '[':
		return &json.UnmarshalTypeError{Value: "object or array", Type: typeOfText}
	default:
		*t = text(b)
	}
	return nil
}

var typeOfText = reflect.TypeOf("")

// String returns the value with surrounding spaces removed.
func (t text) String() string { return strings.TrimSpace(string(t)) }

// canonicalID is the documented fallback event id: "sha256:" and the hex
// SHA-256 of the record re-encoded with sorted keys and compact spacing.
func canonicalID(rec []byte) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(rec))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", err
	}
	canon, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(canon)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

// parseTime reads an RFC 3339 time, with or without a zone. Microsoft 365
// writes "2024-03-04T10:15:22" without a zone; the Management Activity API
// documents it as UTC.
func parseTime(source, field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, recordErr(source, field, "is missing; every record needs its event time")
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, recordErr(source, field, "is %q, not an RFC 3339 time such as 2024-03-04T10:15:22Z", s)
}

// parseUnix reads an integer epoch time in the given unit.
func parseUnix(source, field string, v text, unit time.Duration) (time.Time, error) {
	s := v.String()
	if s == "" {
		return time.Time{}, recordErr(source, field, "is missing; every record needs its event time")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		// Some exports write the epoch as a float ("1700000000.0").
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f <= 0 {
			return time.Time{}, recordErr(source, field, "is %q, not a positive Unix time in %s", s, unitName(unit))
		}
		n = int64(f)
	}
	return time.Unix(0, 0).Add(time.Duration(n) * unit).UTC(), nil
}

func unitName(unit time.Duration) string {
	if unit == time.Millisecond {
		return "milliseconds"
	}
	return "seconds"
}

// cleanIP strips a port ("203.0.113.7:51234", "[2001:db8::7]:443") that
// Microsoft 365 appends to client addresses. Anything that is not an address
// is returned unchanged, so nothing the vendor sent is lost.
func cleanIP(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || net.ParseIP(s) != nil {
		return s
	}
	if host, _, err := net.SplitHostPort(s); err == nil && net.ParseIP(host) != nil {
		return host
	}
	if t := strings.Trim(s, "[]"); net.ParseIP(t) != nil {
		return t
	}
	return s
}

// known returns s unless it is a placeholder that vendors write for "no
// value" ("unknown", "UNKNOWN", "null").
func known(s string) string {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "unknown", "null", "none", "n/a":
		return ""
	}
	return s
}

// scopeList reads scopes written either as a JSON array or as one comma- or
// space-separated string; GitHub uses both depending on the event.
type scopeList []string

// UnmarshalJSON accepts an array of strings, a string, or null.
func (s *scopeList) UnmarshalJSON(b []byte) error {
	var list []string
	if err := json.Unmarshal(b, &list); err == nil {
		*s = uniq(list)
		return nil
	}
	var one string
	if err := json.Unmarshal(b, &one); err != nil {
		return &json.UnmarshalTypeError{Value: "object or number", Type: reflect.TypeOf([]string(nil))}
	}
	*s = splitScopes(one)
	return nil
}

// splitScopes splits a space- or comma-separated scope string, dropping
// empties and duplicates while keeping the vendor's order.
func splitScopes(s string) []string {
	return uniq(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' }))
}

// uniq returns a non-nil copy of list without empty strings and duplicates.
func uniq(list []string) []string {
	out := make([]string, 0, len(list))
	seen := make(map[string]bool, len(list))
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// firstNonEmpty returns the first argument that is not empty.
func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// anyHasPrefix reports whether any element of list, lower-cased, starts with
// one of the prefixes, which must be lower case.
func anyHasPrefix(list []string, prefixes ...string) bool {
	for _, s := range list {
		s = strings.ToLower(s)
		for _, p := range prefixes {
			if strings.HasPrefix(s, p) {
				return true
			}
		}
	}
	return false
}

// outcome lower-cases a vendor result; an absent result is "unknown".
func outcome(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "unknown"
	}
	return s
}

// mapType maps a vendor type to the shared target vocabulary, or
// lower-cases it when there is no equivalent.
func mapType(vocab map[string]string, vendor string) string {
	v := strings.ToLower(strings.TrimSpace(vendor))
	if m, ok := vocab[v]; ok {
		return m
	}
	return v
}
