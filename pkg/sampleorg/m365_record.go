package sampleorg

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

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
	case "Consent to application.", "Add delegated permission grant.", "Remove delegated permission grant.", "Add service principal credentials.":
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
		access := "Bind"
		if a.facts&factBulk != 0 {
			access = "Sync" // a client synchronising a folder
		}
		r.OperationProperties = []m365Pair{{"MailAccessType", access}, {"IsThrottled", "False"}}
		r.OperationCount = 1
		ctx := &m365AppContext{AADSessionID: a.sess, APIID: graphAPI, ClientAppID: a.app.id, ClientAppName: a.app.name,
			IssuedAtTime: a.t.Add(-5 * time.Minute).Format("2006-01-02T15:04:05"), UniqueTokenID: a.token}
		if a.auth == event.AuthServiceAccount {
			r.UserType = 6 // service principal: application permission, no user
		} else {
			ctx.UserObjectID = a.target.owner.person.m365ObjectID
		}
		r.AppAccessContext = ctx
	case "New-InboxRule", "Set-Mailbox", "New-TransportRule":
		r.RecordType, r.Workload = m365ExchangeAdmin, "Exchange"
		r.ClientIP, r.ObjectID = a.ip+":50213", a.target.id
		r.Parameters = exchangeParameters(a, actor)
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
		if a.app != nil { // an app with a token, not a browser
			r.AppAccessContext = &m365AppContext{AADSessionID: a.sess, ClientAppID: a.app.id, ClientAppName: a.app.name, UniqueTokenID: a.token}
			if a.auth == event.AuthServiceAccount {
				r.UserType = 6
			}
		}
	}
	return json.Marshal(&r)
}

// exchangeParameters are the cmdlet parameters of an Exchange admin record.
func exchangeParameters(a *act, actor *identity) []m365Pair {
	var ps []m365Pair
	switch a.action {
	case "New-InboxRule":
		ps = []m365Pair{{"Mailbox", actor.email}, {"Name", a.target.name}}
		if a.facts&factForwarding != 0 {
			ps = append(ps, m365Pair{"ForwardTo", a.detail}, m365Pair{"StopProcessingRules", "True"})
		}
	case "New-TransportRule":
		ps = []m365Pair{{"Name", a.target.name}, {"ApplyHtmlDisclaimerText", "External sender"}}
	default: // Set-Mailbox
		ps = []m365Pair{{"Identity", a.target.name}}
		if a.facts&factForwarding != 0 {
			ps = append(ps, m365Pair{"ForwardingSmtpAddress", "smtp:" + a.detail}, m365Pair{"DeliverToMailboxAndForward", "True"})
		} else {
			ps = append(ps, m365Pair{"LitigationHoldEnabled", "True"})
		}
	}
	return ps
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
	if a.action == "Add service principal credentials." {
		r.ModifiedProperties = []m365Modified{
			{"KeyDescription", "[\"[KeyIdentifier=" + a.token + ",KeyType=Password,KeyUsage=Verify,DisplayName=" + a.detail + "]\"]", "[]"},
			{"Included Updated Properties", "KeyDescription", ""},
		}
	} else if a.action == "Consent to application." {
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
