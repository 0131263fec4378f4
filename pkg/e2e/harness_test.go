// Package e2e tests the built plugin binary the way Grafana uses it: the
// binary is launched through hashicorp go-plugin with the SDK's handshake
// and called over gRPC with the settings JSON Grafana sends, against the
// real local ClickHouse.
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/pluginhost"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tokentrail-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "gpx_tokentrail_test")
	build := exec.Command("go", "build", "-o", binary, "github.com/tokentrail/tokentrail/pkg")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the plugin binary failed:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// launch starts the plugin binary for one test.
func launch(t *testing.T) *pluginhost.Host {
	t.Helper()
	h, err := pluginhost.Launch(binary, testLog{t})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return h
}

type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Logf("plugin: %s", strings.TrimSpace(string(p)))
	return len(p), nil
}

// fixture is a database with the normalized table, in the variant the
// local server supports.
type fixture struct {
	server  *chlocal.Server
	db      string
	variant schema.Variant
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	s := chlocal.ForTest(t)
	version, err := s.Exec(context.Background(), "SELECT version()", nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{server: s, db: s.TempDatabase(t), variant: schema.ForVersion(version)}
	ddl, err := schema.CreateTable(f.variant, f.db, "saas_audit_events")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Exec(context.Background(), ddl, nil); err != nil {
		t.Fatal(err)
	}
	return f
}

// insert loads rows given as column maps through the HTTP interface.
func (f *fixture) insert(t *testing.T, table string, rows []map[string]any) {
	t.Helper()
	var b strings.Builder
	for _, r := range rows {
		for k, v := range r {
			if tm, ok := v.(time.Time); ok {
				r[k] = schema.FormatTime(f.variant, tm)
			}
		}
		js, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(js)
		b.WriteByte('\n')
	}
	if _, err := f.server.Exec(context.Background(), "INSERT INTO "+f.db+"."+table+" FORMAT JSONEachRow", strings.NewReader(b.String())); err != nil {
		t.Fatal(err)
	}
}

// settings is the datasource as Grafana would send it for this fixture.
func (f *fixture) settings(extra map[string]any) pluginhost.Settings {
	js := map[string]any{
		"host":     "127.0.0.1",
		"port":     f.server.TCPPort,
		"protocol": "native",
		"username": chlocal.ReaderUser,
		"database": f.db,
		"table":    "saas_audit_events",
	}
	for k, v := range extra {
		js[k] = v
	}
	return pluginhost.Settings{UID: "tokentrail-e2e", Name: "TokenTrail", JSONData: js,
		Secure: map[string]string{"password": chlocal.ReaderPassword}}
}

func pluginContext(t *testing.T, s pluginhost.Settings) backend.PluginContext {
	t.Helper()
	pc, err := s.PluginContext()
	if err != nil {
		t.Fatal(err)
	}
	return pc
}

func query(refID, queryType string, js map[string]any, from, to time.Time) backend.DataQuery {
	b, _ := json.Marshal(js)
	return backend.DataQuery{RefID: refID, QueryType: queryType, JSON: b, Interval: time.Minute,
		MaxDataPoints: 500, TimeRange: backend.TimeRange{From: from, To: to}}
}
