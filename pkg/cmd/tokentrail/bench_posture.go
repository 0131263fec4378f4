package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/tokentrail/tokentrail/pkg/chsql"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/pluginhost"
	"github.com/tokentrail/tokentrail/pkg/schema"
	"github.com/tokentrail/tokentrail/pkg/store"
)

// postureBench is what the posture timings need from the main benchmark:
// the same store, plugin process and table.
type postureBench struct {
	store     *store.Store
	host      *pluginhost.Host
	pc        backend.PluginContext
	db, table string
	variant   schema.Variant
	to        time.Time
	runs      int
}

// postureRange is the panel range of the posture timings: the last week of
// the data, as the posture dashboard shows it. The inventory reads 23 days
// more (baselineDays), so its window is the whole 30 days; coverage reads
// back to minRetentionDays (90, the default) plus a day.
const postureRange = 7 * 24 * time.Hour

// postureCase is one posture query with the window it reads and the columns
// any query reducing them must read.
type postureCase struct {
	name    string
	query   string
	window  time.Duration
	columns []string
}

var postureCases = []postureCase{
	{"inventory apps (with last episodes)", `{"queryType":"inventory","kind":"apps","baselineDays":23,"limit":1000}`, 30 * 24 * time.Hour,
		[]string{"tenant", "source", "app_id", "app_name", "actor_id", "category", "scopes"}},
	{"inventory grants", `{"queryType":"inventory","kind":"grants","baselineDays":23,"limit":1000}`, 30 * 24 * time.Hour,
		[]string{"tenant", "source", "app_id", "app_name", "actor_id", "actor_name", "category", "action", "scopes"}},
	{"inventory tokens", `{"queryType":"inventory","kind":"tokens","baselineDays":23,"limit":1000}`, 30 * 24 * time.Hour,
		[]string{"tenant", "source", "token_id", "auth_method", "actor_id", "actor_name", "app_id", "app_name", "category", "src_ip", "scopes"}},
	{"coverage", `{"queryType":"coverage"}`, time.Duration(models.DefaultMinRetentionDays+1) * 24 * time.Hour,
		[]string{"source", "tenant", "ingest_time", "token_id", "app_id", "src_ip", "session_id", "category", "auth_method"}},
}

// benchPosture times each posture query end to end through the plugin
// binary against ClickHouse's count() of the window it reads, and against a
// count() that also reads the columns the query reduces.
func benchPosture(ctx context.Context, b postureBench, out io.Writer) error {
	from := b.to.Add(-postureRange)
	fmt.Fprintf(out, "\nposture queries (panel range: the last 7 days; median of %d runs; end to end through the plugin binary)\n", b.runs)
	fmt.Fprintf(out, "  %-38s %8s %10s %10s %12s %12s %16s\n", "query", "window", "rows", "count()", "count() cols", "end to end", "ratio (cols)")
	worst := 0.0
	for _, c := range postureCases {
		windowFrom := b.to.Add(-c.window)
		countSQL, err := chsql.RangeCountSQL(b.db, b.table, b.variant, windowFrom, b.to)
		if err != nil {
			return err
		}
		colsSQL, err := chsql.RangeCountSQL(b.db, b.table, b.variant, windowFrom, b.to, c.columns...)
		if err != nil {
			return err
		}
		var rows, scanned uint64
		if err := b.store.QueryRowForBench(ctx, countSQL, &rows); err != nil {
			return err
		}
		count := timeRuns(b.runs, func() error { return b.store.QueryRowForBench(ctx, countSQL, &rows) })
		cols := timeRuns(b.runs, func() error { return b.store.QueryRowForBench(ctx, colsSQL, &scanned) })
		req := &backend.QueryDataRequest{PluginContext: b.pc, Queries: []backend.DataQuery{
			{RefID: "A", JSON: json.RawMessage(c.query), TimeRange: backend.TimeRange{From: from, To: b.to}},
		}}
		shown := 0
		e2e := timeRuns(b.runs+1, func() error {
			resp, err := b.host.QueryData(ctx, req)
			if err == nil && resp.Responses["A"].Error != nil {
				err = resp.Responses["A"].Error
			}
			if err == nil && len(resp.Responses["A"].Frames) == 1 {
				shown = resp.Responses["A"].Frames[0].Rows()
			}
			return err
		})
		for _, t := range []timing{count, cols, e2e} {
			if t.err != nil {
				return fmt.Errorf("%s: %w", c.name, t.err)
			}
		}
		ratio := e2e.median.Seconds() / count.median.Seconds()
		worst = max(worst, ratio)
		fmt.Fprintf(out, "  %-38s %7.0fd %10d %10s %12s %12s %7.1fx (%4.1fx)   %d rows shown\n", c.name, c.window.Hours()/24, rows,
			ms(count.median), ms(cols.median), ms(e2e.median), ratio, e2e.median.Seconds()/cols.median.Seconds(), shown)
	}
	fmt.Fprintf(out, "  worst ratio end to end / count() of the window: %.1fx (target <= 2x: %s)\n", worst, verdict(worst <= 2))
	if rss := processPeakRSS(b.host.Pid()); rss > 0 {
		fmt.Fprintf(out, "  plugin process peak RSS after the posture queries (VmHWM): %.1f MB\n", float64(rss)/(1<<20))
	}
	return nil
}
