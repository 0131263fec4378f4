package plugin

import (
	"context"
	"fmt"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/tokentrail/tokentrail/pkg/echo"
)

// CheckHealth is Grafana's "Save & test": it connects, checks that the
// database, table and every required column exist and reports the table's
// size and time span, or exactly one clear reason why not.
func (d *Datasource) CheckHealth(ctx context.Context, _ *backend.CheckHealthRequest) (res *backend.CheckHealthResult, err error) {
	defer func() {
		if v := recover(); v != nil {
			log.DefaultLogger.Error("panic in CheckHealth", "panic", echo.Clip(fmt.Sprint(v)))
			res, err = &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: recovered(v).Error()}, nil
		}
	}()
	if d.settingsErr != nil {
		return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: d.settingsErr.Error()}, nil
	}
	h, err := d.store.Health(ctx)
	if err != nil {
		return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: err.Error()}, nil
	}
	return &backend.CheckHealthResult{
		Status:  backend.HealthStatusOk,
		Message: h.Message(d.settings.Database, d.settings.Table),
	}, nil
}
