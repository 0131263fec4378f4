package chsql

import (
	"strings"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/catalog/posturedata"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// FuzzQueryToSQL runs arbitrary panel JSON through the query parser and the
// builders. Bad input must come back as an error, never a panic, and a
// statement that is built keeps every filter value inside one literal: the
// statement with the values' literals removed contains none of the values'
// text that could act as SQL.
func FuzzQueryToSQL(f *testing.F) {
	f.Add(`{"queryType":"sequences","filters":[{"field":"actor_id","op":"in","values":["x') OR 1=1 --"]}]}`)
	f.Add(`{"queryType":"timeline","limit":5,"filters":[{"field":"app_name","op":"like","values":["%a\\'%","b"]}]}`)
	f.Add(`{"queryType":"sequenceCounts","groupBy":["source"],"format":"timeseries","maxSpan":"2d"}`)
	f.Add(`{"correlateBy":["token_id"],"minSensitivity":0,"includeApproved":true}`)
	f.Add(`{"queryType":"inventory","kind":"grants","require":["admin_consent"],"filters":[{"field":"app_name","op":"like","values":["%'; --"]}]}`)
	f.Add(`{"queryType":"coverage","preset":"an0020-broad","require":["silent"],"format":"numeric"}`)
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, js string) {
		q, err := models.ParseQuery([]byte(js), "", from, from.Add(time.Hour))
		if err != nil {
			return
		}
		seq, err := Sequences(SequenceSpec{Database: "db", Table: "t", Variant: schema.Modern, From: q.From, To: q.To,
			MaxSpan: q.MaxSpan, CorrelateBy: q.CorrelateBy, MinSensitivity: *q.MinSensitivity, Filters: q.Filters,
			ExcludeApps: []string{"a'b"}, KeyHash: true, AppHash: true})
		if err != nil {
			t.Fatalf("a parsed query must build: %v", err)
		}
		tl, err := Timeline(TimelineSpec{Database: "db", Table: "t", Variant: schema.Legacy, From: q.From, To: q.To, Filters: q.Filters, Limit: 10})
		if err != nil {
			t.Fatalf("a parsed query must build a timeline: %v", err)
		}
		kind, require := q.Kind, q.Require
		if q.QueryType != models.QueryInventory {
			kind, require = models.KindApps, nil
		}
		inv, err := Inventory(InventorySpec{Database: "db", Table: "t", Variant: schema.Modern, Kind: kind, WindowFrom: q.From, From: q.From, To: q.To,
			Filters: q.Filters, Approved: []string{"a'b"}, Require: require, LongLivedDays: 90, UnusedDays: 30, RareActors: 2,
			Posture: posturedata.DefaultPosture(), Limit: 10})
		if err != nil {
			t.Fatalf("a parsed query must build an inventory: %v", err)
		}
		cov, err := Coverage(CoverageSpec{Database: "db", Table: "t", Variant: schema.Legacy, WindowFrom: q.From, To: q.To, Filters: q.Filters, LookbackSeconds: 60})
		if err != nil {
			t.Fatalf("a parsed query must build coverage: %v", err)
		}
		for _, sql := range []string{seq, tl, inv, cov} {
			if strings.Count(stripLiterals(t, sql), ";") > 0 {
				t.Fatalf("a value escaped its literal:\n%s", sql)
			}
		}
	})
}

// stripLiterals removes single-quoted literals as ClickHouse reads them
// (backslash escapes), failing on an unterminated one.
func stripLiterals(t *testing.T, sql string) string {
	var b strings.Builder
	in := false
	for i := 0; i < len(sql); i++ {
		c := sql[i]
		switch {
		case in && c == '\\':
			i++
		case c == '\'':
			in = !in
		case !in:
			b.WriteByte(c)
		}
	}
	if in {
		t.Fatalf("unterminated literal in:\n%s", sql)
	}
	return b.String()
}
