package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/ingest"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

const normalizeUsage = `usage: tokentrail normalize --source SOURCE [flags] FILE|-

Normalizes a vendor audit export and prints the events as JSONEachRow in
the TokenTrail table's columns on standard output; no ClickHouse is needed.
Check a mapping with it, or pipe it into any loader:

  tokentrail normalize --source okta logs.json |
    clickhouse-client --query 'INSERT INTO default.saas_audit_events FORMAT JSONEachRow'

FILE is NDJSON, a JSON array, or saved API pages, optionally gzip-compressed;
- reads standard input. Rejected records (with their line) and records kept
with a field ignored go to standard error, then a summary line.

flags:
`

// runNormalize implements `tokentrail normalize`. Events go to stdout and
// everything else to stderr, so the output can be piped as it is.
func runNormalize(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("normalize", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, normalizeUsage)
		fs.PrintDefaults()
	}
	source := fs.String("source", "", "vendor format of the input: "+strings.Join(event.Sources, ", "))
	catalogPath := fs.String("catalog", "", "YAML file of action mappings merged over the built-in catalogue")
	variant := fs.String("schema", "modern", "event_time layout of the target table: modern (milliseconds, ClickHouse 20.1+) or legacy (seconds, for 18.16 tables)")
	strict := fs.Bool("strict", false, "exit with an error when any record is rejected")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var v schema.Variant
	switch *variant {
	case "modern":
		v = schema.Modern
	case "legacy":
		v = schema.Legacy
	default:
		return fmt.Errorf("--schema %q: use modern or legacy", *variant)
	}
	cat, name, in, closeInput, err := openSourceInput(fs, *source, *catalogPath)
	if err != nil {
		return err
	}
	defer closeInput()
	st, runErr := ingest.Normalize(ctx, in, stdout, ingest.NormalizeOptions{Source: *source, Catalog: cat, Variant: v, Progress: stderr})
	reportRecords(stderr, name, st)
	fmt.Fprintf(stderr, "%s: %d records read, %d rejected, %d kept with a field ignored; %d events written\n",
		name, st.Records, st.Rejected, st.Noted, st.Events)
	if runErr != nil {
		return runErr
	}
	if *strict && st.Rejected > 0 {
		return fmt.Errorf("%d of %d records were rejected (--strict)", st.Rejected, st.Records)
	}
	return nil
}
