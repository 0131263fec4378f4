package store

import (
	"slices"
	"strings"
	"testing"
)

// The baselines' number lists arrive as text (see chsql's hashed): a
// malformed one must fail loudly, never turn into a shorter list.
func TestNumberList(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []uint64
		err  string
	}{
		{in: "", want: nil},
		{in: "0", want: []uint64{0}},
		{in: "18446744073709551615,7,42", want: []uint64{18446744073709551615, 7, 42}},
		{in: "1,,2", err: `the baseline column nets holds "1,,2"`},
		{in: "1,x", err: "not a list of numbers"},
		{in: "18446744073709551616", err: "out of range"},
		{in: "1,", err: "not a list of numbers"},
	} {
		got, err := numberList[uint64](tc.in, "nets")
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("numberList(%q) = %v, %v; want an error with %q", tc.in, got, err, tc.err)
		case tc.err == "" && (err != nil || !slices.Equal(got, tc.want)):
			t.Errorf("numberList(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	if _, err := numberList[uint32]("4294967296", "signin_times"); err == nil {
		t.Error("a number past uint32 was accepted for a uint32 list")
	}
}
