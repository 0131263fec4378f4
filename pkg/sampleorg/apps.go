package sampleorg

import (
	"strconv"
	"strings"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// Approved automation, one per vendor. Their ids go to Truth.ApprovedApps,
// which the demo configures as the data source's approvedApps.
var automationSpecs = []struct {
	source, name string
	scopes       []string
	ownActor     string // service account login when the app acts as itself
}{
	{event.SourceOkta, "Terraform Okta provider", []string{"okta.policies.manage", "okta.users.manage", "okta.groups.manage"}, "svc-terraform"},
	{event.SourceGoogle, "Drive Vault Backup", []string{"https://www.googleapis.com/auth/drive.readonly"}, ""},
	{event.SourceMicrosoft, "Mail Archiver", []string{"Mail.Read"}, "svc-archiver"},
	{event.SourceGitHub, "ci-builder", nil, "ci-builder[bot]"},
	{event.SourceSlack, "Compliance Export", []string{"files:read", "channels:history"}, "compliance-export"},
}

// Third-party apps users consent to. They only ever read profile, calendar
// or other non-sensitive data, so they never form an AN0020 sequence.
var thirdPartyNames = []string{
	"MeetFlow Scheduler", "DiagramHub", "ExpenseBee", "SignRight", "NoteStack",
	"PollPal", "TimeTrackr", "StandupBot",
}

var thirdPartyScopes = map[string][]string{
	event.SourceOkta:      {"openid", "profile", "email"},
	event.SourceGoogle:    {"openid", "https://www.googleapis.com/auth/userinfo.email", "https://www.googleapis.com/auth/calendar.readonly"},
	event.SourceMicrosoft: {"openid", "profile", "User.Read", "Calendars.Read"},
	event.SourceGitHub:    {"read:user", "user:email"},
	event.SourceSlack:     {"users:read", "chat:write", "commands"},
}

func (o *org) buildApps() {
	for _, s := range automationSpecs {
		a := o.newApp(s.source, s.name, classAutomation, s.scopes)
		if s.ownActor != "" {
			a.actor = o.serviceIdentity(s.source, s.ownActor)
		}
		switch s.source {
		case event.SourceGoogle:
			a.dwd = true // backups read every user's Drive by impersonation
		case event.SourceOkta: // an SSWS token: the token is the app
			a.tokenID = o.ids.okta("00T", nsToken, 1<<40)
			a.id = a.tokenID
		case event.SourceGitHub: // a GitHub App is named by its slug
			a.id = s.name
		}
		o.automation[s.source] = a
	}
	o.officePortal = &app{source: event.SourceMicrosoft, id: officeHome, name: "OfficeHome", class: classThirdParty}
	for _, src := range event.Sources {
		for _, n := range thirdPartyNames {
			o.thirdParty[src] = append(o.thirdParty[src], o.newApp(src, n, classThirdParty, thirdPartyScopes[src]))
		}
	}
}

// newApp mints an app with the identifiers its vendor uses. The app_id is
// the identifier the normalizer puts in app_id: the OAuth client id for Okta,
// Google and Microsoft, the OAuth app or GitHub App id for GitHub and the
// app id for Slack.
func (o *org) newApp(source, name string, class appClass, scopes []string) *app {
	o.nextApp++
	n := o.nextApp
	a := &app{source: source, name: name, class: class, scopes: scopes, cloud: mixBits(n^o.ids.key, 8)}
	switch source {
	case event.SourceOkta:
		a.id = o.ids.okta("0oa", nsApp, n)
	case event.SourceGoogle:
		a.id = o.ids.digits21(nsApp, n)
	case event.SourceMicrosoft:
		a.id = o.ids.uuid(nsApp, n)
		a.objectID = o.ids.uuid(nsObject, 1<<20|n)
	case event.SourceGitHub:
		a.numID = 100_000 + int64(mixBits(n^o.ids.key, 19))
		a.id = strconv.FormatInt(a.numID, 10)
	case event.SourceSlack:
		a.id = o.ids.upperAlnum("A", nsApp, n)
	}
	return a
}

// serviceIdentity is the account an automation app acts as.
func (o *org) serviceIdentity(source, login string) *identity {
	id := &identity{email: login + "@" + o.domain, display: login}
	switch source {
	case event.SourceOkta:
		id.id = o.ids.okta("00u", nsUser, 1<<30|o.nextApp)
	case event.SourceSlack:
		id.id = o.ids.upperAlnum("U", nsUser, 1<<30|o.nextApp)
	case event.SourceGitHub:
		id.numID = 41_000_000 + int64(mixBits(o.nextApp^o.ids.key, 20))
		id.id, id.email = strings.ToLower(login), "" // actor_id is the login
	default:
		id.id = id.email
	}
	id.name = id.email
	if id.email == "" {
		id.name = login
	}
	return id
}
