package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/store"
)

func newDS(t *testing.T, jsonData string) *Datasource {
	t.Helper()
	inst, err := NewDatasource(context.Background(), backend.DataSourceInstanceSettings{JSONData: []byte(jsonData)})
	if err != nil {
		t.Fatalf("the factory must not fail, even on bad settings: %v", err)
	}
	t.Cleanup(inst.(*Datasource).Dispose)
	return inst.(*Datasource)
}

func dq(ref, js string) backend.DataQuery {
	now := time.Now().Truncate(time.Millisecond) // Grafana's resolution, as the SDK delivers it
	return backend.DataQuery{RefID: ref, JSON: json.RawMessage(js), TimeRange: backend.TimeRange{From: now.Add(-time.Hour), To: now}}
}

// Invalid settings still give an instance, and every entry point answers
// with the settings problem instead of failing the plugin.
func TestInvalidSettingsReachTheUser(t *testing.T) {
	ds := newDS(t, `{"host":"ch","port":99999}`)
	res, err := ds.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if err != nil || res.Status != backend.HealthStatusError || !strings.Contains(res.Message, "port 99999 is out of range") {
		t.Fatalf("health: %v %+v", err, res)
	}
	resp, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{dq("A", `{}`)}})
	if err != nil {
		t.Fatal(err)
	}
	if r := resp.Responses["A"]; r.Error == nil || r.Status != backend.StatusBadRequest || r.ErrorSource != backend.ErrorSourceDownstream {
		t.Errorf("query: %+v", r)
	}
}

// A panic inside one query becomes that query's error; the others answer.
func TestPanicBecomesQueryError(t *testing.T) {
	// Valid settings but no store: any query that reaches the store panics
	// on the nil pointer, which is exactly the kind of bug the guard is for.
	ds := &Datasource{settings: &models.PluginSettings{}}
	resp, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{
		dq("A", `{"queryType":"sequences"}`),
		dq("B", `{"queryType":"nope"}`),
	}})
	if err != nil {
		t.Fatal(err)
	}
	a := resp.Responses["A"]
	if a.Error == nil || !errors.Is(a.Error, ErrPanic) || a.ErrorSource != backend.ErrorSourcePlugin || a.Status != backend.StatusInternal {
		t.Errorf("panicking query: %+v", a)
	}
	if b := resp.Responses["B"]; b.Error == nil || !strings.Contains(b.Error.Error(), `queryType "nope"`) {
		t.Errorf("other query: %+v", b)
	}
	res, err := ds.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if err != nil || res.Status != backend.HealthStatusError || !strings.Contains(res.Message, "internal error") {
		t.Errorf("health panic: %v %+v", err, res)
	}
}

func TestErrorResponseStatusAndSource(t *testing.T) {
	cases := []struct {
		err    error
		status backend.Status
		source backend.ErrorSource
	}{
		{models.ErrInvalidQuery, backend.StatusBadRequest, backend.ErrorSourceDownstream},
		{models.ErrInvalidSettings, backend.StatusBadRequest, backend.ErrorSourceDownstream},
		{store.ErrAuth, backend.StatusUnauthorized, backend.ErrorSourceDownstream},
		{store.ErrTimeout, backend.StatusTimeout, backend.ErrorSourceDownstream},
		{store.ErrUnreachable, backend.StatusBadGateway, backend.ErrorSourceDownstream},
		{store.ErrTLS, backend.StatusBadGateway, backend.ErrorSourceDownstream},
		{store.ErrNoTable, backend.StatusBadRequest, backend.ErrorSourceDownstream},
		{store.ErrSchema, backend.StatusBadRequest, backend.ErrorSourceDownstream},
		{ErrPanic, backend.StatusInternal, backend.ErrorSourcePlugin},
		{errors.New("unexpected"), backend.StatusInternal, backend.ErrorSourcePlugin},
	}
	for _, c := range cases {
		r := errorResponse(c.err)
		if r.Status != c.status || r.ErrorSource != c.source {
			t.Errorf("%v: status %v source %q, want %v %q", c.err, r.Status, r.ErrorSource, c.status, c.source)
		}
	}
}

type capture struct{ resp *backend.CallResourceResponse }

func (c *capture) Send(r *backend.CallResourceResponse) error { c.resp = r; return nil }

func TestResourceRouting(t *testing.T) {
	ds := newDS(t, `{"host":"127.0.0.1"}`)
	cases := []struct {
		method, path string
		status       int
		want         string
	}{
		{"GET", "fields", 200, `"operators":["=","!=","in","not in","like"]`},
		{"POST", "fields", 405, "only GET"},
		{"GET", "nothing", 404, "use fields, values or variables"},
		{"GET", "values", 400, "not a normalized field"},
	}
	for _, c := range cases {
		var cp capture
		if err := ds.CallResource(context.Background(), &backend.CallResourceRequest{Method: c.method, Path: c.path, URL: c.path}, &cp); err != nil {
			t.Fatal(err)
		}
		if cp.resp.Status != c.status || !strings.Contains(string(cp.resp.Body), c.want) {
			t.Errorf("%s %s: %d %s", c.method, c.path, cp.resp.Status, cp.resp.Body)
		}
	}
}

func TestBucket(t *testing.T) {
	day := backend.TimeRange{From: time.Unix(0, 0), To: time.Unix(86400, 0)}
	cases := []struct {
		q    backend.DataQuery
		want time.Duration
	}{
		{backend.DataQuery{Interval: 5 * time.Minute, TimeRange: day}, 5 * time.Minute},
		{backend.DataQuery{Interval: 10 * time.Second, TimeRange: day}, time.Minute},
		{backend.DataQuery{TimeRange: day}, 14 * time.Minute}, // 864s, whole minutes
		{backend.DataQuery{MaxDataPoints: 24, TimeRange: day}, time.Hour},
	}
	for i, c := range cases {
		if got := bucket(c.q); got != c.want {
			t.Errorf("case %d: %v, want %v", i, got, c.want)
		}
	}
}

// Above the cap the frame keeps what the store ranked first and says how
// many matched; at or below it, no notice.
func TestSequencesFrameNotice(t *testing.T) {
	q, err := models.ParseQuery(json.RawMessage(`{}`), "", time.Now().Add(-time.Hour), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	eps := []engine.Episode{{ID: "a", Score: 90, Severity: "critical"}, {ID: "b", Score: 40, Severity: "medium"}}
	capped := sequencesFrame(&store.Ranked{Episodes: eps, Found: 12000, Matched: 12000}, q)
	if capped.Rows() != 2 || capped.Meta == nil || len(capped.Meta.Notices) != 1 ||
		!strings.Contains(capped.Meta.Notices[0].Text, "12000 episodes matched: showing the 2 highest-scoring") {
		t.Errorf("capped frame: %d rows, meta %+v", capped.Rows(), capped.Meta)
	}
	whole := sequencesFrame(&store.Ranked{Episodes: eps, Found: 2, Matched: 2}, q)
	if whole.Meta != nil && len(whole.Meta.Notices) != 0 {
		t.Errorf("uncapped frame has notices %+v", whole.Meta.Notices)
	}
}
