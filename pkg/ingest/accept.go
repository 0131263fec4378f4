package ingest

import (
	"encoding/json"
	"errors"

	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/normalize"
)

// NormalizeRecord maps one vendor record to events and checks each one
// against the table's contract, exactly as Run does for every record of a
// file. The collectors call it so that a record is accepted, noted or
// rejected by the same rules whether it arrives in an export or from a
// vendor's API. notes are fields the record kept although they could not be
// read; the error is the reject reason. The caller adds where the record
// came from.
func NormalizeRecord(norm normalize.Normalizer, raw json.RawMessage) (events []event.Event, notes []*normalize.RecordError, err error) {
	rec := record{raw: raw}
	if !json.Valid(raw) {
		rec.bad = malformed(raw)
	}
	events, notes, reason := normalizeRecord(norm, rec)
	if reason != "" {
		return nil, nil, errors.New(reason)
	}
	return events, notes, nil
}
