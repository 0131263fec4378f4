package main

import (
	"slices"
	"strings"
	"testing"
)

func TestParseSizes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []int
		err  string
	}{
		{in: "1", want: []int{1}},
		{in: "10, 1", want: []int{1, 10}},
		{in: "1,1", err: "distinct"},
		{in: "0", err: "from 1 to 100"},
		{in: "101", err: "from 1 to 100"},
		{in: "1;10", err: "separated by commas"},
		{in: "", err: "such as 1,10"},
	} {
		got, err := parseSizes(tc.in)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("parseSizes(%q) = %v, %v; want an error with %q", tc.in, got, err, tc.err)
		case tc.err == "" && (err != nil || !slices.Equal(got, tc.want)):
			t.Errorf("parseSizes(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}
