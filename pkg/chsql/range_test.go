package chsql

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// A range condition must let ClickHouse skip the other days' granules: the
// sort key begins with toDate(event_time) and 18.16 does not infer a bound on
// it from event_time alone. max_rows_to_read makes the server refuse a
// statement that reads more than the day's granules; the bare event_time
// condition is run under the same limit to show the limit would catch a
// full read.
func TestRangeReadsOnlyItsDays(t *testing.T) {
	s := chlocal.ForTest(t)
	ctx := context.Background()
	db := s.TempEventsTable(t, "events")
	version, err := s.Exec(ctx, "SELECT version()", nil)
	if err != nil {
		t.Fatal(err)
	}
	v := schema.ForVersion(strings.TrimSpace(version))
	const days, perDay = 30, 21600 // one row every 4 s
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	fill := fmt.Sprintf(`INSERT INTO %s.events (event_time, event_id, actor_id, app_id, category)
SELECT toDateTime(%d + intDiv(number, %d) * 86400 + (number %% %d) * 4, 'UTC'), toString(number), toString(number %% 50), 'app', 'data_access'
FROM system.numbers LIMIT %d`, db, start.Unix(), perDay, perDay, days*perDay)
	if _, err := s.Exec(ctx, fill, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Exec(ctx, "OPTIMIZE TABLE "+db+".events FINAL", nil); err != nil {
		t.Fatal(err)
	}
	// One day's rows plus the granules that straddle its edges.
	limit := perDay + 4*schema.IndexGranularity
	from := start.Add(10*24*time.Hour + 6*time.Hour)
	to := from.Add(12 * time.Hour)
	count := func(cond string) (string, error) {
		return s.Exec(ctx, fmt.Sprintf("SELECT count() FROM %s.events WHERE %s SETTINGS max_rows_to_read = %d, read_overflow_mode = 'throw'", db, cond, limit), nil)
	}
	got, err := count(Range(v, from, to))
	if err != nil {
		t.Fatalf("the range read more than one day's granules: %v", err)
	}
	if want := fmt.Sprint(12*3600/4 + 1); strings.TrimSpace(got) != want {
		t.Errorf("the range counted %s rows, want %s", strings.TrimSpace(got), want)
	}
	bare := fmt.Sprintf("event_time >= %s AND event_time <= %s", Time(v, from), Time(v, to))
	if _, err := count(bare); err == nil {
		t.Logf("this server prunes days from event_time bounds alone; the day terms are then redundant")
	}
	// A range across days of the month prunes too, and counts exactly.
	from, to = start.Add(3*24*time.Hour+23*time.Hour), start.Add(4*24*time.Hour+time.Hour)
	got, err = s.Exec(ctx, fmt.Sprintf("SELECT count() FROM %s.events WHERE %s SETTINGS max_rows_to_read = %d, read_overflow_mode = 'throw'", db, Range(v, from, to), 2*limit), nil)
	if err != nil {
		t.Fatalf("a two-day range read more than two days' granules: %v", err)
	}
	if want := fmt.Sprint(2*3600/4 + 1); strings.TrimSpace(got) != want {
		t.Errorf("the midnight range counted %s rows, want %s", strings.TrimSpace(got), want)
	}
}
