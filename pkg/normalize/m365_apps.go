package normalize

import (
	"encoding/json"
	"regexp"
	"strings"
)

// Well-known Microsoft application ids. They are public constants of every
// Entra ID tenant.
var (
	// resourceAPIs are APIs that receive permissions; they are never the
	// client an analyst is tracking, even when a grant record names them.
	resourceAPIs = map[string]bool{
		"00000003-0000-0000-c000-000000000000": true, // Microsoft Graph
		"00000002-0000-0000-c000-000000000000": true, // Azure AD Graph
		"00000002-0000-0ff1-ce00-000000000000": true, // Office 365 Exchange Online
		"00000003-0000-0ff1-ce00-000000000000": true, // Office 365 SharePoint Online
	}
	// firstPartyClients are Microsoft's own interactive clients. Mail read
	// in Outlook or a file opened from OneDrive sync is a person at a
	// keyboard, not third-party token access.
	firstPartyClients = map[string]bool{
		"d3590ed6-52b3-4102-aeff-aad2292ab01c": true, // Microsoft Office
		"1fec8e78-bce4-4aaf-ab1b-5451cc387264": true, // Microsoft Teams
		"5e3ce6c0-2b1f-4285-8d4b-75ee78787346": true, // Microsoft Teams web client
		"27922004-5251-4030-b22d-91ecd9a37ea4": true, // Outlook Mobile
		"9199bf20-a13f-4107-85dc-02114787ef48": true, // One Outlook Web
		"4765445b-32c6-49b0-83e6-1d93765276ca": true, // OfficeHome
		"89bee1f7-5e6e-4d8a-9f3d-ecd601259da7": true, // Office365 Shell WCSS-Client
		"00000006-0000-0ff1-ce00-000000000000": true, // Microsoft Office 365 Portal
		"ab9b8c07-8f02-4f72-87fa-80105867a763": true, // OneDrive SyncEngine
		"08e18876-6177-487e-b8b5-cf950c1e598c": true, // SharePoint Online Web Client Extensibility
	}
	// mailScopePrefixes are permission names (lower case) that reach mail.
	mailScopePrefixes = []string{"mail.", "mailboxsettings.", "ews.", "full_access_as_app", "imap.", "pop.", "exchange.manageasapp"}
	// topDirectoryRoles (lower case) control the whole tenant or every app.
	topDirectoryRoles = []string{"global administrator", "company administrator", "privileged role administrator",
		"privileged authentication administrator", "application administrator", "cloud application administrator"}
	// forwardingParameters (lower case) of Exchange cmdlets send mail out.
	forwardingParameters = []string{"forwardto", "forwardasattachmentto", "redirectto", "forwardingsmtpaddress",
		"forwardingaddress", "redirectmessageto", "blindcopyto", "copyto", "addtorecipients"}

	guidPattern   = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)
	consentScope  = regexp.MustCompile(`Scope:\s*([^,\]]*)`)
	keyIdentifier = regexp.MustCompile(`KeyIdentifier=(` + guidPattern.String() + `)`)
)

// aadTarget is what a directory audit Target list says about its object.
type aadTarget struct {
	kind     string   // app, user, group, role, or the lower-cased vendor kind
	objectID string   // from "<Kind>_<guid>"
	name     string   // Type 1 (display name)
	upn      string   // Type 5
	guids    []string // other GUIDs of Type 2 or 4, lower case, in order
}

var aadKinds = map[string]string{
	"serviceprincipal": "app", "application": "app", "user": "user", "group": "group",
	"role": "role", "directoryrole": "role", "device": "device",
}

// Identity types of the Management Activity API schema.
const (
	identityName = 1
	identityPUID = 3
	identityUPN  = 5
)

func parseTargets(ids []m365Identity, mods []m365Property) aadTarget {
	var t aadTarget
	for _, id := range ids {
		v := strings.TrimSpace(id.ID)
		if kind, guid, ok := strings.Cut(v, "_"); ok && guidPattern.MatchString(guid) && t.objectID == "" {
			t.kind, t.objectID = mapType(aadKinds, kind), strings.ToLower(guid)
			continue
		}
		switch id.Type {
		case identityName:
			if t.name == "" {
				t.name = v
			}
		case identityUPN:
			t.upn = v
		case identityPUID:
		default:
			if k, ok := aadKinds[strings.ToLower(v)]; ok && t.kind == "" {
				t.kind = k
				continue
			}
			if len(v) == 36 && guidPattern.MatchString(v) {
				t.guids = append(t.guids, strings.ToLower(v))
			}
		}
	}
	// The object id often appears bare before its "<Kind>_" form.
	out := t.guids[:0]
	for _, g := range t.guids {
		if g != t.objectID {
			out = append(out, g)
		}
	}
	t.guids = out
	if t.kind == "" && modified(mods, "TargetId.ServicePrincipalNames") != "" {
		t.kind = "app"
	}
	return t
}

// clientApp returns the client (application) id and name of the app a
// directory record is about. See the m365 type comment for the order. sure
// is false when only an object id was found, which the caller may still
// resolve through what it learned from other records.
func clientApp(t aadTarget, mods []m365Property) (id, name string, sure bool) {
	targetIsResource := firstResourceGUID(strings.Join(t.guids, " ")+" "+modified(mods, "TargetId.ServicePrincipalNames")) != ""
	targetName := ""
	if !targetIsResource {
		targetName = t.name
	}
	for _, field := range []string{"ServicePrincipal.AppId", "AppId", "Application.AppId"} {
		if id := firstClientGUID(modified(mods, field)); id != "" {
			return id, firstNonEmpty(modified(mods, "ServicePrincipal.DisplayName"), targetName), true
		}
	}
	if id := firstClientGUID(modified(mods, "TargetId.ServicePrincipalNames")); id != "" {
		return id, targetName, true
	}
	for _, g := range t.guids {
		if !resourceAPIs[g] {
			return g, targetName, true
		}
	}
	if t.objectID != "" && !targetIsResource {
		return t.objectID, targetName, false
	}
	return firstClientGUID(modified(mods, "ServicePrincipal.ObjectID")), modified(mods, "ServicePrincipal.DisplayName"), false
}

// grantScopes collects the permissions a consent or grant record hands out,
// or, for a removal, the permissions taken away.
func grantScopes(mods []m365Property) []string {
	var scopes []string
	for _, m := range consentScope.FindAllStringSubmatch(changed(mods, "ConsentAction.Permissions"), -1) {
		scopes = append(scopes, strings.Fields(m[1])...)
	}
	scopes = append(scopes, strings.Fields(changed(mods, "DelegatedPermissionGrant.Scope"))...)
	scopes = append(scopes, strings.Fields(changed(mods, "AppRole.Value"))...)
	return uniq(scopes)
}

func firstClientGUID(s string) string {
	for _, g := range guidPattern.FindAllString(s, -1) {
		if g = strings.ToLower(g); !resourceAPIs[g] {
			return g
		}
	}
	return ""
}

func firstResourceGUID(s string) string {
	for _, g := range guidPattern.FindAllString(s, -1) {
		if g = strings.ToLower(g); resourceAPIs[g] {
			return g
		}
	}
	return ""
}

// pickClient returns the first candidate that is not a resource API, else
// the first non-empty one, lower-cased.
func pickClient(candidates ...string) string {
	first := ""
	for _, c := range candidates {
		c = strings.ToLower(strings.TrimSpace(c))
		if c == "" {
			continue
		}
		if !resourceAPIs[c] {
			return c
		}
		if first == "" {
			first = c
		}
	}
	return first
}

// modified returns the NewValue of a ModifiedProperties entry, stripped of
// the JSON quoting and brackets Entra ID wraps values in.
func modified(mods []m365Property, name string) string {
	for _, m := range mods {
		if strings.EqualFold(m.Name, name) {
			return strings.Trim(m.NewValue.String(), " \"[]")
		}
	}
	return ""
}

// changed is modified, falling back to OldValue when the new value is empty,
// which is how removals (of a grant, of a credential) are logged.
func changed(mods []m365Property, name string) string {
	if v := modified(mods, name); v != "" {
		return v
	}
	for _, m := range mods {
		if strings.EqualFold(m.Name, name) {
			return strings.Trim(m.OldValue.String(), " \"[]")
		}
	}
	return ""
}

// property returns the Value of a Name/Value list entry.
func property(list []m365Property, name string) string {
	for _, p := range list {
		if strings.EqualFold(p.Name, name) {
			return firstNonEmpty(p.Value.String(), p.NewValue.String())
		}
	}
	return ""
}

// jsonField reads one string field of a JSON object held in a string, as in
// ExtendedProperties "additionalDetails"; "" when absent or not JSON.
func jsonField(s, key string) string {
	var m map[string]any
	if json.Unmarshal([]byte(s), &m) != nil {
		return ""
	}
	v, _ := m[key].(string)
	return strings.TrimSpace(v)
}
