package chsql

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/tokentrail/tokentrail/pkg/chlocal"
)

// The role column must select exactly the rows the predicates it replaces
// select, for every category, auth method and sensitivity (including
// values above the column's cap), at every minSensitivity.
func TestRoleColumnMatchesThePredicates(t *testing.T) {
	s := chlocal.ForTest(t)
	ctx := context.Background()
	db := s.TempEventsTable(t, "events")
	categories := []string{"grant", "token_auth", "signin", "data_access", "config_change", "revoke", "other"}
	auths := []string{"interactive", "oauth", "api_token", "pat", "service_account", "unknown"}
	var values []string
	for _, c := range categories {
		for _, a := range auths {
			for _, sens := range []int{0, 1, 2, 3, 4, 31, 32, 255} {
				values = append(values, fmt.Sprintf("(now(), '%s-%s-%d', '%s', '%s', %d)", c, a, sens, c, a, sens))
			}
		}
	}
	insert := "INSERT INTO " + db + ".events (event_time, event_id, category, auth_method, sensitivity) VALUES"
	if _, err := s.Exec(ctx, insert, strings.NewReader(strings.Join(values, ", "))); err != nil {
		t.Fatal(err)
	}
	for _, minSens := range []int{0, 1, 2, 3} {
		byRole, byColumns := rolePreds(true, minSens, false), rolePreds(false, minSens, false)
		if byRole == byColumns {
			t.Fatal("rolePreds ignores the role column")
		}
		for name, pair := range map[string][2]string{
			"access": {byRole.access, byColumns.access}, "sensitive": {byRole.sensitive, byColumns.sensitive}, "revoke": {byRole.revoke, byColumns.revoke},
		} {
			q := fmt.Sprintf("SELECT countIf(%s != %s), countIf(%s), groupArrayIf(event_id, %s != %s) FROM %s.events FORMAT TSV",
				pair[0], pair[1], pair[1], pair[0], pair[1], db)
			out, err := s.Exec(ctx, q, nil)
			if err != nil {
				t.Fatal(err)
			}
			f := strings.Split(strings.TrimSpace(out), "\t")
			if f[0] != "0" || f[1] == "0" {
				t.Errorf("minSensitivity %d, %s: %s rows differ, %s selected by the predicate: %s", minSens, name, f[0], f[1], f[2])
			}
		}
	}
}
