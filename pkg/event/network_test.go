package event

import "testing"

func TestNetworkPrefix(t *testing.T) {
	tests := []struct{ ip, want string }{
		{"203.0.113.7", "203.0.113.0/24"},
		{"198.51.100.255", "198.51.100.0/24"},
		{" 198.51.100.255", ""}, // as stored: ClickHouse's rule sees the space too
		{"10.0.0.1", "10.0.0.0/24"},
		{"2001:db8:abcd:12::1", "2001:db8:abcd::/48"},
		{"2001:DB8:ABCD:FFFF:1:2:3:4", "2001:db8:abcd::/48"},
		{"2001:db8::1", "2001:db8::/48"},
		{"::ffff:1.2.3.4", ""},
		{"::1", ""},
		{"fe80::1%eth0", ""},
		{"", ""},
		{"unknown", ""},
		{"1.2.3", ""},
		{"300.1.1.1", ""},
	}
	for _, tc := range tests {
		if got := NetworkPrefix(tc.ip); got != tc.want {
			t.Errorf("NetworkPrefix(%q) = %q, want %q", tc.ip, got, tc.want)
		}
	}
}
