package chsql

import (
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// The health check looks names up as literals in system tables before it
// ever uses them as identifiers.

// DatabaseExistsSQL counts databases called db.
func DatabaseExistsSQL(db string) string {
	return "SELECT count() FROM system.databases WHERE name = " + Quote(db)
}

// TableExistsSQL counts tables called db.table.
func TableExistsSQL(db, table string) string {
	return "SELECT count() FROM system.tables WHERE database = " + Quote(db) + " AND name = " + Quote(table)
}

// ColumnsSQL lists a table's columns and types.
func ColumnsSQL(db, table string) string {
	return "SELECT name, type FROM system.columns WHERE database = " + Quote(db) + " AND table = " + Quote(table)
}

// StatsSQL returns the row count and the oldest and newest event time.
func StatsSQL(db, table string) (string, error) {
	if err := schema.CheckIdentifier("database", db); err != nil {
		return "", err
	}
	if err := schema.CheckIdentifier("table", table); err != nil {
		return "", err
	}
	return "SELECT count(), min(event_time), max(event_time) FROM " + db + "." + table, nil
}
