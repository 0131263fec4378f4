package sampleorg

import (
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/event"
)

// TestEngineAgreesWithReference runs the real detection engine with the
// default query settings over the range of a generated organisation (its
// history read only as anchors, as the SQL does) and requires exactly the
// reference detector's episodes: same keys, windows and sizes. Every
// planted chain is among them (recall 1); the rest are the background's
// benign episodes, which is what the organisation is for. With approved
// apps included the automation shows up as extra, approved episodes.
func TestEngineAgreesWithReference(t *testing.T) {
	events, truth := collect(t, testConfig(31, 50_000, Normalized))
	rows := make([]engine.Row, len(events))
	refRows := make([]refRow, len(events))
	for i, e := range events {
		rows[i] = engine.Row{
			EventTime: e.EventTime, EventID: e.EventID, Tenant: e.Tenant, Source: e.Source, Action: e.Action,
			Category: e.Category, AuthMethod: e.AuthMethod, ActorID: e.ActorID, ActorName: e.ActorName,
			AppID: e.AppID, AppName: e.AppName, TokenID: e.TokenID, SrcIP: e.SrcIP, TargetName: e.TargetName,
			Sensitivity: e.Sensitivity,
		}
		refRows[i] = refRowOf(&events[i])
	}
	approved := map[string]bool{}
	for _, id := range truth.ApprovedApps {
		approved[id] = true
	}
	params := engine.Params{
		MaxSpan: DefaultMaxSpan, MinSensitivity: event.SensitivityLow,
		From: truth.RangeStart, To: truth.End.Add(-time.Nanosecond), CorrelateBy: []string{engine.FieldActorID, engine.FieldAppID},
		ApprovedApps: approved,
	}
	eps, err := engine.Detect(params, rows)
	if err != nil {
		t.Fatal(err)
	}
	type sig struct {
		actor, app  string
		first, last time.Time
		count       int
	}
	got := map[sig]int{}
	for _, ep := range eps {
		got[sig{ep.ActorID, ep.AppID, ep.FirstSensitive, ep.LastSensitive, ep.SensitiveCount}]++
	}
	want := map[sig]int{}
	for _, ep := range referenceDetectFrom(refRows, DefaultMaxSpan, truth.RangeStart) {
		if !approved[ep.key.app] {
			want[sig{ep.key.actor, ep.key.app, ep.first, ep.last, ep.count}]++
		}
	}
	if len(want) < 10*len(truth.Chains) {
		t.Errorf("only %d reference episodes for %d chains: the benign background is missing", len(want), len(truth.Chains))
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("reference episode %+v ×%d, engine ×%d", k, n, got[k])
		}
	}
	for k, n := range got {
		if want[k] != n {
			t.Errorf("engine episode %+v ×%d, reference ×%d", k, n, want[k])
		}
	}
	if s := Score(truth, foundOf(eps)); s.Recall != 1 || s.TP < len(truth.Chains) {
		t.Errorf("engine vs truth: TP %d FP %d FN %d, recall %.3f; missed %+v", s.TP, s.FP, s.FN, s.Recall, s.Missed)
	}

	params.IncludeApproved = true
	all, err := engine.Detect(params, rows)
	if err != nil {
		t.Fatal(err)
	}
	extra := 0
	for _, ep := range all {
		if ep.Approved {
			extra++
			if !approved[ep.AppID] {
				t.Errorf("episode of %q marked approved", ep.AppID)
			}
		}
	}
	if extra == 0 || len(all) != len(eps)+extra {
		t.Errorf("includeApproved: %d episodes (%d approved), want the %d unapproved plus at least one approved", len(all), extra, len(eps))
	}
}

func foundOf(eps []engine.Episode) []Found {
	out := make([]Found, len(eps))
	for i, ep := range eps {
		out[i] = Found{ActorID: ep.ActorID, AppID: ep.AppID, First: ep.FirstSensitive, Last: ep.LastSensitive}
	}
	return out
}
