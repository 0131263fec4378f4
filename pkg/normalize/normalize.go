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
	"encoding/json"
	"fmt"
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
	// Check is Normalize that also returns the problems it found in fields
	// the detector does not need. Such a record is kept (its events are
	// returned); each problem names the field and what was wrong with it,
	// so the ingest report can tell the user without losing the record.
	Check(rec json.RawMessage) ([]event.Event, []*RecordError, error)
}

// vendor is one export format. parse reads a record, adding to notes every
// field it had to ignore.
type vendor interface {
	source() string
	parse(rec json.RawMessage, nt *notes) ([]event.Event, error)
}

// normalizer adapts a vendor to Normalizer.
type normalizer struct{ v vendor }

var _ Normalizer = normalizer{}

func (n normalizer) Source() string { return n.v.source() }

func (n normalizer) Normalize(rec json.RawMessage) ([]event.Event, error) {
	evs, _, err := n.Check(rec)
	return evs, err
}

func (n normalizer) Check(rec json.RawMessage) ([]event.Event, []*RecordError, error) {
	nt := &notes{source: n.v.source()}
	evs, err := n.v.parse(rec, nt)
	if err != nil {
		return nil, nil, err
	}
	return evs, nt.list, nil
}

// notes collects the problems of one record that did not cost the record.
type notes struct {
	source string
	list   []*RecordError
}

func (n *notes) add(field, format string, args ...any) {
	n.list = append(n.list, &RecordError{Source: n.source, Field: field, Problem: fmt.Sprintf(format, args...)})
}

// New returns the normalizer for a source. A nil catalogue means
// catalog.Default(). Each call returns a fresh normalizer: the Microsoft 365
// one remembers, across the records it sees, which app id a service
// principal object id belongs to (see linker), so use one normalizer per
// input stream and one goroutine per normalizer.
func New(source string, cat *catalog.Catalog) (Normalizer, error) {
	if cat == nil {
		cat = catalog.Default()
	}
	switch source {
	case event.SourceOkta:
		return normalizer{&okta{cat: cat}}, nil
	case event.SourceGoogle:
		return normalizer{&google{cat: cat}}, nil
	case event.SourceMicrosoft:
		return normalizer{&m365{cat: cat, links: newLinker()}}, nil
	case event.SourceGitHub:
		return normalizer{&github{cat: cat}}, nil
	case event.SourceSlack:
		return normalizer{&slack{cat: cat}}, nil
	}
	return nil, fmt.Errorf("normalize: unknown source %q; supported sources are %s",
		source, strings.Join(event.Sources, ", "))
}

// RecordError reports a vendor record that cannot be normalized, or, from
// Check, a field of a kept record that had to be ignored. The ingest layer
// adds the file and line; Field names the offending JSON field ("" when the
// whole record is the problem).
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
