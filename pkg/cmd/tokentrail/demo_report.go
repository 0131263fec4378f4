package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/tokentrail/tokentrail/pkg/pluginhost"
	"github.com/tokentrail/tokentrail/pkg/sampleorg"
)

// demoResult is what the demo's queries returned.
type demoResult struct {
	found []sampleorg.RankedFound
}

// runDemoQueries sends the dashboard's and the alert rule's queries to the
// plugin binary and prints the triage table, highest risk first.
func runDemoQueries(ctx context.Context, host *pluginhost.Host, pc backend.PluginContext, from, to time.Time, out io.Writer, show int) (demoResult, error) {
	queries := []backend.DataQuery{
		demoQuery("sequences", `{"queryType":"sequences"}`, from, to),
		demoQuery("alerts", `{"queryType":"sequenceCounts","format":"numeric","minSeverity":"high","groupBy":["actor_id","app_id","severity"]}`, from, to),
		demoQuery("series", `{"queryType":"sequenceCounts","format":"timeseries","groupBy":["severity"]}`, from, to),
	}
	t := time.Now()
	resp, err := host.QueryData(ctx, &backend.QueryDataRequest{PluginContext: pc, Queries: queries})
	if err != nil {
		return demoResult{}, err
	}
	elapsed := time.Since(t)
	for _, q := range queries {
		if r := resp.Responses[q.RefID]; r.Error != nil {
			return demoResult{}, fmt.Errorf("query %s failed: %w", q.RefID, r.Error)
		}
	}
	res := demoResult{found: printIncidents(out, resp.Responses["sequences"].Frames[0], show)}
	alerts := resp.Responses["alerts"].Frames[0]
	fmt.Fprintf(out, "\n  sequenceCounts as the provisioned alert rule sends it (minSeverity high, numeric-long): %d alert instances\n", alerts.Rows())
	fmt.Fprintf(out, "  sequenceCounts by severity (timeseries-multi):")
	for _, f := range resp.Responses["series"].Frames {
		if len(f.Fields) == 2 {
			fmt.Fprintf(out, "  %s %.0f", f.Fields[1].Labels["severity"], sumFloat(f.Fields[1]))
		}
	}
	fmt.Fprintf(out, "\n  the three queries took %s through the plugin\n", elapsed.Round(time.Millisecond))
	return res, nil
}

// printIncidents prints the first rows of the sequences frame (ordered by
// score) with people and apps by name, and returns every episode.
func printIncidents(w io.Writer, f *data.Frame, show int) []sampleorg.RankedFound {
	col := func(name string) *data.Field {
		fld, _ := f.FieldByName(name)
		return fld
	}
	str := func(name string, i int) string { return col(name).At(i).(string) }
	found := make([]sampleorg.RankedFound, f.Rows())
	for i := range found {
		reasons := strings.Split(str("reasons", i), "; ")
		found[i] = sampleorg.RankedFound{
			Found: sampleorg.Found{ActorID: str("actor_id", i), AppID: str("app_id", i),
				First: col("first_sensitive_time").At(i).(time.Time), Last: col("last_sensitive_time").At(i).(time.Time)},
			ID: str("episode_id", i), Score: int(col("score").At(i).(int64)), Severity: str("severity", i), Reasons: reasons,
		}
	}
	fmt.Fprintf(w, "  %d episodes (AN0020 / DET0008 / T1021.007), highest risk first; the top %d:\n\n", f.Rows(), min(show, f.Rows()))
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  SEVERITY\tSCORE\tFIRST SENSITIVE (UTC)\tSOURCE\tACTOR\tAPP\tN\tWHY (strongest deviations)")
	for i := 0; i < min(show, f.Rows()); i++ {
		fmt.Fprintf(tw, "  %s\t%d\t%s\t%s\t%s\t%s\t%d\t%s\n", strings.ToUpper(found[i].Severity), found[i].Score,
			found[i].First.Format("2006-01-02 15:04"), str("source", i), clip(named(str("actor_name", i), found[i].ActorID), 30),
			clip(named(str("app_name", i), found[i].AppID), 26), col("sensitive_count").At(i).(int64), clip(strongest(found[i].Reasons, 2), 90))
	}
	tw.Flush()
	return found
}

// named prefers a display name and falls back to the id.
func named(name, id string) string {
	if name != "" {
		return name
	}
	return id
}

// strongest returns the n reasons with the most points after the first
// (the base), shortened, for a one-line "why".
func strongest(reasons []string, n int) string {
	if len(reasons) <= 1 {
		return ""
	}
	rest := append([]string{}, reasons[1:]...)
	points := func(r string) int {
		var p int
		fmt.Sscanf(r, "%d", &p)
		return p
	}
	for i := 1; i < len(rest); i++ {
		for j := i; j > 0 && points(rest[j]) > points(rest[j-1]); j-- {
			rest[j], rest[j-1] = rest[j-1], rest[j]
		}
	}
	return strings.Join(rest[:min(n, len(rest))], "; ")
}

// reportRanking prints how well the ranking separates the planted attacks
// from the organisation's benign token traffic, and checks that no
// look-alike, which the exact rules must drop, was reported.
func reportRanking(w io.Writer, truth sampleorg.Truth, found []sampleorg.RankedFound) sampleorg.RankQuality {
	q := sampleorg.Rank(truth, found, 3)
	plain := make([]sampleorg.Found, len(found))
	for i, f := range found {
		plain[i] = f.Found
	}
	sc := sampleorg.Score(truth, plain)
	fmt.Fprintf(w, "  planted attack chains: %d, found: %d (detector recall %.3f); look-alikes reported: %d (must be 0)\n",
		len(truth.Chains), q.ChainsFound, sc.Recall, len(sc.LookAlikeHits))
	fmt.Fprintf(w, "  episodes: %d, of which attacks: %d — the rest is the organisation's benign token traffic\n", q.Episodes, q.AttackEpisodes)
	fmt.Fprintf(w, "  top-K precision (K = %d attack episodes): %.3f\n", q.AttackEpisodes, q.TopKPrecision)
	fmt.Fprintf(w, "  high+critical (what the alert rule fires on): %d episodes (%.1f%% of all), precision %.3f, holding %.1f%% of the attack episodes\n",
		q.Alerts, 100*q.AlertShare, q.AlertPrecision, 100*q.AttackRecall)
	for _, a := range q.Worst {
		fmt.Fprintf(w, "  worst-ranked attack: #%d, score %d %s, %s: %s\n", a.Rank, a.Score, a.Severity, a.Shape, clip(strings.Join(a.Reasons, "; "), 200))
	}
	for _, m := range sc.Missed {
		fmt.Fprintf(w, "  MISSED %s %s actor=%s app=%s at %s\n", m.ID, m.Shape, m.ActorID, m.AppID, m.FirstSensitive.Format(time.RFC3339))
	}
	return q
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
