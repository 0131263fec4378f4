package ingest

import (
	"encoding/json"
	"errors"

	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/normalize"
)

// Normalize maps one vendor record to events and checks each one against
// the table's contract, exactly as Run does for every record of a file. The
// collectors call it so that a record is accepted or rejected by the same
// rules whether it arrives in an export or from a vendor's API. The error is
// the reject reason; the caller adds where the record came from.
func Normalize(norm normalize.Normalizer, raw json.RawMessage) ([]event.Event, error) {
	rec := record{raw: raw}
	if !json.Valid(raw) {
		rec.bad = malformed(raw)
	}
	events, reason := normalizeRecord(norm, rec)
	if reason != "" {
		return nil, errors.New(reason)
	}
	return events, nil
}
