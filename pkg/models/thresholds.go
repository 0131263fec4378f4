package models

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/tokentrail/tokentrail/pkg/posture"
)

// Thresholds are the datasource settings of the coverage query: when it
// names a blind spot. (How far back the inventory reads is baselineDays.)
// They are settings, not query fields, because an organisation decides them
// once (its retention policy, its alert rules' look-back) for every panel.
type Thresholds = posture.Thresholds

// Threshold defaults.
const (
	DefaultSilenceHours         = 24
	DefaultMinRetentionDays     = 90
	DefaultMinTokenIDPercent    = 1
	DefaultMaxZeroDays          = 0
	DefaultAlertLookbackMinutes = 60
)

type rawThresholds struct {
	SilenceHours         json.RawMessage `json:"silenceHours"`
	MinRetentionDays     json.RawMessage `json:"minRetentionDays"`
	MinTokenIDPercent    json.RawMessage `json:"minTokenIdPercent"`
	MaxZeroDays          json.RawMessage `json:"maxZeroDays"`
	AlertLookbackMinutes json.RawMessage `json:"alertLookbackMinutes"`
}

// loadThresholds reads the thresholds from the settings JSON, applying the
// defaults; the JSON itself was already checked by LoadPluginSettings.
func loadThresholds(js []byte) (Thresholds, error) {
	var raw rawThresholds
	if len(js) > 0 {
		if err := json.Unmarshal(js, &raw); err != nil {
			return Thresholds{}, invalid("the settings JSON could not be read (%s)", jsonProblem(err))
		}
	}
	t := Thresholds{}
	ints := []struct {
		name     string
		raw      json.RawMessage
		def      int
		min, max int
		dst      *int
	}{
		{"silenceHours", raw.SilenceHours, DefaultSilenceHours, 1, 24 * 365, &t.SilenceHours},
		{"minRetentionDays", raw.MinRetentionDays, DefaultMinRetentionDays, 1, MaxPostureDays, &t.MinRetentionDays},
		{"maxZeroDays", raw.MaxZeroDays, DefaultMaxZeroDays, 0, MaxPostureDays, &t.MaxZeroDays},
		{"alertLookbackMinutes", raw.AlertLookbackMinutes, DefaultAlertLookbackMinutes, 1, 7 * 24 * 60, &t.AlertLookbackMinutes},
	}
	for _, f := range ints {
		v, err := intSetting(f.name, f.raw, f.def)
		if err != nil {
			return t, err
		}
		if v < f.min || v > f.max {
			return t, invalid("%s %d is out of range: use %d-%d", f.name, v, f.min, f.max)
		}
		*f.dst = v
	}
	pct, err := floatSetting("minTokenIdPercent", raw.MinTokenIDPercent, DefaultMinTokenIDPercent)
	if err != nil {
		return t, err
	}
	if pct < 0 || pct > 100 {
		return t, invalid("minTokenIdPercent %g is out of range: use 0-100", pct)
	}
	t.MinTokenIDPercent = pct
	return t, nil
}

func floatSetting(name string, raw json.RawMessage, def float64) (float64, error) {
	v := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	if v == "" || v == "null" {
		return def, nil
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, invalid("%s must be a number, got %s", name, string(raw))
	}
	return f, nil
}

// DefaultThresholds are the thresholds of a datasource that sets none.
func DefaultThresholds() Thresholds {
	t, _ := loadThresholds(nil)
	return t
}
