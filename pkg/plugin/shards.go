package plugin

import (
	"context"
	"fmt"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/tokentrail/tokentrail/pkg/echo"
)

// noteSkippedShards adds a notice to a successful answer that may lack a
// shard's events. With skipUnavailableShards on, a Distributed table
// answers without the shards none of whose replicas it can reach, and
// nothing in the answer says so; the store then asks every shard directly
// and the panel is told which ones did not answer. With the setting off
// (the default) such a query fails instead, naming the shard.
func (d *Datasource) noteSkippedShards(ctx context.Context, res *backend.DataResponse) {
	if d.settings == nil || !d.settings.SkipUnavailableShards || res.Error != nil || len(res.Frames) == 0 {
		return
	}
	down, err := d.store.UnavailableShards(ctx)
	var text string
	switch {
	case err != nil:
		text = fmt.Sprintf("skipUnavailableShards is on and the plugin could not check that every shard answered (%s): this answer may lack a shard's events.", echo.Clip(err.Error()))
	case len(down) == 0:
		return
	default:
		text = fmt.Sprintf("Partial answer: %s did not answer, and skipUnavailableShards is on, so the events stored there are missing from this answer.", strings.Join(down, "; "))
	}
	res.Frames[0].AppendNotices(data.Notice{Severity: data.NoticeSeverityWarning, Text: text})
}
