package engine

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// MaxSpanLimit is the largest accepted Params.MaxSpan. The SQL reads back
// maxSpan before the panel range and the detector buffers up to maxSpan of
// one key's rows, so the limit bounds both the scan and the memory.
const MaxSpanLimit = 30 * 24 * time.Hour

// Params configures one detection run.
type Params struct {
	// MaxSpan is the longest time between an access and the sensitive
	// event it explains, and the longest gap inside one episode.
	MaxSpan time.Duration
	// MinSensitivity is the lowest event sensitivity (0..3) that counts as
	// sensitive.
	MinSensitivity uint8
	// From and To are Grafana's panel range, both inclusive. Only sensitive
	// events inside it are reported; accesses before From still anchor.
	From, To time.Time
	// CorrelateBy names the dimensions (a subset of CorrelateFields) that
	// must be equal for an access to explain a sensitive event.
	CorrelateBy []string
	// ApprovedApps holds the app IDs the SOC has vetted. Their episodes are
	// dropped unless IncludeApproved is set, then kept and marked Approved.
	ApprovedApps    map[string]bool
	IncludeApproved bool
	// SensitiveNeedsToken narrows the sensitive events to those made with a
	// token: a token auth method, or a non-empty app_id on an event that is
	// not interactive. The broad preset correlates by actor alone, for
	// vendors whose consent and later use name the app differently; this
	// keeps the person's own interactive work from matching the access.
	SensitiveNeedsToken bool
}

// Validate reports every problem with p at once, each naming the parameter
// and what would be accepted, so the query editor can show one actionable
// message instead of a fix-one-retry loop.
func (p Params) Validate() error {
	var errs []error
	if p.MaxSpan <= 0 || p.MaxSpan > MaxSpanLimit {
		errs = append(errs, fmt.Errorf("maxSpan %s is out of range: use a duration greater than 0 and at most %s (30 days), for example 1h", p.MaxSpan, MaxSpanLimit))
	}
	if p.MinSensitivity > event.SensitivityHigh {
		errs = append(errs, fmt.Errorf("minSensitivity %d is out of range: use 0 (none), 1 (low), 2 (medium) or 3 (high)", p.MinSensitivity))
	}
	if len(p.CorrelateBy) == 0 {
		errs = append(errs, fmt.Errorf("correlateBy is empty: list at least one of %s", strings.Join(CorrelateFields, ", ")))
	}
	for i, f := range p.CorrelateBy {
		switch {
		case !slices.Contains(CorrelateFields, f):
			errs = append(errs, fmt.Errorf("correlateBy field %q is unknown: allowed fields are %s", f, strings.Join(CorrelateFields, ", ")))
		case slices.Contains(p.CorrelateBy[:i], f):
			errs = append(errs, fmt.Errorf("correlateBy lists %q twice: list each field once", f))
		}
	}
	if p.To.Before(p.From) {
		errs = append(errs, fmt.Errorf("time range is inverted: to (%s) is before from (%s); choose a range that ends after it starts",
			p.To.Format(time.RFC3339), p.From.Format(time.RFC3339)))
	}
	return errors.Join(errs...)
}
