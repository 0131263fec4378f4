package event

import (
	"regexp"
	"strings"
	"testing"
)

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

func TestAgentFamily(t *testing.T) {
	tests := []struct{ ua, want string }{
		{"python-requests/2.32.3", "python-requests/.."},
		{"Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17531)", "Microsoft Office/. (Windows NT .; Microsoft Outlook ..)"},
		{"", ""},
		{strings.Repeat("a", 300), strings.Repeat("a", MaxAgentFamily)},
		{strings.Repeat("a1", 300), strings.Repeat("a", 300)[:MaxAgentFamily]}, // digits go before the cut
		{"7", ""},
		{"curl/8.4.0\xff\xfe9", "curl/..\xff\xfe"},   // bytes, not runes: invalid UTF-8 stays
		{"agent/\u0661\u0662", "agent/\u0661\u0662"}, // only ASCII digits, as [0-9] in ClickHouse
	}
	for _, tc := range tests {
		if got := AgentFamily(tc.ua); got != tc.want {
			t.Errorf("AgentFamily(%q) = %q, want %q", tc.ua, got, tc.want)
		}
	}
	if AgentFamily("git/2.45.2") != AgentFamily("git/2.39.1") {
		t.Error("two git versions must share a family")
	}
}

// FuzzAgentFamily holds AgentFamily to the rule ClickHouse applies: every
// match of [0-9]+ replaced by nothing, then the first MaxAgentFamily bytes.
func FuzzAgentFamily(f *testing.F) {
	for _, s := range []string{"", "0", "python-requests/2.32.3", "\xff1\xfe", "a1b22c333", strings.Repeat("9a", 200)} {
		f.Add(s)
	}
	digits := regexp.MustCompile(`[0-9]+`)
	f.Fuzz(func(t *testing.T, ua string) {
		want := digits.ReplaceAllString(ua, "")
		if len(want) > MaxAgentFamily {
			want = want[:MaxAgentFamily]
		}
		if got := AgentFamily(ua); got != want {
			t.Errorf("AgentFamily(%q) = %q, want %q", ua, got, want)
		}
	})
}
