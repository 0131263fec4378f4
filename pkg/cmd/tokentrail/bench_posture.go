package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/tokentrail/tokentrail/pkg/chhttp"
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

// widenTable copies the loaded table n times inside ClickHouse into
// saas_audit_events_xN: copy k keeps the times and the apps and gives every
// other id (event, actor, token, session) the suffix ~k, so the copies are
// n times the people using the same third-party apps and automation over
// the same 30 days (the approved apps stay approved). One INSERT … SELECT
// per copy, with a progress line each; an existing table of the right size
// is reused.
func widenTable(ctx context.Context, cl *chhttp.Client, db string, n int, out io.Writer) (string, error) {
	table := fmt.Sprintf("%s_x%d", demoTable, n)
	count := func(t string) (int, error) {
		rc, err := cl.Query(ctx, "SELECT count() FROM "+db+"."+t+" FORMAT TSV")
		if err != nil {
			return 0, err
		}
		defer rc.Close()
		var c int
		_, err = fmt.Fscan(rc, &c)
		return c, err
	}
	base, err := count(demoTable)
	if err != nil {
		return "", err
	}
	if have, err := count(table); err == nil && have == base*n {
		fmt.Fprintf(out, "  reusing %s.%s (%d rows)\n", db, table, have)
		return table, nil
	}
	if err := recreateTable(ctx, cl, db, table); err != nil {
		return "", err
	}
	cols := schema.RequiredColumns()
	distinct := map[string]bool{"event_id": true, "actor_id": true, "actor_name": true, "token_id": true, "session_id": true}
	start := time.Now()
	for k := range n {
		exprs := make([]string, len(cols))
		for i, c := range cols {
			exprs[i] = c
			if distinct[c] && k > 0 {
				exprs[i] = fmt.Sprintf("if(%s = '', %s, concat(%s, '~%d'))", c, c, c, k)
			}
		}
		sql := fmt.Sprintf("INSERT INTO %s.%s (%s) SELECT %s FROM %s.%s", db, table, strings.Join(cols, ", "), strings.Join(exprs, ", "), db, demoTable)
		if err := cl.Exec(ctx, sql, nil); err != nil {
			return "", fmt.Errorf("widen copy %d: %w", k, err)
		}
		fmt.Fprintf(out, "  widen: copy %d of %d in (%d rows, %s)\n", k+1, n, base*(k+1), time.Since(start).Round(time.Second))
	}
	fmt.Fprintf(out, "  widened to %d rows in %s (%.0f rows/s, on %d cores)\n", base*n, time.Since(start).Round(time.Second),
		float64(base*n)/time.Since(start).Seconds(), runtime.NumCPU())
	return table, nil
}
