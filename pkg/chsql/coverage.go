package chsql

import (
	"fmt"

	"github.com/tokentrail/tokentrail/pkg/schema"
)

// OtherActions returns the statement behind the table half of `tokentrail
// catalog coverage`: per source, the actions that landed as category
// "other" (no catalogue entry matched them at ingest), most frequent first,
// at most perSource of them, as JSONEachRow rows {source, action, events}.
// ClickHouse does the grouping, so the answer is small whatever the table.
func OtherActions(database, table string, perSource int) (string, error) {
	if err := schema.CheckIdentifier("database", database); err != nil {
		return "", err
	}
	if err := schema.CheckIdentifier("table", table); err != nil {
		return "", err
	}
	if perSource < 1 {
		return "", fmt.Errorf("the number of actions per source must be positive, got %d", perSource)
	}
	return fmt.Sprintf("SELECT source, action, count() AS events FROM %s.%s WHERE category = 'other' "+
		"GROUP BY source, action ORDER BY source, events DESC, action LIMIT %d BY source FORMAT JSONEachRow",
		database, table, perSource), nil
}
