package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/tokentrail/tokentrail/pkg/chhttp"
	"github.com/tokentrail/tokentrail/pkg/chsql"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

func runSchema(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "apply" {
		return fmt.Errorf("usage: tokentrail schema apply [--url URL] [--user U] [--password-env VAR] [--database DB] [--table T] [--cluster NAME [--shard-by COLUMNS]] [--print]")
	}
	fs := flag.NewFlagSet("schema apply", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c connFlags
	c.register(fs)
	printOnly := fs.Bool("print", false, "print the DDL for the server's variant instead of applying it")
	cluster := fs.String("cluster", "", "create the table on every server of this cluster (ON CLUSTER): a local (Replicated)MergeTree table TABLE_local on each shard and the Distributed table TABLE over them")
	shardBy := fs.String("shard-by", strings.Join(schema.DefaultShardBy, ","), "with --cluster: comma-separated columns whose cityHash64 picks each row's shard")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	cl, err := c.client()
	if err != nil {
		return err
	}
	if *cluster != "" {
		spec := schema.ClusterSpec{Database: c.database, Table: c.table, Cluster: *cluster, ShardBy: splitList(*shardBy)}
		return applyClusterSchema(ctx, cl, spec, *printOnly, stdout)
	}
	v, err := applySchema(ctx, cl, c.database, c.table, *printOnly, stdout)
	if err != nil {
		return err
	}
	if !*printOnly {
		fmt.Fprintf(stdout, "schema: %s.%s ready (%s)\n", c.database, c.table, v)
	}
	return nil
}

// applySchema creates the database and table if missing, choosing the DDL
// variant from the server's version.
func applySchema(ctx context.Context, cl *chhttp.Client, db, table string, printOnly bool, out io.Writer) (schema.Variant, error) {
	version, err := cl.ServerVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("ask the server its version: %w", err)
	}
	v := schema.ForVersion(version)
	dbSQL, err := schema.CreateDatabase(db)
	if err != nil {
		return 0, err
	}
	tableSQL, err := schema.CreateTable(v, db, table)
	if err != nil {
		return 0, err
	}
	major := serverMajor(version)
	rollupSQL, err := chsql.CreateRollup(db, table, major)
	if err != nil {
		return 0, err
	}
	if printOnly {
		fmt.Fprintf(out, "-- ClickHouse %s: %s variant\n%s;\n%s;\n%s;\n", version, v, dbSQL, tableSQL, strings.Join(rollupSQL, ";\n"))
		return v, nil
	}
	for _, stmt := range []string{dbSQL, tableSQL} {
		if err := cl.Exec(ctx, stmt, nil); err != nil {
			return 0, fmt.Errorf("apply schema: %w", err)
		}
	}
	// Tables created before the accelerator columns existed get them added.
	for _, a := range schema.Accelerators {
		rc, err := cl.Query(ctx, "SELECT count() FROM system.columns WHERE database = "+chhttp.QuoteString(db)+
			" AND table = "+chhttp.QuoteString(table)+" AND name = "+chhttp.QuoteString(a.Name)+" FORMAT TSV")
		if err != nil {
			return 0, err
		}
		var n int
		_, err = fmt.Fscan(rc, &n)
		rc.Close()
		if err != nil {
			return 0, fmt.Errorf("read the table's columns: %w", err)
		}
		if n > 0 {
			continue
		}
		alter, err := schema.AddColumn(db, table, a)
		if err != nil {
			return 0, err
		}
		if err := cl.Exec(ctx, alter, nil); err != nil {
			return 0, fmt.Errorf("add %s: %w", a.Name, err)
		}
		fmt.Fprintf(out, "schema: added %s to %s.%s (existing parts compute it on read until merged)\n", a.Name, db, table)
	}
	return v, applyRollup(ctx, cl, db, table, major, rollupSQL, out)
}

// applyRollup creates the baseline rollup and the view that fills it, and
// fills it from the events already in the table when it is new.
func applyRollup(ctx context.Context, cl *chhttp.Client, db, table string, major int, ddl []string, out io.Writer) error {
	exists, err := countOf(ctx, cl, "SELECT count() FROM system.tables WHERE database = "+chhttp.QuoteString(db)+
		" AND name = "+chhttp.QuoteString(chsql.RollupTable(table)))
	if err != nil {
		return err
	}
	for _, stmt := range ddl {
		if err := cl.Exec(ctx, stmt, nil); err != nil {
			return fmt.Errorf("create the baseline rollup: %w", err)
		}
	}
	if exists > 0 {
		return nil
	}
	rows, err := countOf(ctx, cl, "SELECT count() FROM "+db+"."+table)
	if err != nil || rows == 0 {
		return err
	}
	fill, err := chsql.BackfillRollup(db, table, major)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "schema: filling the baseline rollup %s.%s from %d existing events\n", db, chsql.RollupTable(table), rows)
	if err := cl.Exec(ctx, fill, nil); err != nil {
		return fmt.Errorf("fill the baseline rollup: %w", err)
	}
	return nil
}

// countOf runs a statement that returns one number.
func countOf(ctx context.Context, cl *chhttp.Client, sql string) (int, error) {
	rc, err := cl.Query(ctx, sql+" FORMAT TSV")
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	var n int
	if _, err := fmt.Fscan(rc, &n); err != nil {
		return 0, fmt.Errorf("read %q: %w", sql, err)
	}
	return n, nil
}

// serverMajor reads the major number of a version string such as "18.16.1".
func serverMajor(version string) int {
	n := 0
	for _, c := range strings.TrimSpace(version) {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// recreateTable drops db.table and creates it afresh with the current DDL,
// for the tools that own their table (demo, benchmark).
func recreateTable(ctx context.Context, cl *chhttp.Client, db, table string) error {
	if err := schema.CheckIdentifier("table", table); err != nil {
		return err
	}
	for _, t := range []string{chsql.RollupTable(table) + "_mv", chsql.RollupTable(table), table} {
		if err := cl.Exec(ctx, "DROP TABLE IF EXISTS "+db+"."+t, nil); err != nil {
			return err
		}
	}
	_, err := applySchema(ctx, cl, db, table, false, io.Discard)
	return err
}

// splitList reads a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
