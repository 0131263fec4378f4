package frames

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/tokentrail/tokentrail/pkg/engine"
)

// Annotations returns episodes as Grafana annotations: one region per
// episode from the access anchor to its last sensitive event, with the
// fields Grafana's annotation support reads by name (time, timeEnd, title,
// text, tags, id). The text starts with the severity and score so the
// marker on a graph says how bad it is before anyone opens it.
func Annotations(eps []engine.Episode, executedSQL string) *data.Frame {
	sorted := make([]*engine.Episode, len(eps))
	for i := range eps {
		sorted[i] = &eps[i]
	}
	slices.SortStableFunc(sorted, func(a, b *engine.Episode) int {
		return cmp.Or(a.AccessTime.Compare(b.AccessTime), strings.Compare(a.ID, b.ID))
	})
	n := len(sorted)
	start, end := make([]time.Time, n), make([]time.Time, n)
	title, text, tags, ids := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, ep := range sorted {
		start[i], end[i] = ep.AccessTime.UTC(), ep.LastSensitive.UTC()
		who := cmp.Or(ep.ActorName, ep.ActorID, ep.TokenID)
		app := cmp.Or(ep.AppName, ep.AppID)
		title[i] = fmt.Sprintf("%s %s: %s via %s", AttackRef(ep.Analytic).Analytic, ep.Severity, who, app)
		text[i] = fmt.Sprintf("%s (score %d): %s used %s in %s; %s at %s, then %d sensitive event(s): %s",
			strings.ToUpper(ep.Severity), ep.Score, who, app, ep.Source, ep.AccessAction,
			ep.AccessTime.UTC().Format("2006-01-02 15:04:05Z"), ep.SensitiveCount, strings.Join(ep.Actions, ", "))
		tags[i] = strings.Join([]string{AttackRef(ep.Analytic).Analytic, ep.Severity, ep.Source}, ",")
		ids[i] = ep.ID
	}
	return data.NewFrame("annotations",
		data.NewField("time", nil, start),
		data.NewField("timeEnd", nil, end),
		data.NewField("title", nil, title),
		data.NewField("text", nil, text),
		data.NewField("tags", nil, tags),
		data.NewField("id", nil, ids),
	).SetMeta(&data.FrameMeta{ExecutedQueryString: executedSQL})
}
