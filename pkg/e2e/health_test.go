package e2e

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/pluginhost"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

func TestHealthOK(t *testing.T) {
	f := newFixture(t)
	t0 := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	f.insert(t, "saas_audit_events", []map[string]any{
		{"event_time": t0, "event_id": "e1", "source": "okta", "action": "user.session.start", "category": "signin", "auth_method": "interactive", "actor_id": "u1"},
		{"event_time": t0.Add(time.Hour), "event_id": "e2", "source": "github", "action": "git.clone", "category": "data_access", "auth_method": "pat", "actor_id": "u1"},
	})
	h := launch(t)
	res, err := h.CheckHealth(context.Background(), pluginContext(t, f.settings(nil)))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != backend.HealthStatusOk {
		t.Fatalf("status %v: %s", res.Status, res.Message)
	}
	for _, want := range []string{"ClickHouse 18.", "holds 2 events", "2026-11-01T10:00:00Z", "2026-11-01T11:00:00Z"} {
		if !strings.Contains(res.Message, want) {
			t.Errorf("health message %q lacks %q", res.Message, want)
		}
	}
}

// hangingListener accepts connections and never answers: a server that
// hangs, which the real ClickHouse cannot be made to do on demand.
func hangingListener(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

func TestHealthFailures(t *testing.T) {
	f := newFixture(t)
	// A table that lacks two required columns.
	if _, err := f.server.Exec(context.Background(), "CREATE TABLE "+f.db+".partial (event_time DateTime('UTC'), event_id String, tenant String, source String, action String, category String, auth_method String, outcome String, actor_id String, actor_name String, app_id String, app_name String, token_id String, src_ip String, user_agent String, session_id String, target_type String, target_id String, scopes Array(String), raw String, ingest_time DateTime) ENGINE = MergeTree() ORDER BY event_time", nil); err != nil {
		t.Fatal(err)
	}
	h := launch(t)
	cases := []struct {
		name     string
		settings pluginhost.Settings
		want     []string
	}{
		{"closed port", f.settings(map[string]any{"port": closedPort(t)}), []string{"unreachable", "connection refused", "check the host and port"}},
		{"wrong password", withSecret(f.settings(nil), "password", "not-the-password"), []string{"rejected the credentials", `user "grafana"`}},
		{"tls against plain port", f.settings(map[string]any{"secure": true, "tlsSkipVerify": true}), []string{"TLS handshake", "failed"}},
		{"missing database", f.settings(map[string]any{"database": "no_such_db"}), []string{"database does not exist", "no_such_db"}},
		{"missing table", f.settings(map[string]any{"table": "no_such_table"}), []string{"table does not exist", "no_such_table", "schema apply"}},
		{"missing columns", f.settings(map[string]any{"table": "partial"}), []string{"missing the required columns", "sensitivity, target_name"}},
		{"timeout", f.settings(map[string]any{"port": hangingListener(t), "queryTimeoutSeconds": 1, "dialTimeoutSeconds": 1}), []string{"timed out", "dialTimeoutSeconds"}},
		{"http protocol against the native port", f.settings(map[string]any{"protocol": "http"}), []string{"speaks ClickHouse's native protocol, not HTTP", "set protocol to native"}},
		{"malformed settings JSON", rawJSON(f.settings(nil), `{"host": "127.0.0.1", "port": `), []string{"settings JSON could not be read", "save the datasource again"}},
		{"unknown protocol", f.settings(map[string]any{"protocol": "grpc"}), []string{`protocol "grpc" is not supported`, `"native" or "http"`}},
		{"port out of range", f.settings(map[string]any{"port": 70000}), []string{"port 70000 is out of range", "1-65535"}},
		{"invalid table name", f.settings(map[string]any{"table": "events; DROP TABLE x"}), []string{"is not a valid name", "letters, digits or underscores"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			res, err := h.CheckHealth(ctx, pluginContext(t, c.settings))
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != backend.HealthStatusError {
				t.Fatalf("status %v, want error; message %q", res.Status, res.Message)
			}
			for _, w := range c.want {
				if !strings.Contains(res.Message, w) {
					t.Errorf("message %q lacks %q", res.Message, w)
				}
			}
			for _, secret := range []string{chlocal.ReaderPassword, "not-the-password"} {
				if strings.Contains(res.Message, secret) {
					t.Errorf("message leaks the password: %q", res.Message)
				}
			}
		})
	}
	if h.Exited() {
		t.Fatal("the plugin process died")
	}
}

// The driver's HTTP protocol needs a newer server than Debian's 18.16; there
// the health check must say so and point at the native protocol. On a
// current server the same settings are healthy.
func TestHealthHTTPProtocol(t *testing.T) {
	f := newFixture(t)
	h := launch(t)
	res, err := h.CheckHealth(context.Background(), pluginContext(t, f.settings(map[string]any{"protocol": "http", "port": f.server.HTTPPort})))
	if err != nil {
		t.Fatal(err)
	}
	if f.variant == schema.Modern {
		if res.Status != backend.HealthStatusOk {
			t.Fatalf("http protocol on a current server: %s", res.Message)
		}
		return
	}
	if res.Status != backend.HealthStatusError || !strings.Contains(res.Message, "set protocol to native") {
		t.Fatalf("http protocol on an old server: %v %s", res.Status, res.Message)
	}
}

func withSecret(s pluginhost.Settings, k, v string) pluginhost.Settings {
	sec := map[string]string{}
	for a, b := range s.Secure {
		sec[a] = b
	}
	sec[k] = v
	s.Secure = sec
	return s
}

// rawJSON replaces the settings with bytes that are not valid JSON, as a
// hand-edited provisioning file might produce.
func rawJSON(s pluginhost.Settings, raw string) pluginhost.Settings {
	s.RawJSON = []byte(raw)
	return s
}
