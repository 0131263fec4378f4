package collect_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/collect"
	"github.com/tokentrail/tokentrail/pkg/collect/vendorfake"
	"github.com/tokentrail/tokentrail/pkg/event"
)

// jumpingClock is a wall clock that an operator (or NTP) keeps moving: it
// alternates between hours ahead and hours behind real time.
type jumpingClock struct{ ticks atomic.Int64 }

func (c *jumpingClock) Now() time.Time {
	n := c.ticks.Add(1)
	offsets := []time.Duration{0, 5 * time.Hour, -5 * time.Hour, 26 * time.Hour, -26 * time.Hour}
	return time.Now().Add(offsets[(n/50)%int64(len(offsets))])
}

// TestEverySourceEveryFault runs the five collectors against their fakes,
// each serving a few thousand records while injecting every fault: 429 with
// Retry-After, a 5xx burst, a truncated page, a page served twice, an
// expired cursor and an exhausted rate limit; records published late; a
// bad record; and a wall clock that jumps by hours. The table must end with
// every record exactly once, and every checkpoint at the end.
func TestEverySourceEveryFault(t *testing.T) {
	tg := newTarget(t)
	end := time.Now().Add(-10 * time.Minute).Truncate(time.Second)
	data, err := vendorfake.Generate(5, 30000, end, 2, 0.3)
	if err != nil {
		t.Fatal(err)
	}
	// A record the Okta normalizer must reject: it has no published time.
	bad := vendorfake.Record{Time: end.Add(-time.Hour), Raw: json.RawMessage(`{"uuid":"broken-1","eventType":"user.session.start","actor":{"id":"00u1"}}`)}
	data[event.SourceOkta] = append(data[event.SourceOkta], bad)
	const lateAfter = 3 * time.Second
	fl, err := vendorfake.StartFleet(data, func(string) vendorfake.Options {
		return vendorfake.Options{Plan: vendorfake.FaultPlan{Faults: vendorfake.AllFaults, Gap: 2}, LateAfter: lateAfter}
	}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer fl.Close()
	for k, v := range fl.Env {
		t.Setenv(k, v)
	}
	cfg, err := collect.ParseConfig([]byte(fl.Config(tg.url, tg.db, vendorfake.Tuning{
		Start: end.Add(-72 * time.Hour).Format(time.RFC3339), PollInterval: 200 * time.Millisecond, Overlap: 30 * time.Minute, MaxWindow: 6 * time.Hour,
		PageSize: 50, BatchSize: 1000, RetryInitial: 5 * time.Millisecond, Metrics: "127.0.0.1:0",
	})))
	if err != nil {
		t.Fatal(err)
	}
	var log syncBuffer
	clock := &jumpingClock{}
	c, err := collect.New(cfg, collect.Options{Log: &log, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	defer func() {
		cancel()
		<-done
		if t.Failed() {
			_ = os.WriteFile("/tmp/collect-log.txt", []byte(log.String()), 0o644)
		}
	}()

	want := expectedIDs(t, fl.Fakes()...)
	began := time.Now()
	deadline := began.Add(90 * time.Second)
	for {
		planned := true
		for _, f := range fl.Fakes() {
			planned = planned && f.PlanDone()
		}
		if planned && time.Since(began) > lateAfter+2*time.Second && len(tg.idCounts(t)) >= len(want) {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("after %s: %d of %d events loaded", time.Since(began).Round(time.Second), len(tg.idCounts(t)), len(want))
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	metricsText := scrape(t, c)
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
	done <- nil
	// The stop interrupted polls mid-listing. A restart that runs once
	// resumes every stream from its checkpoint and finishes its listing.
	restart, err := collect.New(cfg, collect.Options{Log: &log, Now: clock.Now, Once: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := restart.Run(context.Background()); err != nil {
		t.Errorf("the restarted collector failed: %v", err)
	}

	checkExactlyOnce(t, tg, want)
	checkAtEnd(t, tg, fl)
	for _, f := range fl.Fakes() {
		inj := f.Injected()
		for _, k := range vendorfake.AllFaults {
			if inj[k] == 0 {
				t.Errorf("%s: fault %s was never injected; the test proves nothing about it", f.Source(), k)
			}
		}
	}
	logs := log.String()
	if !regexp.MustCompile(`rejected okta-main: page \d+, record \d+: okta record: field "published"`).MatchString(logs) {
		t.Errorf("the bad Okta record was not reported with its source and position; log:\n%s", tail(logs, 20))
	}
	if !regexp.MustCompile(`collect slack: poll \d+ ok in \S+: \d+ records \(\d+ pages\), \d+ inserted, \d+ duplicates, 0 rejected, \d+ kept with a field ignored; checkpoint \S+, lag \S+`).MatchString(logs) {
		t.Errorf("no summary line per poll; log:\n%s", tail(logs, 20))
	}
	for _, series := range []string{
		`tokentrail_collect_rate_limited_total{source="github"}`,
		`tokentrail_collect_retries_total{source="m365"}`,
		`tokentrail_collect_rejects_total{source="okta-main",stream="okta-main"}`,
		`tokentrail_collect_duplicates_total{source="gws",stream="gws/login"}`,
	} {
		if v := metricValue(metricsText, series); v <= 0 {
			t.Errorf("metric %s = %v, want > 0", series, v)
		}
	}
}

func scrape(t testing.TB, c *collect.Collector) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	addr := c.MetricsAddr(ctx)
	if addr == nil {
		t.Fatal("no metrics endpoint")
	}
	resp, err := http.Get("http://" + addr.String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func metricValue(text, series string) float64 {
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			f, _ := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return f
		}
	}
	return -1
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
