package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// tableFlags point the benchmark at a table that already holds data, such
// as a held-out month loaded through `schema apply` and `ingest`, on any
// server: nothing is generated, loaded or widened, so the figures are the
// ones that table's users will see.
type tableFlags struct {
	table, host, user, passwordEnv string
	from, to, approved             string
	port                           int
}

// tableOnlyFlags are the flags that only --table reads.
var tableOnlyFlags = []string{"host", "port", "user", "password-env", "from", "to", "approved-apps"}

func (f *tableFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.table, "table", "", "measure this existing table of --database as it is (nothing is loaded), for example a month loaded through schema apply and ingest")
	fs.StringVar(&f.host, "host", "127.0.0.1", "with --table: the ClickHouse server (native protocol)")
	fs.IntVar(&f.port, "port", chlocal.DefaultTCPPort, "with --table: its native port")
	fs.StringVar(&f.user, "user", chlocal.ReaderUser, "with --table: the user the datasource reads as")
	fs.StringVar(&f.passwordEnv, "password-env", "", "with --table: the name of an environment variable holding that user's password (default: the local server's reader password)")
	fs.StringVar(&f.from, "from", "", "with --table: the start of the range, RFC 3339 (default: 30 days before --to)")
	fs.StringVar(&f.to, "to", "", "with --table: the end of the range, RFC 3339 (default: the midnight after the table's newest event)")
	fs.StringVar(&f.approved, "approved-apps", "", "with --table: the datasource's approved app ids, comma-separated")
}

// env turns the flags into the benchmark's environment, the range still
// unset.
func (f tableFlags) env(db, binary string, runs int) (benchEnv, error) {
	if err := schema.CheckIdentifier("table", f.table); err != nil {
		return benchEnv{}, err
	}
	env := benchEnv{host: f.host, port: f.port, user: f.user, db: db, binary: binary, runs: runs}
	switch {
	case f.passwordEnv != "":
		pw, err := passwordFromEnv(f.passwordEnv)
		if err != nil {
			return env, err
		}
		env.password = pw
	case f.user == chlocal.ReaderUser:
		env.password = chlocal.ReaderPassword
	}
	for _, a := range strings.Split(f.approved, ",") {
		if a = strings.TrimSpace(a); a != "" {
			env.approved = append(env.approved, a)
		}
	}
	return env, nil
}

// rangeFor returns the panel range: --from and --to, or the 30 days that
// end at the midnight after the newest event.
func (f tableFlags) rangeFor(newest time.Time) (from, to time.Time, err error) {
	parse := func(name, v string) (time.Time, error) {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return t, fmt.Errorf("--%s %q: want an RFC 3339 time such as 2026-11-01T00:00:00Z", name, v)
		}
		return t.UTC(), nil
	}
	to = newest.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	if f.to != "" {
		if to, err = parse("to", f.to); err != nil {
			return from, to, err
		}
	}
	from = to.Add(-30 * 24 * time.Hour)
	if f.from != "" {
		if from, err = parse("from", f.from); err != nil {
			return from, to, err
		}
	}
	if !from.Before(to) {
		return from, to, fmt.Errorf("--from %s is not before --to %s", from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	return from, to, nil
}

// benchTable measures one existing table with the same yardsticks,
// queries and summary as the generated organisation.
func benchTable(ctx context.Context, f tableFlags, db, binary string, runs int, out io.Writer) error {
	env, err := f.env(db, binary, runs)
	if err != nil {
		return err
	}
	// The datasource's own health check: it names a missing database,
	// table or column as "Save & test" would, and gives the table's span.
	st, _, _, err := openBenchStore(env, f.table)
	if err != nil {
		return err
	}
	h, err := st.Health(ctx)
	st.Close()
	if err != nil {
		return fmt.Errorf("reading %s.%s on %s:%d as %s: %w (for the local server, start it with `tokentrail clickhouse start`; otherwise give --host, --port, --user and --password-env)",
			db, f.table, f.host, f.port, f.user, err)
	}
	if h.Rows == 0 {
		return fmt.Errorf("%s.%s has no rows: load a month into it first (tokentrail ingest, or generate --load)", db, f.table)
	}
	if env.from, env.to, err = f.rangeFor(h.Newest); err != nil {
		return err
	}
	fmt.Fprintf(out, "bench: %s.%s on %s:%d as %s: %d rows from %s to %s; range %s to %s (median of %d runs)\n",
		db, f.table, f.host, f.port, f.user, h.Rows, h.Oldest.UTC().Format(time.RFC3339), h.Newest.UTC().Format(time.RFC3339),
		env.from.Format(time.RFC3339), env.to.Format(time.RFC3339), runs)
	if env.binary, err = pluginBinary(binary, ".build", out); err != nil {
		return err
	}
	r, err := measureSize(ctx, env, f.table, f.table, out)
	if err != nil {
		return err
	}
	printSummary(out, fmt.Sprintf("%s.%s, %s to %s", db, f.table, env.from.Format("2006-01-02 15:04"), env.to.Format("2006-01-02 15:04")), []sizeResult{r}, runs)
	return nil
}
