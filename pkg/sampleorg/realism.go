package sampleorg

import (
	"fmt"
	"maps"
	"slices"
)

// Realism holds the rates that make the organisation behave like a real
// tenant: who signs in how often, who runs token-based clients, how often
// people travel, how much unapproved automation runs, how often admins use
// their tools, how many new apps get consented, and how many attacks of
// which shape hide among them. A risk score has to rank attacks above the
// benign episodes these produce, so the rates are data a caller can shift:
// train on DefaultRealism, validate on RealismVariant.
//
// The zero value means DefaultRealism. A non-zero value is used as given
// (a zero field is a zero rate), except that a nil AttackMix means
// DefaultAttackMix.
type Realism struct {
	// SignInHabit is the share of people who sign in interactively every
	// workday morning (Okta, then each vendor's own sign-in). The others
	// keep long sessions and sign in once or twice a week.
	SignInHabit float64
	// SyncClients is the share of people who run a token-based sync client
	// (a desktop mail client, Drive for desktop, a Slack app) every workday.
	// It is the largest benign class: about one episode per person, client
	// and workday.
	SyncClients float64
	// MobileMail is the share of sync-client users who also read mail on a
	// phone, from carrier networks whose /24 keeps changing.
	MobileMail float64
	// MobileChurnDays is how long, on average, a phone keeps one carrier
	// /24 before moving to another.
	MobileChurnDays float64
	// DevTokens is the share of developers whose git traffic uses a token
	// (the gh CLI's or GitHub Desktop's OAuth token, or a long-lived
	// classic PAT) instead of SSH.
	DevTokens float64
	// TravelPerMonth is the chance that a person takes a trip of a few days
	// in any four weeks. While away, everything they do comes from a travel
	// network at hours shifted by the time zone.
	TravelPerMonth float64
	// ServiceAccountsPer100 is the number of unapproved service accounts,
	// bots and CI jobs per 100 people. They never sign in and run at their
	// own hours from stable cloud addresses.
	ServiceAccountsPer100 float64
	// AdminToolDaily is the chance that an admin runs a session of one of
	// their tools (GAM, Exchange Online PowerShell, gh, an Okta API-token
	// script) on a workday, changing security settings as routine.
	AdminToolDaily float64
	// NewAppsPer100 is the number of newly consented legitimate apps per
	// 100 people and 30 days.
	NewAppsPer100 float64
	// AttackShare is the number of planted attacks per expected benign
	// episode in the range. At least one attack of every shape with a
	// positive weight is planted whatever the size.
	AttackShare float64
	// AttackMix weighs the chain shapes (ChainShapes) against each other.
	// A shape missing from the map is not planted.
	AttackMix map[string]float64
}

// DefaultRealism is the default world: in a 1M-event month, roughly 4,000
// to 9,000 benign episodes dominated by sync clients, and one attack per
// about 70 episodes.
func DefaultRealism() Realism {
	return Realism{
		SignInHabit:           0.75,
		SyncClients:           0.30,
		MobileMail:            0.20,
		MobileChurnDays:       3,
		DevTokens:             0.70,
		TravelPerMonth:        0.15,
		ServiceAccountsPer100: 3.5,
		AdminToolDaily:        0.55,
		NewAppsPer100:         5,
		AttackShare:           1.0 / 69,
		AttackMix:             DefaultAttackMix(),
	}
}

// RealismVariant is a noticeably different world for validating a score
// fitted on DefaultRealism: more travel, more mobile churn, fewer habitual
// sign-ins, more new apps and automation, and more attacks on established
// keys.
func RealismVariant() Realism {
	mix := DefaultAttackMix()
	mix[ShapeStolenSyncToken] = 4
	mix[ShapeDormantKey] = 2
	mix[ShapeGoogleOAuthDrive] = 0.5
	mix[ShapeSlackScopeExpanded] = 0.5
	return Realism{
		SignInHabit:           0.50,
		SyncClients:           0.35,
		MobileMail:            0.45,
		MobileChurnDays:       1,
		DevTokens:             0.60,
		TravelPerMonth:        0.40,
		ServiceAccountsPer100: 5,
		AdminToolDaily:        0.80,
		NewAppsPer100:         10,
		AttackShare:           1.0 / 69,
		AttackMix:             mix,
	}
}

// DefaultAttackMix weighs the chain shapes: attacks on established keys
// (stolen sync tokens, old PATs, dormant keys, hijacked service accounts
// and admin tools) outnumber fresh malicious apps, as in real incidents.
func DefaultAttackMix() map[string]float64 {
	return map[string]float64{
		ShapeM365IllicitConsent: 1,
		ShapeGitHubStolenPAT:    1,
		ShapeOktaAPIToken:       1,
		ShapeGoogleOAuthDrive:   1,
		ShapeSlackScopeExpanded: 1,
		ShapeStolenSyncToken:    2.5,
		ShapeOldPAT:             1.5,
		ShapeDormantKey:         1,
		ShapeServiceHijack:      1.5,
		ShapeAdminToolHijack:    1.5,
		ShapeM365AppCredential:  1,
	}
}

func (r Realism) isZero() bool {
	return r.SignInHabit == 0 && r.SyncClients == 0 && r.MobileMail == 0 && r.MobileChurnDays == 0 &&
		r.DevTokens == 0 && r.TravelPerMonth == 0 && r.ServiceAccountsPer100 == 0 && r.AdminToolDaily == 0 &&
		r.NewAppsPer100 == 0 && r.AttackShare == 0 && r.AttackMix == nil
}

// validate checks every field and fills a nil AttackMix. Errors name the
// field and the accepted range.
func (r *Realism) validate() error {
	shares := []struct {
		name string
		v    float64
	}{
		{"SignInHabit", r.SignInHabit}, {"SyncClients", r.SyncClients}, {"MobileMail", r.MobileMail},
		{"DevTokens", r.DevTokens}, {"TravelPerMonth", r.TravelPerMonth}, {"AdminToolDaily", r.AdminToolDaily},
	}
	for _, s := range shares {
		if !(s.v >= 0 && s.v <= 1) {
			return fmt.Errorf("sampleorg: Realism.%s = %v is out of range: choose a share in 0..1", s.name, s.v)
		}
	}
	if !(r.MobileChurnDays >= 1 && r.MobileChurnDays <= 60) {
		return fmt.Errorf("sampleorg: Realism.MobileChurnDays = %v is out of range: choose 1..60 days", r.MobileChurnDays)
	}
	if !(r.ServiceAccountsPer100 >= 0 && r.ServiceAccountsPer100 <= 50) {
		return fmt.Errorf("sampleorg: Realism.ServiceAccountsPer100 = %v is out of range: choose 0..50", r.ServiceAccountsPer100)
	}
	if !(r.NewAppsPer100 >= 0 && r.NewAppsPer100 <= 50) {
		return fmt.Errorf("sampleorg: Realism.NewAppsPer100 = %v is out of range: choose 0..50", r.NewAppsPer100)
	}
	if !(r.AttackShare > 0 && r.AttackShare <= 0.5) {
		return fmt.Errorf("sampleorg: Realism.AttackShare = %v is out of range: choose more than 0 and at most 0.5", r.AttackShare)
	}
	if r.AttackMix == nil {
		r.AttackMix = DefaultAttackMix()
	}
	positive := 0
	for _, k := range slices.Sorted(maps.Keys(r.AttackMix)) {
		w := r.AttackMix[k]
		if !slices.Contains(ChainShapes, k) {
			return fmt.Errorf("sampleorg: Realism.AttackMix names %q, which is not a chain shape: use one of %v", k, ChainShapes)
		}
		if !(w >= 0 && w <= 1000) {
			return fmt.Errorf("sampleorg: Realism.AttackMix[%q] = %v is out of range: choose a weight in 0..1000", k, w)
		}
		if w > 0 {
			positive++
		}
	}
	if positive == 0 {
		return fmt.Errorf("sampleorg: Realism.AttackMix gives no shape a positive weight: planted attacks are what Truth measures")
	}
	return nil
}
