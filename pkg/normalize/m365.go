package normalize

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/tokentrail/tokentrail/pkg/catalog"
	"github.com/tokentrail/tokentrail/pkg/event"
)

// m365 normalizes Office 365 Management Activity API records (one element of
// the JSON array returned for a content blob) from the workloads that carry
// AN0020 evidence:
//
//   - AzureActiveDirectory, RecordType 8 (directory audit): consents,
//     permission grants, service principal credentials, role membership.
//   - AzureActiveDirectory, RecordType 15 (STS logon): UserLoggedIn,
//     UserLoginFailed.
//   - Exchange: MailItemsAccessed (RecordType 50), New-/Set-InboxRule,
//     Set-Mailbox, New-/Set-TransportRule (RecordType 1, Parameters[]).
//   - SharePoint / OneDrive: FileDownloaded, FileSyncDownloadedFull.
//
// Supported record shape (common schema first, then workload fields read):
//
//	{
//	  "CreationTime": "2024-05-06T10:15:22",          // event_time, UTC (required)
//	  "Id": "6f1c…",                                  // event_id
//	  "Operation": "Consent to application.",         // action (required)
//	  "OrganizationId": "9a3e…",                      // tenant
//	  "RecordType": 8, "ResultStatus": "Success", "UserType": 0,
//	  "UserId": "ana@example.com", "UserKey": "…", "Workload": "AzureActiveDirectory",
//	  "ClientIP": "203.0.113.5:51234", "ClientIPAddress": "…", "ActorIpAddress": "…",
//	  "ObjectId": "…",
//	  // directory audit
//	  "Actor":  [{"ID": "User_<guid>", "Type": 2}, …],
//	  "Target": [{"ID": "ServicePrincipal_<objid>", "Type": 2}, {"ID": "<objid>", "Type": 2},
//	             {"ID": "App name", "Type": 1}, {"ID": "<appid>", "Type": 2}, …],
//	  "ModifiedProperties": [{"Name": "TargetId.ServicePrincipalNames", "NewValue": "<appid>;https://…", "OldValue": ""},
//	                         {"Name": "ConsentAction.Permissions", "NewValue": "[[… Scope: Mail.Read User.Read, …]]"}],
//	  "ExtendedProperties": [{"Name": "additionalDetails", "Value": "{\"User-Agent\":\"…\"}"}],
//	  // STS logon
//	  "ApplicationId": "<appid>", "DeviceProperties": [{"Name": "SessionId", "Value": "…"}],
//	  // Exchange
//	  "AppId": "<appid>", "ClientAppId": "<appid>", "ClientInfoString": "Client=REST;…",
//	  "AppAccessContext": {"ClientAppId": "<appid>", "ClientAppName": "…", "UniqueTokenId": "…",
//	                       "AADSessionId": "…", "UserObjectId": "…"},
//	  "MailboxGuid": "…", "MailboxOwnerUPN": "…", "SessionId": "…",
//	  "OperationProperties": [{"Name": "MailAccessType", "Value": "Sync"}],
//	  "Parameters": [{"Name": "ForwardTo", "Value": "x@example.net"}],
//	  // SharePoint / OneDrive
//	  "UserAgent": "…", "SourceFileName": "…", "ApplicationDisplayName": "…"
//	}
//
// Mapping decisions:
//   - app_id is always the client (application) id, lower-cased, never the
//     service principal object id, so that a consent and the same app's
//     later MailItemsAccessed or FileDownloaded join on app_id. Directory
//     audit records name the app by object id in Target; the client id is
//     taken, in order, from ModifiedProperties ServicePrincipal.AppId /
//     AppId / Application.AppId, then TargetId.ServicePrincipalNames, then a
//     Target GUID of Type 2 or 4 that is not the object id. Only when none
//     exists does app_id fall back to the object id. Resource APIs
//     (Microsoft Graph, Exchange Online, SharePoint Online, Azure AD Graph)
//     are never taken as the client.
//   - actor_id is the lower-cased UserId (UPN). UserKey is a PUID in some
//     workloads and an object id in others, so it would not join a consent
//     to a mailbox read of the same user.
//   - auth_method: interactive for STS logons and for Microsoft's own
//     interactive clients (Outlook, OWA, Teams, OneDrive sync, Office web);
//     service_account for app-only access (UserType 5 or 6, or an
//     AppAccessContext with no user) and for directory changes made by a
//     service principal; oauth for any other client app; else unknown.
//   - token_id is AppAccessContext.UniqueTokenId, or the KeyIdentifier of a
//     credential added to an app.
//   - facts: mailbox for mail scopes and mailbox reads; bulk for a folder
//     sync (MailAccessType Sync) and a full OneDrive sync; forwarding when a
//     rule or mailbox forwards, redirects or blind-copies mail;
//     tenant_wide for admin consent and application permissions;
//     admin_role for the top directory roles.
type m365 struct {
	cat   *catalog.Catalog
	links *linker
}

// m365RecordSTSLogon is the RecordType of Azure AD sign-in records.
const m365RecordSTSLogon = "15"

func (*m365) source() string { return event.SourceMicrosoft }

type m365Identity struct {
	ID   string `json:"ID"`
	Type int    `json:"Type"`
}

type m365Property struct {
	Name     string `json:"Name"`
	Value    text   `json:"Value"`
	NewValue text   `json:"NewValue"`
	OldValue text   `json:"OldValue"`
}

type m365Record struct {
	CreationTime    string `json:"CreationTime"`
	ID              string `json:"Id"`
	Operation       string `json:"Operation"`
	OrganizationID  string `json:"OrganizationId"`
	RecordType      text   `json:"RecordType"`
	ResultStatus    string `json:"ResultStatus"`
	UserType        text   `json:"UserType"`
	UserID          string `json:"UserId"`
	Workload        string `json:"Workload"`
	ClientIP        string `json:"ClientIP"`
	ClientIPAddress string `json:"ClientIPAddress"`
	ActorIPAddress  string `json:"ActorIpAddress"`
	ObjectID        string `json:"ObjectId"`

	Actor              []m365Identity `json:"Actor"`
	Target             []m365Identity `json:"Target"`
	ModifiedProperties []m365Property `json:"ModifiedProperties"`
	ExtendedProperties []m365Property `json:"ExtendedProperties"`
	DeviceProperties   []m365Property `json:"DeviceProperties"`

	ApplicationID          string `json:"ApplicationId"`
	ApplicationDisplayName string `json:"ApplicationDisplayName"`
	AppID                  string `json:"AppId"`
	ClientAppID            string `json:"ClientAppId"`
	AppAccessContext       *struct {
		ClientAppID   string `json:"ClientAppId"`
		ClientAppName string `json:"ClientAppName"`
		UniqueTokenID string `json:"UniqueTokenId"`
		AADSessionID  string `json:"AADSessionId"`
		UserObjectID  string `json:"UserObjectId"`
	} `json:"AppAccessContext"`
	ClientInfoString    string         `json:"ClientInfoString"`
	SessionID           string         `json:"SessionId"`
	MailboxGUID         string         `json:"MailboxGuid"`
	MailboxOwnerUPN     string         `json:"MailboxOwnerUPN"`
	OperationProperties []m365Property `json:"OperationProperties"`
	Parameters          []m365Property `json:"Parameters"`

	UserAgent      string `json:"UserAgent"`
	SourceFileName string `json:"SourceFileName"`
}

func (n *m365) parse(rec json.RawMessage, nt *notes) ([]event.Event, error) {
	var r m365Record
	raw, err := decode(event.SourceMicrosoft, rec, &r, nt)
	if err != nil {
		return nil, err
	}
	op := strings.TrimSpace(r.Operation)
	if op == "" {
		return nil, recordErr(event.SourceMicrosoft, "Operation", "is missing; it is the action of the event")
	}
	t, err := parseTime(event.SourceMicrosoft, "CreationTime", r.CreationTime)
	if err != nil {
		return nil, err
	}
	e := event.Event{
		EventTime:  t,
		EventID:    strings.TrimSpace(r.ID),
		Tenant:     strings.ToLower(strings.TrimSpace(r.OrganizationID)),
		Source:     event.SourceMicrosoft,
		Action:     op,
		AuthMethod: event.AuthUnknown,
		Outcome:    m365Outcome(r.ResultStatus),
		ActorID:    strings.ToLower(strings.TrimSpace(r.UserID)),
		ActorName:  strings.TrimSpace(r.UserID),
		SrcIP:      cleanIP(firstNonEmpty(r.ClientIPAddress, r.ClientIP, r.ActorIPAddress)),
		Scopes:     []string{},
		Raw:        raw,
	}
	if e.EventID == "" {
		if e.EventID, err = canonicalID(rec); err != nil {
			return nil, recordErr(event.SourceMicrosoft, "Id", "is missing and the record cannot be hashed: %v", err)
		}
	}
	facts := catalog.Facts{}
	switch {
	case r.RecordType.String() == m365RecordSTSLogon || op == "UserLoggedIn" || op == "UserLoginFailed":
		n.logon(&e, &r)
	case strings.EqualFold(r.Workload, "AzureActiveDirectory"):
		n.directory(&e, &r, facts)
	default:
		n.workload(&e, &r, facts)
	}
	finish(n.cat, &e, facts)
	return []event.Event{e}, nil
}

// logon maps an Azure AD STS sign-in (UserLoggedIn, UserLoginFailed). The
// app is the client the person signed in to; ObjectId and Target name the
// resource API the token is for, which is never the app.
func (*m365) logon(e *event.Event, r *m365Record) {
	e.AuthMethod = event.AuthInteractive
	if c := pickClient(r.ApplicationID, r.ClientAppID, r.AppID); !resourceAPIs[c] {
		e.AppID = c
	}
	e.UserAgent = property(r.ExtendedProperties, "UserAgent")
	e.SessionID = property(r.DeviceProperties, "SessionId")
	e.TargetType, e.TargetID = "app", strings.ToLower(r.ObjectID)
	if e.Action == "UserLoginFailed" {
		e.Outcome = "failure"
	}
}

// directory maps an Azure AD directory audit record (RecordType 8). When a
// person acted, the app is the one the record is about (the app consented
// to, granted or given a credential). When an app acted with its own
// credentials, the actor and the app are that app, and what it changed is
// the target.
func (n *m365) directory(e *event.Event, r *m365Record, f catalog.Facts) {
	actor := parseActor(r.Actor)
	n.links.learn(actor.objectID, actor.appID)
	switch {
	case !isUPN(r.UserID) && actor.upn != "":
		e.ActorID, e.ActorName = strings.ToLower(actor.upn), actor.upn
	case actor.objectID != "":
		e.AuthMethod = event.AuthServiceAccount
		if !isUPN(r.UserID) {
			id := n.links.resolve(firstNonEmpty(actor.appID, actor.objectID))
			e.ActorID, e.ActorName = id, firstNonEmpty(actor.appName, id)
		}
	}
	e.UserAgent = jsonField(property(r.ExtendedProperties, "additionalDetails"), "User-Agent")
	tgt := parseTargets(r.Target, r.ModifiedProperties)
	e.TargetType, e.TargetID, e.TargetName = tgt.kind, tgt.objectID, tgt.name

	switch tgt.kind {
	case "app":
		id, name, sure := clientApp(tgt, r.ModifiedProperties)
		if sure {
			n.links.learn(tgt.objectID, id)
		}
		e.AppID, e.AppName = n.links.resolve(id), name
		if e.TargetID == "" {
			e.TargetID = e.AppID
		}
	case "user":
		e.TargetName = firstNonEmpty(tgt.upn, tgt.name)
	}
	if e.AuthMethod == event.AuthServiceAccount && (actor.appID != "" || actor.objectID != "") {
		// The app acted as itself: it is the token holder to correlate.
		e.AppID = n.links.resolve(firstNonEmpty(actor.appID, actor.objectID))
		e.AppName = actor.appName
	}
	e.Scopes = grantScopes(r.ModifiedProperties)
	if m := keyIdentifier.FindStringSubmatch(changed(r.ModifiedProperties, "KeyDescription")); m != nil {
		e.TokenID = strings.ToLower(m[1])
	}

	if strings.EqualFold(modified(r.ModifiedProperties, "ConsentContext.IsAdminConsent"), "true") ||
		strings.EqualFold(modified(r.ModifiedProperties, "ConsentContext.OnBehalfOfAll"), "true") ||
		strings.EqualFold(modified(r.ModifiedProperties, "DelegatedPermissionGrant.ConsentType"), "AllPrincipals") ||
		e.Action == "Add app role assignment to service principal." {
		f[catalog.FactTenantWide] = true
	}
	if anyHasPrefix(e.Scopes, mailScopePrefixes...) {
		f[catalog.FactMailbox] = true
	}
	if slices.Contains(topDirectoryRoles, strings.ToLower(modified(r.ModifiedProperties, "Role.DisplayName"))) {
		f[catalog.FactAdminRole] = true
	}
	if (e.Action == "Update user." && touches(r.ModifiedProperties, strongAuthProperties)) ||
		(tgt.kind == "app" && touches(r.ModifiedProperties, credentialProperties)) {
		f[catalog.FactSecuritySetting] = true
	}
}

// workload maps Exchange and SharePoint/OneDrive records.
func (*m365) workload(e *event.Event, r *m365Record, f catalog.Facts) {
	ctx := r.AppAccessContext
	candidates := []string{r.ClientAppID, r.AppID, r.ApplicationID}
	if ctx != nil {
		candidates = append([]string{ctx.ClientAppID}, candidates...)
		e.TokenID = strings.TrimSpace(ctx.UniqueTokenID)
		e.AppName = ctx.ClientAppName
	}
	e.AppID = pickClient(candidates...)
	e.AppName = firstNonEmpty(e.AppName, r.ApplicationDisplayName)
	e.UserAgent = firstNonEmpty(strings.TrimSpace(r.UserAgent), strings.TrimSpace(r.ClientInfoString))
	e.SessionID = strings.TrimSpace(r.SessionID)
	if e.SessionID == "" && ctx != nil {
		e.SessionID = strings.TrimSpace(ctx.AADSessionID)
	}

	appOnly := userTypeAppOnly(r.UserType.String()) ||
		(ctx != nil && ctx.UserObjectID == "" && e.AppID != "" && !isUPN(r.UserID))
	if appOnly && !isUPN(r.UserID) && e.AppID != "" {
		// An app reading as itself names no person; it is its own actor.
		e.ActorID, e.ActorName = e.AppID, firstNonEmpty(e.AppName, e.AppID)
	}
	switch {
	case appOnly:
		e.AuthMethod = event.AuthServiceAccount
	case e.AppID == "" || resourceAPIs[e.AppID]:
		e.AuthMethod = event.AuthUnknown
	case firstPartyClients[e.AppID]:
		e.AuthMethod = event.AuthInteractive
	default:
		e.AuthMethod = event.AuthOAuth
	}

	switch e.Action {
	case "MailItemsAccessed":
		e.TargetType, e.TargetID, e.TargetName = "mailbox", strings.ToLower(r.MailboxGUID), r.MailboxOwnerUPN
		f[catalog.FactMailbox] = true
		if strings.EqualFold(property(r.OperationProperties, "MailAccessType"), "Sync") {
			f[catalog.FactBulk] = true
		}
	case "FileDownloaded", "FileSyncDownloadedFull", "FileAccessed", "FileCopied":
		e.TargetType, e.TargetID, e.TargetName = "file", r.ObjectID, r.SourceFileName
		if e.Action == "FileSyncDownloadedFull" {
			f[catalog.FactBulk] = true
		}
	case "ModifyFolderPermissions", "AddFolderPermissions", "Add-MailboxPermission", "Add-RecipientPermission",
		"Add-MailboxFolderPermission", "Set-MailboxFolderPermission":
		e.TargetType, e.TargetID = "mailbox", strings.ToLower(r.MailboxGUID)
		e.TargetName = firstNonEmpty(r.MailboxOwnerUPN, property(r.Parameters, "Identity"), r.ObjectID)
	case "New-InboxRule", "Set-InboxRule", "UpdateInboxRules":
		e.TargetType, e.TargetID = "inbox_rule", r.ObjectID
		e.TargetName = firstNonEmpty(property(r.Parameters, "Name"), property(r.Parameters, "Identity"))
	case "New-TransportRule", "Set-TransportRule":
		e.TargetType, e.TargetID = "transport_rule", r.ObjectID
		e.TargetName = firstNonEmpty(property(r.Parameters, "Name"), property(r.Parameters, "Identity"))
	case "Set-Mailbox":
		e.TargetType, e.TargetID, e.TargetName = "mailbox", r.ObjectID, property(r.Parameters, "Identity")
	}
	for _, p := range r.Parameters {
		if slices.Contains(forwardingParameters, strings.ToLower(p.Name)) && known(strings.Trim(p.Value.String(), "$")) != "" {
			f[catalog.FactForwarding] = true
		}
	}
}

func m365Outcome(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "success", "succeeded", "true":
		// Workloads without ResultStatus (SharePoint) log completed actions.
		return "success"
	case "failed", "failure", "false":
		return "failure"
	case "partiallysucceeded":
		return "partial"
	}
	return strings.ToLower(strings.TrimSpace(s))
}
