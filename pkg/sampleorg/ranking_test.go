package sampleorg

import (
	"testing"
	"time"
)

func TestRank(t *testing.T) {
	t0 := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	truth := Truth{Chains: []Chain{
		{ID: "c1", Shape: "s1", ActorID: "alice", AppID: "evil", FirstSensitive: at(5), LastSensitive: at(20)},
		{ID: "c2", Shape: "s2", ActorID: "bob", AppID: "pat", FirstSensitive: at(100), LastSensitive: at(110)},
	}}
	ep := func(id, actor, app string, m, score int, sev string) RankedFound {
		return RankedFound{Found: Found{ActorID: actor, AppID: app, First: at(m), Last: at(m + 1)}, ID: id, Score: score, Severity: sev}
	}
	eps := []RankedFound{
		ep("b1", "carol", "sync", 50, 90, "critical"), // benign on top
		ep("a1", "alice", "evil", 6, 80, "critical"),
		ep("b2", "dave", "ci", 60, 30, "low"),
		ep("a2", "bob", "pat", 105, 20, "low"), // an attack ranked low
		ep("b3", "erin", "sync", 70, 10, "low"),
	}
	q := Rank(truth, eps, 1)
	if q.Episodes != 5 || q.AttackEpisodes != 2 || q.ChainsFound != 2 {
		t.Fatalf("counts: %+v", q)
	}
	if q.TopKPrecision != 0.5 { // top 2: b1, a1
		t.Errorf("top-K precision %.2f, want 0.5", q.TopKPrecision)
	}
	if q.Alerts != 2 || q.AlertShare != 0.4 || q.AlertPrecision != 0.5 || q.AttackRecall != 0.5 || q.ChainRecall != 0.5 {
		t.Errorf("alerting: %+v", q)
	}
	if len(q.Worst) != 1 || q.Worst[0].ID != "a2" || q.Worst[0].Rank != 4 || q.Worst[0].Shape != "s2" {
		t.Errorf("worst attack %+v, want a2 at rank 4", q.Worst)
	}
	if e := Rank(truth, nil, 3); e.TopKPrecision != 0 || e.Episodes != 0 || len(e.Worst) != 0 {
		t.Errorf("no episodes: %+v", e)
	}
}
