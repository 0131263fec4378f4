package ingest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// TestWriteWaitsForAnInsertStillRunning: a writer killed after sending its
// insert leaves the server to finish it; a new writer's lookup must wait
// for that insert, or it inserts the same events again. The earlier insert
// here is large enough to take a while on the server, and carries the same
// three events as the later Write, which must insert none of them.
func TestWriteWaitsForAnInsertStillRunning(t *testing.T) {
	tg := newTarget(t)
	at := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	ids := []string{"late-1", "late-2", "late-3"}
	var body bytes.Buffer
	line := func(id string) {
		b, _ := json.Marshal(map[string]any{"event_time": at.Format("2006-01-02 15:04:05"), "event_id": id,
			"category": "other", "auth_method": "unknown", "raw": strings.Repeat("x", 100)})
		body.Write(append(b, '\n'))
	}
	for i := 0; i < 120_000; i++ {
		line(fmt.Sprintf("filler-%d", i))
	}
	for _, id := range ids {
		line(id)
	}
	insert := "INSERT INTO " + tg.db + "." + table + " FORMAT JSONEachRow"
	done := make(chan error, 1)
	go func() { done <- tg.client.Exec(context.Background(), insert, bytes.NewReader(body.Bytes())) }()
	if !runningSoon(t, tg, insert) {
		t.Fatal("the large insert never showed in system.processes; the test cannot race it")
	}
	events := make([]event.Event, len(ids))
	for i, id := range ids {
		events[i] = sampleEvent(id, at)
	}
	inserted, dups, err := tg.writer.Write(context.Background(), events)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("the large insert: %v", err)
	}
	if inserted != 0 || dups != len(ids) {
		t.Errorf("Write inserted %d and skipped %d while the earlier insert ran; want 0 and %d", inserted, dups, len(ids))
	}
	if n := tg.count(t, "event_id LIKE 'late-%'"); n != len(ids) {
		t.Errorf("table holds %d rows of the three events, want %d", n, len(ids))
	}
}

// runningSoon waits up to ten seconds for a statement to show in
// system.processes.
func runningSoon(t *testing.T, tg *target, stmt string) bool {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		rc, err := tg.client.Query(context.Background(), "SELECT count() FROM system.processes WHERE startsWith(query, '"+stmt+"') FORMAT TSV")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if strings.TrimSpace(string(b)) != "0" {
			return true
		}
	}
	return false
}
