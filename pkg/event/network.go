package event

import (
	"net/netip"
	"strings"

	"github.com/go-faster/city"
)

// NetworkPrefix names the network an address belongs to, for "new network"
// comparisons: the /24 of a dotted IPv4 address ("203.0.113.0/24") and the
// /48 of an IPv6 address ("2001:db8:abcd::/48"). A /24 or /48 is roughly
// one site or one provider allocation, so a user's laptop moving between
// desks keeps its network while a login from another provider does not.
// It returns "" for an empty or unparseable address, and for IPv6 addresses
// whose first 48 bits are zero (unspecified, loopback, IPv4-mapped).
//
// The rule is defined on the text the table stores, so ClickHouse can apply
// the same one (chsql's network expression): an address is IPv4 only when
// written as a dotted quad; anything else with a colon is IPv6, IPv4-mapped
// IPv6 included.
func NetworkPrefix(ip string) string {
	if ip == "" {
		return ""
	}
	addr, err := netip.ParseAddr(ip)
	if err != nil || addr.Zone() != "" {
		return ""
	}
	if addr.Is4() {
		b := addr.As4()
		return netip.AddrFrom4([4]byte{b[0], b[1], b[2], 0}).String() + "/24"
	}
	if !strings.Contains(ip, ":") {
		return ""
	}
	b := addr.As16()
	var m [16]byte
	copy(m[:6], b[:6])
	if m == ([16]byte{}) { // ::/48 says nothing about where a request came from
		return ""
	}
	return netip.AddrFrom16(m).String() + "/48"
}

// MaxAgentFamily bounds AgentFamily's result, in bytes.
const MaxAgentFamily = 200

// AgentFamily is a user agent with its version numbers removed, cut to
// MaxAgentFamily bytes: "python-requests/." for every python-requests
// release. Clients update themselves all the time; a new family, not a new
// version, is what "a user agent this key never used" means. ClickHouse
// applies the same rule (chsql's agent expression).
//
// The digits are dropped byte by byte, as ClickHouse's replaceRegexpAll
// with the pattern [0-9]+ drops them. A regular expression did the same at
// 12 times the cost on three common agents (1.3 us against 0.1 us), and
// the risk scoring takes the family of every user agent of every baseline
// day: 0.35 s of a 10M-event ranking went there.
func AgentFamily(ua string) string {
	f := ua
	if i := strings.IndexAny(ua, "0123456789"); i >= 0 {
		b := make([]byte, i, len(ua))
		copy(b, ua[:i])
		for j := i + 1; j < len(ua); j++ {
			if c := ua[j]; c < '0' || c > '9' {
				b = append(b, c)
			}
		}
		f = string(b)
	}
	if len(f) > MaxAgentFamily {
		f = f[:MaxAgentFamily]
	}
	return f
}

// Hash is ClickHouse's cityHash64 of s. The baselines carry networks and
// apps they only test for membership as these numbers instead of text: the
// lists come hashed from the server, and an episode's own networks, which
// the evidence prints, are hashed here to look them up. At 10M events,
// decoding the actors' daily network lists as strings took about 13% of a
// ranking's Go CPU. Two networks colliding in 64 bits would make one look
// familiar; among a few thousand networks the odds are about 1e-12.
func Hash(s string) uint64 { return city.CH64([]byte(s)) }

// AgentHash is cityHash64 of AgentFamily(ua), the number ClickHouse
// computes for the same family, or 0 for an empty agent.
func AgentHash(ua string) uint64 {
	f := AgentFamily(ua)
	if f == "" {
		return 0
	}
	return Hash(f)
}
