package sampleorg

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// checkTruth proves a truth file honest against events, using the
// reference detector over the whole data:
//   - every chain is detectable: an episode of its key overlaps its window
//     (an attack on an established key may merge with the owner's own
//     episode, which still counts as the chain's);
//   - a chain on a fresh key is found as exactly one episode, with exactly
//     the access, window and size the truth gives;
//   - no look-alike key is ever reported;
//   - every other episode belongs to approved automation or to a key that
//     Truth.Background lists with its class: the background makes no
//     episode nobody can explain;
//   - chains and look-alikes lie in the range.
func checkTruth(t *testing.T, events []event.Event, truth Truth) {
	t.Helper()
	approved := map[string]bool{}
	for _, id := range truth.ApprovedApps {
		approved[id] = true
	}
	background := map[refKey]string{}
	for _, k := range truth.Background {
		background[refKey{k.ActorID, k.AppID}] = k.Class
	}
	looks := map[refKey]LookAlike{}
	for _, l := range truth.LookAlikes {
		looks[refKey{l.ActorID, l.AppID}] = l
		if l.Time.Before(truth.RangeStart) {
			t.Errorf("look-alike %s at %v lies before the range %v", l.ID, l.Time, truth.RangeStart)
		}
	}
	matched := make([][]refEpisode, len(truth.Chains))
	approvedEpisodes, unknown := 0, 0
	for _, ep := range episodesOf(events) {
		if approved[ep.key.app] {
			approvedEpisodes++
			continue
		}
		if l, ok := looks[ep.key]; ok {
			t.Errorf("look-alike %s (%s) is reported: %+v", l.ID, l.Why, ep)
		}
		hit := false
		for i, c := range truth.Chains {
			if c.ActorID == ep.key.actor && c.AppID == ep.key.app && overlaps(Found{First: ep.first, Last: ep.last}, c) {
				matched[i] = append(matched[i], ep)
				hit = true
			}
		}
		if _, ok := background[ep.key]; !hit && !ok {
			if unknown++; unknown <= 5 {
				t.Errorf("episode of a key neither planted nor listed in Truth.Background: actor %q app %q, sensitive %v..%v (%d events)", ep.key.actor, ep.key.app, ep.first, ep.last, ep.count)
			}
		}
	}
	for i, c := range truth.Chains {
		if c.AccessTime.Before(truth.RangeStart) {
			t.Errorf("chain %s starts at %v, before the range %v", c.ID, c.AccessTime, truth.RangeStart)
		}
		eps := matched[i]
		switch {
		case len(eps) == 0:
			t.Errorf("chain %s (%s) is not detectable: no episode of actor %q app %q overlaps %v..%v", c.ID, c.Note, c.ActorID, c.AppID, c.FirstSensitive, c.LastSensitive)
		case c.Established:
			if _, ok := background[refKey{c.ActorID, c.AppID}]; !ok {
				t.Errorf("chain %s claims an established key, but Truth.Background does not list actor %q app %q", c.ID, c.ActorID, c.AppID)
			}
		case len(eps) != 1:
			t.Errorf("chain %s on a fresh key found as %d episodes, want exactly 1", c.ID, len(eps))
		default:
			ep := eps[0]
			if !ep.access.Equal(c.AccessTime) || !ep.first.Equal(c.FirstSensitive) || !ep.last.Equal(c.LastSensitive) || ep.count != c.SensitiveEvents {
				t.Errorf("chain %s: truth says access %v sensitive %v..%v (%d), data says %v %v..%v (%d)",
					c.ID, c.AccessTime, c.FirstSensitive, c.LastSensitive, c.SensitiveEvents, ep.access, ep.first, ep.last, ep.count)
			}
		}
	}
	if approvedEpisodes == 0 {
		t.Errorf("approved automation produced no episode: the approved-app exclusion is not exercised")
	}
}

// TestTruthAccountsForEveryEpisode runs checkTruth on small organisations
// of several shapes, including one where every scenario is planted in a
// single day and one without history.
func TestTruthAccountsForEveryEpisode(t *testing.T) {
	tests := []Config{
		testConfig(1, MinEvents, Normalized),
		testConfig(2, MinEvents, Normalized),
		testConfig(3, 40_000, Normalized),
		{Seed: 4, Events: MinEvents, End: testEnd, Days: 1, HistoryDays: 2, Tenant: "globex"}, // dense: all scenarios in one day
		{Seed: 5, Events: MinEvents, End: testEnd.Add(37 * time.Minute), Days: 7, HistoryDays: NoHistory},
		{Seed: 6, Events: MinEvents, End: testEnd, Realism: RealismVariant()},
	}
	for _, cfg := range tests {
		t.Run(fmt.Sprintf("seed%d_days%d_history%d", cfg.Seed, cfg.Days, cfg.HistoryDays), func(t *testing.T) {
			events, truth := collect(t, cfg)
			checkTruth(t, events, truth)
		})
	}
}

func TestReferenceDetector(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	row := func(id string, d time.Duration, kind string) refRow {
		r := refRow{t: t0.Add(d), id: id, actor: "u", app: "a"}
		switch kind {
		case "access":
			r.access = true
		case "sensitive":
			r.sensitive = true
		case "both":
			r.access, r.sensitive = true, true
		case "revoke":
			r.revoke = true
		}
		return r
	}
	tests := []struct {
		name  string
		rows  []refRow
		count []int // sensitive events per episode
	}{
		{"access then sensitive", []refRow{row("1", 0, "access"), row("2", time.Minute, "sensitive")}, []int{1}},
		{"exactly maxSpan matches", []refRow{row("1", 0, "access"), row("2", time.Hour, "sensitive")}, []int{1}},
		{"one ms past maxSpan does not", []refRow{row("1", 0, "access"), row("2", time.Hour+time.Millisecond, "sensitive")}, nil},
		{"revoke between", []refRow{row("1", 0, "access"), row("2", time.Minute, "revoke"), row("3", 2*time.Minute, "sensitive")}, nil},
		{"re-access after revoke", []refRow{row("1", 0, "access"), row("2", time.Minute, "revoke"), row("3", 2*time.Minute, "access"), row("4", 3*time.Minute, "sensitive")}, []int{1}},
		{"an access-and-sensitive event does not match itself", []refRow{row("1", 0, "both")}, nil},
		{"but matches the next one", []refRow{row("1", 0, "both"), row("2", time.Minute, "both")}, []int{1}},
		{"gap over maxSpan splits episodes", []refRow{row("1", 0, "both"), row("2", time.Minute, "both"), row("3", 2*time.Hour, "access"), row("4", 2*time.Hour+time.Minute, "sensitive")}, []int{1, 1}},
		{"tie broken by event id", []refRow{row("2", 0, "access"), row("1", 0, "sensitive")}, nil},
		{"empty app ignored", []refRow{{t: t0, id: "1", actor: "u", access: true}, {t: t0.Add(time.Minute), id: "2", actor: "u", sensitive: true}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []int
			for _, ep := range referenceDetect(tc.rows, DefaultMaxSpan) {
				got = append(got, ep.count)
			}
			if !reflect.DeepEqual(got, tc.count) {
				t.Errorf("episode sizes = %v, want %v", got, tc.count)
			}
		})
	}
}

func TestTruthRoundTrip(t *testing.T) {
	_, truth := collect(t, testConfig(9, MinEvents, Normalized))
	var buf bytes.Buffer
	if err := WriteTruth(&buf, truth); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "\n  \"chains\": [") {
		t.Errorf("truth is not indented JSON:\n%.200s", buf.String())
	}
	back, err := ReadTruth(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, truth) {
		t.Errorf("round trip changed the truth:\n got %+v\nwant %+v", back, truth)
	}
	for _, bad := range []string{"", "[]", `{"seed":1,"unknownField":true}`} {
		if _, err := ReadTruth(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "read truth") {
			t.Errorf("ReadTruth(%q) error = %v, want a read-truth error", bad, err)
		}
	}
}
