package sampleorg

import (
	"strconv"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// normalized renders a as the row the vendor normalizer would produce from
// the vendor record of the same act.
func (g *generator) normalized(a *act) event.Event {
	actor := a.actorIdentity()
	e := event.Event{
		EventTime:   a.t,
		EventID:     g.normalizedID(a),
		Tenant:      a.tenant,
		Source:      a.source,
		Action:      a.action,
		Category:    a.cat,
		AuthMethod:  a.auth,
		Outcome:     a.outcome(),
		SrcIP:       a.ip,
		UserAgent:   a.ua,
		SessionID:   a.sess,
		TargetType:  a.target.typ,
		TargetID:    a.target.id,
		TargetName:  a.target.name,
		Scopes:      a.scopes,
		Sensitivity: a.sens,
		TokenID:     a.token,
	}
	if actor != nil {
		e.ActorID, e.ActorName = actor.id, actor.name
	}
	e.AppID = a.appID()
	if a.app != nil && !a.noAppName {
		e.AppName = a.app.name
	}
	if e.Scopes == nil {
		e.Scopes = []string{}
	}
	g.buf = append(g.buf[:0], `{"generator":"tokentrail-sampleorg","seq":`...)
	g.buf = strconv.AppendUint(g.buf, a.seq, 10)
	g.buf = append(g.buf, `,"source":`...)
	g.buf = strconv.AppendQuote(g.buf, a.source)
	g.buf = append(g.buf, `,"action":`...)
	g.buf = strconv.AppendQuote(g.buf, a.action)
	g.buf = append(g.buf, '}')
	e.Raw = string(g.buf)
	return e
}

// normalizedID is the event_id the normalizer makes of the vendor's id:
// the id itself, except for Google, where the whole activity id is the
// event id (pkg/normalize GoogleEventID: application, customer, canonical
// time and qualifier).
func (g *generator) normalizedID(a *act) string {
	if a.source != event.SourceGoogle {
		return g.eventID(a)
	}
	app, _, _ := strings.Cut(a.action, ".")
	return app + ":" + g.o.tenantGoogle + ":" + a.t.UTC().Format(time.RFC3339Nano) + ":" + g.eventID(a)
}

// eventID is the id the vendor gives the event.
func (g *generator) eventID(a *act) string {
	switch a.source {
	case event.SourceGoogle:
		return g.o.ids.signed(nsEvent, a.seq)
	case event.SourceGitHub:
		return g.o.ids.docID(nsEvent, a.seq)
	default:
		return g.o.ids.uuid(nsEvent, a.seq)
	}
}

// actorIdentity is who the normalized row names as actor: the person, or
// for app-only work the app's own service identity.
func (a *act) actorIdentity() *identity {
	if a.actor != nil {
		return a.actor
	}
	if a.app != nil {
		return a.app.actor
	}
	return nil
}

func (a *act) outcome() string {
	if a.failed {
		return "failure"
	}
	return "success"
}
