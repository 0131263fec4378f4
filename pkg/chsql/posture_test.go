package chsql

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/catalog/posturedata"
	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

func inventorySpec(kind string) InventorySpec {
	return InventorySpec{Database: "default", Table: "saas_audit_events", Variant: schema.Legacy, Kind: kind,
		WindowFrom: from.Add(-30 * 24 * time.Hour), From: from, To: to,
		Approved: []string{"backup-svc", "o'neil"}, LongLivedDays: 90, UnusedDays: 30, RareActors: 2,
		Posture: posturedata.DefaultPosture(), Limit: 100}
}

func postureStatements() map[string]func() (string, error) {
	grants := inventorySpec(models.KindGrants)
	grants.Require = []string{"privileged", "active"}
	grants.Filters = []models.Filter{{Field: "app_name", Op: "like", Values: []string{"%mail%"}}}
	tokens := inventorySpec(models.KindTokens)
	tokens.Variant, tokens.Approved = schema.Modern, nil
	tokens.Require = []string{"long_lived", "in_use"}
	return map[string]func() (string, error){
		"inventory_apps":   func() (string, error) { return Inventory(inventorySpec(models.KindApps)) },
		"inventory_grants": func() (string, error) { return Inventory(grants) },
		"inventory_tokens": func() (string, error) { return InventoryCount(tokens) },
		"coverage": func() (string, error) {
			return Coverage(CoverageSpec{Database: "db", Table: "t", Variant: schema.Legacy, WindowFrom: from.Add(-90 * 24 * time.Hour), To: to,
				LookbackSeconds: 3600, Filters: []models.Filter{{Field: "source", Op: "!=", Values: []string{"slack"}}}})
		},
		"signin_gaps": func() (string, error) {
			return SigninGaps(SigninGapSpec{Database: "db", Table: "t", Variant: schema.Legacy, From: from, To: to, SigninWindow: 12 * time.Hour,
				ActorsFrom: from.Add(-30 * 24 * time.Hour), ExcludeApps: []string{"backup-svc"},
				Filters: []models.Filter{{Field: "source", Op: "=", Values: []string{"m365"}}}})
		},
		"lookup_actors": func() (string, error) {
			return Lookup(LookupSpec{Database: "db", Table: "t", Variant: schema.Modern, Kind: "actors", Prefix: `O'_%`, From: from, To: to, Limit: 20})
		},
	}
}

func TestPostureGolden(t *testing.T) {
	for name, build := range postureStatements() {
		sql, err := build()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		golden(t, name, sql)
	}
}

func TestPostureBuildersRejectUnsafeInput(t *testing.T) {
	bad := []InventorySpec{inventorySpec("bots"), inventorySpec(models.KindApps), inventorySpec(models.KindApps), inventorySpec(models.KindTokens), inventorySpec(models.KindApps)}
	bad[1].Require = []string{"1) OR (1"}
	bad[2].Table = "t; DROP TABLE x"
	bad[3].Require = []string{"admin_consent"} // a grants flag
	bad[4].Posture = nil
	for i, s := range bad {
		if sql, err := Inventory(s); err == nil {
			t.Errorf("case %d: want an error, got\n%s", i, sql)
		}
	}
	if _, err := SigninGaps(SigninGapSpec{Database: "db", Table: "t"}); err == nil {
		t.Error("a sign-in window of zero must be refused")
	}
	if _, err := Lookup(LookupSpec{Database: "db", Table: "t", Kind: "raw", Limit: 1}); err == nil {
		t.Error("lookup of an unlisted kind must be refused")
	}
	if _, err := RangeCountSQL("db", "t", schema.Legacy, from, to, "1) OR (1"); err == nil {
		t.Error("the yardstick reads only the table's columns")
	}
}

// The privileged-scope test runs in ClickHouse exactly as in Go: every
// scope of the catalogue's vocabulary, plus look-alikes, classified both
// ways for every source.
func TestPrivilegedSQLMatchesCatalogue(t *testing.T) {
	s := chlocal.ForTest(t)
	p := posturedata.DefaultPosture()
	probes := []string{"repo:status", "okta.manage", "OKTA.USERS.MANAGE", "mail", "mailXread", "full_access_as_appX", "fullXaccess_as_app",
		"https://www.googleapis.com/auth/drive.file", "https://mail.google.com/", "ADMIN.conversations:write", "x%y", `back\slash`}
	for _, e := range p.Privileged {
		probes = append(probes, e.Scope, strings.ReplaceAll(e.Scope, "*", "Anything"), strings.ToUpper(e.Scope))
	}
	for _, src := range []string{"m365", "google_workspace", "github", "slack", "okta", "zoom"} {
		arr := make([]string, len(probes))
		for i, sc := range probes {
			arr[i] = Quote(sc)
		}
		// The same predicate, filtering instead of testing for any.
		filter := privilegedArms(p, "arrayFilter", "x", "emptyArrayString()")
		sql := "SELECT " + filter + " AS got FROM (SELECT " + Quote(src) + " AS source, [" + strings.Join(arr, ", ") + "] AS x) FORMAT JSONEachRow"
		out, err := s.Exec(context.Background(), sql, nil)
		if err != nil {
			t.Fatalf("%s: %v\n%s", src, err, sql)
		}
		var row struct{ Got []string }
		if err := json.Unmarshal([]byte(out), &row); err != nil {
			t.Fatalf("%s: %v: %s", src, err, out)
		}
		want, _ := p.Classify(src, probes)
		if !slices.Equal(row.Got, want) && !(len(row.Got) == 0 && len(want) == 0) {
			t.Errorf("%s: ClickHouse says %q, Go says %q", src, row.Got, want)
		}
	}
}

// Every posture statement runs on the real server against both empty and
// loaded tables.
func TestPostureStatementsRunOnClickHouse(t *testing.T) {
	s, db, v := tableOnServer(t)
	ctx := context.Background()
	row := `{"event_time":"` + schema.FormatTime(v, from.Add(time.Hour)) + `","event_id":"e1","source":"m365","action":"Consent to application.","category":"grant","actor_id":"a","app_id":"x","app_name":"Mail app","scopes":["Mail.Read"],"raw":"{\"Name\":\"ConsentContext.IsAdminConsent\",\"NewValue\":\"True\"}"}`
	if _, err := s.Exec(ctx, "INSERT INTO "+db+".saas_audit_events FORMAT JSONEachRow", strings.NewReader(row)); err != nil {
		t.Fatal(err)
	}
	everyFilter := []models.Filter{}
	for _, f := range models.FilterFields {
		switch f {
		case "category": // enums refuse values outside their set
			everyFilter = append(everyFilter, models.Filter{Field: f, Op: "!=", Values: []string{"other"}})
		case "auth_method":
			everyFilter = append(everyFilter, models.Filter{Field: f, Op: "like", Values: []string{"%"}})
		default:
			everyFilter = append(everyFilter, models.Filter{Field: f, Op: "not in", Values: []string{"zz"}})
		}
	}
	for _, kind := range models.InventoryKinds {
		spec := inventorySpec(kind)
		spec.Database, spec.Variant, spec.Filters = db, v, everyFilter
		spec.Require = models.InventoryFlags[kind]
		for _, build := range []func(InventorySpec) (string, error){Inventory, InventoryCount} {
			sql, err := build(spec)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Exec(ctx, sql, nil); err != nil {
				t.Errorf("%s rejected:\n%s\n%v", kind, sql, err)
			}
		}
	}
	grants := inventorySpec(models.KindGrants)
	grants.Database, grants.Variant = db, v
	sql, _ := Inventory(grants)
	out, err := s.Exec(ctx, strings.Replace(sql, "SELECT ", "SELECT consent AS c, ", 1)+" FORMAT TSV", nil)
	if err != nil || !strings.HasPrefix(out, "admin\t") {
		t.Errorf("the M365 admin-consent marker in the raw record must make the grant an admin consent: %q %v", out, err)
	}
	cov, _ := Coverage(CoverageSpec{Database: db, Table: "saas_audit_events", Variant: v, WindowFrom: from, To: to, LookbackSeconds: 60, Filters: everyFilter})
	look, _ := Lookup(LookupSpec{Database: db, Table: "saas_audit_events", Variant: v, Kind: "apps", Prefix: "mail", From: from, To: to, Limit: 5})
	count, _ := RangeCountSQL(db, "saas_audit_events", v, from, to, "app_id", "scopes")
	gaps, _ := SigninGaps(SigninGapSpec{Database: db, Table: "saas_audit_events", Variant: v, From: from, To: to, SigninWindow: time.Hour,
		ActorsFrom: from.Add(-24 * time.Hour), ExcludeApps: []string{"a'b"}, Filters: everyFilter})
	if _, err := s.Exec(ctx, gaps, nil); err != nil {
		t.Errorf("rejected:\n%s\n%v", gaps, err)
	}
	for _, sql := range []string{cov, look, count} {
		out, err := s.Exec(ctx, sql, nil)
		if err != nil || strings.TrimSpace(out) == "" {
			t.Errorf("rejected or empty (%q):\n%s\n%v", out, sql, err)
		}
	}
}
