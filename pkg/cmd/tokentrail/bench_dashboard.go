package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/tokentrail/tokentrail/pkg/pluginhost"
)

// socDashboard is what the provisioned SOC dashboard
// (provisioning/dashboards/tokentrail/tokentrail.json) asks on a refresh,
// with its variables at their defaults: the high-severity count by tenant,
// the episodes by severity over time, the triage table and the episode
// annotations. Grafana sends them together over the same range; the
// plugin ranks once for all four (they share their detection inputs).
var socDashboard = []string{
	`{"queryType":"sequenceCounts","format":"numeric","groupBy":["tenant"],"minSeverity":"high"}`,
	`{"queryType":"sequenceCounts","format":"timeseries","groupBy":["severity"]}`,
	`{"queryType":"sequences","maxSpan":"1h","correlateBy":["actor_id","app_id"],"minSensitivity":1,"includeApproved":false,"minSeverity":"medium",` +
		`"filters":[{"field":"actor_id","op":"like","values":["%"]},{"field":"app_id","op":"like","values":["%"]}]}`,
	`{"queryType":"sequences","format":"annotations","preset":"an0020"}`,
}

// dashboardRefresh times the SOC dashboard's refresh end to end, in one
// request as its panels arrive together, and records the plugin's peak RSS
// and live heap after it.
func dashboardRefresh(ctx context.Context, host *pluginhost.Host, pc backend.PluginContext, runs int, r *sizeResult, from, to time.Time, out io.Writer, trace *gcTrace) error {
	req := &backend.QueryDataRequest{PluginContext: pc}
	for i, q := range socDashboard {
		req.Queries = append(req.Queries, backend.DataQuery{RefID: fmt.Sprintf("P%d", i), JSON: json.RawMessage(q),
			TimeRange: backend.TimeRange{From: from, To: to}, Interval: time.Hour, MaxDataPoints: 720})
	}
	trace.reset()
	t := timeRuns(runs, func() error {
		resp, err := host.QueryData(ctx, req)
		if err != nil {
			return err
		}
		for _, q := range req.Queries {
			if e := resp.Responses[q.RefID].Error; e != nil {
				return fmt.Errorf("%s: %w", q.JSON, e)
			}
		}
		return nil
	})
	if t.err != nil {
		return fmt.Errorf("dashboard refresh: %w", t.err)
	}
	r.dashboard = t.median
	r.dashboardHeap, _ = trace.peak()
	r.dashboardRSS = processPeakRSS(host.Pid())
	fmt.Fprintf(out, "  %-28s %9s  (%d ranking queries in one request; plugin live heap peak %d MiB, peak RSS %.1f MB)\n",
		"SOC dashboard refresh", ms(t.median), len(socDashboard), r.dashboardHeap>>20, mb(r.dashboardRSS))
	return nil
}
