package risk

import (
	"fmt"
	"slices"
	"strings"
)

// Severities, lowest first.
const (
	SeverityLow      = "low"
	SeverityMedium   = "medium"
	SeverityHigh     = "high"
	SeverityCritical = "critical"
)

// Severities lists the bands in ascending order.
var Severities = []string{SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical}

// SeverityRank orders severities: low 0 … critical 3, and -1 for anything else.
func SeverityRank(s string) int { return slices.Index(Severities, s) }

// ParseSeverity accepts a band name in any case; "" means no minimum.
func ParseSeverity(s string) (string, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	if v == "" || SeverityRank(v) >= 0 {
		return v, nil
	}
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return "", fmt.Errorf("severity %q is unknown: use one of %s", s, strings.Join(Severities, ", "))
}

// maxBand is the highest value a severity threshold may take.
const maxBand = 1000
