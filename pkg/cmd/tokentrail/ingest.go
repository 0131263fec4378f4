package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tokentrail/tokentrail/pkg/catalog"
	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/ingest"
)

// stdin is the input of `ingest -`; tests replace it.
var stdin io.Reader = os.Stdin

const ingestUsage = `usage: tokentrail ingest --source SOURCE [flags] FILE|-

Normalizes a vendor audit export and loads it into the TokenTrail table.
FILE is NDJSON, a JSON array, or saved API pages (Google Reports "items",
Slack "entries"), optionally gzip-compressed; - reads standard input.
Records that cannot be loaded are listed with their line and skipped;
events already in the table are skipped, so rerunning a file is safe.

flags:
`

// runIngest implements `tokentrail ingest`. Progress and rejects go to
// stderr, the summary line to stdout. Rejects alone do not fail the command
// unless --strict is given: one bad record in a day of logs should not
// block the rest, but it must be visible.
func runIngest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, ingestUsage)
		fs.PrintDefaults()
	}
	var conn connFlags
	conn.register(fs)
	source := fs.String("source", "", "vendor format of the input: "+strings.Join(event.Sources, ", "))
	catalogPath := fs.String("catalog", "", "YAML file of action mappings merged over the built-in catalogue")
	batch := fs.Int("batch", ingest.DefaultBatchSize, "events per INSERT")
	strict := fs.Bool("strict", false, "exit with an error when any record is rejected")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *batch <= 0 {
		return fmt.Errorf("--batch %d must be a positive number of events", *batch)
	}
	cat, name, in, closeInput, err := openSourceInput(fs, *source, *catalogPath)
	if err != nil {
		return err
	}
	defer closeInput()
	cl, err := conn.client()
	if err != nil {
		return err
	}
	w, err := ingest.NewWriter(ctx, cl, conn.database, conn.table)
	if err != nil {
		return err
	}
	st, runErr := ingest.Run(ctx, in, w, ingest.Options{Source: *source, BatchSize: *batch, Catalog: cat, Progress: stderr})
	reportRecords(stderr, name, st)
	fmt.Fprintf(stdout, "%s into %s.%s: %s\n", name, conn.database, conn.table, st)
	if runErr != nil {
		return runErr
	}
	if *strict && st.Rejected > 0 {
		return fmt.Errorf("%d of %d records were rejected (--strict)", st.Rejected, st.Records)
	}
	return nil
}

// reportRecords lists the rejected records and the records kept with a
// field ignored, with their file and line, on stderr.
func reportRecords(stderr io.Writer, name string, st ingest.Stats) {
	for _, r := range st.Rejects {
		fmt.Fprintf(stderr, "rejected %s:%s\n", name, r)
	}
	if more := st.Rejected - len(st.Rejects); more > 0 {
		fmt.Fprintf(stderr, "rejected: %d more records not listed\n", more)
	}
	for _, n := range st.Notes {
		fmt.Fprintf(stderr, "kept %s:%s\n", name, n)
	}
}

// openSourceInput loads the catalogue and opens the one input named after
// the flags, for the commands that read a vendor export.
func openSourceInput(fs *flag.FlagSet, source, catalogPath string) (*catalog.Catalog, string, io.Reader, func(), error) {
	if source == "" {
		return nil, "", nil, nil, fmt.Errorf("--source is required: one of %s", strings.Join(event.Sources, ", "))
	}
	if fs.NArg() != 1 {
		return nil, "", nil, nil, fmt.Errorf("give exactly one input, a FILE or - for standard input, after the flags (got %d arguments)", fs.NArg())
	}
	cat, err := catalog.Load(catalogPath)
	if err != nil {
		return nil, "", nil, nil, err
	}
	in, closeInput, err := openInput(fs.Arg(0))
	if err != nil {
		return nil, "", nil, nil, err
	}
	return cat, fs.Arg(0), in, closeInput, nil
}

// openInput opens FILE or standard input, decompressing gzip (recognised by
// its magic bytes, so `zcat` is not needed and a misnamed file still works).
func openInput(name string) (io.Reader, func(), error) {
	var r io.Reader
	closeFn := func() {}
	if name == "-" {
		r = stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, nil, fmt.Errorf("open the input: %w", err)
		}
		r, closeFn = f, func() { f.Close() }
	}
	br := bufio.NewReader(r)
	magic, _ := br.Peek(2)
	if !bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		return br, closeFn, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		closeFn()
		return nil, nil, fmt.Errorf("open the input %s: it looks gzip-compressed but is not readable as gzip: %w", name, err)
	}
	return zr, func() { _ = zr.Close(); closeFn() }, nil
}
