package models

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func sprintf(format string, v any) string { return fmt.Sprintf(format, v) }

var (
	t0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	t1 = t0.Add(24 * time.Hour)
)

func TestParseQueryDefaults(t *testing.T) {
	q, err := ParseQuery(nil, "", t0, t1)
	if err != nil {
		t.Fatal(err)
	}
	if q.QueryType != QuerySequences || q.MaxSpan != time.Hour || *q.MinSensitivity != 1 || q.IncludeApproved ||
		strings.Join(q.CorrelateBy, ",") != "actor_id,app_id" {
		t.Errorf("defaults: %+v", q)
	}
	c, err := ParseQuery([]byte(`{"queryType":"sequenceCounts"}`), "", t0, t1)
	if err != nil {
		t.Fatal(err)
	}
	if c.Format != FormatNumeric || strings.Join(c.GroupBy, ",") != "actor_id,app_id" {
		t.Errorf("count defaults: %+v", c)
	}
	if tl, _ := ParseQuery([]byte(`{}`), QueryTimeline, t0, t1); tl.Limit != DefaultLimit {
		t.Errorf("timeline limit default %d", tl.Limit)
	}
	if z, _ := ParseQuery([]byte(`{"minSensitivity":0}`), "", t0, t1); *z.MinSensitivity != 0 {
		t.Error("an explicit minSensitivity 0 must not become the default 1")
	}
	if d, _ := ParseQuery([]byte(`{"maxSpan":"2d"}`), "", t0, t1); d.MaxSpan != 48*time.Hour {
		t.Errorf("2d parsed as %v", d.MaxSpan)
	}
	if q.BaselineDays != nil || q.SigninWindow != DefaultSigninWindow || q.MinSeverity != "" {
		t.Errorf("risk defaults: baselineDays %v (nil keeps the datasource's), signinWindow %v, minSeverity %q", q.BaselineDays, q.SigninWindow, q.MinSeverity)
	}
	r, err := ParseQuery([]byte(`{"queryType":"sequenceCounts","baselineDays":0,"signinWindow":"1d","minSeverity":"High","groupBy":["severity","app_id"]}`), "", t0, t1)
	if err != nil {
		t.Fatal(err)
	}
	if *r.BaselineDays != 0 || r.SigninWindow != 24*time.Hour || r.MinSeverity != "high" || strings.Join(r.GroupBy, ",") != "severity,app_id" {
		t.Errorf("risk fields: %+v", r)
	}
}

func TestParseQueryErrors(t *testing.T) {
	cases := []struct{ name, js, want string }{
		{"malformed", `{"maxSpan": `, "query JSON could not be read"},
		{"unknown type", `{"queryType":"all"}`, `queryType "all" is not supported: use one of sequences, sequenceCounts, timeline`},
		{"unparsable span", `{"maxSpan":"soon"}`, `maxSpan "soon" is not a duration`},
		{"negative span", `{"maxSpan":"-1h"}`, `maxSpan "-1h" is out of range`},
		{"zero span", `{"maxSpan":"0s"}`, "out of range"},
		{"too long span", `{"maxSpan":"31d"}`, "up to 30d"},
		{"unknown correlate", `{"correlateBy":["actor_id","email"]}`, `correlateBy field "email" is not supported: use any of actor_id, app_id, tenant, source, token_id`},
		{"empty correlate", `{"correlateBy":[]}`, "correlateBy is empty"},
		{"duplicate correlate", `{"correlateBy":["app_id","app_id"]}`, "lists \"app_id\" twice"},
		{"unknown groupBy", `{"queryType":"sequenceCounts","groupBy":["country"]}`, `groupBy field "country" is not supported`},
		{"bad format", `{"queryType":"sequenceCounts","format":"wide"}`, `format "wide" is not supported`},
		{"sensitivity", `{"minSensitivity":4}`, "minSensitivity 4 is out of range"},
		{"filter field", `{"filters":[{"field":"raw","op":"=","values":["x"]}]}`, `filter 1: field "raw" is not a normalized field`},
		{"filter injection field", `{"filters":[{"field":"1=1) OR (1","op":"=","values":["x"]}]}`, "is not a normalized field"},
		{"filter op", `{"filters":[{"field":"source","op":"~","values":["x"]}]}`, `operator "~" is not supported: use one of =, !=, in, not in, like`},
		{"filter arity", `{"filters":[{"field":"source","op":"=","values":["a","b"]}]}`, `takes exactly one value`},
		{"filter enum", `{"filters":[{"field":"category","op":"in","values":["grant","exfil"]}]}`, `category "exfil" is not a known value`},
		{"limit", `{"queryType":"timeline","limit":100000}`, "limit 100000 is out of range"},
		{"baseline days", `{"baselineDays":181}`, "baselineDays 181 is out of range: use 0 (no baselines) to 180"},
		{"negative baseline", `{"baselineDays":-1}`, "baselineDays -1 is out of range"},
		{"sign-in window", `{"signinWindow":"8d"}`, `signinWindow "8d" is not a duration from 1s to 7d`},
		{"sign-in window text", `{"signinWindow":"soon"}`, `signinWindow "soon"`},
		{"severity", `{"minSeverity":"urgent"}`, `minSeverity: severity "urgent" is unknown: use one of low, medium, high, critical`},
		{"severity is no correlation key", `{"correlateBy":["severity"]}`, `correlateBy field "severity" is not supported`},
		{"long field echo is cut", `{"correlateBy":["` + strings.Repeat("x", 5000) + `"]}`, "…"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseQuery([]byte(c.js), "", t0, t1)
			if err == nil || !errors.Is(err, ErrInvalidQuery) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an ErrInvalidQuery containing %q", err, c.want)
			}
		})
	}
	if _, err := ParseQuery(nil, "", t1, t0); err == nil || !strings.Contains(err.Error(), "ends") {
		t.Errorf("to < from: got %v", err)
	}
}

// A filter row without values is unfinished: the editor leaves it out, and
// so does the backend, so an alert rule behaves like its panel.
func TestParseQueryDropsEmptyFilters(t *testing.T) {
	q, err := ParseQuery([]byte(`{"filters":[{"field":"source","op":"in","values":[]},{"field":"","op":"="},{"field":"app_id","op":"=","values":["x"]}]}`), "", t0, t1)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Filters) != 1 || q.Filters[0].Field != "app_id" {
		t.Errorf("filters: %+v", q.Filters)
	}
}

// Hostile values are accepted as values: escaping them is chsql's job, and
// rejecting quotes would make legitimate names unsearchable.
func TestParseQueryKeepsHostileValuesVerbatim(t *testing.T) {
	q, err := ParseQuery([]byte(`{"filters":[{"field":"actor_name","op":" NOT   IN ","values":["O'Brien\\'); DROP TABLE t; --"]}]}`), "", t0, t1)
	if err != nil {
		t.Fatal(err)
	}
	if q.Filters[0].Op != "not in" || q.Filters[0].Values[0] != `O'Brien\'); DROP TABLE t; --` {
		t.Errorf("filter normalised wrongly: %+v", q.Filters[0])
	}
}
