package posture

import (
	"time"

	"github.com/tokentrail/tokentrail/pkg/engine"
)

// LastEpisodes keeps, per tenant, source and app, the episode whose first
// sensitive event is the latest, so the apps inventory can show each app's
// last episode. It holds one small record per app with episodes, whatever
// the number of episodes streamed through it. Not safe for concurrent use.
type LastEpisodes map[[3]string]lastEpisode

type lastEpisode struct {
	id, severity string
	score        int
	at           time.Time
}

// Add records ep if it is its app's latest so far; ties keep the smaller
// episode id, so the result does not depend on stream order.
func (l LastEpisodes) Add(ep engine.Episode) error {
	k := [3]string{ep.Tenant, ep.Source, ep.AppID}
	cur, ok := l[k]
	if !ok || ep.FirstSensitive.After(cur.at) || (ep.FirstSensitive.Equal(cur.at) && ep.ID < cur.id) {
		l[k] = lastEpisode{id: ep.ID, severity: ep.Severity, score: ep.Score, at: ep.FirstSensitive}
	}
	return nil
}

// Apply fills each app's last episode.
func (l LastEpisodes) Apply(apps []App) {
	for i := range apps {
		a := &apps[i]
		if e, ok := l[[3]string{a.Tenant, a.Source, a.AppID}]; ok {
			a.LastEpisodeID, a.LastSeverity, a.LastScore, a.LastEpisodeAt = e.id, e.severity, e.score, e.at
		}
	}
}
