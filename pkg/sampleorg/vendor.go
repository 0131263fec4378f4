package sampleorg

import (
	"encoding/json"
	"fmt"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// vendorRecord renders a in its vendor's audit-API export shape.
func (g *generator) vendorRecord(a *act) (json.RawMessage, error) {
	switch a.source {
	case event.SourceOkta:
		return g.oktaRecord(a)
	case event.SourceGoogle:
		return g.googleRecord(a)
	case event.SourceMicrosoft:
		return g.m365Record(a)
	case event.SourceGitHub:
		return g.githubRecord(a)
	case event.SourceSlack:
		return g.slackRecord(a)
	}
	return nil, fmt.Errorf("no vendor renderer for source %q", a.source)
}
