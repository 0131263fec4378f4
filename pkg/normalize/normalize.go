// Package normalize turns vendor audit records into normalized events
// (pkg/event), one normalizer per vendor export format.
//
// A normalizer reads exactly one record, the way the vendor's API returns it
// (one element of the API's result list, not the page around it), and maps it
// to one or more event.Event values. Category and sensitivity come from the
// catalogue, fed with the facts the normalizer extracts (private repository,
// mail forwarding, bulk sync and so on). The normalizers are pure: no network,
// no clock, no state; the same bytes always give the same events.
//
// Conventions shared by every vendor:
//
//   - event_time is UTC; ingest_time is left zero for the ingest layer.
//   - event_id is the vendor's own unique id. When the vendor record has
//     none, it is "sha256:" followed by the hex SHA-256 of the canonical
//     record: the JSON re-encoded with object keys sorted and no
//     insignificant white space, so that re-exports of the same record with
//     other key order or spacing keep the same id.
//   - outcome is lower case: success, failure, or the vendor's own word
//     (Okta "deny", "challenge", ...). Vendors that only log completed
//     actions (GitHub, Slack, SharePoint) give "success" unless the action
//     itself says it failed.
//   - actor_name is the login or e-mail when the vendor has one, because it
//     is what an analyst searches for; actor_id is the vendor's stable id.
//   - target_type uses a small shared vocabulary: user, app, group, file,
//     repository, mailbox, policy, policy_rule, role, token, org_unit,
//     organization, workspace, idp, inbox_rule, transport_rule, hook,
//     branch, setting. Vendor types without an equivalent are lower-cased.
//   - scopes is never nil; an empty list means the record named no scope.
//   - raw is the input record compacted (json.Compact), byte for byte
//     otherwise, so an analyst can always see what the vendor sent.
//
// An action the catalogue does not know is not an error: the event gets
// category "other" and sensitivity 0 and still lands in the table.
package normalize

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/tokentrail/tokentrail/pkg/catalog"
	"github.com/tokentrail/tokentrail/pkg/event"
)

// Normalizer maps vendor audit records to normalized events.
type Normalizer interface {
	// Source is the event.Source* value this normalizer writes.
	Source() string
	// Normalize maps one vendor record to events. One Google Reports
	// activity item can carry several events; other vendors give one.
	Normalize(rec json.RawMessage) ([]event.Event, error)
}

// New returns the normalizer for a source. A nil catalogue means
// catalog.Default().
func New(source string, cat *catalog.Catalog) (Normalizer, error) {
	if cat == nil {
		cat = catalog.Default()
	}
	switch source {
	case event.SourceOkta:
		return &okta{cat: cat}, nil
	case event.SourceGoogle:
		return &google{cat: cat}, nil
	case event.SourceMicrosoft:
		return &m365{cat: cat}, nil
	case event.SourceGitHub:
		return &github{cat: cat}, nil
	case event.SourceSlack:
		return &slack{cat: cat}, nil
	}
	return nil, fmt.Errorf("normalize: unknown source %q; supported sources are %s",
		source, strings.Join(event.Sources, ", "))
}

// RecordError reports a vendor record that cannot be normalized. The ingest
// layer adds the file and line; Field names the offending JSON field ("" when
// the whole record is the problem).
type RecordError struct {
	Source  string
	Field   string
	Problem string
}

func (e *RecordError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s record: %s", e.Source, e.Problem)
	}
	return fmt.Sprintf("%s record: field %q %s", e.Source, e.Field, e.Problem)
}

func recordErr(source, field, format string, args ...any) error {
	return &RecordError{Source: source, Field: field, Problem: fmt.Sprintf(format, args...)}
}

// decode unmarshals one record into v after checking that it is a JSON
// object, and returns the compacted record for event.Raw.
func decode(source string, rec json.RawMessage, v any) (string, error) {
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
	if err := json.Unmarshal(rec, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return "", recordErr(source, te.Field, "is a JSON %s where the %s format expects a %s", te.Value, source, jsonKind(te.Type))
		}
		return "", recordErr(source, "", "cannot be decoded: %v", err)
	}
	return buf.String(), nil
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

// finish sets category and sensitivity from the catalogue, then applies the
// rules shared by every vendor:
//
//   - a grant whose record does not reveal how the actor authenticated is an
//     OAuth grant, because every grant in the catalogue hands an app or
//     token access to data;
//   - a bare token (a personal access token or an API token) that names no
//     OAuth client or integration is its own app: app_id becomes the token
//     id. Otherwise the default correlation key (actor_id, app_id) would be
//     empty for exactly the stolen-PAT and minted-API-token attacks, and the
//     detector ignores events with an empty key value.
func finish(cat *catalog.Catalog, e *event.Event, facts catalog.Facts) {
	e.Category, e.Sensitivity, _ = cat.Classify(e.Source, e.Action, facts)
	if e.AuthMethod == event.AuthUnknown && e.Category == event.CategoryGrant {
		e.AuthMethod = event.AuthOAuth
	}
	if e.AppID == "" && e.TokenID != "" && (e.AuthMethod == event.AuthPAT || e.AuthMethod == event.AuthAPIToken) {
		e.AppID = e.TokenID
	}
}
