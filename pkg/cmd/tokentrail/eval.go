package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/tokentrail/tokentrail/pkg/chhttp"
	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/ingest"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/sampleorg"
	"github.com/tokentrail/tokentrail/pkg/schema"
	"github.com/tokentrail/tokentrail/pkg/store"
)

const evalDatabase = "tokentrail_eval"

// evalEnd fixes the evaluation worlds in time, so their tables are reused
// across runs of the command.
var evalEnd = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// runEval measures the ranking on the realistic sample organisation over
// several seeds: each seed's world is loaded once (and reused while it is
// unchanged), the sequences query runs with its baselines and scores, and
// the episodes are matched with the planted truth.
func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seedList := fs.String("seeds", "1,2,3", "comma-separated seeds, one organisation each")
	events := fs.Int("events", 300_000, "events per organisation in the evaluated month")
	worst := fs.Int("worst", 5, "attacks ranked worst to print per seed")
	profilePath := fs.String("profile", "", "a scoring profile override (YAML) to evaluate instead of the default")
	dump := fs.String("dump", "", "write every scored episode with its label as JSON lines to this file")
	realism := fs.String("realism", "default", "the organisation's behaviour rates: default, or variant (a shifted world to test that the score generalises)")
	historyDays := fs.Int("history-days", 30, "days of history before the evaluated month")
	if err := fs.Parse(args); err != nil {
		return err
	}
	seeds, err := parseSeeds(*seedList)
	if err != nil {
		return err
	}
	var profile string
	if *profilePath != "" {
		b, err := os.ReadFile(*profilePath)
		if err != nil {
			return err
		}
		profile = string(b)
	}
	server, cl, err := startLocal(ctx, stdout)
	if err != nil {
		return err
	}
	var dumpW io.Writer = io.Discard
	if *dump != "" {
		f, err := os.Create(*dump)
		if err != nil {
			return err
		}
		defer f.Close()
		dumpW = f
	}
	var all []sampleorg.RankQuality
	for _, seed := range seeds {
		fmt.Fprintf(stdout, "\n== seed %d: %d events in the month, %s realism ==\n", seed, *events, *realism)
		g := genFlags{seed: seed, events: *events, days: 30, historyDays: *historyDays, realism: *realism, end: evalEnd.Format(time.RFC3339)}
		q, err := evalSeed(ctx, server, cl, g, *worst, profile, dumpW, stdout)
		if err != nil {
			return fmt.Errorf("seed %d: %w", seed, err)
		}
		all = append(all, q)
	}
	printEvalSummary(stdout, seeds, all)
	return nil
}

func parseSeeds(s string) ([]int64, error) {
	var out []int64
	for _, p := range strings.Split(s, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("--seeds %q: %q is not a whole number; give a list such as 1,2,3", s, p)
		}
		out = append(out, n)
	}
	return out, nil
}

func evalSeed(ctx context.Context, server *chlocal.Server, cl *chhttp.Client, g genFlags, worst int, profile string, dump, out io.Writer) (sampleorg.RankQuality, error) {
	seed := g.seed
	table := fmt.Sprintf("seed_%d_%d_%s_h%d", g.seed, g.events, g.realism, g.historyDays)
	truth, err := evalData(ctx, cl, table, g, out)
	if err != nil {
		return sampleorg.RankQuality{}, err
	}
	settings, err := models.LoadPluginSettings(backend.DataSourceInstanceSettings{
		JSONData: mustJSON(map[string]any{"host": "127.0.0.1", "port": server.TCPPort, "username": chlocal.ReaderUser,
			"database": evalDatabase, "table": table, "approvedApps": truth.ApprovedApps, "scoringProfile": profile,
			"queryTimeoutSeconds": 600}),
		DecryptedSecureJSONData: map[string]string{"password": chlocal.ReaderPassword},
	})
	if err != nil {
		return sampleorg.RankQuality{}, err
	}
	st, err := store.Open(settings)
	if err != nil {
		return sampleorg.RankQuality{}, err
	}
	defer st.Close()
	q, err := models.ParseQuery(nil, models.QuerySequences, truth.RangeStart, truth.End)
	if err != nil {
		return sampleorg.RankQuality{}, err
	}
	t := time.Now()
	ranked, err := st.Rank(ctx, q, store.RankOptions{})
	if err != nil {
		return sampleorg.RankQuality{}, err
	}
	took := time.Since(t)
	found := make([]sampleorg.RankedFound, len(ranked.Episodes))
	for i, ep := range ranked.Episodes {
		found[i] = sampleorg.RankedFound{
			Found: sampleorg.Found{ActorID: ep.ActorID, AppID: ep.AppID, First: ep.FirstSensitive, Last: ep.LastSensitive},
			ID:    ep.ID, Score: ep.Score, Severity: ep.Severity, Reasons: ep.Reasons,
		}
	}
	rq := sampleorg.Rank(truth, found, worst)
	if err := dumpEpisodes(dump, seed, truth, found, ranked); err != nil {
		return rq, err
	}
	fmt.Fprintf(out, "  scored %d episodes in %s\n", rq.Episodes, took.Round(time.Millisecond))
	printQuality(out, rq)
	return rq, nil
}

// evalData loads one seed's organisation unless its table already holds it.
func evalData(ctx context.Context, cl *chhttp.Client, table string, g genFlags, out io.Writer) (sampleorg.Truth, error) {
	v, err := applySchema(ctx, cl, evalDatabase, table, false, io.Discard)
	if err != nil {
		return sampleorg.Truth{}, err
	}
	dir := filepath.Join(".build", "eval")
	statePath := filepath.Join(dir, table+".json")
	var st struct {
		Inserted int             `json:"inserted"`
		Schema   string          `json:"schema"`
		Digest   string          `json:"digest"`
		Truth    sampleorg.Truth `json:"truth"`
	}
	// A dry run of the generator (seconds, against the half minute a load
	// takes) tells whether the loaded table still holds what this build
	// would generate.
	digest, err := orgDigest(g)
	if err != nil {
		return sampleorg.Truth{}, err
	}
	if b, err := os.ReadFile(statePath); err == nil && json.Unmarshal(b, &st) == nil && st.Schema == schema.Fingerprint(v) && st.Digest == digest {
		if n, err := countOf(ctx, cl, "SELECT count() FROM "+evalDatabase+"."+table); err == nil && n == st.Inserted {
			fmt.Fprintf(out, "  reusing %s.%s (%d rows)\n", evalDatabase, table, n)
			return st.Truth, nil
		}
	}
	if err := recreateTable(ctx, cl, evalDatabase, table); err != nil {
		return sampleorg.Truth{}, err
	}
	w, err := ingest.NewWriter(ctx, cl, evalDatabase, table)
	if err != nil {
		return sampleorg.Truth{}, err
	}
	t := time.Now()
	truth, inserted, err := loadNormalized(ctx, g, w, out)
	if err != nil {
		return sampleorg.Truth{}, err
	}
	fmt.Fprintf(out, "  loaded %d rows in %s\n", inserted, time.Since(t).Round(100*time.Millisecond))
	st.Inserted, st.Schema, st.Digest, st.Truth = inserted, schema.Fingerprint(v), digest, truth
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return truth, err
	}
	b, _ := json.Marshal(st)
	return truth, os.WriteFile(statePath, b, 0o644)
}

func dumpEpisodes(w io.Writer, seed int64, truth sampleorg.Truth, found []sampleorg.RankedFound, ranked *store.Ranked) error {
	enc := json.NewEncoder(w)
	for i, f := range found {
		ep := ranked.Episodes[i]
		shape := ""
		for _, c := range truth.Chains {
			if c.ActorID == f.ActorID && c.AppID == f.AppID && sampleorg.Overlaps(f.Found, c) {
				shape = c.Shape
				break
			}
		}
		if err := enc.Encode(map[string]any{"seed": seed, "id": f.ID, "score": f.Score, "severity": f.Severity, "attack": shape != "",
			"shape": shape, "fired": ep.Fired, "impact": ep.Impact, "deviation": ep.Deviation, "actor": ep.ActorName, "app": ep.AppName,
			"source": ep.Source, "reasons": ep.Reasons}); err != nil {
			return err
		}
	}
	return nil
}

func printQuality(w io.Writer, q sampleorg.RankQuality) {
	fmt.Fprintf(w, "  episodes %d, attack episodes %d (chains found %d of %d)\n", q.Episodes, q.AttackEpisodes, q.ChainsFound, q.Chains)
	fmt.Fprintf(w, "  top-K precision (K=%d): %.3f\n", q.AttackEpisodes, q.TopKPrecision)
	fmt.Fprintf(w, "  high+critical: %d alerts (%.1f%% of episodes), precision %.3f, attack-episode recall %.3f, chain recall %.3f\n",
		q.Alerts, 100*q.AlertShare, q.AlertPrecision, q.AttackRecall, q.ChainRecall)
	for _, a := range q.Worst {
		fmt.Fprintf(w, "  worst: rank %d, score %d %s, %s — %s\n", a.Rank, a.Score, a.Severity, a.Shape, strings.Join(a.Reasons, "; "))
	}
}

func printEvalSummary(w io.Writer, seeds []int64, all []sampleorg.RankQuality) {
	fmt.Fprintf(w, "\n== summary over %d seeds ==\n", len(all))
	fmt.Fprintf(w, "  %-6s %9s %8s %8s %8s %8s %9s %9s\n", "seed", "episodes", "attacks", "top-K", "alerts", "share", "alert-P", "recall")
	var topK, share, prec, rec float64
	for i, q := range all {
		fmt.Fprintf(w, "  %-6d %9d %8d %8.3f %8d %7.1f%% %9.3f %9.3f\n", seeds[i], q.Episodes, q.AttackEpisodes, q.TopKPrecision, q.Alerts, 100*q.AlertShare, q.AlertPrecision, q.AttackRecall)
		topK += q.TopKPrecision
		share += q.AlertShare
		prec += q.AlertPrecision
		rec += q.AttackRecall
	}
	n := float64(len(all))
	fmt.Fprintf(w, "  %-6s %9s %8s %8.3f %8s %7.1f%% %9.3f %9.3f\n", "mean", "", "", topK/n, "", 100*share/n, prec/n, rec/n)
	fmt.Fprintf(w, "  targets: top-K >= 0.80 (%s); high+critical hold >= 90%% of attack episodes (%s) within <= 5%% of episodes (%s)\n",
		verdict(topK/n >= 0.8), verdict(rec/n >= 0.9), verdict(share/n <= 0.05))
}

// orgDigest hashes every event the generator makes for g.
func orgDigest(g genFlags) (string, error) {
	cfg, err := g.config(sampleorg.Normalized)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	enc := json.NewEncoder(h)
	if _, err := sampleorg.Generate(cfg, func(r sampleorg.Record) error { return enc.Encode(r.Event) }); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
