package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/tokentrail/tokentrail/pkg/chhttp"
	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/ingest"
	"github.com/tokentrail/tokentrail/pkg/pluginhost"
	"github.com/tokentrail/tokentrail/pkg/sampleorg"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

const (
	demoDatabase = "tokentrail_demo"
	demoTable    = "saas_audit_events"
)

// demoState records what the last demo loaded, so a second run reuses it.
type demoState struct {
	Seed        int64     `json:"seed"`
	Events      int       `json:"events"`
	HistoryDays int       `json:"historyDays"`
	Realism     string    `json:"realism"`
	End         time.Time `json:"end"`
	Inserted    int       `json:"inserted"`
	Schema      string    `json:"schema"`
}

// runDemo is the whole job on one machine: a local ClickHouse, the sample
// organisation rendered as vendor audit logs and loaded through the
// normalizers, the built plugin launched as Grafana launches it, and the
// detections scored against the planted truth.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	binary := fs.String("plugin", "", "the built plugin binary (dist/gpx_tokentrail_linux_amd64)")
	var g genFlags
	g.register(fs, 300_000)
	show := fs.Int("show", 25, "incidents to print")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *binary == "" {
		return errors.New("--plugin is required: build it with `go tool mage plugin`")
	}
	start := time.Now()
	step := stepper(stdout)

	step("Starting the local ClickHouse")
	server, cl, err := startLocal(ctx, stdout)
	if err != nil {
		return err
	}

	step("Applying the schema")
	variant, err := applySchema(ctx, cl, demoDatabase, demoTable, false, stdout)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "  %s.%s: %s\n", demoDatabase, demoTable, variant)

	step("Generating the sample organisation and ingesting it through the vendor normalizers")
	dir := filepath.Join(filepath.Dir(server.Dir), "demo")
	truth, err := demoData(ctx, cl, g, schema.Fingerprint(variant), dir, stdout)
	if err != nil {
		return err
	}
	// The data ends at the generation hour; the panel asks for the 30 days
	// before now, as a dashboard set to "Last 30 days" would.
	to := time.Now().UTC()
	from := to.Add(-30 * 24 * time.Hour)

	step("Launching the plugin as Grafana does (go-plugin, gRPC, SDK handshake)")
	host, err := pluginhost.Launch(*binary, io.Discard)
	if err != nil {
		return err
	}
	defer host.Close()
	settings := pluginhost.Settings{UID: "tokentrail-demo", Name: "TokenTrail demo", JSONData: map[string]any{
		"host": "127.0.0.1", "port": server.TCPPort, "protocol": "native",
		"username": chlocal.ReaderUser, "database": demoDatabase, "table": demoTable,
		"approvedApps": truth.ApprovedApps,
	}, Secure: map[string]string{"password": chlocal.ReaderPassword}}
	pc, err := settings.PluginContext()
	if err != nil {
		return err
	}
	health, err := host.CheckHealth(ctx, pc)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "  CheckHealth: %s — %s\n", health.Status, health.Message)
	if health.Status != backend.HealthStatusOk {
		return errors.New("the health check failed")
	}

	step("Running the sequences and sequenceCounts queries for the last 30 days")
	queries := []backend.DataQuery{
		demoQuery("sequences", `{"queryType":"sequences"}`, from, to),
		demoQuery("counts", `{"queryType":"sequenceCounts","format":"numeric"}`, from, to),
		demoQuery("series", `{"queryType":"sequenceCounts","format":"timeseries","groupBy":["source"]}`, from, to),
	}
	t := time.Now()
	resp, err := host.QueryData(ctx, &backend.QueryDataRequest{PluginContext: pc, Queries: queries})
	if err != nil {
		return err
	}
	elapsed := time.Since(t)
	for _, ref := range []string{"sequences", "counts", "series"} {
		if r := resp.Responses[ref]; r.Error != nil {
			return fmt.Errorf("query %s failed: %w", ref, r.Error)
		}
	}
	seq := resp.Responses["sequences"].Frames[0]
	found := printIncidents(stdout, seq, *show)
	counts := resp.Responses["counts"].Frames[0]
	series := resp.Responses["series"].Frames
	fmt.Fprintf(stdout, "\n  sequenceCounts (numeric-long, for alert rules): %d label sets (actor_id, app_id) with at least one episode\n", counts.Rows())
	fmt.Fprintf(stdout, "  sequenceCounts (timeseries-multi by source): %d series\n", len(series))
	for _, f := range series {
		if len(f.Fields) == 2 {
			fmt.Fprintf(stdout, "    %-18s %3.0f episodes\n", f.Fields[1].Labels["source"], sumFloat(f.Fields[1]))
		}
	}
	fmt.Fprintf(stdout, "  the three queries took %s through the plugin\n", elapsed.Round(time.Millisecond))

	step("Scoring against the planted ground truth")
	sc := sampleorg.Score(truth, found)
	fmt.Fprintf(stdout, "  planted chains: %d   look-alikes that must not alert: %d\n", len(truth.Chains), len(truth.LookAlikes))
	fmt.Fprintf(stdout, "  episodes: %d   true positives: %d   false positives: %d   missed chains: %d\n", len(found), sc.TP, sc.FP, sc.FN)
	fmt.Fprintf(stdout, "  precision: %.3f   recall: %.3f\n", sc.Precision, sc.Recall)
	for _, m := range sc.Missed {
		fmt.Fprintf(stdout, "  MISSED %s %s actor=%s app=%s at %s\n", m.ID, m.Shape, m.ActorID, m.AppID, m.FirstSensitive.Format(time.RFC3339))
	}
	for _, u := range sc.Unexpected {
		fmt.Fprintf(stdout, "  UNEXPECTED actor=%s app=%s at %s\n", u.ActorID, u.AppID, u.First.Format(time.RFC3339))
	}

	prov, err := writeDemoProvisioning(dir, server.TCPPort, truth.ApprovedApps)
	if err != nil {
		return err
	}

	step("Next: load it into a real Grafana")
	abs, _ := filepath.Abs(filepath.Dir(*binary))
	fmt.Fprintf(stdout, `  1. Copy %s to Grafana's plugin folder as tokentrail-clickhouse-datasource
     (or point [paths] plugins at its parent) and allow the unsigned plugin:
     [plugins] allow_loading_unsigned_plugins = tokentrail-clickhouse-datasource
  2. Copy %s to Grafana's provisioning/datasources/
     (this local ClickHouse, database %s, with the sample organisation's approved apps),
     and provisioning/dashboards/ and provisioning/alerting/ for the SOC dashboard and alert rule.
  3. Restart Grafana, open the TokenTrail dashboard (or Explore: a new query shows sequences).
`, abs, prov, demoDatabase)
	fmt.Fprintf(stdout, "\ndemo finished in %s: %d events, %d episodes, precision %.3f, recall %.3f\n",
		time.Since(start).Round(time.Second), truth.Events, len(found), sc.Precision, sc.Recall)
	return nil
}

func stepper(w io.Writer) func(string) {
	n := 0
	return func(s string) {
		n++
		fmt.Fprintf(w, "\n[%d] %s\n", n, s)
	}
}

func demoQuery(ref, js string, from, to time.Time) backend.DataQuery {
	return backend.DataQuery{RefID: ref, JSON: json.RawMessage(js), Interval: 6 * time.Hour, MaxDataPoints: 120,
		TimeRange: backend.TimeRange{From: from, To: to}}
}

// demoData reuses the loaded organisation when it matches the flags and is
// recent enough for a "last 30 days" panel; otherwise it regenerates it.
func demoData(ctx context.Context, cl *chhttp.Client, g genFlags, fingerprint, dir string, out io.Writer) (sampleorg.Truth, error) {
	statePath, truthPath := filepath.Join(dir, "state.json"), filepath.Join(dir, "truth.json")
	var st demoState
	if b, err := os.ReadFile(statePath); err == nil && json.Unmarshal(b, &st) == nil &&
		st.Seed == g.seed && st.Events == g.events && st.HistoryDays == g.historyDays && st.Realism == g.realism &&
		st.Schema == fingerprint && time.Since(st.End) < 24*time.Hour {
		var n uint64
		if rc, err := cl.Query(ctx, "SELECT count() FROM "+demoDatabase+"."+demoTable+" FORMAT TSV"); err == nil {
			fmt.Fscan(rc, &n)
			rc.Close()
		}
		if f, err := os.Open(truthPath); err == nil && int(n) == st.Inserted {
			defer f.Close()
			fmt.Fprintf(out, "  reusing the organisation loaded at %s (%d events); delete %s to regenerate\n", st.End.Format(time.RFC3339), n, dir)
			return sampleorg.ReadTruth(f)
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return sampleorg.Truth{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return sampleorg.Truth{}, err
	}
	if err := recreateTable(ctx, cl, demoDatabase, demoTable); err != nil {
		return sampleorg.Truth{}, err
	}
	g.days = 29 // inside "last 30 days" for the whole day the data is reused
	truth, err := writeVendorFiles(g, dir, out)
	if err != nil {
		return truth, err
	}
	f, err := os.Create(truthPath)
	if err != nil {
		return truth, err
	}
	if err := sampleorg.WriteTruth(f, truth); err != nil {
		f.Close()
		return truth, err
	}
	f.Close()
	w, err := ingest.NewWriter(ctx, cl, demoDatabase, demoTable)
	if err != nil {
		return truth, err
	}
	total := 0
	for _, src := range event.Sources {
		file, err := os.Open(filepath.Join(dir, src+".ndjson"))
		if err != nil {
			return truth, err
		}
		stats, err := ingest.Run(ctx, file, w, ingest.Options{Source: src, BatchSize: 20_000, Progress: out})
		file.Close()
		if err != nil {
			return truth, fmt.Errorf("ingest %s: %w", src, err)
		}
		fmt.Fprintf(out, "  %-17s %s\n", src, stats)
		for _, r := range stats.Rejects {
			fmt.Fprintf(out, "    rejected %s\n", r)
		}
		total += stats.Inserted
	}
	cfg, _ := g.config(sampleorg.Vendor)
	b, _ := json.Marshal(demoState{Seed: g.seed, Events: g.events, HistoryDays: g.historyDays, Realism: g.realism, End: cfg.End, Inserted: total, Schema: fingerprint})
	return truth, os.WriteFile(statePath, b, 0o644)
}

// printIncidents prints the sequences frame as a table, most severe first,
// and returns every episode for scoring.
func printIncidents(w io.Writer, f *data.Frame, show int) []sampleorg.Found {
	col := func(name string) *data.Field {
		fld, _ := f.FieldByName(name)
		return fld
	}
	type row struct {
		first            time.Time
		sev, actor, app  string
		access, actions  string
		score, sensitive int64
		found            sampleorg.Found
	}
	rows := make([]row, f.Rows())
	for i := range rows {
		r := row{
			first: col("first_sensitive_time").At(i).(time.Time), sev: col("severity").At(i).(string),
			actor: col("actor_id").At(i).(string), app: col("app_id").At(i).(string),
			access: col("access_action").At(i).(string), actions: col("actions").At(i).(string),
			score: col("score").At(i).(int64), sensitive: col("sensitive_count").At(i).(int64),
		}
		r.found = sampleorg.Found{ActorID: r.actor, AppID: r.app, First: r.first, Last: col("last_sensitive_time").At(i).(time.Time)}
		rows[i] = r
	}
	found := make([]sampleorg.Found, len(rows))
	for i, r := range rows {
		found[i] = r.found
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].score > rows[j].score })
	fmt.Fprintf(w, "  %d incident episodes (AN0020 / DET0008 / T1021.007); the %d most severe:\n\n", len(rows), min(show, len(rows)))
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  SEVERITY\tSCORE\tFIRST SENSITIVE (UTC)\tACTOR\tAPP\tACCESS\tN\tSENSITIVE ACTIONS")
	for _, r := range rows[:min(show, len(rows))] {
		fmt.Fprintf(tw, "  %s\t%d\t%s\t%s\t%s\t%s\t%d\t%s\n", strings.ToUpper(r.sev), r.score, r.first.Format("2006-01-02 15:04"),
			clip(r.actor, 28), clip(r.app, 26), clip(r.access, 30), r.sensitive, clip(r.actions, 60))
	}
	tw.Flush()
	return found
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}

func sumFloat(f *data.Field) float64 {
	total := 0.0
	for i := 0; i < f.Len(); i++ {
		if v, ok := f.ConcreteAt(i); ok {
			if x, ok := v.(float64); ok {
				total += x
			}
		}
	}
	return total
}

// writeDemoProvisioning writes a datasource provisioning file for the demo's
// ClickHouse with the generated organisation's approved apps filled in.
func writeDemoProvisioning(dir string, port int, approved []string) (string, error) {
	path := filepath.Join(dir, "provisioning", "datasources", "tokentrail.yaml")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	var apps strings.Builder
	for _, a := range approved {
		fmt.Fprintf(&apps, "        - %q\n", a)
	}
	if apps.Len() == 0 {
		apps.WriteString("        []\n")
	}
	body := fmt.Sprintf(`# Written by the TokenTrail demo for its local ClickHouse.
apiVersion: 1
datasources:
  - name: TokenTrail
    uid: tokentrail
    type: tokentrail-clickhouse-datasource
    access: proxy
    jsonData:
      host: 127.0.0.1
      port: %d
      protocol: native
      username: %s
      database: %s
      table: %s
      approvedApps:
%s    secureJsonData:
      password: %s
`, port, chlocal.ReaderUser, demoDatabase, demoTable, apps.String(), chlocal.ReaderPassword)
	return path, os.WriteFile(path, []byte(body), 0o644)
}
