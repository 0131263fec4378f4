// Package plugin is the Grafana-facing side of TokenTrail: the datasource
// instance and its health, query and resource handlers. It translates
// between Grafana's requests and the store, engine and frames packages and
// owns the error policy (who is to blame, what the user reads).
package plugin

import (
	"context"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/store"
)

// PluginID is the id in plugin.json.
const PluginID = "tokentrail-clickhouse-datasource"

// Interfaces Grafana calls through.
var (
	_ backend.QueryDataHandler      = (*Datasource)(nil)
	_ backend.CheckHealthHandler    = (*Datasource)(nil)
	_ backend.CallResourceHandler   = (*Datasource)(nil)
	_ instancemgmt.InstanceDisposer = (*Datasource)(nil)
)

// Datasource is one configured TokenTrail datasource. Grafana creates a new
// instance when the settings change and disposes of the old one, so the
// connection pool lives exactly as long as the settings it was built from.
type Datasource struct {
	settings *models.PluginSettings
	store    *store.Store
	// settingsErr is kept instead of failing the factory: Grafana then
	// still routes CheckHealth and queries here and the user sees what to
	// fix instead of a generic "plugin unavailable".
	settingsErr error
}

// NewDatasource is the instance factory given to datasource.Manage.
func NewDatasource(_ context.Context, source backend.DataSourceInstanceSettings) (instancemgmt.Instance, error) {
	ds := &Datasource{}
	settings, err := models.LoadPluginSettings(source)
	if err != nil {
		ds.settingsErr = err
		log.DefaultLogger.Warn("TokenTrail datasource settings are invalid", "datasource", source.UID, "error", err.Error())
		return ds, nil
	}
	st, err := store.Open(settings)
	if err != nil {
		ds.settingsErr = err
		return ds, nil
	}
	ds.settings, ds.store = settings, st
	return ds, nil
}

// Dispose closes the pool when Grafana replaces or removes the instance.
func (d *Datasource) Dispose() {
	if d.store != nil {
		if err := d.store.Close(); err != nil {
			log.DefaultLogger.Warn("closing ClickHouse pool", "error", err.Error())
		}
	}
}
