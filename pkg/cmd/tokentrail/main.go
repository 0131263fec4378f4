// Command tokentrail is the operator's tool next to the plugin: it runs the
// local ClickHouse, applies the schema, ingests vendor audit logs, generates
// the sample organisation, validates the built plugin folder, and runs the
// demo and the benchmark.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands = map[string]command{
	"clickhouse":   {"start or stop the local ClickHouse, or the local two-shard cluster: clickhouse start|stop [--cluster]", runClickHouse},
	"schema":       {"create the normalized table: schema apply [flags]", runSchema},
	"ingest":       {"normalize and load vendor audit logs: ingest --source okta FILE|-", runIngest},
	"normalize":    {"print vendor audit logs as normalized JSONEachRow, no ClickHouse: normalize --source okta FILE|-", runNormalize},
	"catalog":      {"catalogue coverage of the vendors' published action lists and of a table: catalog coverage", runCatalog},
	"generate":     {"generate the sample organisation: generate --events N --out DIR | --load", runGenerate},
	"validate":     {"check that a built plugin folder is loadable: validate dist", runValidate},
	"demo":         {"run the whole job end to end: demo --plugin dist/gpx_tokentrail_linux_amd64", runDemo},
	"bench":        {"benchmark the sequences query against a ClickHouse scan, on the generated organisation or an existing table: bench [--widen 1,10] | bench --table NAME --database DB", runBench},
	"eval":         {"measure the risk ranking on the sample organisation: eval [--seeds 1,2,3] [--events N]", runEval},
	"clusterbench": {"time the same queries on the local single server and the local two-shard cluster: clusterbench [--events N]", runClusterBench},
	"soak":         {"mixed panels at a set concurrency for a set time: soak [--concurrency N] [--duration D]", runSoak},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) < 2 {
		usage(os.Stderr)
		os.Exit(2)
	}
	cmd, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "tokentrail: unknown command %q\n\n", os.Args[1])
		usage(os.Stderr)
		os.Exit(2)
	}
	if err := cmd.run(ctx, os.Args[2:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintf(os.Stderr, "tokentrail %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: tokentrail COMMAND [flags]")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-11s %s\n", n, commands[n].summary)
	}
}
