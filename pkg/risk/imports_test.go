package risk

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportGraph keeps the house rules that make the score honest: the
// detection side (the plugin binary and everything it links, the engine,
// this package) never sees the sample organisation's ground truth, and the
// engine and the scorer stay pure.
func TestImportGraph(t *testing.T) {
	deps := func(pkg string) []string {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		return strings.Fields(string(out))
	}
	const mod = "github.com/tokentrail/tokentrail/pkg/"
	forbidden := map[string][]string{
		mod[:len(mod)-1]: {mod + "sampleorg", mod + "ingest", mod + "normalize", mod + "chlocal", mod + "pluginhost"},
		mod + "store":    {mod + "sampleorg"},
		mod + "risk":     {mod + "sampleorg", mod + "store", mod + "chsql", mod + "plugin", mod + "frames", "github.com/grafana/grafana-plugin-sdk-go/backend", "github.com/ClickHouse/clickhouse-go/v2"},
		mod + "engine":   {mod + "sampleorg", mod + "store", mod + "chsql", mod + "plugin", mod + "frames", mod + "risk", "github.com/grafana/grafana-plugin-sdk-go/backend"},
	}
	for pkg, bad := range forbidden {
		all := deps(pkg)
		if len(all) < 2 {
			t.Fatalf("go list found no dependencies of %s", pkg)
		}
		for _, d := range all {
			for _, b := range bad {
				if d == b || strings.HasPrefix(d, b+"/") {
					t.Errorf("%s imports %s", pkg, d)
				}
			}
		}
	}
}
