package plugin

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/tokentrail/tokentrail/pkg/chsql"
	"github.com/tokentrail/tokentrail/pkg/echo"
	"github.com/tokentrail/tokentrail/pkg/models"
)

// Limits of the variables resource.
const (
	defaultVariableValues = 100
	maxVariableValues     = 1000
	maxVariablePrefix     = 256
	defaultVariableRange  = 30 * 24 * time.Hour
)

// variables serves template variables (the frontend's metricFindQuery):
//
//	GET variables?kind=actors|apps|tokens|sources|tenants&prefix=al&limit=100&from=MS&to=MS
//
// It answers {"values":[{"text":…,"value":…}]}, the most frequent first.
// from and to are epoch milliseconds (the dashboard's range); without them
// the last 30 days are listed.
func (d *Datasource) variables(ctx context.Context, req *backend.CallResourceRequest, sender backend.CallResourceResponseSender) error {
	if d.settingsErr != nil {
		return sendJSON(sender, http.StatusBadRequest, map[string]string{"error": d.settingsErr.Error()})
	}
	u, err := url.Parse(req.URL)
	if err != nil {
		return sendJSON(sender, http.StatusBadRequest, map[string]string{"error": "malformed URL"})
	}
	p := u.Query()
	bad := func(msg string) error {
		return sendJSON(sender, http.StatusBadRequest, map[string]string{"error": msg})
	}
	kind := p.Get("kind")
	if _, ok := chsql.LookupKinds[kind]; !ok {
		return bad("kind " + echo.Quote(kind) + " cannot be listed: use actors, apps, tokens, sources or tenants")
	}
	prefix := p.Get("prefix")
	if len(prefix) > maxVariablePrefix {
		return bad("prefix is longer than " + strconv.Itoa(maxVariablePrefix) + " characters")
	}
	limit := defaultVariableValues
	if v := p.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > maxVariableValues {
			return bad("limit " + echo.Quote(v) + " is out of range: use 1-" + strconv.Itoa(maxVariableValues))
		}
	}
	to := time.Now().UTC()
	from := to.Add(-defaultVariableRange)
	for _, t := range []struct {
		name string
		dst  *time.Time
	}{{"from", &from}, {"to", &to}} {
		if v := p.Get(t.name); v != "" {
			ms, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return bad(t.name + " " + echo.Quote(v) + " is not epoch milliseconds")
			}
			*t.dst = time.UnixMilli(ms).UTC()
		}
	}
	if to.Before(from) {
		return bad("to is before from: pick a range whose end is after its start")
	}
	values, err := d.store.Lookup(ctx, kind, prefix, from, to, limit)
	if err != nil {
		status := http.StatusBadGateway
		if errors.Is(err, models.ErrInvalidQuery) {
			status = http.StatusBadRequest
		}
		return sendJSON(sender, status, map[string]string{"error": err.Error()})
	}
	out := make([]map[string]string, len(values))
	for i, v := range values {
		out[i] = map[string]string{"text": v.Text, "value": v.Value}
	}
	return sendJSON(sender, http.StatusOK, map[string]any{"values": out})
}
