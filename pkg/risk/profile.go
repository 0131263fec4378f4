package risk

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed profile.yaml
var defaultProfileYAML []byte

// Profile holds every number of the score: points, weights, thresholds and
// severity bands. It is data (profile.yaml, embedded) so that a SOC can tune
// it per datasource without a new build, and so that the values the
// evaluation chose are visible in one place.
type Profile struct {
	Severity  SeverityBands `yaml:"severity"`
	Impact    ImpactPoints  `yaml:"impact"`
	Deviation Deviations    `yaml:"deviation"`
	Dampen    Dampening     `yaml:"dampen"`
}

// SeverityBands are the lowest scores of the upper three bands.
type SeverityBands struct {
	Critical int `yaml:"critical"`
	High     int `yaml:"high"`
	Medium   int `yaml:"medium"`
}

// ImpactPoints score what an episode did.
type ImpactPoints struct {
	Base        float64 `yaml:"base"`
	Sensitivity struct {
		Medium float64 `yaml:"medium"`
		High   float64 `yaml:"high"`
	} `yaml:"sensitivity"`
	VolumePerDecade     float64      `yaml:"volumePerDecade"`
	ConfigChange        float64      `yaml:"configChange"`
	ConfigKinds         []ConfigKind `yaml:"configKinds"`
	RoutineConfigFactor float64      `yaml:"routineConfigFactor"`
	FirstBulkDay        struct {
		Points    float64 `yaml:"points"`
		MinEvents int     `yaml:"minEvents"`
		Factor    float64 `yaml:"factor"`
	} `yaml:"firstBulkDay"`
	TargetSpread struct {
		Points     float64 `yaml:"points"`
		MinTargets int     `yaml:"minTargets"`
		Factor     float64 `yaml:"factor"`
	} `yaml:"targetSpread"`
}

// ConfigKind names a family of configuration changes by keywords of their
// action names, across vendors.
type ConfigKind struct {
	Kind   string   `yaml:"kind"`
	Points float64  `yaml:"points"`
	Match  []string `yaml:"match"`
}

// Weighted is a deviation weight with the history it needs.
type Weighted struct {
	Weight  float64 `yaml:"weight"`
	MinDays int     `yaml:"minDays"`
}

// Deviations score how unusual the credential use is.
type Deviations struct {
	NewApp struct {
		Weight        float64 `yaml:"weight"`
		Days          int     `yaml:"days"`
		MaxActors     int     `yaml:"maxActors"`
		AdoptedWeight float64 `yaml:"adoptedWeight"`
	} `yaml:"newApp"`
	RareApp struct {
		Weight    float64 `yaml:"weight"`
		MaxActors int     `yaml:"maxActors"`
	} `yaml:"rareApp"`
	FreshGrant float64 `yaml:"freshGrant"`
	NewKey     float64 `yaml:"newKey"`
	NoSignin   struct {
		Weight   float64 `yaml:"weight"`
		MinHabit float64 `yaml:"minHabit"`
		MinDays  int     `yaml:"minDays"`
	} `yaml:"noSignin"`
	NewNetworkKey struct {
		Weight          float64 `yaml:"weight"`
		MinDays         int     `yaml:"minDays"`
		RoamingNetworks int     `yaml:"roamingNetworks"`
	} `yaml:"newNetworkKey"`
	NewNetworkActor struct {
		Weight       float64 `yaml:"weight"`
		MinDays      int     `yaml:"minDays"`
		AppPeers     int     `yaml:"appPeers"`
		AppPeerShare float64 `yaml:"appPeerShare"`
	} `yaml:"newNetworkActor"`
	OffHours struct {
		Weight     float64 `yaml:"weight"`
		MinDays    int     `yaml:"minDays"`
		UsualDays  int     `yaml:"usualDays"`
		UsualShare float64 `yaml:"usualShare"`
	} `yaml:"offHours"`
	Dormant struct {
		Weight float64 `yaml:"weight"`
		Days   int     `yaml:"days"`
	} `yaml:"dormant"`
	TokenAge struct {
		Weight     float64 `yaml:"weight"`
		MinAgeDays int     `yaml:"minAgeDays"`
		SilentDays int     `yaml:"silentDays"`
	} `yaml:"tokenAge"`
	NewUserAgent Weighted `yaml:"newUserAgent"`
}

// Dampening lowers scores of activity that is known to be routine.
type Dampening struct {
	EstablishedAutomation struct {
		Factor         float64 `yaml:"factor"`
		MinActiveShare float64 `yaml:"minActiveShare"`
		MinDays        int     `yaml:"minDays"`
	} `yaml:"establishedAutomation"`
	ApprovedApp float64 `yaml:"approvedApp"`
}

// DefaultProfile returns a fresh copy of the embedded profile.
func DefaultProfile() *Profile {
	p, err := decode(&Profile{}, defaultProfileYAML)
	if err != nil {
		panic("risk: the embedded profile.yaml is invalid: " + err.Error()) // caught by TestDefaultProfile
	}
	return p
}

// LoadProfile returns the default profile with override (YAML or JSON, the
// same keys as profile.yaml) applied on top. Unknown keys are refused so a
// typo does not silently leave a default in place.
func LoadProfile(override string) (*Profile, error) {
	p := DefaultProfile()
	if strings.TrimSpace(override) == "" {
		return p, nil
	}
	return decode(p, []byte(override))
}

func decode(into *Profile, doc []byte) (*Profile, error) {
	dec := yaml.NewDecoder(bytes.NewReader(doc))
	dec.KnownFields(true)
	if err := dec.Decode(into); err != nil {
		return nil, fmt.Errorf("scoring profile: %s; use the keys of the default profile (see pkg/risk/profile.yaml)", yamlProblem(err))
	}
	if err := into.Validate(); err != nil {
		return nil, err
	}
	return into, nil
}

// yamlProblem keeps the decoder's message short: it can quote the input.
func yamlProblem(err error) string {
	msg := err.Error()
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	return msg
}

// Validate reports every value that would make scores meaningless.
func (p *Profile) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("scoring profile: "+format, args...)) }
	if s := p.Severity; !(0 < s.Medium && s.Medium < s.High && s.High < s.Critical && s.Critical <= maxBand) {
		bad("severity bands must satisfy 0 < medium < high < critical <= %d, got medium %d, high %d, critical %d", maxBand, s.Medium, s.High, s.Critical)
	}
	nonNeg := map[string]float64{
		"impact.base": p.Impact.Base, "impact.sensitivity.medium": p.Impact.Sensitivity.Medium,
		"impact.sensitivity.high": p.Impact.Sensitivity.High, "impact.configChange": p.Impact.ConfigChange,
		"impact.firstBulkDay.points": p.Impact.FirstBulkDay.Points, "deviation.newApp.adoptedWeight": p.Deviation.NewApp.AdoptedWeight,
		"impact.targetSpread.points": p.Impact.TargetSpread.Points, "impact.volumePerDecade": p.Impact.VolumePerDecade,
		"deviation.newApp.weight": p.Deviation.NewApp.Weight, "deviation.rareApp.weight": p.Deviation.RareApp.Weight,
		"deviation.freshGrant": p.Deviation.FreshGrant, "deviation.newKey": p.Deviation.NewKey,
		"deviation.noSignin.weight": p.Deviation.NoSignin.Weight, "deviation.newNetworkKey.weight": p.Deviation.NewNetworkKey.Weight,
		"deviation.newNetworkActor.weight": p.Deviation.NewNetworkActor.Weight, "deviation.offHours.weight": p.Deviation.OffHours.Weight,
		"deviation.dormant.weight": p.Deviation.Dormant.Weight, "deviation.tokenAge.weight": p.Deviation.TokenAge.Weight, "deviation.newUserAgent.weight": p.Deviation.NewUserAgent.Weight,
	}
	for name, v := range nonNeg {
		if v < 0 || v > 1000 {
			bad("%s is %g: use a number from 0 to 1000", name, v)
		}
	}
	for name, v := range map[string]float64{
		"impact.routineConfigFactor": p.Impact.RoutineConfigFactor, "dampen.approvedApp": p.Dampen.ApprovedApp,
		"dampen.establishedAutomation.factor":         p.Dampen.EstablishedAutomation.Factor,
		"dampen.establishedAutomation.minActiveShare": p.Dampen.EstablishedAutomation.MinActiveShare,
		"deviation.noSignin.minHabit":                 p.Deviation.NoSignin.MinHabit,
		"deviation.offHours.usualShare":               p.Deviation.OffHours.UsualShare,
		"deviation.newNetworkActor.appPeerShare":      p.Deviation.NewNetworkActor.AppPeerShare,
	} {
		if v < 0 || v > 1 {
			bad("%s is %g: use a fraction from 0 to 1", name, v)
		}
	}
	for i, k := range p.Impact.ConfigKinds {
		if k.Kind == "" || len(k.Match) == 0 || k.Points < 0 {
			bad("impact.configKinds[%d] needs a kind, at least one match keyword and points >= 0", i)
		}
	}
	if p.Impact.FirstBulkDay.Factor < 1 || p.Impact.TargetSpread.Factor < 1 {
		bad("impact.firstBulkDay.factor and impact.targetSpread.factor must be at least 1")
	}
	return errors.Join(errs...)
}

// Band maps a score to its severity band.
func (p *Profile) Band(score int) string {
	switch {
	case score >= p.Severity.Critical:
		return SeverityCritical
	case score >= p.Severity.High:
		return SeverityHigh
	case score >= p.Severity.Medium:
		return SeverityMedium
	}
	return SeverityLow
}
