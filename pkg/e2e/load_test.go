package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/pluginhost"
)

// Slow fixtures (see chlocal.SlowFixture): a query over slow takes about
// 1.8 s of server time, over light about 0.15 s.
const (
	slowRows   = 600_000
	lightRows  = 50_000
	slowPerRow = 3 * time.Microsecond
)

func slowFixture(t *testing.T, rows int) (*chlocal.Server, chlocal.SlowFixture) {
	t.Helper()
	s := chlocal.ForTest(t)
	f, err := s.CreateSlowEvents(context.Background(), s.TempDatabase(t), "saas_audit_events", rows, slowPerRow)
	if err != nil {
		t.Fatalf("slow fixture: %v", err)
	}
	return s, f
}

func slowSettings(s *chlocal.Server, f chlocal.SlowFixture, uid string, extra map[string]any) pluginhost.Settings {
	js := map[string]any{
		"host": "127.0.0.1", "port": s.TCPPort, "username": chlocal.ReaderUser,
		"database": f.Database, "table": f.Table, "dialTimeoutSeconds": 1,
	}
	for k, v := range extra {
		js[k] = v
	}
	return pluginhost.Settings{UID: uid, Name: uid, JSONData: js, Secure: map[string]string{"password": chlocal.ReaderPassword}}
}

// slowPanel is a panel over the whole fixture; marker lands in the SQL so
// the test can find the statement in system.processes.
func slowPanel(f chlocal.SlowFixture, queryType, marker string) backend.DataQuery {
	return query("A", queryType, map[string]any{
		"minSensitivity": 2,
		"filters":        []map[string]any{{"field": "tenant", "op": "!=", "values": []string{marker}}},
	}, f.Start, f.End())
}

func onServer(t *testing.T, s *chlocal.Server, marker string) int {
	t.Helper()
	out, err := s.Exec(context.Background(), "SELECT count() FROM system.processes WHERE query LIKE '%"+marker+"%' AND query NOT LIKE '%system.processes%'", nil)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	fmt.Sscan(strings.TrimSpace(out), &n)
	return n
}

// Fifty cancels in a row, through the plugin binary, in batches of five at
// once: Grafana closing the panel (a plain gRPC cancel), Grafana's request
// deadline, and queryTimeoutSeconds. Every query is gone from
// system.processes within a second of its cancel.
func TestFiftyCancelsLeaveTheServer(t *testing.T) {
	s, f := slowFixture(t, slowRows)
	h := launch(t)
	plain := pluginContext(t, slowSettings(s, f, "cancel-plain", nil))
	limited := pluginContext(t, slowSettings(s, f, "cancel-limited", map[string]any{"queryTimeoutSeconds": 1}))
	kinds := []string{"cancel", "deadline", "queryTimeoutSeconds"}
	var mu sync.Mutex
	worst := map[string]time.Duration{}
	for batch := range 10 {
		var wg sync.WaitGroup
		for i := range 5 {
			run := batch*5 + i
			wg.Add(1)
			go func() {
				defer wg.Done()
				kind := kinds[run%3]
				marker := fmt.Sprintf("c%d-%d", time.Now().UnixNano(), run)
				delay := time.Duration(200+rand.IntN(800)) * time.Millisecond
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				pc := plain
				switch kind {
				case "cancel":
					time.AfterFunc(delay, cancel)
				case "deadline":
					ctx, cancel = context.WithTimeout(ctx, delay)
					defer cancel()
				default:
					pc, delay = limited, time.Second
				}
				start := time.Now()
				resp, err := h.QueryData(ctx, &backend.QueryDataRequest{PluginContext: pc, Queries: []backend.DataQuery{slowPanel(f, "sequences", marker)}})
				if kind == "queryTimeoutSeconds" && (err != nil || resp.Responses["A"].Error == nil || !strings.Contains(resp.Responses["A"].Error.Error(), "queryTimeoutSeconds (1s)")) {
					t.Errorf("run %d: want the plugin's timeout named, got %v", run, responseError(resp, err))
				}
				cancelledAt := start.Add(delay)
				for onServer(t, s, marker) > 0 && time.Since(cancelledAt) < 5*time.Second {
					time.Sleep(10 * time.Millisecond)
				}
				gone := time.Since(cancelledAt)
				mu.Lock()
				worst[kind] = max(worst[kind], gone)
				mu.Unlock()
				if gone > time.Second {
					t.Errorf("run %d (%s after %v): the query was on the server %v after the cancel", run, kind, delay, gone)
				}
			}()
		}
		wg.Wait()
	}
	t.Logf("slowest disappearance after a cancel: %v", worst)
}

func responseError(resp *backend.QueryDataResponse, err error) string {
	if err != nil {
		return err.Error()
	}
	return fmt.Sprint(resp.Responses["A"].Error)
}

// Fifty heavy panels at once, at maxOpenConns 10 and 2 and with a one
// second dial timeout (which used to bound the wait for a connection):
// every one answers, with the fixture's one episode.
func TestFiftyConcurrentPanels(t *testing.T) {
	s, f := slowFixture(t, lightRows)
	h := launch(t)
	for _, conns := range []int{10, 2} {
		pc := pluginContext(t, slowSettings(s, f, fmt.Sprintf("panels-%d", conns), map[string]any{"maxOpenConns": conns}))
		var wg sync.WaitGroup
		errs := make(chan string, 50)
		start := time.Now()
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				qt := []string{"sequences", "sequenceCounts"}[i%2]
				resp, err := h.QueryData(context.Background(), &backend.QueryDataRequest{PluginContext: pc, Queries: []backend.DataQuery{slowPanel(f, qt, "panel")}})
				switch {
				case err != nil:
					errs <- err.Error()
				case resp.Responses["A"].Error != nil:
					errs <- resp.Responses["A"].Error.Error()
				case len(resp.Responses["A"].Frames) != 1 || resp.Responses["A"].Frames[0].Rows() != 1:
					errs <- fmt.Sprintf("%s: want one row (the fixture's one episode)", qt)
				}
			}()
		}
		wg.Wait()
		close(errs)
		n := 0
		for e := range errs {
			n++
			if n <= 3 {
				t.Errorf("maxOpenConns %d: %s", conns, e)
			}
		}
		t.Logf("maxOpenConns %d: 50 panels, %d errors, %v", conns, n, time.Since(start).Round(10*time.Millisecond))
	}
}
