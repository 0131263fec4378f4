package sampleorg

import (
	"cmp"
	"slices"
	"strings"
)

// RankedFound is one scored episode: what Score matches on, plus its rank
// inputs.
type RankedFound struct {
	Found
	ID       string   `json:"id"`
	Score    int      `json:"score"`
	Severity string   `json:"severity"`
	Reasons  []string `json:"reasons,omitempty"`
}

// RankQuality measures a ranking the way an SOC lives with it: how many
// of the top K episodes are attacks when K is the number of attack
// episodes, and what alerting at high severity or above costs and catches.
type RankQuality struct {
	Episodes       int // all episodes
	AttackEpisodes int // episodes that match a planted chain
	Chains         int // planted chains
	ChainsFound    int // chains matched by at least one episode

	// TopKPrecision is the share of attack episodes among the K
	// highest-scoring episodes, K = AttackEpisodes.
	TopKPrecision float64
	// Alerts counts episodes at high or critical; AlertShare is their
	// share of all episodes, AlertPrecision the share of them that are
	// attacks.
	Alerts         int
	AlertShare     float64
	AlertPrecision float64
	// AttackRecall is the share of attack episodes at high or critical;
	// ChainRecall the share of chains with at least one such episode.
	AttackRecall float64
	ChainRecall  float64

	// Worst are the attack episodes ranked lowest, worst first, with their
	// rank (1 = top).
	Worst []RankedAttack
}

// RankedAttack is an attack episode and where it ranked.
type RankedAttack struct {
	RankedFound
	Rank  int
	Shape string
}

// alerting is the severity at which the provisioned alert rule fires.
var alerting = map[string]bool{"high": true, "critical": true}

// Rank scores a ranked detector output against the truth. eps may come in
// any order; they are ranked by score (ties: earlier first, then id) the
// way the sequences frame orders them.
func Rank(truth Truth, eps []RankedFound, worst int) RankQuality {
	q := RankQuality{Episodes: len(eps), Chains: len(truth.Chains)}
	sorted := slices.Clone(eps)
	slices.SortStableFunc(sorted, func(a, b RankedFound) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), a.First.Compare(b.First), strings.Compare(a.ID, b.ID))
	})
	found := make([]bool, len(truth.Chains))
	attack := make([]int, len(sorted)) // index of the matched chain + 1, 0 for benign
	for i, ep := range sorted {
		for c, ch := range truth.Chains {
			if ch.ActorID == ep.ActorID && ch.AppID == ep.AppID && overlaps(ep.Found, ch) {
				attack[i] = c + 1
				break
			}
		}
	}
	alertedChain := make([]bool, len(truth.Chains))
	alertedAttacks := 0
	for i, ep := range sorted {
		if attack[i] > 0 {
			q.AttackEpisodes++
			found[attack[i]-1] = true
		}
		if alerting[ep.Severity] {
			q.Alerts++
			if attack[i] > 0 {
				alertedAttacks++
				alertedChain[attack[i]-1] = true
			}
		}
	}
	for c := range truth.Chains {
		if found[c] {
			q.ChainsFound++
		}
	}
	k, hits := q.AttackEpisodes, 0
	for i := 0; i < k; i++ {
		if attack[i] > 0 {
			hits++
		}
	}
	q.TopKPrecision = ratio(hits, k)
	q.AlertShare = ratio(q.Alerts, q.Episodes)
	q.AlertPrecision = ratio(alertedAttacks, q.Alerts)
	q.AttackRecall = ratio(alertedAttacks, q.AttackEpisodes)
	n := 0
	for _, a := range alertedChain {
		if a {
			n++
		}
	}
	q.ChainRecall = ratio(n, q.Chains)
	for i := len(sorted) - 1; i >= 0 && len(q.Worst) < worst; i-- {
		if attack[i] > 0 {
			q.Worst = append(q.Worst, RankedAttack{RankedFound: sorted[i], Rank: i + 1, Shape: truth.Chains[attack[i]-1].Shape})
		}
	}
	return q
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
