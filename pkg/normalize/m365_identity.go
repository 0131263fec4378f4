package normalize

import (
	"strings"
)

// linker remembers which client (application) id a service principal's
// object id stands for. Directory audit records name apps by object id in
// some places (Target "ServicePrincipal_<objid>", ModifiedProperties
// ServicePrincipal.ObjectID, Actor) and by app id in others; a record that
// carries both (a consent with TargetId.ServicePrincipalNames, an actor list
// with both ids) teaches the link, and later records of the same stream use
// it, so one app keeps one app_id. Records seen before the link stay on the
// object id.
type linker struct{ apps map[string]string }

// maxLinks bounds the memory: a tenant has far fewer service principals.
const maxLinks = 100_000

func newLinker() *linker { return &linker{apps: map[string]string{}} }

// learn records that objectID is the service principal of appID.
func (l *linker) learn(objectID, appID string) {
	objectID, appID = strings.ToLower(objectID), strings.ToLower(appID)
	if objectID == "" || appID == "" || objectID == appID || resourceAPIs[objectID] {
		return
	}
	if _, ok := l.apps[objectID]; !ok && len(l.apps) >= maxLinks {
		return
	}
	l.apps[objectID] = appID
}

// resolve returns the app id of id when id is a known object id, else id.
func (l *linker) resolve(id string) string {
	if app, ok := l.apps[strings.ToLower(id)]; ok {
		return app
	}
	return id
}

// m365Actor is who a directory audit record says acted.
type m365Actor struct {
	upn, appID, appName, objectID string
}

// parseActor reads the Actor list: a user's UPN (Type 5), or a service
// principal ("ServicePrincipal_<objid>" with the app id and display name
// beside it) when an app acted with its own credentials.
func parseActor(ids []m365Identity) m365Actor {
	var a m365Actor
	var guids []string
	for _, id := range ids {
		v := strings.TrimSpace(id.ID)
		if kind, guid, ok := strings.Cut(v, "_"); ok && guidPattern.MatchString(guid) {
			if strings.EqualFold(kind, "ServicePrincipal") && a.objectID == "" {
				a.objectID = strings.ToLower(guid)
			}
			continue
		}
		switch {
		case id.Type == identityUPN && strings.Contains(v, "@"):
			a.upn = v
		case id.Type == identityName && a.appName == "":
			a.appName = v
		case len(v) == 36 && guidPattern.MatchString(v):
			guids = append(guids, strings.ToLower(v))
		}
	}
	if a.objectID == "" || a.upn != "" {
		return m365Actor{upn: a.upn}
	}
	for _, g := range guids {
		if g != a.objectID {
			a.appID = g
			break
		}
	}
	return a
}

// userTypeAppOnly reports whether a UserType (a number in the Management
// Activity API, its enum name in some exports) marks an application acting
// as itself: 5 Application, 6 ServicePrincipal.
func userTypeAppOnly(t string) bool {
	switch strings.ToLower(strings.TrimSpace(t)) {
	case "5", "6", "application", "serviceprincipal":
		return true
	}
	return false
}

// isUPN reports whether a UserId names a person (or a mailbox) rather than
// a placeholder such as "Certificate" or "Not Available".
func isUPN(s string) bool { return strings.Contains(s, "@") }

// strongAuthProperties (lower case) are the user attributes whose change
// adds, removes or weakens multi-factor authentication.
var strongAuthProperties = []string{"strongauthenticationmethod", "strongauthenticationrequirement",
	"strongauthenticationphoneappdetail", "strongauthenticationuserdetails", "strongauthenticationpolicy"}

// credentialProperties (lower case) are the application attributes that hold
// secrets and certificates.
var credentialProperties = []string{"keydescription", "keycredentials", "passwordcredentials", "keyidentifier"}

// touches reports whether any modified property's name contains one of the
// lower-case words.
func touches(mods []m365Property, words []string) bool {
	for _, m := range mods {
		name := strings.ToLower(m.Name)
		for _, w := range words {
			if strings.Contains(name, w) {
				return true
			}
		}
	}
	return false
}
