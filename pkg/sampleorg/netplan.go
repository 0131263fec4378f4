package sampleorg

import "strconv"

// The address plan. Only documentation, CGNAT and benchmark ranges are
// used, and each kind of network gets its own block, so that the /24 a
// baseline learns tells a story: an office, a household, a carrier, a
// cloud, a hotel, an attacker.
//
//	203.0.113.10-39      the office's NAT pool (one /24 for everybody at work)
//	100.64.0.0/11        home broadband: one /24 per household
//	100.96.0.0/11        mobile carriers (CGNAT): a phone's /24 keeps moving
//	198.51.100.0/24      the organisation's own cloud: approved automation,
//	                     service accounts and CI
//	198.18.0.0/16        SaaS vendors' clouds: third-party and new apps
//	198.19.0.0/17        hotels, airports and conference Wi-Fi (travel)
//	192.0.2.0/24 and     hosting that attackers rent; attackers also use
//	198.19.128.0/17      residential proxies (home block) and vendor clouds
//
// Every address is derived from a hash, so the same organisation always
// gets the same networks.

func dotted(a, b, c, d uint64) string {
	buf := make([]byte, 0, 15)
	buf = strconv.AppendUint(buf, a, 10)
	buf = append(buf, '.')
	buf = strconv.AppendUint(buf, b, 10)
	buf = append(buf, '.')
	buf = strconv.AppendUint(buf, c, 10)
	buf = append(buf, '.')
	buf = strconv.AppendUint(buf, d, 10)
	return string(buf)
}

// host is a usable host number 1..254 drawn from h.
func host(h uint64) uint64 { return 1 + h%254 }

// homeIP is a household's address: a /24 of its own in 100.64.0.0/11.
func homeIP(h uint64) string {
	return dotted(100, 64+h%32, (h>>8)%256, host(h>>16))
}

// carrierIP is a phone's address: carrier c (0..3), in a /24 chosen by h.
func carrierIP(c, h uint64) string {
	return dotted(100, 96+(c%4)*8+h%8, (h>>8)%256, host(h>>16))
}

// orgCloudIP is the organisation's own cloud, where its automation runs.
func orgCloudIP(n uint64) string { return dotted(198, 51, 100, 10+n%240) }

// vendorCloudIP is the egress of a SaaS vendor's cloud: one /24 per vendor.
func vendorCloudIP(vendor, h uint64) string {
	return dotted(198, 18, vendor%256, host(h))
}

// travelIP is a hotel's or conference's network: one /24 per trip.
func travelIP(trip, h uint64) string {
	return dotted(198, 19, trip%128, host(h))
}

// Kinds of network an attacker works from.
const (
	netHosting     = iota // a rented server: 192.0.2.0/24 or 198.19.128.0/17
	netResidential        // a residential proxy, indistinguishable from a home
	netVendorCloud        // a VPS in the same cloud as legitimate SaaS vendors
	netKinds
)

// attackerIP returns an address of the given kind of network, drawn from h.
func attackerIP(kind int, h uint64) string {
	switch kind {
	case netResidential:
		return homeIP(h)
	case netVendorCloud:
		return vendorCloudIP(h%256, h>>8)
	}
	if h%3 == 0 {
		return dotted(192, 0, 2, host(h>>8))
	}
	return dotted(198, 19, 128+h%128, host(h>>8))
}

// netName names a kind of attacker network for a chain's note.
func netName(kind int) string {
	switch kind {
	case netResidential:
		return "residential proxy"
	case netVendorCloud:
		return "cloud VPS"
	}
	return "hosting"
}

// prefix24 is the /24 of an IPv4 address, for notes.
func prefix24(ip string) string {
	dots := 0
	for i := 0; i < len(ip); i++ {
		if ip[i] == '.' {
			if dots++; dots == 3 {
				return ip[:i] + ".0/24"
			}
		}
	}
	return ip
}
