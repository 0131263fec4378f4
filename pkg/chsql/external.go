package chsql

import (
	"fmt"
	"strings"

	"github.com/tokentrail/tokentrail/pkg/models"
)

// InlineValues is the most values an in / not in filter writes into the
// statement. Longer lists travel beside it as an external table (data the
// native protocol sends with the query), so a filter of thousands of values
// never meets the server's max_query_size (256 KiB by default) nor the
// parser's cost of a long literal list.
const InlineValues = 100

// ValueTable is one external table of filter values: a single String
// column named ValueColumn.
type ValueTable struct {
	Name   string
	Values []string
}

// ValueColumn is the column of every ValueTable.
const ValueColumn = "v"

// valueTableName names filter i's table; the statement and ValueTables
// agree on it without passing anything between them.
func valueTableName(i int) string { return fmt.Sprintf("_tt_filter_%d", i+1) }

// ValueTables returns the external tables the statements built from these
// filters read. The store sends them with every statement that used the
// same filters.
func ValueTables(filters []models.Filter) []ValueTable {
	var out []ValueTable
	for i, f := range filters {
		if external(f) {
			out = append(out, ValueTable{Name: valueTableName(i), Values: f.Values})
		}
	}
	return out
}

func external(f models.Filter) bool {
	return (f.Op == "in" || f.Op == "not in") && len(f.Values) > InlineValues
}

// inList renders filter i's in / not in condition, inline or against its
// external table.
func inList(i int, f models.Filter) string {
	op := strings.ToUpper(f.Op)
	if !external(f) {
		return fmt.Sprintf("%s %s %s", f.Field, op, QuoteList(f.Values))
	}
	col := f.Field
	if enumFields[col] {
		col = "toString(" + col + ")"
	}
	return fmt.Sprintf("%s %s %s", col, op, valueTableName(i))
}
