package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/tokentrail/tokentrail/pkg/catalog"
	"github.com/tokentrail/tokentrail/pkg/chsql"
	"github.com/tokentrail/tokentrail/pkg/event"
)

const coverageUsage = `usage: tokentrail catalog coverage [flags]

Reports, per source, the share of the vendor's published action list that
the catalogue maps (lists shipped in pkg/catalog/published/, or your own with
--list), and the actions of the normalized table that landed as "other",
most frequent first: the candidates for your own catalogue file.

flags:
`

// listFlags collects repeated --list source=FILE flags.
type listFlags map[string]string

func (l listFlags) String() string { return fmt.Sprint(map[string]string(l)) }

func (l listFlags) Set(v string) error {
	source, file, ok := strings.Cut(v, "=")
	if !ok || file == "" || !slices.Contains(event.Sources, source) {
		return fmt.Errorf("--list %q: write SOURCE=FILE with SOURCE one of %s", v, strings.Join(event.Sources, ", "))
	}
	l[source] = file
	return nil
}

// runCatalog implements `tokentrail catalog SUBCOMMAND`.
func runCatalog(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "coverage" {
		return fmt.Errorf("usage: tokentrail catalog coverage [flags] (the only catalog subcommand)")
	}
	fs := flag.NewFlagSet("catalog coverage", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, coverageUsage)
		fs.PrintDefaults()
	}
	var conn connFlags
	conn.register(fs)
	catalogPath := fs.String("catalog", "", "YAML file of action mappings merged over the built-in catalogue")
	lists := listFlags{}
	fs.Var(lists, "list", "SOURCE=FILE: measure SOURCE against your own copy of its published list (one action per line); repeatable")
	top := fs.Int("top", 20, "actions landed as other to show per source")
	noTable := fs.Bool("no-table", false, "report the published lists only; do not read a table")
	unmapped := fs.Bool("unmapped", false, "also list every published action the catalogue does not map")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	cat, err := catalog.Load(*catalogPath)
	if err != nil {
		return err
	}
	if err := publishedCoverage(cat, lists, *unmapped, stdout); err != nil {
		return err
	}
	if *noTable {
		return nil
	}
	return tableCoverage(ctx, &conn, *top, stdout)
}

// publishedCoverage prints one line per source.
func publishedCoverage(cat *catalog.Catalog, lists listFlags, unmapped bool, stdout io.Writer) error {
	fmt.Fprintln(stdout, "published action lists mapped by the catalogue:")
	for _, src := range event.Sources {
		p, ok, err := loadList(src, lists[src])
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintf(stdout, "  %-17s no published list shipped (give one with --list %s=FILE)\n", src, src)
			continue
		}
		cov := cat.Coverage(p)
		var parts []string
		for _, c := range event.Categories {
			if n := cov.ByCategory[c]; n > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", c, n))
			}
		}
		about := ""
		if len(p.About) > 0 {
			about = " — " + p.About[0]
		}
		fmt.Fprintf(stdout, "  %-17s %4d of %4d actions mapped (%5.1f%%): %s%s\n",
			src, cov.Mapped, cov.Published, 100*cov.Share(), strings.Join(parts, ", "), about)
		if unmapped {
			for _, a := range cov.Unmapped {
				fmt.Fprintf(stdout, "      unmapped %s\n", a)
			}
		}
	}
	return nil
}

func loadList(source, file string) (catalog.Published, bool, error) {
	if file == "" {
		return catalog.PublishedList(source)
	}
	f, err := os.Open(file)
	if err != nil {
		return catalog.Published{}, false, fmt.Errorf("--list %s: %w", source, err)
	}
	defer f.Close()
	p, err := catalog.ParsePublished(source, f)
	return p, err == nil, err
}

// tableCoverage prints the actions of the table that landed as other.
func tableCoverage(ctx context.Context, conn *connFlags, top int, stdout io.Writer) error {
	cl, err := conn.client()
	if err != nil {
		return err
	}
	q, err := chsql.OtherActions(conn.database, conn.table, top)
	if err != nil {
		return err
	}
	rc, err := cl.Query(ctx, q)
	if err != nil {
		return fmt.Errorf("read the actions that landed as other from %s.%s: %w", conn.database, conn.table, err)
	}
	defer rc.Close()
	fmt.Fprintf(stdout, "actions in %s.%s that landed as other (at most %d per source, most frequent first):\n", conn.database, conn.table, top)
	dec := json.NewDecoder(rc)
	rows := 0
	for {
		// count() is UInt64, which JSON output quotes or not depending on
		// the server's output_format_json_quote_64bit_integers.
		var row struct {
			Source, Action string
			Events         json.RawMessage
		}
		if err := dec.Decode(&row); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return fmt.Errorf("read the answer about %s.%s: %w", conn.database, conn.table, err)
		}
		n, err := strconv.ParseUint(strings.Trim(string(row.Events), `"`), 10, 64)
		if err != nil {
			return fmt.Errorf("read the answer about %s.%s: event count %q is not a number", conn.database, conn.table, row.Events)
		}
		fmt.Fprintf(stdout, "  %-17s %9d  %s\n", row.Source, n, row.Action)
		rows++
	}
	if rows == 0 {
		fmt.Fprintln(stdout, "  none: every action in the table is catalogued")
	}
	return nil
}
