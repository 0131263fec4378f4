package frames

import (
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/tokentrail/tokentrail/pkg/catalog/posturedata"
	"github.com/tokentrail/tokentrail/pkg/engine"
)

// The provisioned dashboards the data links open. Links are relative to
// Grafana's root, so they work on any Grafana that provisions them
// (provisioning/dashboards).
const (
	SOCDashboard     = "/d/tokentrail-an0020/tokentrail"
	PostureDashboard = "/d/tokentrail-posture/saas-token-posture"
)

// timelineLink opens the SOC dashboard's timeline for the actor and app
// patterns and the time range carried by the row's hidden link fields.
var timelineLink = data.DataLink{
	Title: "Timeline of this actor and app, centred on the access",
	URL: SOCDashboard + "?var-actor=${__data.fields.timeline_actor:percentencode}&var-app=${__data.fields.timeline_app:percentencode}" +
		"&var-token=%25&from=${__data.fields.timeline_from}&to=${__data.fields.timeline_to}",
}

// responseLink opens the vendor's admin page of the row's containment step.
var responseLink = data.DataLink{Title: "Open the vendor's admin page", URL: "${__data.fields.response_url}", TargetBlank: true}

// hidden marks link-only fields: a table shows them only when asked.
func hidden(f *data.Field) *data.Field {
	f.Config = &data.FieldConfig{Custom: map[string]any{"hidden": true}}
	return f
}

// likeExact escapes a value for the dashboards' LIKE filters so that it
// matches only itself.
var likeExact = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// minTimelineHalfWidth is the least time shown on each side of the access.
const minTimelineHalfWidth = time.Hour

// addInvestigation appends to the sequences frame what an analyst acts on:
// the vendor's containment step (response, with a link to the admin page)
// and the hidden fields behind the episode's link to its timeline, which is
// centred on the access anchor and wide enough to show the whole episode.
// When app_id is not part of the key (the broad preset), the timeline shows
// every app of the actor: the grant and the access may name the app
// differently.
func addInvestigation(f *data.Frame, eps []*engine.Episode, correlateBy []string) {
	n := len(eps)
	resp, respURL, actors, apps := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	from, to := make([]int64, n), make([]int64, n)
	byApp := contains(correlateBy, engine.FieldAppID)
	for i, ep := range eps {
		resp[i], respURL[i] = EpisodeResponse(ep)
		actors[i], apps[i] = likeExact.Replace(ep.ActorID), "%"
		if byApp {
			apps[i] = likeExact.Replace(ep.AppID)
		}
		half := max(ep.LastSensitive.Sub(ep.AccessTime), minTimelineHalfWidth)
		from[i], to[i] = ep.AccessTime.Add(-half).UnixMilli(), ep.AccessTime.Add(half).UnixMilli()
	}
	response := data.NewField("response", nil, resp)
	response.Config = &data.FieldConfig{DisplayNameFromDS: "Response", Links: []data.DataLink{responseLink}}
	f.Fields = append(f.Fields, response,
		hidden(data.NewField("response_url", nil, respURL)),
		hidden(data.NewField("timeline_actor", nil, actors)),
		hidden(data.NewField("timeline_app", nil, apps)),
		hidden(data.NewField("timeline_from", nil, from)),
		hidden(data.NewField("timeline_to", nil, to)),
	)
	id := f.Fields[0]
	if id.Config == nil {
		id.Config = &data.FieldConfig{}
	}
	id.Config.Links = append(id.Config.Links, timelineLink)
}

// EpisodeResponse is the containment step of an episode: remove the grant
// when a grant anchored it (the consent is what gave access), else revoke
// the token when the episode names one, else disable the app; then
// invalidate the actor's sessions. The URL is the first step's admin page.
func EpisodeResponse(ep *engine.Episode) (text, url string) {
	kind := posturedata.RespondApp
	switch {
	case ep.AccessCategory == "grant":
		kind = posturedata.RespondGrant
	case ep.TokenID != "":
		kind = posturedata.RespondToken
	}
	vars := posturedata.ResponseVars{Tenant: ep.Tenant, AppID: ep.AppID, TokenID: ep.TokenID, ActorID: ep.ActorID}
	first, ok := posturedata.DefaultPosture().Response(ep.Source, kind, vars)
	if !ok {
		return "", ""
	}
	sessions, _ := posturedata.DefaultPosture().Response(ep.Source, posturedata.RespondSessions, vars)
	return first.Text + " Then: " + sessions.Text, first.URL
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
