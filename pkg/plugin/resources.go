package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/tokentrail/tokentrail/pkg/echo"
	"github.com/tokentrail/tokentrail/pkg/models"
)

// CallResource serves the query editor's helpers:
//
//	GET fields             the allowed correlateBy/groupBy fields, filter fields and operators
//	GET values?field=NAME  the most frequent values of a field over the last 30 days
//	GET variables?kind=…   dashboard variable values (see variables.go)
func (d *Datasource) CallResource(ctx context.Context, req *backend.CallResourceRequest, sender backend.CallResourceResponseSender) (err error) {
	defer func() {
		if v := recover(); v != nil {
			log.DefaultLogger.Error("panic in CallResource", "path", echo.Clip(req.Path), "panic", echo.Clip(fmt.Sprint(v)))
			err = sendJSON(sender, http.StatusInternalServerError, map[string]string{"error": recovered(v).Error()})
		}
	}()
	if req.Method != http.MethodGet {
		return sendJSON(sender, http.StatusMethodNotAllowed, map[string]string{"error": "only GET is supported"})
	}
	switch strings.Trim(req.Path, "/") {
	case "fields":
		return sendJSON(sender, http.StatusOK, map[string]any{
			"correlate":  models.KeyFields,
			"filter":     models.FilterFields,
			"operators":  models.FilterOps,
			"queryTypes": models.QueryTypes,
			"presets":    models.Presets,
			"inventory":  models.InventoryFlags,
			"coverage":   append([]string{models.AnyBlindSpot}, models.CoverageFindings...),
		})
	case "variables":
		return d.variables(ctx, req, sender)
	case "values":
		if d.settingsErr != nil {
			return sendJSON(sender, http.StatusBadRequest, map[string]string{"error": d.settingsErr.Error()})
		}
		u, perr := url.Parse(req.URL)
		if perr != nil {
			return sendJSON(sender, http.StatusBadRequest, map[string]string{"error": "malformed URL"})
		}
		field := u.Query().Get("field")
		values, verr := d.store.Values(ctx, field, 100)
		if verr != nil {
			status := http.StatusBadGateway
			if errors.Is(verr, models.ErrInvalidQuery) {
				status = http.StatusBadRequest
			}
			return sendJSON(sender, status, map[string]string{"error": verr.Error()})
		}
		if values == nil {
			values = []string{}
		}
		return sendJSON(sender, http.StatusOK, map[string]any{"values": values})
	}
	return sendJSON(sender, http.StatusNotFound, map[string]string{"error": "unknown resource " + echo.Quote(req.Path) + ": use fields, values or variables"})
}

func sendJSON(sender backend.CallResourceResponseSender, status int, body any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	return sender.Send(&backend.CallResourceResponse{
		Status:  status,
		Headers: map[string][]string{"Content-Type": {"application/json"}},
		Body:    b,
	})
}
