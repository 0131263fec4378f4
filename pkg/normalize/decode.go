package normalize

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
)

// maxIgnoredFields bounds how many malformed fields one record may lose
// before it is rejected as a whole: past that it is not the vendor's format.
const maxIgnoredFields = 16

// decode unmarshals one record into v after checking that it is a JSON
// object, and returns the compacted record for event.Raw. A field whose
// JSON type does not fit (a string where the format has an object, say) is
// left empty and named in nt; the record is kept. Whether the fields the
// detector needs are there is for the caller to check.
func decode(source string, rec json.RawMessage, v any, nt *notes) (string, error) {
	trimmed := strings.TrimSpace(string(rec))
	if trimmed == "" {
		return "", recordErr(source, "", "is empty; expected one JSON object per record")
	}
	if trimmed[0] != '{' {
		return "", recordErr(source, "", "is not a JSON object (it starts with %q); expected one JSON object per record", trimmed[:1])
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, rec); err != nil {
		return "", recordErr(source, "", "is not valid JSON: %v", err)
	}
	err := json.Unmarshal(rec, v)
	if err == nil {
		return buf.String(), nil
	}
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return "", recordErr(source, "", "cannot be decoded: %v", err)
	}
	if err := decodeLenient(source, rec, v, nt); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// decodeLenient decodes rec into v, dropping each field whose JSON type
// does not fit and noting it, until the rest decodes.
func decodeLenient(source string, rec json.RawMessage, v any, nt *notes) error {
	dec := json.NewDecoder(bytes.NewReader(rec))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return recordErr(source, "", "cannot be decoded: %v", err)
	}
	target := reflect.ValueOf(v).Elem()
	for range maxIgnoredFields {
		b, err := json.Marshal(tree)
		if err != nil {
			return recordErr(source, "", "cannot be decoded: %v", err)
		}
		target.SetZero()
		err = json.Unmarshal(b, v)
		var te *json.UnmarshalTypeError
		switch {
		case err == nil:
			return nil
		case !errors.As(err, &te) || te.Field == "":
			return recordErr(source, "", "cannot be decoded: %v", err)
		}
		path := strings.Split(te.Field, ".")
		if !dropField(tree, path, te.Type, true) && !dropField(tree, path, te.Type, false) {
			return recordErr(source, te.Field, "is a JSON %s where the %s format expects a %s", te.Value, source, jsonKind(te.Type))
		}
		nt.add(te.Field, "is a JSON %s where the %s format expects a %s; it was ignored and the record kept", te.Value, source, jsonKind(te.Type))
	}
	return recordErr(source, "", "has more than %d fields of the wrong JSON type; it does not look like a %s record", maxIgnoredFields, source)
}

// dropField removes the value at path (object keys; lists are descended
// element by element). With onlyMisfits it removes only values whose JSON
// kind cannot fill want, so good siblings in other list elements survive.
func dropField(node any, path []string, want reflect.Type, onlyMisfits bool) bool {
	switch n := node.(type) {
	case []any:
		dropped := false
		for _, el := range n {
			dropped = dropField(el, path, want, onlyMisfits) || dropped
		}
		return dropped
	case map[string]any:
		val, ok := n[path[0]]
		if !ok {
			return false
		}
		if len(path) > 1 {
			return dropField(val, path[1:], want, onlyMisfits)
		}
		if onlyMisfits && fits(val, want) {
			return false
		}
		delete(n, path[0])
		return true
	}
	return false
}

// fits reports whether a decoded JSON value can fill a Go value of type t.
func fits(val any, t reflect.Type) bool {
	if t == nil || val == nil {
		return true
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	k := t.Kind()
	switch val.(type) {
	case map[string]any:
		return k == reflect.Struct || k == reflect.Map || k == reflect.Interface
	case []any:
		return k == reflect.Slice || k == reflect.Array || k == reflect.Interface
	case string:
		return k == reflect.String || k == reflect.Interface
	case bool:
		return k == reflect.Bool || k == reflect.Interface
	}
	return k != reflect.Struct && k != reflect.Map && k != reflect.Slice && k != reflect.Array
}

// jsonKind names a Go type the way the vendor documentation would.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "value"
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "list"
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Bool:
		return "boolean"
	case reflect.String:
		return "string"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "number"
}
