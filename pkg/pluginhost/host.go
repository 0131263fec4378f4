// Package pluginhost launches a built TokenTrail binary the way Grafana's
// plugin manager does — hashicorp go-plugin over gRPC, with the SDK's
// handshake and magic cookie — and calls it through the same protobuf API.
// The end-to-end tests and the demo use it, so what they exercise is the
// binary a Grafana would load from dist/, not an in-process shortcut.
package pluginhost

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync/atomic"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
)

// PluginID is the datasource id the host announces in every request.
const PluginID = "tokentrail-clickhouse-datasource"

// Host is a running plugin process and its gRPC clients.
type Host struct {
	client *goplugin.Client
	data   grpcplugin.DataClient
	diag   grpcplugin.DiagnosticsClient
	res    grpcplugin.ResourceClient
}

// Launch starts binary as a Grafana backend plugin. Plugin logs (hclog JSON
// on stderr, as Grafana receives them) go to logs.
func Launch(binary string, logs io.Writer) (*Host, error) {
	return LaunchWith(binary, Options{Logs: logs})
}

// Options tune LaunchWith.
type Options struct {
	// Logs receives the plugin's log records, as Launch's logs.
	Logs io.Writer
	// Stderr, when set, also receives every line the process writes to
	// stderr, raw: what the Go runtime prints there (a GODEBUG trace)
	// is not a log record.
	Stderr io.Writer
	// Env is added to the environment Grafana would pass (KEY=value).
	Env []string
	// Debug passes the plugin's debug records on too, as Grafana does at
	// its debug log level; otherwise from info up, as at its default.
	Debug bool
}

// LaunchWith is Launch with more control over the process, for
// measurements.
func LaunchWith(binary string, o Options) (*Host, error) {
	logs := o.Logs
	if _, err := os.Stat(binary); err != nil {
		return nil, fmt.Errorf("plugin binary %s: %w (build it with `go tool mage build:linux`)", binary, err)
	}
	if logs == nil {
		logs = io.Discard
	}
	cmd := exec.Command(binary)
	// Grafana passes its version and a few settings through the
	// environment; the plugin must not depend on anything else.
	cmd.Env = append(os.Environ(), "GF_VERSION=12.2.0", "GF_EDITION=oss", "GF_PLUGIN_VERSION=0.1.0")
	cmd.Env = append(cmd.Env, o.Env...)
	level := hclog.Info
	if o.Debug {
		level = hclog.Debug
	}
	client := goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig: goplugin.HandshakeConfig{
			ProtocolVersion:  grpcplugin.ProtocolVersion,
			MagicCookieKey:   grpcplugin.MagicCookieKey,
			MagicCookieValue: grpcplugin.MagicCookieValue,
		},
		VersionedPlugins: map[int]goplugin.PluginSet{
			grpcplugin.ProtocolVersion: {
				"diagnostics": &grpcplugin.DiagnosticsGRPCPlugin{},
				"resource":    &grpcplugin.ResourceGRPCPlugin{},
				"data":        &grpcplugin.DataGRPCPlugin{},
			},
		},
		Cmd:              cmd,
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		Managed:          false,
		StartTimeout:     30 * time.Second,
		Stderr:           o.Stderr,
		Logger: hclog.New(&hclog.LoggerOptions{
			Name: "plugin.tokentrail", Output: logs, Level: level,
		}),
	})
	rpc, err := client.Client()
	if err != nil {
		client.Kill()
		return nil, fmt.Errorf("go-plugin handshake with %s failed: %w", binary, err)
	}
	h := &Host{client: client}
	for name, dst := range map[string]any{"data": &h.data, "diagnostics": &h.diag, "resource": &h.res} {
		raw, err := rpc.Dispense(name)
		if err != nil {
			client.Kill()
			return nil, fmt.Errorf("plugin does not serve %s: %w", name, err)
		}
		switch d := dst.(type) {
		case *grpcplugin.DataClient:
			*d = raw.(grpcplugin.DataClient)
		case *grpcplugin.DiagnosticsClient:
			*d = raw.(grpcplugin.DiagnosticsClient)
		case *grpcplugin.ResourceClient:
			*d = raw.(grpcplugin.ResourceClient)
		}
	}
	return h, nil
}

// Close stops the plugin process as Grafana does on shutdown.
func (h *Host) Close() { h.client.Kill() }

// Pid is the plugin process id, for resource measurements.
func (h *Host) Pid() int {
	if rc := h.client.ReattachConfig(); rc != nil {
		return rc.Pid
	}
	return 0
}

// Exited reports whether the plugin process has died (for example by a panic).
func (h *Host) Exited() bool { return h.client.Exited() }

// Settings is a datasource as Grafana stores it: jsonData plus the
// decrypted secureJsonData it sends with every request.
type Settings struct {
	UID      string
	Name     string
	JSONData map[string]any
	Secure   map[string]string
	// RawJSON, when set, is sent instead of JSONData, byte for byte, to
	// reproduce what a broken provisioning file delivers.
	RawJSON []byte
}

// PluginContext is what Grafana attaches to every call for this datasource.
func (s Settings) PluginContext() (backend.PluginContext, error) {
	js := s.RawJSON
	if js == nil {
		var err error
		if js, err = json.Marshal(s.JSONData); err != nil {
			return backend.PluginContext{}, err
		}
	}
	return backend.PluginContext{
		OrgID:    1,
		PluginID: PluginID,
		User:     &backend.User{Login: "admin", Role: "Admin"},
		DataSourceInstanceSettings: &backend.DataSourceInstanceSettings{
			ID: 1, UID: s.UID, Name: s.Name, Type: PluginID,
			JSONData:                js,
			DecryptedSecureJSONData: s.Secure,
			// A new timestamp makes the SDK's instance manager build a
			// fresh instance, as after "Save" in Grafana.
			Updated: nextUpdated(),
		},
		GrafanaConfig: backend.NewGrafanaCfg(map[string]string{}),
	}, nil
}

var lastUpdated atomic.Int64

// nextUpdated returns a settings timestamp later than every earlier one by
// at least a millisecond: the protocol carries it in milliseconds, and two
// settings saved within one millisecond would otherwise share a cached
// instance, so the second would be answered with the first's settings.
func nextUpdated() time.Time {
	for {
		last := lastUpdated.Load()
		ms := max(time.Now().UnixMilli(), last+1)
		if lastUpdated.CompareAndSwap(last, ms) {
			return time.UnixMilli(ms)
		}
	}
}

// CheckHealth calls the plugin's health check.
func (h *Host) CheckHealth(ctx context.Context, pc backend.PluginContext) (*backend.CheckHealthResult, error) {
	resp, err := h.diag.CheckHealth(ctx, &pluginv2.CheckHealthRequest{PluginContext: backend.ToProto().PluginContext(pc)})
	if err != nil {
		return nil, err
	}
	return backend.FromProto().CheckHealthResponse(resp), nil
}

// QueryData sends a query request and decodes the Arrow frames it returns.
func (h *Host) QueryData(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	preq := backend.ToProto().QueryDataRequest(req)
	// Grafana sends the range as epoch milliseconds. The SDK's ToProto
	// goes through UnixNano, which wraps for dates after 2262; send the
	// exact milliseconds, as a JavaScript Date holds them.
	for i, q := range req.Queries {
		preq.Queries[i].TimeRange.FromEpochMS = q.TimeRange.From.UnixMilli()
		preq.Queries[i].TimeRange.ToEpochMS = q.TimeRange.To.UnixMilli()
	}
	resp, err := h.data.QueryData(ctx, preq)
	if err != nil {
		return nil, err
	}
	return backend.FromProto().QueryDataResponse(resp)
}

// CallResource calls a resource path and collects the streamed responses.
func (h *Host) CallResource(ctx context.Context, req *backend.CallResourceRequest) ([]*backend.CallResourceResponse, error) {
	stream, err := h.res.CallResource(ctx, backend.ToProto().CallResourceRequest(req))
	if err != nil {
		return nil, err
	}
	var out []*backend.CallResourceResponse
	for {
		msg, err := stream.Recv()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, backend.FromProto().CallResourceResponse(msg))
	}
}
