package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/chhttp"
	"github.com/tokentrail/tokentrail/pkg/ingest"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// benchState records what a benchmark table holds, so a later run reuses it
// only when it would load the same rows into the same schema.
type benchState struct {
	Events      int      `json:"events"`
	HistoryDays int      `json:"historyDays"`
	Inserted    int      `json:"inserted"`
	Approved    []string `json:"approved"`
	Schema      string   `json:"schema"`
}

func benchStatePath(db, table string) string {
	return filepath.Join(".build", "bench", db+"."+table+".json")
}

func readBenchState(db, table string) (benchState, bool) {
	var st benchState
	b, err := os.ReadFile(benchStatePath(db, table))
	return st, err == nil && json.Unmarshal(b, &st) == nil
}

func writeBenchState(db, table string, st benchState) error {
	if err := os.MkdirAll(filepath.Dir(benchStatePath(db, table)), 0o755); err != nil {
		return err
	}
	b, _ := json.Marshal(st)
	return os.WriteFile(benchStatePath(db, table), b, 0o644)
}

// benchData loads the realistic sample organisation (seed 11): events in
// the 30 days the queries read, and historyDays of history before them for
// the risk baselines. The table is reused while it holds the same load in
// the same schema. It returns the approved apps (the organisation's own
// automation, as its administrators would list them) and the state.
func benchData(ctx context.Context, cl *chhttp.Client, db string, events, historyDays int, out io.Writer) (benchState, error) {
	v, err := applySchema(ctx, cl, db, demoTable, false, io.Discard)
	if err != nil {
		return benchState{}, err
	}
	fingerprint := schema.Fingerprint(v)
	if st, ok := readBenchState(db, demoTable); ok && st.Events == events && st.HistoryDays == historyDays && st.Schema == fingerprint {
		if n, err := countOf(ctx, cl, "SELECT count() FROM "+db+"."+demoTable); err == nil && n == st.Inserted {
			fmt.Fprintf(out, "  reusing the loaded table %s.%s (%d rows)\n", db, demoTable, n)
			return st, nil
		}
	}
	if err := recreateTable(ctx, cl, db, demoTable); err != nil {
		return benchState{}, err
	}
	w, err := ingest.NewWriter(ctx, cl, db, demoTable)
	if err != nil {
		return benchState{}, err
	}
	g := genFlags{seed: 11, events: events, days: 30, historyDays: historyDays, end: benchEnd.Format(time.RFC3339)}
	t := time.Now()
	truth, inserted, err := loadNormalized(ctx, g, w, out)
	if err != nil {
		return benchState{}, err
	}
	fmt.Fprintf(out, "  loaded %d normalized rows in %s (%.0f rows/s)\n", inserted, time.Since(t).Round(100*time.Millisecond), float64(inserted)/time.Since(t).Seconds())
	st := benchState{Events: events, HistoryDays: historyDays, Inserted: inserted, Approved: truth.ApprovedApps, Schema: fingerprint}
	return st, writeBenchState(db, demoTable, st)
}

// widenTable copies the loaded table n times inside ClickHouse into
// saas_audit_events_xN: copy k keeps the times and the apps and gives every
// other id (event, actor, token, session) the suffix ~k, so the copies are
// n times the people using the same third-party apps and automation over
// the same days, each with the base organisation's behaviour (the approved
// apps stay approved). One INSERT … SELECT per copy, with a progress line
// each; the materialized view fills the copy's rollup as it goes. A table
// of the right size and schema is reused.
func widenTable(ctx context.Context, cl *chhttp.Client, db string, base benchState, n int, out io.Writer) (string, error) {
	table := fmt.Sprintf("%s_x%d", demoTable, n)
	want := benchState{Events: base.Events * n, HistoryDays: base.HistoryDays, Inserted: base.Inserted * n, Approved: base.Approved, Schema: base.Schema}
	if st, ok := readBenchState(db, table); ok && st.Inserted == want.Inserted && st.Schema == want.Schema {
		if have, err := countOf(ctx, cl, "SELECT count() FROM "+db+"."+table); err == nil && have == want.Inserted {
			fmt.Fprintf(out, "  reusing %s.%s (%d rows)\n", db, table, have)
			return table, nil
		}
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
		fmt.Fprintf(out, "  widen: copy %d of %d in (%d rows, %s)\n", k+1, n, base.Inserted*(k+1), time.Since(start).Round(time.Second))
	}
	fmt.Fprintf(out, "  widened to %d rows in %s (%.0f rows/s, on %d cores)\n", want.Inserted, time.Since(start).Round(time.Second),
		float64(want.Inserted)/time.Since(start).Seconds(), runtime.NumCPU())
	return table, writeBenchState(db, table, want)
}
