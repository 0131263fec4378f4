package ingest

import (
	"fmt"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// Bounds of event_time. DateTime('UTC') of the legacy variant holds seconds
// from 1970 to early 2106, a subset of DateTime64's range; applying the
// narrower range to both variants means a file is accepted or refused the
// same way whichever table it goes to.
var (
	minEventTime = time.Date(1970, 1, 2, 0, 0, 0, 0, time.UTC)
	maxEventTime = time.Date(2106, 1, 1, 0, 0, 0, 0, time.UTC)
)

// maxEventIDBytes bounds event_id. Vendor ids and the normalizers' sha256
// ids are under 100 bytes; a longer value is a mapping error (a whole record
// in the id) and would bloat the table's sort key.
const maxEventIDBytes = 1024

// checkEvent reports why e cannot be inserted. The table would refuse a bad
// enum value or time for the whole batch, so events are checked first and a
// bad one costs only its own record.
func checkEvent(e *event.Event) error {
	switch {
	case e.EventID == "":
		return fmt.Errorf("the event has no event_id")
	case len(e.EventID) > maxEventIDBytes:
		return fmt.Errorf("event_id is %d bytes long; at most %d are accepted", len(e.EventID), maxEventIDBytes)
	case e.EventTime.IsZero():
		return fmt.Errorf("the event has no event_time")
	case e.EventTime.Before(minEventTime) || !e.EventTime.Before(maxEventTime):
		return fmt.Errorf("event_time %s is outside the storable range 1970-01-02 to 2105-12-31 UTC", e.EventTime.UTC().Format(time.RFC3339))
	case !e.Category.Valid():
		return fmt.Errorf("category %q is not one of %v", e.Category, event.Categories)
	case !e.AuthMethod.Valid():
		return fmt.Errorf("auth_method %q is not one of %v", e.AuthMethod, event.AuthMethods)
	case e.Sensitivity > event.SensitivityHigh:
		return fmt.Errorf("sensitivity %d is above the maximum %d", e.Sensitivity, event.SensitivityHigh)
	}
	return nil
}
