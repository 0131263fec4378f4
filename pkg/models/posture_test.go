package models

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

var pFrom = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func parse(t *testing.T, js string) (*Query, error) {
	t.Helper()
	return ParseQuery([]byte(js), "", pFrom, pFrom.Add(24*time.Hour))
}

func TestPresets(t *testing.T) {
	cases := []struct {
		js          string
		correlateBy []string
		needsToken  bool
	}{
		{`{}`, []string{"actor_id", "app_id"}, false},
		{`{"preset":"an0020","correlateBy":["token_id"]}`, []string{"actor_id", "app_id"}, false},
		{`{"preset":"AN0020-Broad","correlateBy":["actor_id","app_id"]}`, []string{"actor_id"}, true},
		{`{"preset":"custom","correlateBy":["token_id"]}`, []string{"token_id"}, false},
		{`{"preset":"an0528","correlateBy":["token_id"],"signinWindow":"1d"}`, []string{"actor_id", "app_id"}, false},
	}
	for _, c := range cases {
		q, err := parse(t, c.js)
		if err != nil {
			t.Fatalf("%s: %v", c.js, err)
		}
		if !slices.Equal(q.CorrelateBy, c.correlateBy) || q.SensitiveNeedsToken != c.needsToken {
			t.Errorf("%s: correlateBy %v needsToken %v", c.js, q.CorrelateBy, q.SensitiveNeedsToken)
		}
		if p := q.DetectParams(&PluginSettings{}); p.SensitiveNeedsToken != c.needsToken || !slices.Equal(p.CorrelateBy, c.correlateBy) {
			t.Errorf("%s: detect params %+v", c.js, p)
		}
		if an0528 := strings.Contains(c.js, "an0528"); (q.Analytic == "AN0528") != an0528 {
			t.Errorf("%s: analytic %q", c.js, q.Analytic)
		}
	}
	if q, _ := parse(t, `{"preset":"an0528","signinWindow":"1d"}`); q.SigninGapParams(&PluginSettings{}).SigninWindow != 24*time.Hour {
		t.Errorf("an0528 takes the query's signinWindow")
	}
	if _, err := parse(t, `{"preset":"an0999"}`); err == nil || !strings.Contains(err.Error(), `preset "an0999"`) {
		t.Errorf("unknown preset: %v", err)
	}
}

func TestInventoryAndCoverageFields(t *testing.T) {
	q, err := parse(t, `{"queryType":"inventory"}`)
	if err != nil {
		t.Fatal(err)
	}
	if q.Kind != KindApps || q.Format != FormatTable || q.Limit != DefaultLimit || *q.LongLivedDays != 90 || *q.UnusedDays != 30 || *q.RareActors != 2 {
		t.Errorf("inventory defaults: %+v", q.PostureFields)
	}
	s := &PluginSettings{BaselineDays: 30, Thresholds: DefaultThresholds()}
	if q.Baseline(s) != 30 {
		t.Errorf("baseline %d, want the datasource's 30", q.Baseline(s))
	}
	q, _ = parse(t, `{"queryType":"inventory","kind":"tokens","baselineDays":0,"require":["long_lived","in_use"],"format":"count"}`)
	if q.Baseline(s) != 0 || q.Format != FormatCount {
		t.Errorf("a query's baselineDays 0 must win over the setting: %+v", q)
	}
	bad := map[string]string{
		`{"queryType":"inventory","kind":"users"}`:                       `kind "users"`,
		`{"queryType":"inventory","require":["admin_consent"]}`:          `require "admin_consent" is not a flag of kind apps`,
		`{"queryType":"inventory","require":["new","new"]}`:              `twice`,
		`{"queryType":"inventory","format":"numeric"}`:                   `format "numeric"`,
		`{"queryType":"inventory","baselineDays":-1}`:                    `baselineDays -1`,
		`{"queryType":"inventory","limit":10001}`:                        `limit 10001`,
		`{"queryType":"inventory","kind":"tokens","longLivedDays":0}`:    `longLivedDays 0`,
		`{"queryType":"coverage","require":["silent","no_signins","x"]}`: `require "x"`,
		`{"queryType":"coverage","format":"timeseries"}`:                 `format "timeseries"`,
	}
	for js, want := range bad {
		if _, err := parse(t, js); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: want an error containing %q, got %v", js, want, err)
		}
	}
	q, err = parse(t, `{"queryType":"coverage","require":["blind_spot"],"format":"numeric"}`)
	if err != nil || q.Format != FormatNumeric {
		t.Errorf("coverage numeric: %v", err)
	}
	if q, _ := parse(t, `{"queryType":"sequences","format":"numeric"}`); q == nil {
		t.Error("sequences saved with the editor's old format default must still parse")
	}
}

func TestThresholdSettings(t *testing.T) {
	load := func(js string) (*PluginSettings, error) {
		return LoadPluginSettings(backend.DataSourceInstanceSettings{JSONData: []byte(js)})
	}
	s, err := load(`{"host":"ch"}`)
	if err != nil || s.Thresholds != DefaultThresholds() || s.Thresholds.MinRetentionDays != 90 || s.Thresholds.SilenceHours != 24 {
		t.Fatalf("defaults: %+v %v", s.Thresholds, err)
	}
	s, err = load(`{"host":"ch","minRetentionDays":"25","silenceHours":12,"minTokenIdPercent":0.5,"alertLookbackMinutes":15,"maxZeroDays":2}`)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Thresholds{SilenceHours: 12, MinRetentionDays: 25, MinTokenIDPercent: 0.5, MaxZeroDays: 2, AlertLookbackMinutes: 15}); s.Thresholds != want {
		t.Errorf("got %+v, want %+v", s.Thresholds, want)
	}
	for js, want := range map[string]string{
		`{"host":"ch","minRetentionDays":0}`:         "minRetentionDays 0 is out of range",
		`{"host":"ch","minTokenIdPercent":"lots"}`:   "minTokenIdPercent must be a number",
		`{"host":"ch","minTokenIdPercent":101}`:      "minTokenIdPercent 101 is out of range",
		`{"host":"ch","silenceHours":1.5}`:           "silenceHours must be a whole number",
		`{"host":"ch","alertLookbackMinutes":99999}`: "alertLookbackMinutes 99999 is out of range",
	} {
		if _, err := load(js); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: want %q, got %v", js, want, err)
		}
	}
}

func TestMatchAllLikeFilterIsDropped(t *testing.T) {
	q, err := parse(t, `{"filters":[{"field":"app_id","op":"LIKE","values":["x%","%"]},{"field":"actor_id","op":"like","values":["al%"]}]}`)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Filters) != 1 || q.Filters[0].Field != "actor_id" {
		t.Errorf("a like filter with the pattern %% matches everything and must be dropped: %+v", q.Filters)
	}
}
