package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"gopkg.in/yaml.v3"

	"github.com/tokentrail/tokentrail/pkg/models"
)

// grafanaQueryKeys are the keys Grafana itself puts on a query.
var grafanaQueryKeys = []string{"refId", "datasource", "datasourceId", "hide", "key", "queryType", "intervalMs", "maxDataPoints"}

// queryFields are the JSON names of models.Query, embedded structs included.
func queryFields() []string {
	var names []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous {
				walk(f.Type)
				continue
			}
			if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
				names = append(names, name)
			}
		}
	}
	walk(reflect.TypeOf(models.Query{}))
	return append(names, grafanaQueryKeys...)
}

// provisioned is one query found in a provisioning file.
type provisioned struct {
	where     string         // file and panel, for messages
	query     map[string]any // the target or rule model
	from, to  time.Time
	fieldRefs []string // field names or display names the overrides match
	sortRefs  []string // display names the table sorts by
}

// TestProvisionedQueriesRun loads every provisioned dashboard panel, dashboard
// annotation, template variable and alert rule, checks that their queries
// use only fields the query model has, runs each through the plugin binary
// against the posture world and checks that every field a panel's overrides
// or sorting name is in its answer.
func TestProvisionedQueriesRun(t *testing.T) {
	root := filepath.Join("..", "..", "provisioning")
	f := newFixture(t)
	_, truth := f.loadWorld(t)
	h := launch(t)
	pc := pluginContext(t, f.settings(worldSettings(truth)))
	from, to := worldEnd.Add(-7*24*time.Hour), worldEnd

	var queries []provisioned
	var variables []string
	dashboards, _ := filepath.Glob(filepath.Join(root, "dashboards", "*", "*.json"))
	if len(dashboards) < 2 {
		t.Fatalf("want the SOC and posture dashboards, found %v", dashboards)
	}
	for _, path := range dashboards {
		q, v := dashboardQueries(t, path, from, to)
		queries, variables = append(queries, q...), append(variables, v...)
	}
	rules, _ := filepath.Glob(filepath.Join(root, "alerting", "*.yaml"))
	if len(rules) < 2 {
		t.Fatalf("want the AN0020 and coverage alert rules, found %v", rules)
	}
	for _, path := range rules {
		queries = append(queries, alertQueries(t, path)...)
	}

	known := queryFields()
	for _, q := range queries {
		for key := range q.query {
			if !slices.Contains(known, key) {
				t.Errorf("%s: query field %q does not exist in the query model", q.where, key)
			}
		}
		js, _ := json.Marshal(q.query)
		resp, err := h.QueryData(context.Background(), &backend.QueryDataRequest{PluginContext: pc, Queries: []backend.DataQuery{
			{RefID: "A", JSON: js, TimeRange: backend.TimeRange{From: q.from, To: q.to}, MaxDataPoints: 200},
		}})
		if err != nil {
			t.Fatalf("%s: %v", q.where, err)
		}
		r := resp.Responses["A"]
		if r.Error != nil {
			t.Errorf("%s: the plugin answered %v", q.where, r.Error)
			continue
		}
		var names, display []string
		for _, fr := range r.Frames {
			for _, fld := range fr.Fields {
				names = append(names, fld.Name)
				if fld.Config != nil && fld.Config.DisplayNameFromDS != "" {
					display = append(display, fld.Config.DisplayNameFromDS)
				} else {
					display = append(display, fld.Name)
				}
			}
		}
		// Grafana's byName matcher takes the field's name or display name;
		// a table sorts by display name only.
		for _, ref := range q.fieldRefs {
			if !slices.Contains(names, ref) && !slices.Contains(display, ref) {
				t.Errorf("%s: the panel overrides field %q, which the answer lacks (it has %v)", q.where, ref, names)
			}
		}
		for _, ref := range q.sortRefs {
			if !slices.Contains(display, ref) {
				t.Errorf("%s: the table sorts by %q, which is no display name of the answer (%v)", q.where, ref, display)
			}
		}
	}
	for _, v := range variables {
		out, err := h.CallResource(context.Background(), &backend.CallResourceRequest{PluginContext: pc, Path: "variables", Method: "GET", URL: v})
		if err != nil || len(out) != 1 || out[0].Status != 200 || !strings.Contains(string(out[0].Body), `"value"`) {
			t.Errorf("variable %s: %v %v", v, err, out)
		}
	}
	t.Logf("ran %d provisioned queries and %d variables", len(queries), len(variables))
}

// dashboardQueries returns a dashboard's panel and annotation queries with
// its variables set to their current values, and its variables' resource
// URLs over the world's range.
func dashboardQueries(t *testing.T, path string, from, to time.Time) ([]provisioned, []string) {
	t.Helper()
	var d struct {
		Templating struct {
			List []struct {
				Name, Type, AllValue string
				Query                any
				Current              struct{ Value any }
			}
		}
		Annotations struct {
			List []struct {
				Name   string
				Target map[string]any
			}
		}
		Panels []map[string]any
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	values := map[string]string{}
	var vars []string
	for _, v := range d.Templating.List {
		value := fmt.Sprint(v.Current.Value)
		if value == "$__all" {
			value = v.AllValue
		}
		values[v.Name] = value
		if v.Type == "query" {
			q, _ := v.Query.(map[string]any)
			vars = append(vars, fmt.Sprintf("variables?kind=%v&from=%d&to=%d", q["kind"], from.UnixMilli(), to.UnixMilli()))
		}
	}
	name := filepath.Base(path)
	var out []provisioned
	for _, a := range d.Annotations.List {
		out = append(out, provisioned{where: name + " annotation " + a.Name, query: interpolate(a.Target, values).(map[string]any), from: from, to: to})
	}
	for _, p := range d.Panels {
		var refs, sorts []string
		if fc, ok := p["fieldConfig"].(map[string]any); ok {
			overrides, _ := fc["overrides"].([]any)
			for _, o := range overrides {
				m, _ := o.(map[string]any)["matcher"].(map[string]any)
				if m["id"] == "byName" {
					refs = append(refs, fmt.Sprint(m["options"]))
				}
			}
		}
		if opts, ok := p["options"].(map[string]any); ok {
			sortBy, _ := opts["sortBy"].([]any)
			for _, s := range sortBy {
				sorts = append(sorts, fmt.Sprint(s.(map[string]any)["displayName"]))
			}
		}
		targets, _ := p["targets"].([]any)
		for _, tg := range targets {
			out = append(out, provisioned{where: fmt.Sprintf("%s panel %q", name, p["title"]),
				query: interpolate(tg, values).(map[string]any), from: from, to: to, fieldRefs: refs, sortRefs: sorts})
		}
	}
	return out, vars
}

// alertQueries returns the TokenTrail queries of a provisioned alert file,
// each over its relative range ending at the world's end.
func alertQueries(t *testing.T, path string) []provisioned {
	t.Helper()
	var doc struct {
		Groups []struct {
			Rules []struct {
				UID  string
				Data []struct {
					DatasourceUID     string                   `yaml:"datasourceUid"`
					RelativeTimeRange struct{ From, To int64 } `yaml:"relativeTimeRange"`
					Model             map[string]any
				}
			}
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []provisioned
	for _, g := range doc.Groups {
		for _, r := range g.Rules {
			for _, d := range r.Data {
				if d.DatasourceUID != "tokentrail" {
					continue
				}
				out = append(out, provisioned{where: filepath.Base(path) + " rule " + r.UID, query: d.Model,
					from: worldEnd.Add(-time.Duration(d.RelativeTimeRange.From) * time.Second),
					to:   worldEnd.Add(-time.Duration(d.RelativeTimeRange.To) * time.Second)})
			}
		}
	}
	if len(out) == 0 {
		t.Errorf("%s has no TokenTrail rule", path)
	}
	return out
}

// interpolate replaces $name, ${name} and [[name]] in every string of v
// with the variable's value, as Grafana's template service does for
// single values; longer names first, so $app never eats $application.
func interpolate(v any, values map[string]string) any {
	switch x := v.(type) {
	case string:
		names := make([]string, 0, len(values))
		for n := range values {
			names = append(names, n)
		}
		sort.Slice(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
		for _, n := range names {
			x = strings.NewReplacer("${"+n+"}", values[n], "[["+n+"]]", values[n], "$"+n, values[n]).Replace(x)
		}
		return x
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = interpolate(x[i], values)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = interpolate(e, values)
		}
		return out
	}
	return v
}
