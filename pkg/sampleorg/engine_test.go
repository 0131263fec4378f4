package sampleorg

import (
	"testing"

	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/event"
)

// TestEngineScoresPerfectly runs the real detection engine with the default
// query settings over a generated organisation and scores it against the
// truth: every chain found, nothing else reported. With approved apps
// included the automation shows up as extra, approved episodes.
func TestEngineScoresPerfectly(t *testing.T) {
	events, truth := collect(t, testConfig(31, 50_000, Normalized))
	rows := make([]engine.Row, len(events))
	for i, e := range events {
		rows[i] = engine.Row{
			EventTime: e.EventTime, EventID: e.EventID, Tenant: e.Tenant, Source: e.Source, Action: e.Action,
			Category: e.Category, AuthMethod: e.AuthMethod, ActorID: e.ActorID, ActorName: e.ActorName,
			AppID: e.AppID, AppName: e.AppName, TokenID: e.TokenID, SrcIP: e.SrcIP, TargetName: e.TargetName,
			Sensitivity: e.Sensitivity,
		}
	}
	approved := map[string]bool{}
	for _, id := range truth.ApprovedApps {
		approved[id] = true
	}
	params := engine.Params{
		MaxSpan: DefaultMaxSpan, MinSensitivity: event.SensitivityLow,
		From: truth.Start, To: truth.End, CorrelateBy: []string{engine.FieldActorID, engine.FieldAppID},
		ApprovedApps: approved,
	}
	eps, err := engine.Detect(params, rows)
	if err != nil {
		t.Fatal(err)
	}
	s := Score(truth, foundOf(eps))
	if s.Precision != 1 || s.Recall != 1 || s.TP != len(truth.Chains) {
		t.Errorf("engine vs truth: TP %d FP %d FN %d, precision %.3f recall %.3f\nmissed %+v\nunexpected %+v\nlook-alikes hit %+v",
			s.TP, s.FP, s.FN, s.Precision, s.Recall, s.Missed, s.Unexpected, s.LookAlikeHits)
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
