package collect

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the collector's Prometheus series. They live in their own
// registry, so tests and several collectors in one process never share
// counts.
type metrics struct {
	registry    *prometheus.Registry
	records     *prometheus.CounterVec
	inserted    *prometheus.CounterVec
	duplicates  *prometheus.CounterVec
	rejects     *prometheus.CounterVec
	polls       *prometheus.CounterVec
	requests    *prometheus.CounterVec
	retries     *prometheus.CounterVec
	rateLimited *prometheus.CounterVec
	lag         *prometheus.GaugeVec
	watermark   *prometheus.GaugeVec
	lastSuccess *prometheus.GaugeVec
}

func newMetrics() *metrics {
	stream := []string{"source", "stream"}
	m := &metrics{
		registry:    prometheus.NewRegistry(),
		records:     prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tokentrail_collect_records_total", Help: "Vendor records read."}, stream),
		inserted:    prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tokentrail_collect_events_inserted_total", Help: "Normalized events inserted."}, stream),
		duplicates:  prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tokentrail_collect_duplicates_total", Help: "Events skipped because their event_id was already loaded."}, stream),
		rejects:     prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tokentrail_collect_rejects_total", Help: "Vendor records rejected (logged with their position)."}, stream),
		polls:       prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tokentrail_collect_polls_total", Help: "Polls by result (ok or error)."}, []string{"source", "stream", "result"}),
		requests:    prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tokentrail_collect_http_requests_total", Help: "Vendor API requests by HTTP status (error: no answer)."}, []string{"source", "code"}),
		retries:     prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tokentrail_collect_retries_total", Help: "Requests retried after a 5xx, a network error or a broken page."}, []string{"source"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tokentrail_collect_rate_limited_total", Help: "Waits the vendor's rate limit imposed."}, []string{"source"}),
		lag:         prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "tokentrail_collect_lag_seconds", Help: "Now minus the checkpoint's watermark, at the end of the last poll."}, stream),
		watermark:   prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "tokentrail_collect_watermark_timestamp_seconds", Help: "The checkpoint's watermark: events before it have landed."}, stream),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "tokentrail_collect_last_success_timestamp_seconds", Help: "When the stream's last poll succeeded."}, stream),
	}
	m.registry.MustRegister(m.records, m.inserted, m.duplicates, m.rejects, m.polls, m.requests, m.retries,
		m.rateLimited, m.lag, m.watermark, m.lastSuccess,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// serve answers /metrics on addr until ctx ends. It returns the bound
// address (useful with port 0) once listening.
func (m *metrics) serve(ctx context.Context, addr string) (net.Addr, <-chan error, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("metrics: listen on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() {
		err := srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		done <- err
	}()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	return ln.Addr(), done, nil
}
