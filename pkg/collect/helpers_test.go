package collect_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/chhttp"
	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/collect"
	"github.com/tokentrail/tokentrail/pkg/collect/vendorfake"
)

const table = "saas_audit_events"

// target is a fresh normalized table on the local ClickHouse.
type target struct {
	url    string
	client *chhttp.Client
	db     string
}

func newTarget(t testing.TB) *target {
	t.Helper()
	s := chlocal.ForTest(t)
	db := s.TempEventsTable(t, table)
	return &target{url: s.HTTPURL(), client: &chhttp.Client{BaseURL: s.HTTPURL()}, db: db}
}

// idCounts returns how many rows each event_id has.
func (tg *target) idCounts(t testing.TB) map[string]int {
	t.Helper()
	q := fmt.Sprintf("SELECT event_id AS id, count() AS n FROM %s.%s GROUP BY event_id FORMAT JSONEachRow", tg.db, table)
	rc, err := tg.client.Query(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	out := map[string]int{}
	dec := json.NewDecoder(rc)
	for dec.More() {
		var row struct {
			ID string      `json:"id"`
			N  json.Number `json:"n"`
		}
		if err := dec.Decode(&row); err != nil {
			t.Fatal(err)
		}
		n, _ := row.N.Int64()
		out[row.ID] = int(n)
	}
	return out
}

// expectedIDs is every event the fakes' records normalize to.
func expectedIDs(t testing.TB, fakes ...*vendorfake.Fake) map[string]string {
	t.Helper()
	ids, err := vendorfake.EventIDs(fakes...)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// checkExactlyOnce compares the table with the expected ids.
func checkExactlyOnce(t testing.TB, tg *target, want map[string]string) {
	t.Helper()
	got := tg.idCounts(t)
	missing, doubled := 0, 0
	for id, src := range want {
		switch n := got[id]; {
		case n == 0:
			if missing < 5 {
				t.Errorf("event %s is missing: %s", id, src)
			}
			missing++
		case n > 1:
			if doubled < 5 {
				t.Errorf("event %s is in the table %d times: %s", id, n, src)
			}
			doubled++
		}
	}
	extra := 0
	for id := range got {
		if _, ok := want[id]; !ok {
			extra++
		}
	}
	if missing+doubled+extra > 0 {
		t.Errorf("%d expected events: %d missing, %d doubled, %d unexpected", len(want), missing, doubled, extra)
	}
}

// checkpoints reads every stream's latest checkpoint.
func checkpoints(t testing.TB, tg *target, streams []string) map[string]collect.Checkpoint {
	t.Helper()
	store, err := collect.OpenCheckpoints(context.Background(), tg.client, tg.db, "tokentrail_checkpoints")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]collect.Checkpoint{}
	for _, s := range streams {
		cp, found, err := store.Load(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		if found {
			out[s] = cp
		}
	}
	return out
}

// checkAtEnd asserts that each stream's listing finished and its watermark
// reached the newest record (or Microsoft 365 blob) its fake serves.
func checkAtEnd(t testing.TB, tg *target, fl *vendorfake.Fleet) {
	t.Helper()
	streams := fl.Streams()
	names := make([]string, 0, len(streams))
	for n := range streams {
		names = append(names, n)
	}
	cps := checkpoints(t, tg, names)
	for name, f := range streams {
		cp, ok := cps[name]
		switch {
		case !ok:
			t.Errorf("%s has no checkpoint", name)
		case cp.Position.Window != nil:
			t.Errorf("%s stopped inside a listing: %+v", name, *cp.Position.Window)
		case cp.Position.Time.Before(f.Newest()):
			t.Errorf("%s checkpoint %s is before the newest record %s", name, cp.Position.Time, f.Newest())
		case cp.Position.Time.After(time.Now().Add(2 * time.Second)):
			t.Errorf("%s checkpoint %s is in the future", name, cp.Position.Time)
		}
	}
}

// syncBuffer collects log lines from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
