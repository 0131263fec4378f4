package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tokentrail/tokentrail/pkg/chlocal"
)

// A short soak through the built plugin binary: mixed panels, 0 errors,
// percentiles printed, and nothing left running on the server.
func TestSoak(t *testing.T) {
	s := chlocal.ForTest(t)
	db := s.TempDatabase(t)
	binary := filepath.Join(t.TempDir(), "gpx_tokentrail_test")
	if out, err := exec.Command("go", "build", "-o", binary, "github.com/tokentrail/tokentrail/pkg").CombinedOutput(); err != nil {
		t.Fatalf("building the plugin: %v\n%s", err, out)
	}
	var out, errOut bytes.Buffer
	err := runSoak(context.Background(), []string{"--plugin", binary, "--database", db, "--rows", "20000",
		"--duration", "3s", "--concurrency", "6", "--max-open-conns", "2"}, &out, &errOut)
	if err != nil {
		t.Fatalf("soak: %v\n%s%s", err, out.String(), errOut.String())
	}
	for _, want := range []string{"p50", "p99", "sequences", "closed early", "counts timeseries", "timeline", "0 left running after the end", "(maxOpenConns 2)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("soak output lacks %q:\n%s", want, out.String())
		}
	}
	m := regexp.MustCompile(`at most (\d+) of the soak's queries`).FindStringSubmatch(out.String())
	if m == nil || m[1] == "0" || len(m[1]) > 1 || m[1] > "2" || strings.Contains(out.String(), "error ×") {
		t.Errorf("soak went over the cap of 2, saw nothing, or failed:\n%s", out.String())
	}
}
