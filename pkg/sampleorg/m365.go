package sampleorg

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// Microsoft 365 acts. Conventions follow pkg/normalize's Microsoft 365
// normalizer: actor_id is the lower-cased UserId (UPN); app_id is the client
// (application) id, which the normalizer recovers from directory audit
// records too, so a consent and the app's later mail reads share app_id;
// sign-ins are interactive whatever the client; the tenant is the
// OrganizationId.

// Record types of the Management Activity API.
const (
	m365ExchangeAdmin = 1
	m365SharePoint    = 6
	m365AzureAD       = 8
	m365AzureADLogon  = 15
	m365MailItems     = 50
)

// officeHome is Microsoft's own portal client, the application of an
// ordinary browser sign-in.
const officeHome = "4765445b-32c6-49b0-83e6-1d93765276ca"

// graphAPI is the resource a sign-in record names as its object.
const graphAPI = "00000003-0000-0000-c000-000000000000"

// exchangeRESTClient is the ClientInfoString of Graph mail access, which the
// normalizer reports as user_agent.
const exchangeRESTClient = "Client=REST;Client=RESTSystem;;"

func (g *generator) m365Act(t time.Time, action string, actor *identity, ip string) *act {
	a := g.newAct(t, event.SourceMicrosoft, action)
	a.actor, a.ip, a.tenant = actor, ip, g.o.tenantM365
	return a
}

// m365Grant is a directory audit record about app: consent, permission
// grant or its removal. Grants are OAuth; a removal names no method.
func (g *generator) m365Grant(t time.Time, action string, p *person, app *app, ip string) *act {
	a := g.m365Act(t, action, &p.m365, ip)
	a.app, a.scopes, a.ua = app, app.scopes, p.ua
	if !strings.HasPrefix(action, "Remove") {
		a.auth = event.AuthOAuth
	}
	a.target = target{typ: "app", id: app.objectID, name: app.name}
	if hasMailScope(app.scopes) {
		a.facts |= factMailbox
	}
	return a
}

func hasMailScope(scopes []string) bool {
	for _, s := range scopes {
		if strings.HasPrefix(s, "Mail.") || strings.HasPrefix(s, "MailboxSettings.") {
			return true
		}
	}
	return false
}

// m365MailRead is a MailItemsAccessed record: owner's mailbox read by app,
// delegated with the owner's token, or app-only when the app acts as itself.
func (g *generator) m365MailRead(t time.Time, owner *person, app *app, ip, tokenID, aadSession string) *act {
	actor := &owner.m365
	auth := event.AuthOAuth
	if app.actor != nil {
		actor, auth = app.actor, event.AuthServiceAccount
	}
	a := g.m365Act(t, "MailItemsAccessed", actor, ip)
	a.app, a.auth, a.token, a.ua, a.sess = app, auth, tokenID, exchangeRESTClient, aadSession
	a.facts |= factMailbox
	a.target = target{typ: "mailbox", id: owner.mailboxGUID, name: owner.email, owner: &owner.m365}
	return a
}

// m365SignIn is an Azure AD sign-in of p to app (Office itself when nil).
// The normalizer names the client in app_id but not its display name.
func (g *generator) m365SignIn(t time.Time, p *person, app *app, ip string) *act {
	a := g.m365Act(t, "UserLoggedIn", &p.m365, ip)
	a.auth, a.ua, a.noAppName = event.AuthInteractive, p.ua, true
	a.app = app
	if app == nil {
		a.app = g.o.officePortal
	}
	a.sess = g.o.ids.uuid(nsSession, uint64(p.idx)<<20|uint64(t.Unix()/86400)&0xfffff)
	a.target = target{typ: "app", id: graphAPI}
	return a
}

// sessM365Work: a person signs in and works on SharePoint files.
func (g *generator) sessM365Work(t time.Time) int {
	p := g.anyone()
	ip := g.ipOf(p)
	n := g.keep(g.m365SignIn(t, p, nil, ip))
	for i := 1 + g.bg.IntN(5); i > 0; i-- {
		t = t.Add(g.gap(15*time.Second, 5*time.Minute))
		op := "FileAccessed"
		switch r := g.bg.IntN(100); {
		case r < 25:
			op = "FileModified"
		case r < 33:
			op = "FileDownloaded"
		}
		f := g.o.spFiles[g.bg.IntN(len(g.o.spFiles))]
		a := g.m365Act(t, op, &p.m365, ip)
		a.ua, a.detail = p.ua, f.id
		if op != "FileModified" { // the normalizer maps a target only for reads
			a.target = f
		}
		n += g.keep(a)
	}
	return n
}

// sessM365ThirdParty: a consented app signs a person in (OpenID Connect);
// nothing else.
func (g *generator) sessM365ThirdParty(t time.Time) int {
	p := g.anyone()
	return g.keep(g.m365SignIn(t, p, g.anyThirdParty(event.SourceMicrosoft), g.ipOf(p)))
}

// sessM365Archiver: the approved archiver reads a batch of mailboxes with
// its application permission.
func (g *generator) sessM365Archiver(t time.Time) int {
	app := g.o.automation[event.SourceMicrosoft]
	n := 0
	for i := 2 + g.bg.IntN(20); i > 0; i-- {
		n += g.keep(g.m365MailRead(t, g.anyone(), app, g.o.cloudIPs[2], "", ""))
		t = t.Add(g.gap(time.Second, 20*time.Second))
	}
	return n
}

// Management Activity API record: the common schema and the workload fields
// this package fills. Optional fields are omitted when empty, as the API
// omits fields a workload does not have.
type (
	m365Record struct {
		CreationTime                  string          `json:"CreationTime"`
		ID                            string          `json:"Id"`
		Operation                     string          `json:"Operation"`
		OrganizationID                string          `json:"OrganizationId"`
		RecordType                    int             `json:"RecordType"`
		ResultStatus                  string          `json:"ResultStatus,omitempty"`
		UserKey                       string          `json:"UserKey"`
		UserType                      int             `json:"UserType"`
		Version                       int             `json:"Version"`
		Workload                      string          `json:"Workload"`
		ClientIP                      string          `json:"ClientIP,omitempty"`
		ObjectID                      string          `json:"ObjectId,omitempty"`
		UserID                        string          `json:"UserId"`
		AzureActiveDirectoryEventType *int            `json:"AzureActiveDirectoryEventType,omitempty"`
		ActorIPAddress                string          `json:"ActorIpAddress,omitempty"`
		ErrorNumber                   string          `json:"ErrorNumber,omitempty"`
		ApplicationID                 string          `json:"ApplicationId,omitempty"`
		AppID                         string          `json:"AppId,omitempty"`
		ClientAppID                   string          `json:"ClientAppId,omitempty"`
		ClientIPAddress               string          `json:"ClientIPAddress,omitempty"`
		ClientInfoString              string          `json:"ClientInfoString,omitempty"`
		ExternalAccess                *bool           `json:"ExternalAccess,omitempty"`
		MailboxGUID                   string          `json:"MailboxGuid,omitempty"`
		MailboxOwnerUPN               string          `json:"MailboxOwnerUPN,omitempty"`
		OperationProperties           []m365Pair      `json:"OperationProperties,omitempty"`
		OperationCount                int             `json:"OperationCount,omitempty"`
		AppAccessContext              *m365AppContext `json:"AppAccessContext,omitempty"`
		Parameters                    []m365Pair      `json:"Parameters,omitempty"`
		ItemType                      string          `json:"ItemType,omitempty"`
		SiteURL                       string          `json:"SiteUrl,omitempty"`
		SourceFileName                string          `json:"SourceFileName,omitempty"`
		SourceRelativeURL             string          `json:"SourceRelativeUrl,omitempty"`
		UserAgent                     string          `json:"UserAgent,omitempty"`
		EventSource                   string          `json:"EventSource,omitempty"`
		Actor                         []m365Identity  `json:"Actor,omitempty"`
		Target                        []m365Identity  `json:"Target,omitempty"`
		ExtendedProperties            []m365Pair      `json:"ExtendedProperties,omitempty"`
		ModifiedProperties            []m365Modified  `json:"ModifiedProperties,omitempty"`
		DeviceProperties              []m365Pair      `json:"DeviceProperties,omitempty"`
	}
	m365Pair struct {
		Name  string `json:"Name"`
		Value string `json:"Value"`
	}
	m365Modified struct {
		Name     string `json:"Name"`
		NewValue string `json:"NewValue"`
		OldValue string `json:"OldValue"`
	}
	m365Identity struct {
		ID   string `json:"ID"`
		Type int    `json:"Type"`
	}
	m365AppContext struct {
		AADSessionID  string `json:"AADSessionId,omitempty"`
		APIID         string `json:"APIId,omitempty"`
		ClientAppID   string `json:"ClientAppId"`
		ClientAppName string `json:"ClientAppName"`
		IssuedAtTime  string `json:"IssuedAtTime,omitempty"`
		UniqueTokenID string `json:"UniqueTokenId,omitempty"`
		UserObjectID  string `json:"UserObjectId,omitempty"`
	}
)

// m365Record renders a as a Management Activity API record.
func (g *generator) m365Record(a *act) (json.RawMessage, error) {
	actor := a.actorIdentity()
	r := m365Record{
		CreationTime:   a.t.Format("2006-01-02T15:04:05"),
		ID:             g.eventID(a),
		Operation:      a.action,
		OrganizationID: g.o.tenantM365,
		ResultStatus:   "Succeeded",
		UserKey:        "1003" + strings.ToUpper(base62Fixed(splitmix(uint64(len(actor.email))^g.o.ids.fill), 12)),
		Version:        1,
		UserID:         actor.email,
	}
	switch a.action {
	case "Consent to application.", "Add delegated permission grant.", "Remove delegated permission grant.":
		g.m365Directory(a, &r)
	case "UserLoggedIn":
		zero := 0
		r.RecordType, r.Workload, r.ResultStatus = m365AzureADLogon, "AzureActiveDirectory", "Success"
		r.ClientIP, r.ActorIPAddress, r.AzureActiveDirectoryEventType, r.ErrorNumber = a.ip, a.ip, &zero, "0"
		r.ObjectID, r.ApplicationID = a.target.id, a.app.id
		r.Actor = []m365Identity{{ID: actor.person.m365ObjectID, Type: 0}, {ID: actor.email, Type: 5}}
		r.ExtendedProperties = []m365Pair{{"UserAgent", a.ua}, {"RequestType", "OAuth2:Authorize"}, {"ResultStatusDetail", "Success"}}
		r.DeviceProperties = []m365Pair{{"OS", "Windows10"}, {"SessionId", a.sess}}
	case "MailItemsAccessed":
		no := false
		r.RecordType, r.Workload = m365MailItems, "Exchange"
		r.AppID, r.ClientIPAddress, r.ClientInfoString, r.ExternalAccess = a.app.id, a.ip, a.ua, &no
		r.MailboxGUID, r.MailboxOwnerUPN = a.target.id, a.target.name
		r.OperationProperties = []m365Pair{{"MailAccessType", "Bind"}, {"IsThrottled", "False"}}
		r.OperationCount = 1
		ctx := &m365AppContext{AADSessionID: a.sess, APIID: graphAPI, ClientAppID: a.app.id, ClientAppName: a.app.name,
			IssuedAtTime: a.t.Add(-5 * time.Minute).Format("2006-01-02T15:04:05"), UniqueTokenID: a.token}
		if a.auth == event.AuthServiceAccount {
			r.UserType = 6 // service principal: application permission, no user
		} else {
			ctx.UserObjectID = a.target.owner.person.m365ObjectID
		}
		r.AppAccessContext = ctx
	case "New-InboxRule", "Set-Mailbox":
		r.RecordType, r.Workload = m365ExchangeAdmin, "Exchange"
		r.ClientIP, r.ObjectID = a.ip+":50213", a.target.id
		if a.action == "New-InboxRule" {
			r.Parameters = []m365Pair{{"Mailbox", actor.email}, {"Name", a.target.name}}
		} else {
			r.Parameters = []m365Pair{{"Identity", a.target.name}, {"LitigationHoldEnabled", "True"}}
		}
		if a.facts&factForwarding != 0 {
			r.Parameters = append(r.Parameters, m365Pair{"ForwardTo", a.detail}, m365Pair{"StopProcessingRules", "True"})
		}
		if a.app != nil { // a cmdlet run through Graph by an app with the user's token
			r.AppID, r.ClientAppID = a.app.id, a.app.id
			r.AppAccessContext = &m365AppContext{AADSessionID: a.sess, ClientAppID: a.app.id, ClientAppName: a.app.name,
				UniqueTokenID: a.token, UserObjectID: actor.person.m365ObjectID}
		}
	default: // SharePoint file operations; SharePoint records carry no ResultStatus
		r.RecordType, r.Workload, r.ResultStatus = m365SharePoint, "SharePoint", ""
		r.ClientIP, r.ObjectID, r.ItemType = a.ip, a.detail, "File"
		r.SiteURL = "https://" + g.cfg.Tenant + ".sharepoint.com/sites/Shared/"
		r.SourceFileName = a.detail[strings.LastIndexByte(a.detail, '/')+1:]
		r.SourceRelativeURL, r.UserAgent, r.EventSource = "Shared Documents", a.ua, "SharePoint"
	}
	return json.Marshal(&r)
}

// m365Directory fills an Azure AD directory audit record about an app.
func (g *generator) m365Directory(a *act, r *m365Record) {
	actor := a.actorIdentity()
	one := 1
	r.RecordType, r.Workload, r.ResultStatus = m365AzureAD, "AzureActiveDirectory", "Success"
	r.ObjectID, r.AzureActiveDirectoryEventType, r.ClientIP = a.app.objectID, &one, a.ip
	r.Actor = []m365Identity{
		{ID: actor.email, Type: 5},
		{ID: "User_" + actor.person.m365ObjectID, Type: 2},
		{ID: actor.person.m365ObjectID, Type: 2},
		{ID: "User", Type: 2},
	}
	r.Target = []m365Identity{
		{ID: "ServicePrincipal_" + a.app.objectID, Type: 2},
		{ID: a.app.objectID, Type: 2},
		{ID: "ServicePrincipal", Type: 2},
		{ID: a.app.name, Type: 1},
	}
	details, err := json.Marshal(map[string]string{"User-Agent": a.ua})
	if err != nil {
		details = []byte("{}")
	}
	r.ExtendedProperties = []m365Pair{{"additionalDetails", string(details)}, {"extendedAuditEventCategory", "ServicePrincipal"}}
	scopes := strings.Join(a.scopes, " ")
	if a.action == "Consent to application." {
		r.ModifiedProperties = []m365Modified{
			{"ConsentContext.IsAdminConsent", "False", ""},
			{"ConsentContext.IsAppOnly", "False", ""},
			{"ConsentContext.OnBehalfOfAll", "False", ""},
			{"ConsentAction.Permissions", "[] => [[ClientId: " + a.app.objectID + ", PrincipalId: " + actor.person.m365ObjectID +
				", ConsentType: Principal, Scope:  " + scopes + ", CreatedDateTime: ]]; ", ""},
		}
	} else {
		r.ModifiedProperties = []m365Modified{
			{"DelegatedPermissionGrant.Scope", scopes, ""},
			{"DelegatedPermissionGrant.ConsentType", "Principal", ""},
		}
	}
	r.ModifiedProperties = append(r.ModifiedProperties, m365Modified{"TargetId.ServicePrincipalNames", a.app.id, ""})
}
