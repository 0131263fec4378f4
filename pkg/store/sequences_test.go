package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/chsql"
	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/engine/enginetest"
	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/schema"
	"github.com/tokentrail/tokentrail/pkg/store"
)

// Short names for the shared row builders, so the SQL cases below read as
// timelines like the rule cases do.
var (
	access = enginetest.Access
	read   = enginetest.Read
	actor  = enginetest.Actor
	app    = enginetest.App
)

const minute = time.Minute

// TestSequencesRuleCases runs every engine rule case through ClickHouse: the
// case's rows go into a table of their own, Store.Sequences reads them back
// through the pre-filtering statement, and the episodes must be the case's
// and exactly those engine.Detect finds on the same rows in memory. The
// second check is what proves that the windowFunnel pre-filter and the
// row predicates in SQL drop nothing the engine would have matched.
func TestSequencesRuleCases(t *testing.T) {
	h := newHarness(t)
	for i, tc := range enginetest.Cases(h.tick()) {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel() // each case has its own table and Store
			p := tc.DetectParams()
			table := h.table(t, fmt.Sprintf("rule_%02d", i), tc.Rows)
			got, _ := h.sequences(t, h.open(t, table, p.ApprovedApps), queryFor(t, p, nil))
			if sums := enginetest.Summarize(inKeyOrder(got)); !reflect.DeepEqual(sums, tc.Want) {
				t.Errorf("through ClickHouse:\n got %+v\nwant %+v", sums, tc.Want)
			}
			assertSameAsMemory(t, got, p, tc.Rows)
		})
	}
}

// Tables made without the accelerator columns (loaded by another pipeline,
// or older than them) take the string path of the same statement and must
// give the same episodes.
func TestSequencesRuleCasesWithoutAccelerators(t *testing.T) {
	h := newHarness(t)
	for i, tc := range enginetest.Cases(h.tick()) {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			p := tc.DetectParams()
			table := h.table(t, fmt.Sprintf("plain_%02d", i), tc.Rows)
			for _, a := range schema.Accelerators {
				if _, err := h.server.Exec(context.Background(), "ALTER TABLE "+h.db+"."+table+" DROP COLUMN "+a.Name, nil); err != nil {
					t.Fatal(err)
				}
			}
			got, sql := h.sequences(t, h.open(t, table, p.ApprovedApps), queryFor(t, p, nil))
			if strings.Contains(sql, schema.KeyHashColumn) || strings.Contains(sql, schema.AppHashColumn) || strings.Contains(sql, "bitAnd("+schema.RoleColumn) {
				t.Fatalf("statement uses an accelerator column the table lacks:\n%s", sql)
			}
			if sums := enginetest.Summarize(inKeyOrder(got)); !reflect.DeepEqual(sums, tc.Want) {
				t.Errorf("through ClickHouse without accelerators:\n got %+v\nwant %+v", sums, tc.Want)
			}
			assertSameAsMemory(t, got, p, tc.Rows)
		})
	}
}

// Filters restrict the events, not the episodes, and in both passes of the
// statement: an access that a filter removes cannot anchor anything, so a
// key whose access and sensitive event come from different sources loses
// its episode under a source filter; a revoke that a filter removes no
// longer ends the access, so a key can gain one.
func TestSequencesFilters(t *testing.T) {
	h := newHarness(t)
	github := func(r *engine.Row) { r.Source = event.SourceGitHub }
	rows := []engine.Row{
		access("a1", 0), read("b1", minute), // alice: okta only
		access("a2", 0, actor("bob"), github), read("b2", minute, actor("bob"), github), // bob: github only
		access("a3", 0, actor("carol")), read("b3", minute, actor("carol"), github), // carol: okta access, github read
		access("a4", 0, actor("dave"), github), enginetest.Revoke("r4", minute/2, actor("dave")), read("b4", minute, actor("dave"), github), // dave: okta revoke in between
	}
	st := h.open(t, h.table(t, "filters", rows), nil)
	tests := []struct {
		name     string
		filter   models.Filter
		keep     func(engine.Row) bool // the filter's meaning, in Go
		wantKeys []string
	}{
		{"source in", models.Filter{Field: "source", Op: "in", Values: []string{"github"}},
			func(r engine.Row) bool { return r.Source == event.SourceGitHub }, []string{"bob|app1", "dave|app1"}},
		{"source !=", models.Filter{Field: "source", Op: "!=", Values: []string{event.SourceOkta}},
			func(r engine.Row) bool { return r.Source != event.SourceOkta }, []string{"bob|app1", "dave|app1"}},
		{"actor_id like", models.Filter{Field: "actor_id", Op: "like", Values: []string{"ca%"}},
			func(r engine.Row) bool { return strings.HasPrefix(r.ActorID, "ca") }, []string{"carol|app1"}},
		{"actor_id not in", models.Filter{Field: "actor_id", Op: "not in", Values: []string{"alice", "bob"}},
			func(r engine.Row) bool { return r.ActorID != "alice" && r.ActorID != "bob" }, []string{"carol|app1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := enginetest.BaseParams()
			got, _ := h.sequences(t, st, queryFor(t, p, []models.Filter{tc.filter}))
			if keys := episodeKeys(inKeyOrder(got)); !slices.Equal(keys, tc.wantKeys) {
				t.Errorf("episode keys %v, want %v", keys, tc.wantKeys)
			}
			assertSameAsMemory(t, got, p, slices.DeleteFunc(slices.Clone(rows), func(r engine.Row) bool { return !tc.keep(r) }))
		})
	}
}

// Approved apps are dropped in SQL only when app_id is part of the key:
// then dropping the app's rows drops exactly its episodes. With another key
// the app's access may explain another app's sensitive event, so the rows
// must reach the engine, which drops episodes by their app instead.
func TestSequencesApprovedApps(t *testing.T) {
	h := newHarness(t)
	const vetted = "vetted-backup"
	rows := []engine.Row{
		access("a1", 0, app(vetted)), read("b1", minute, app(vetted)), // alice: the vetted app reads
		access("a2", 0, actor("bob")), read("b2", minute, actor("bob")), // bob: an ordinary app
		access("a3", 0, actor("carol"), app(vetted)), read("b3", minute, actor("carol")), // carol: vetted token, app1 read
	}
	st := h.open(t, h.table(t, "approved", rows), map[string]bool{vetted: true})
	// The table has the app_hash accelerator, so the exclusion is on the
	// hash of the app id rather than on the string.
	notIn := "app_hash NOT IN (cityHash64(" + chsql.Quote(vetted) + "))"
	tests := []struct {
		name            string
		correlateBy     []string
		includeApproved bool
		wantInSQL       bool
		want            []string // key and approved mark of each episode
	}{
		{"app_id in the key: pushed into SQL", []string{engine.FieldActorID, engine.FieldAppID}, false, true,
			[]string{"bob|app1"}},
		{"app_id in the key with includeApproved: kept and marked", []string{engine.FieldActorID, engine.FieldAppID}, true, false,
			[]string{"alice|" + vetted + " approved", "bob|app1"}},
		{"actor only: handled in Go, the vetted token still anchors another app's read", []string{engine.FieldActorID}, false, false,
			[]string{"bob", "carol"}},
		{"actor only with includeApproved", []string{engine.FieldActorID}, true, false,
			[]string{"alice approved", "bob", "carol"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := enginetest.BaseParams()
			p.CorrelateBy, p.IncludeApproved, p.ApprovedApps = tc.correlateBy, tc.includeApproved, map[string]bool{vetted: true}
			got, sql := h.sequences(t, st, queryFor(t, p, nil))
			if strings.Contains(sql, notIn) != tc.wantInSQL {
				t.Errorf("SQL contains %q: %v, want %v:\n%s", notIn, !tc.wantInSQL, tc.wantInSQL, sql)
			}
			var marks []string
			for _, ep := range inKeyOrder(got) {
				m := strings.Join(ep.Key, "|")
				if ep.Approved {
					m += " approved"
				}
				marks = append(marks, m)
			}
			if !slices.Equal(marks, tc.want) {
				t.Errorf("episodes %v, want %v", marks, tc.want)
			}
			assertSameAsMemory(t, got, p, rows)
		})
	}
}

// The statement reads back maxSpan before From: an access in that margin,
// even exactly maxSpan before a sensitive event at From, still anchors,
// while a sensitive event before From is not reported.
func TestSequencesAccessBeforeFrom(t *testing.T) {
	h := newHarness(t)
	from := enginetest.T0.Add(2 * time.Hour)
	at := func(d time.Duration) time.Duration { return from.Add(d).Sub(enginetest.T0) }
	rows := []engine.Row{
		access("a1", at(-time.Hour)), read("b1", at(0)), // exactly maxSpan before From
		access("a2", at(-30*minute), actor("bob")), read("b0", at(-20*minute), actor("bob")), read("b2", at(10*minute), actor("bob")),
		access("a3", at(-time.Hour-h.tick()), actor("carol")), read("b3", at(0), actor("carol")), // one tick too early
	}
	p := enginetest.BaseParams()
	p.From = from
	got, _ := h.sequences(t, h.open(t, h.table(t, "before_from", rows), nil), queryFor(t, p, nil))
	want := []enginetest.Summary{
		{Key: "alice|app1", Anchor: "a1", First: at(0), Last: at(0), Count: 1},
		{Key: "bob|app1", Anchor: "a2", First: at(10 * minute), Last: at(10 * minute), Count: 1},
	}
	if sums := enginetest.Summarize(inKeyOrder(got)); !reflect.DeepEqual(sums, want) {
		t.Errorf("episodes:\n got %+v\nwant %+v", sums, want)
	}
	assertSameAsMemory(t, got, p, rows)
}

// A filter value with a quote and a backslash is one escaped literal in the
// executed statement and matches exactly the row that carries it.
func TestSequencesHostileFilterValue(t *testing.T) {
	h := newHarness(t)
	const hostile = `o'brien\' OR 1=1 --`
	rows := []engine.Row{
		access("a1", 0, actor(hostile)), read("b1", minute, actor(hostile)),
		access("a2", 0, actor("o")), read("b2", minute, actor("o")),
		access("a3", 0), read("b3", minute),
	}
	st := h.open(t, h.table(t, "hostile", rows), nil)
	p := enginetest.BaseParams()
	got, sql := h.sequences(t, st, queryFor(t, p, []models.Filter{{Field: "actor_id", Op: "in", Values: []string{hostile}}}))
	if keys := episodeKeys(inKeyOrder(got)); !slices.Equal(keys, []string{hostile + "|app1"}) {
		t.Errorf("episode keys %q, want only the hostile actor's", keys)
	}
	code, literals := splitLiterals(t, sql)
	if !slices.Contains(literals, hostile) {
		t.Errorf("the value is not one literal of the executed SQL; literals: %q", literals)
	}
	if strings.Contains(code, "1=1") {
		t.Errorf("part of the value escaped its literal:\n%s", sql)
	}
}

// A canceled request stops the statement and says so, rather than
// returning a partial answer or a server error.
func TestSequencesCanceled(t *testing.T) {
	h := newHarness(t)
	st := h.open(t, h.table(t, "canceled", []engine.Row{access("a1", 0), read("b1", minute)}), nil)
	q := queryFor(t, enginetest.BaseParams(), nil)
	h.sequences(t, st, q) // caches the variant, so the cancel hits the sequence statement itself
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	emitted := 0
	_, err := st.Sequences(ctx, q, func(engine.Episode) error { emitted++; return nil })
	if !errors.Is(err, store.ErrCanceled) {
		t.Errorf("error %v, want one wrapping store.ErrCanceled", err)
	}
	if emitted != 0 {
		t.Errorf("%d episodes emitted after the cancel", emitted)
	}
}

// The identity statement bounds its read of the rollup by the candidates'
// actors. Actors that are prefixes of one another, or that carry bytes
// below the key separator or above ASCII, must all stay inside those
// bounds: one lost identity fails the whole request.
func TestSequencesIdentityBounds(t *testing.T) {
	h := newHarness(t)
	// More actors than chsql.MaxIdentitySpans, so they are read as one
	// span, whose greatest actor extends a shorter one by a control byte.
	actors := []string{"ann", "ann\x01b", "anna", "ann b", "zoë", "ÿz", "ÿz\x01"}
	for i := len(actors); i <= chsql.MaxIdentitySpans; i++ {
		actors = append(actors, fmt.Sprintf("user%02d", i))
	}
	var rows []engine.Row
	for i, a := range actors {
		at := time.Duration(i) * time.Minute
		rows = append(rows, access(fmt.Sprintf("a%d", i), at, actor(a)), read(fmt.Sprintf("b%d", i), at+minute, actor(a)))
	}
	st := h.open(t, h.rollupTable(t, "identity_bounds", rows), nil)
	p := enginetest.BaseParams()
	got, sql := h.sequences(t, st, queryFor(t, p, nil))
	if !strings.Contains(sql, "value >= ") {
		t.Errorf("the identity statement is not bounded by the candidates' actors:\n%s", sql)
	}
	want := make([]string, len(actors))
	for i, a := range actors {
		want[i] = a + "|app1"
	}
	slices.Sort(want)
	keys := episodeKeys(got)
	slices.Sort(keys)
	if !slices.Equal(keys, want) {
		t.Errorf("episode keys %q, want %q", keys, want)
	}
	assertSameAsMemory(t, got, p, rows)
}
