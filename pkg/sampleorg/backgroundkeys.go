package sampleorg

import (
	"cmp"
	"slices"
)

// background lists every token-using key of the routines with its class,
// for Truth.Background. The list is built from the organisation, not from
// the data, so it is complete whatever a routine happened to do.
func (o *org) background() []BackgroundKey {
	var out []BackgroundKey
	for _, p := range o.people {
		for _, c := range p.clients {
			src := c.kind.source()
			class := ClassSync
			if c.kind.adminTool() {
				class = ClassAdminTool
			}
			name := clientKindNames[c.kind] + " of " + p.email
			if c.lastDay != 0 {
				name = "dormant " + name
			}
			out = append(out, BackgroundKey{Source: src, ActorID: p.in(src).id, AppID: c.appID(), Class: class, Name: name})
			if c.prevToken != "" {
				out = append(out, BackgroundKey{Source: src, ActorID: p.in(src).id, AppID: c.prevToken, Class: class, Name: "replaced " + name})
			}
		}
	}
	for _, s := range o.services {
		out = append(out, BackgroundKey{Source: s.app.source, ActorID: s.actor.id, AppID: s.appID(), Class: ClassService, Name: s.name})
	}
	for _, na := range o.newApps {
		for _, a := range na.adopters {
			src := na.app.source
			out = append(out, BackgroundKey{Source: src, ActorID: a.p.in(src).id, AppID: na.app.id, Class: ClassNewApp, Name: na.app.name + " of " + a.p.email})
		}
	}
	slices.SortStableFunc(out, func(a, b BackgroundKey) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.ActorID, b.ActorID), cmp.Compare(a.AppID, b.AppID))
	})
	return slices.CompactFunc(out, func(a, b BackgroundKey) bool {
		return a.Source == b.Source && a.ActorID == b.ActorID && a.AppID == b.AppID
	})
}
