package frames

import (
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/experimental"

	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/posture"
)

func samplePosture() (*posture.Inventory, *posture.Inventory, *posture.Inventory) {
	window := t0.Add(-30 * 24 * time.Hour)
	apps := &posture.Inventory{Kind: models.KindApps, WindowFrom: window, From: t0.Add(-24 * time.Hour), To: t0, Truncated: true, Apps: []posture.App{
		{Tenant: "acme", Source: "m365", AppID: "c0ffee00-0000-4000-8000-000000000001", AppName: "Mail Archiver",
			FirstSeen: t0.Add(-2 * time.Hour), LastSeen: t0.Add(-time.Hour), Actors: 1, Grants: 1,
			Scopes: []string{"Mail.ReadWrite", "User.Read"}, Privileged: true, Unapproved: true, New: true, Rare: true,
			LastEpisodeID: "ep-1", LastSeverity: "high", LastScore: 65, LastEpisodeAt: t0.Add(-time.Hour)},
		{Tenant: "acme", Source: "slack", AppID: "A0BACKUP", AppName: "Backup", FirstSeen: window, LastSeen: t0,
			Actors: 40, Grants: 2, Revokes: 1, Scopes: []string{"chat:write"}},
	}}
	grants := &posture.Inventory{Kind: models.KindGrants, WindowFrom: window, To: t0, Grants: []posture.Grant{
		{Tenant: "acme", Source: "github", AppID: "497341", AppName: "StandupBot", ActorID: "1001", ActorName: "ana",
			FirstGranted: t0.Add(-72 * time.Hour), LastGranted: t0.Add(-48 * time.Hour), Grants: 2, Scopes: []string{"read:user", "repo"},
			Revokes: 1, LastRevoked: t0.Add(-time.Hour), Consent: "user", Privileged: true, Unapproved: true},
	}}
	tokens := &posture.Inventory{Kind: models.KindTokens, WindowFrom: window, To: t0, Tokens: []posture.Token{
		{Tenant: "acme.okta.com", Source: "okta", TokenID: "00Tabc", Methods: []string{"api_token"}, OwnerID: "00u1", OwnerName: "admin@acme",
			FirstSeen: window.Add(time.Hour), LastUsed: t0.Add(-40 * 24 * time.Hour), Uses: 12, UseDays: 3, Networks: 2,
			Scopes: []string{"okta.users.manage"}, Privileged: true, Unapproved: true, LongLived: false, Active: true},
	}}
	return apps, grants, tokens
}

func sampleCoverage() []posture.Coverage {
	th := models.DefaultThresholds()
	rows := []posture.Coverage{
		{Source: "github", Tenant: "acme", Events: 1000, FirstEvent: t0.Add(-100 * 24 * time.Hour), LastEvent: t0.Add(-time.Hour), ActiveDays: 100,
			DelayP50: 30, DelayP95: 90, WithTokenID: 400, WithAppID: 800, WithSrcIP: 1000, TokenEvents: 500, TokenEventsWithID: 400,
			Signins: 20, Categories: []string{"data_access", "signin", "token_auth"}},
		{Source: "m365", Tenant: "t-1", Events: 500, FirstEvent: t0.Add(-20 * 24 * time.Hour), LastEvent: t0.Add(-50 * time.Hour), ActiveDays: 17,
			DelayP50: 1800, DelayP95: 7200, Late: 100, WithAppID: 500, TokenEvents: 200, Categories: []string{"data_access"}},
	}
	for i := range rows {
		posture.Evaluate(&rows[i], th, t0)
	}
	return rows
}

func TestPostureGoldenFrames(t *testing.T) {
	apps, grants, tokens := samplePosture()
	cov := sampleCoverage()
	eps := []engine.Episode{episode("ep-b", "bob", "app2", 30*time.Minute, 1), episode("ep-a", "alice", "app1", 10*time.Minute, 0)}
	tests := map[string]data.Frames{
		"inventory_apps":      {Inventory(apps, 2, sql)},
		"inventory_grants":    {Inventory(grants, 100, sql)},
		"inventory_tokens":    {Inventory(tokens, 100, sql)},
		"coverage_table":      {CoverageTable(cov, sql)},
		"coverage_numeric":    {CoverageNumeric(cov, []string{"silent"}, sql)},
		"count":               {Count("apps", 7, sql)},
		"annotations":         {Annotations(eps, sql)},
		"sequences_broad_key": {Sequences(eps[:1], []string{"actor_id"}, sql)},
	}
	for name, frames := range tests {
		t.Run(name, func(t *testing.T) {
			experimental.CheckGoldenJSONResponse(t, "testdata", name, &backend.DataResponse{Frames: frames}, *update)
		})
	}
}

func TestCoverageFindingsAndShapes(t *testing.T) {
	cov := sampleCoverage()
	if len(cov[0].Findings) != 0 {
		t.Errorf("the healthy source has findings: %v", cov[0].Findings)
	}
	var kinds []string
	for _, f := range cov[1].Findings {
		kinds = append(kinds, f.Kind)
	}
	if strings.Join(kinds, ",") != strings.Join(models.CoverageFindings, ",") {
		t.Errorf("the broken source has findings %v, want every kind %v", kinds, models.CoverageFindings)
	}
	rows := checkNumericLong(t, renamedValue(CoverageNumeric(cov, nil, sql)))
	if strings.Join(rows, " ") != "source=github|tenant=acme|0 source=m365|tenant=t-1|6" {
		t.Errorf("numeric rows %v", rows)
	}
	if !CoverageKeep(&cov[1], []string{"blind_spot", "silent"}) || CoverageKeep(&cov[0], []string{"blind_spot"}) || !CoverageKeep(&cov[0], nil) {
		t.Error("require: blind_spot means any finding, a named finding must be present, none keeps every row")
	}
	c := Count("tokens", 3, sql)
	if c.Meta.Type != data.FrameTypeNumericWide || c.Meta.TypeVersion != (data.FrameTypeVersion{0, 1}) || c.Rows() != 1 || len(c.Fields) != 1 {
		t.Errorf("count frame %+v", c)
	}
}

// renamedValue lets checkNumericLong, written for the counts' "episodes"
// value field, read the coverage frame.
func renamedValue(f *data.Frame) *data.Frame {
	f.Fields[len(f.Fields)-1].Name = valueField
	return f
}

func TestInvestigationLinks(t *testing.T) {
	ep := episode("ep-a", "al_ice%", "app1", 10*time.Minute, 0)
	ep.Source, ep.TokenID, ep.Tenant = "github", "", "acme"
	f := Sequences([]engine.Episode{ep}, []string{"actor_id"}, sql)
	get := func(name string) any {
		fld, _ := f.FieldByName(name)
		if fld == nil {
			t.Fatalf("no field %s", name)
		}
		return fld.At(0)
	}
	if get("timeline_actor") != `al\_ice\%` || get("timeline_app") != "%" {
		t.Errorf("link patterns %v %v: the actor must match only itself, the app anything under the broad key", get("timeline_actor"), get("timeline_app"))
	}
	from, to := get("timeline_from").(int64), get("timeline_to").(int64)
	if access := ep.AccessTime.UnixMilli(); access-from != to-access || to-access < time.Hour.Milliseconds() {
		t.Errorf("timeline %d..%d is not centred on the access %d with at least an hour each side", from, to, ep.AccessTime.UnixMilli())
	}
	if resp := get("response").(string); !strings.Contains(resp, "OAuth application policy") || !strings.Contains(resp, "Then:") {
		t.Errorf("a grant-anchored GitHub episode should say to remove the app's access, then sessions: %q", resp)
	}
	if u := get("response_url"); u != "https://github.com/organizations/acme/settings/installations" {
		t.Errorf("response URL %v", u)
	}
	if l := f.Fields[0].Config.Links; len(l) != 1 || !strings.Contains(l[0].URL, SOCDashboard) {
		t.Errorf("episode id links %+v", l)
	}
}
