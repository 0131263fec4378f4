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
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

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
	res, err := runDemoQueries(ctx, host, pc, from, to, stdout, *show)
	if err != nil {
		return err
	}

	step("Measuring the ranking against the planted ground truth")
	q := reportRanking(stdout, truth, res.found)

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
	fmt.Fprintf(stdout, "\ndemo finished in %s: %d events, %d episodes (%d attacks), top-K precision %.3f, %d high+critical alerts holding %.0f%% of the attacks\n",
		time.Since(start).Round(time.Second), truth.Events, q.Episodes, q.AttackEpisodes, q.TopKPrecision, q.Alerts, 100*q.AttackRecall)
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
		n, _ := countOf(ctx, cl, "SELECT count() FROM "+demoDatabase+"."+demoTable)
		if f, err := os.Open(truthPath); err == nil && n == st.Inserted {
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

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
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
