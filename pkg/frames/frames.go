// Package frames turns detection episodes into Grafana data frames. It is the
// only place that builds data.Frame values, so the frame contracts the
// panels and Grafana alerting rely on are defined, and tested, in one place:
//
//   - Sequences: a table of episodes for triage.
//   - CountsNumeric: a data-plane numeric-long frame, the shape alert rules
//     read as one instance per label set.
//   - CountsTimeSeries: data-plane timeseries-multi frames, one series per
//     label set, for graphs and "count over time" alerts.
package frames

import (
	"slices"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/tokentrail/tokentrail/pkg/engine"
)

// MITRE ATT&CK identifiers of what TokenTrail detects, reported on every
// sequence row so that an analyst can pivot to the reference.
const (
	AnalyticID  = "AN0020"
	StrategyID  = "DET0008"
	TechniqueID = "T1021.007"
	AttackURL   = "https://attack.mitre.org/techniques/T1021/007/"
	StrategyURL = "https://attack.mitre.org/detectionstrategies/DET0008/"
)

// Names of the count frames' fields.
const (
	valueField = "episodes"
	timeField  = "time"
)

// dataplaneVersion marks typed frames for Grafana's data-plane reader. With
// {0, 0} Grafana ignores Meta.Type and guesses the shape instead.
var dataplaneVersion = data.FrameTypeVersion{0, 1}

// GroupValue returns the episode's value for a groupBy field, one of
// engine.CorrelateFields. An unknown field yields "" so that a label is never
// null; the query layer validates field names before calling in.
func GroupValue(ep *engine.Episode, field string) string {
	switch field {
	case engine.FieldActorID:
		return ep.ActorID
	case engine.FieldAppID:
		return ep.AppID
	case engine.FieldTenant:
		return ep.Tenant
	case engine.FieldSource:
		return ep.Source
	case engine.FieldTokenID:
		return ep.TokenID
	case FieldSeverity:
		return ep.Severity
	}
	return ""
}

// FieldSeverity is the groupBy name of an episode's severity band.
const FieldSeverity = "severity"

// joinKey encodes values unambiguously as a map key: each value is prefixed
// by its length, so ("a","bc") and ("ab","c") differ.
func joinKey(values []string) string {
	var b []byte
	for _, v := range values {
		b = append(b, byte(len(v)>>24), byte(len(v)>>16), byte(len(v)>>8), byte(len(v)))
		b = append(b, v...)
	}
	return string(b)
}

// uniqueFields drops repeated groupBy names, keeping the first: two fields
// or labels with one name would make the frame ambiguous to Grafana.
func uniqueFields(fields []string) []string {
	var out []string
	for _, f := range fields {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}
