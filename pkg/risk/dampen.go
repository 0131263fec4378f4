package risk

// Dampening signal names.
const (
	SigEstablished = "established_automation"
	SigApproved    = "approved_app"
)

// dampenSignals lower the score of work known to be routine.
func (c *context) dampenSignals() []Signal {
	return []Signal{c.establishedSignal(), c.approvedSignal()}
}

// establishedSignal damps a key that works on most days, at this hour, from
// its usual networks, at its usual volume: sync clients, CI and service
// accounts doing what they always do.
func (c *context) establishedSignal() Signal {
	d := &c.p.Dampen.EstablishedAutomation
	if !c.hasBaseline() {
		return unknown(SigEstablished, KindDampen, noBaseline)
	}
	k := &c.key
	days := max(c.baselineDays, 1)
	share := float64(k.activeDays) / float64(days)
	switch {
	case k.activeDays < d.MinDays || share < d.MinActiveShare:
		return quiet(SigEstablished, KindDampen, "key active on %d of %d days", k.activeDays, days)
	case c.ep.Hours&^usualHours(k.hourDays, max(c.p.Deviation.OffHours.UsualDays, int(c.p.Deviation.OffHours.UsualShare*float64(k.activeDays)))) != 0:
		return quiet(SigEstablished, KindDampen, "outside the key's usual hours")
	case len(c.newNetworksForKey) > 0:
		return quiet(SigEstablished, KindDampen, "from a network the key never used")
	case c.bulk:
		return quiet(SigEstablished, KindDampen, "above the key's usual volume")
	}
	return signal(SigEstablished, KindDampen, Fired, d.Factor,
		"established automation at its usual hour: active on %d of %d days", k.activeDays, days)
}

func (c *context) approvedSignal() Signal {
	if c.ep.Approved {
		return signal(SigApproved, KindDampen, Fired, c.p.Dampen.ApprovedApp, "approved app %s", c.ep.AppID)
	}
	return quiet(SigApproved, KindDampen, "not an approved app")
}
