// Command gpx_tokentrail is the TokenTrail backend that Grafana launches.
package main

import (
	"math"
	"os"
	"runtime/debug"

	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/tokentrail/tokentrail/pkg/plugin"
)

// softMemoryLimit is the Go memory size above which the runtime collects
// garbage more often than GOGC alone would. A query holds one batch of
// candidate keys and the kept episodes (at most 37 MiB live at 1M events
// and 46 MiB at 10M, by the plugin's GC trace; see the README's
// performance section); without a
// limit, the garbage of a long range lets the process grow to twice that
// before the collector runs, and Grafana's host pays for it in RSS. It is
// a soft limit: the plugin never fails on it, and the runtime caps the
// extra collection work at half the CPU.
//
// The process's RSS is this plus about 27 MB of the binary's own pages.
// At 10M events, 30 days of sequences through the plugin peaked at
// 156 MB RSS with 128 MiB, 148 MB with 120 MiB in the same time
// (14-18 s either way), and 140 MB with 112 MiB but 19 s (measured,
// alternating runs). A live heap near the limit keeps the collector
// running all the time: when a query held 162 MB live, 30 days took 29 s
// at 128 MiB against 17 s with no limit, so what a query holds must stay
// well below it. GOMEMLIMIT, when set to a size, replaces it.
const softMemoryLimit = 120 << 20

func main() {
	// A negative argument only reads the limit: math.MaxInt64 means none
	// was set (GOMEMLIMIT unset or "off"; the plugin reads its
	// configuration from the datasource settings, never the environment,
	// so it cannot tell the two apart).
	if debug.SetMemoryLimit(-1) == math.MaxInt64 {
		debug.SetMemoryLimit(softMemoryLimit)
	}
	if err := datasource.Manage(plugin.PluginID, plugin.NewDatasource, datasource.ManageOpts{}); err != nil {
		log.DefaultLogger.Error(err.Error())
		os.Exit(1)
	}
}
