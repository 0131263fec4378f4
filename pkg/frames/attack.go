package frames

import "github.com/tokentrail/tokentrail/pkg/engine"

// Attack is the MITRE ATT&CK reference of an analytic, as the sequences
// table reports it.
type Attack struct {
	Analytic, Strategy, Technique string
	StrategyURL, TechniqueURL     string
}

// attackRefs are the analytics the engine finds: AN0020 (detection strategy
// DET0008, T1021.007 Remote Services: Cloud Services) and AN0528 (DET0185,
// T1550.001 Use Alternate Authentication Material: Application Access
// Token, whose SaaS analytic is token use without interactive logins).
var attackRefs = map[string]Attack{
	engine.AnalyticAN0020: {AnalyticID, StrategyID, TechniqueID, StrategyURL, AttackURL},
	engine.AnalyticAN0528: {engine.AnalyticAN0528, "DET0185", "T1550.001",
		"https://attack.mitre.org/detectionstrategies/DET0185/", "https://attack.mitre.org/techniques/T1550/001/"},
}

// AttackRef returns the reference of an analytic; "" (and anything else)
// is AN0020, what the engine finds unless told otherwise.
func AttackRef(analytic string) Attack {
	if a, ok := attackRefs[analytic]; ok {
		return a
	}
	return attackRefs[engine.AnalyticAN0020]
}

// analyticOf is the analytic of a table's episodes: one query runs one
// rule, so the first episode's stands for all; none is AN0020.
func analyticOf(eps []*engine.Episode) string {
	if len(eps) == 0 {
		return engine.AnalyticAN0020
	}
	return eps[0].Analytic
}
