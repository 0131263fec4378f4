package engine

import "github.com/tokentrail/tokentrail/pkg/event"

// Roles an event plays in AN0020, as the timeline shows them so an analyst
// sees why an episode formed.
const (
	RoleAccess    = "access"
	RoleSensitive = "sensitive"
	RoleRevoke    = "revoke"
	RoleSignin    = "sign-in"
	RoleOther     = "other"
)

// Role returns the role r plays under p's rules (minSensitivity and the
// preset's token requirement). An event that is both a token access and
// sensitive (an OAuth mailbox read) is shown as sensitive: that is what it
// contributes to an episode, though it also opens access for later events.
func Role(r *Row, p Params) string {
	switch {
	case r.isRevoke():
		return RoleRevoke
	case r.isSensitive(p.MinSensitivity, p.SensitiveNeedsToken):
		return RoleSensitive
	case r.isAccess():
		return RoleAccess
	case r.Category == event.CategorySignin:
		return RoleSignin
	}
	return RoleOther
}
