package e2e

import (
	"context"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// The sequence fixture: five keys a SOC would recognise, over one morning.
// Only the first two are AN0020: alice's mail-reading OAuth app (two
// episodes, the second after a later token sign-in) and bob's PAT (one
// episode mixing a private clone and a config change). The approved
// backup app, the interactive look-alike and the revoked app must not show.
var seqT0 = time.Date(2026, 11, 10, 8, 0, 0, 0, time.UTC)

const (
	mailApp   = "mailsync-pro"
	patApp    = "github-pat"
	backupApp = "backup-svc"
)

// seqEpisodes is how many episodes each actor|app key has in the fixture,
// by its design (see sequenceFixture), with approved apps excluded.
var seqEpisodes = map[string]int{"alice|" + mailApp: 2, "bob|" + patApp: 1}

func sequenceFixture() []map[string]any {
	at := func(d time.Duration) time.Time { return seqT0.Add(d) }
	ev := func(d time.Duration, id, source, action, category, auth, actor, app string, sens int, target string) map[string]any {
		return map[string]any{
			"event_time": at(d), "event_id": id, "tenant": "acme", "source": source, "action": action,
			"category": category, "auth_method": auth, "actor_id": actor, "actor_name": strings.ToUpper(actor[:1]) + actor[1:],
			"app_id": app, "app_name": app, "src_ip": "198.51.100.23", "target_name": target, "sensitivity": sens,
			"raw": `{"fixture":"` + id + `"}`,
		}
	}
	m := time.Minute
	return []map[string]any{
		// An OAuth consent, then mailbox reads; hours later a token sign-in and one more read.
		ev(0, "m365-1", "m365", "Consent to application.", "grant", "oauth", "alice", mailApp, 0, "MailSync Pro"),
		ev(4*m, "m365-2", "m365", "MailItemsAccessed", "data_access", "oauth", "alice", mailApp, 2, "alice inbox"),
		ev(6*m, "m365-3", "m365", "MailItemsAccessed", "data_access", "oauth", "alice", mailApp, 3, "finance shared mailbox"),
		ev(9*m, "m365-4", "m365", "MailItemsAccessed", "data_access", "oauth", "alice", mailApp, 3, "ceo mailbox"),
		ev(180*m, "m365-5", "m365", "UserLoggedIn", "token_auth", "oauth", "alice", mailApp, 0, ""),
		ev(185*m, "m365-6", "m365", "MailItemsAccessed", "data_access", "oauth", "alice", mailApp, 3, "legal mailbox"),
		// A personal access token, a private clone, then branch protection removed.
		ev(60*m, "gh-1", "github", "personal_access_token.access_granted", "token_auth", "pat", "bob", patApp, 0, "pat-7781"),
		ev(63*m, "gh-2", "github", "git.clone", "data_access", "pat", "bob", patApp, 3, "acme/payroll-service"),
		ev(80*m, "gh-3", "github", "protected_branch.destroy", "config_change", "pat", "bob", patApp, 3, "acme/payroll-service"),
		// The vetted backup service reads in bulk with its service account.
		ev(30*m, "gws-1", "google_workspace", "authorize", "token_auth", "service_account", "svc-backup", backupApp, 0, ""),
		ev(31*m, "gws-2", "google_workspace", "download", "data_access", "service_account", "svc-backup", backupApp, 2, "board-minutes.pdf"),
		ev(32*m, "gws-3", "google_workspace", "download", "data_access", "service_account", "svc-backup", backupApp, 2, "payroll.xlsx"),
		ev(33*m, "gws-4", "google_workspace", "download", "data_access", "service_account", "svc-backup", backupApp, 2, "roadmap.docx"),
		// A person signs in and downloads the same kind of files: no token involved.
		ev(40*m, "okta-1", "okta", "user.session.start", "signin", "interactive", "dave", "google-drive", 0, ""),
		ev(42*m, "gws-5", "google_workspace", "download", "data_access", "interactive", "dave", "google-drive", 3, "payroll.xlsx"),
		// An app is installed and revoked before the file is read.
		ev(120*m, "slack-1", "slack", "app_installed", "grant", "oauth", "erin", "calendar-helper", 0, ""),
		ev(122*m, "slack-2", "slack", "app_token_revoked", "revoke", "oauth", "erin", "calendar-helper", 0, ""),
		ev(125*m, "slack-3", "slack", "file_downloaded", "data_access", "interactive", "erin", "calendar-helper", 2, "salaries.csv"),
	}
}

// TestSequencesThroughPlugin sends the sequence queries to the built plugin
// binary as a dashboard and an alert rule would, against the fixture.
func TestSequencesThroughPlugin(t *testing.T) {
	f := newFixture(t)
	f.insert(t, "saas_audit_events", sequenceFixture())
	h := launch(t)
	pc := pluginContext(t, f.settings(map[string]any{"approvedApps": []string{backupApp}}))
	from, to := seqT0.Add(-time.Hour), seqT0.Add(4*time.Hour)
	run := func(t *testing.T, headers map[string]string, queries ...backend.DataQuery) *backend.QueryDataResponse {
		t.Helper()
		resp, err := h.QueryData(context.Background(), &backend.QueryDataRequest{PluginContext: pc, Headers: headers, Queries: queries})
		if err != nil {
			t.Fatalf("QueryData: %v", err)
		}
		return resp
	}

	t.Run("dashboard request with all three shapes", func(t *testing.T) {
		resp := run(t, nil,
			query("SEQ", "", map[string]any{"queryType": "sequences"}, from, to),
			query("NUM", "", map[string]any{"queryType": "sequenceCounts", "format": "numeric"}, from, to),
			query("TS", "", map[string]any{"queryType": "sequenceCounts", "format": "timeseries"}, from, to),
			query("APPR", "", map[string]any{"queryType": "sequences", "includeApproved": true}, from, to),
		)
		seq := single(t, ok(t, resp, "SEQ"))
		checkSequencesFrame(t, seq)
		if perKey := countByKey(t, seq); !maps.Equal(perKey, seqEpisodes) {
			t.Errorf("sequences per key %v, want %v", perKey, seqEpisodes)
		}
		if got := numericLong(t, single(t, ok(t, resp, "NUM"))); !maps.Equal(got, seqEpisodes) {
			t.Errorf("numeric counts %v, want %v", got, seqEpisodes)
		}
		if got := timeSeriesMulti(t, ok(t, resp, "TS"), from, to); !maps.Equal(got, seqEpisodes) {
			t.Errorf("time series sums %v, want %v", got, seqEpisodes)
		}
		approved := single(t, ok(t, resp, "APPR"))
		if got, want := countByKey(t, approved)["svc-backup|"+backupApp], 1; got != want {
			t.Errorf("includeApproved: %d episodes of the approved backup app, want %d", got, want)
		}
		for i := range approved.Rows() {
			app := stringAt(t, approved, "app_id", i)
			if isApproved := approved.Fields[fieldIndex(t, approved, "approved")].At(i).(bool); isApproved != (app == backupApp) {
				t.Errorf("row %d (app %s): approved = %v", i, app, isApproved)
			}
		}
	})

	t.Run("alert rule request", func(t *testing.T) {
		alert := func(refID, format string) backend.DataQuery {
			q := query(refID, "sequenceCounts", map[string]any{"format": format}, from, to)
			q.Interval, q.MaxDataPoints = 0, 0 // an alert rule sends neither
			return q
		}
		resp := run(t, map[string]string{"FromAlert": "true"}, alert("A", "numeric"), alert("B", "timeseries"))
		if got := numericLong(t, single(t, ok(t, resp, "A"))); !maps.Equal(got, seqEpisodes) {
			t.Errorf("numeric counts %v, want %v", got, seqEpisodes)
		}
		if got := timeSeriesMulti(t, ok(t, resp, "B"), from, to); !maps.Equal(got, seqEpisodes) {
			t.Errorf("time series sums %v, want %v", got, seqEpisodes)
		}
	})

	t.Run("range without episodes is No Data", func(t *testing.T) {
		quietFrom, quietTo := seqT0.Add(-48*time.Hour), seqT0.Add(-24*time.Hour)
		resp := run(t, map[string]string{"FromAlert": "true"},
			query("SEQ", "", map[string]any{"queryType": "sequences"}, quietFrom, quietTo),
			query("NUM", "sequenceCounts", map[string]any{"format": "numeric"}, quietFrom, quietTo),
			query("TS", "sequenceCounts", map[string]any{"format": "timeseries"}, quietFrom, quietTo),
		)
		if seq := single(t, ok(t, resp, "SEQ")); seq.Rows() != 0 || len(seq.Fields) == 0 {
			t.Errorf("sequences: want the usual columns and no rows, got %d fields and %d rows", len(seq.Fields), seq.Rows())
		}
		num := single(t, ok(t, resp, "NUM"))
		if num.Meta == nil || num.Meta.Type != data.FrameTypeNumericLong || num.Rows() != 0 {
			t.Errorf("numeric: want a numeric-long frame with zero rows, got %s", describe(num))
		}
		ts := single(t, ok(t, resp, "TS"))
		if ts.Meta == nil || ts.Meta.Type != data.FrameTypeTimeSeriesMulti || ts.Meta.TypeVersion != (data.FrameTypeVersion{0, 1}) || len(ts.Fields) != 0 {
			t.Errorf("timeseries: want one typed timeseries-multi frame without fields, got %s", describe(ts))
		}
	})

	t.Run("bad input fails only its own query and names the field", func(t *testing.T) {
		seqQ := func(refID string, js map[string]any) backend.DataQuery {
			js["queryType"] = "sequences"
			return query(refID, "", js, from, to)
		}
		bad := map[string]struct {
			q    backend.DataQuery
			want string
		}{
			"SPAN_TEXT":   {seqQ("SPAN_TEXT", map[string]any{"maxSpan": "abc"}), `maxSpan "abc"`},
			"SPAN_ZERO":   {seqQ("SPAN_ZERO", map[string]any{"maxSpan": "0s"}), `maxSpan "0s"`},
			"SPAN_LONG":   {seqQ("SPAN_LONG", map[string]any{"maxSpan": "31d"}), `maxSpan "31d"`},
			"CORR_FIELD":  {seqQ("CORR_FIELD", map[string]any{"correlateBy": []string{"user_email"}}), `correlateBy field "user_email"`},
			"CORR_EMPTY":  {seqQ("CORR_EMPTY", map[string]any{"correlateBy": []string{}}), "correlateBy is empty"},
			"GROUP_FIELD": {query("GROUP_FIELD", "sequenceCounts", map[string]any{"groupBy": []string{"country"}}, from, to), `groupBy field "country"`},
			"FILTER_FIELD": {seqQ("FILTER_FIELD", map[string]any{"filters": []map[string]any{{"field": "password", "op": "=", "values": []string{"x"}}}}),
				`field "password"`},
			"RANGE": {query("RANGE", "sequences", nil, to, from), "time range"},
		}
		queries := []backend.DataQuery{
			seqQ("GOOD", map[string]any{}),
			seqQ("HOSTILE", map[string]any{"filters": []map[string]any{{"field": "actor_id", "op": "=", "values": []string{`x') OR 1=1 --`}}}}),
		}
		for _, b := range bad {
			queries = append(queries, b.q)
		}
		resp := run(t, nil, queries...)
		if good := single(t, ok(t, resp, "GOOD")); good.Rows() != 3 {
			t.Errorf("the valid query next to the bad ones: %d episodes, want 3", good.Rows())
		}
		if hostile := single(t, ok(t, resp, "HOSTILE")); hostile.Rows() != 0 {
			t.Errorf("the injection-shaped filter value is a value and matches no actor, got %d episodes", hostile.Rows())
		}
		for ref, b := range bad {
			r := resp.Responses[ref]
			if r.Error == nil || !strings.Contains(r.Error.Error(), b.want) {
				t.Errorf("%s: want an error containing %q, got %v", ref, b.want, r.Error)
				continue
			}
			if r.Status != backend.StatusBadRequest || r.ErrorSource != backend.ErrorSourceDownstream {
				t.Errorf("%s: status %v from %q, want 400 from downstream (the panel author's to fix)", ref, r.Status, r.ErrorSource)
			}
		}
	})
}

// checkSequencesFrame checks the episode table of the fixture: its rows,
// anchors, counts, evidence columns and ATT&CK references.
func checkSequencesFrame(t *testing.T, f *data.Frame) {
	t.Helper()
	if f.Meta == nil || !strings.Contains(f.Meta.ExecutedQueryString, "windowFunnel") {
		t.Errorf("sequences frame does not report the executed SQL: %s", describe(f))
	}
	m := time.Minute
	want := []struct {
		key                        string
		accessAction               string
		access, first, last        time.Duration
		sensitive, reads, configCh int64
	}{ // by first sensitive event; the frame orders by score
		{"alice|" + mailApp, "Consent to application.", 0, 4 * m, 9 * m, 3, 3, 0},
		{"bob|" + patApp, "personal_access_token.access_granted", 60 * m, 63 * m, 80 * m, 2, 1, 1},
		{"alice|" + mailApp, "UserLoggedIn", 180 * m, 185 * m, 185 * m, 1, 1, 0},
	}
	if f.Rows() != len(want) {
		t.Fatalf("sequences: %d rows, want %d", f.Rows(), len(want))
	}
	score := f.Fields[fieldIndex(t, f, "score")]
	rowOf := map[time.Time]int{}
	for i := 0; i < f.Rows(); i++ {
		rowOf[f.Fields[fieldIndex(t, f, "first_sensitive_time")].At(i).(time.Time).UTC()] = i
		if i > 0 && score.At(i).(int64) > score.At(i-1).(int64) {
			t.Errorf("row %d scores %d, above row %d's %d: the frame must be ordered by score", i, score.At(i), i-1, score.At(i-1))
		}
	}
	for _, w := range want {
		i, found := rowOf[seqT0.Add(w.first).UTC()]
		if !found {
			t.Errorf("no episode whose first sensitive event is at %s", seqT0.Add(w.first))
			continue
		}
		if key := stringAt(t, f, "actor_id", i) + "|" + stringAt(t, f, "app_id", i); key != w.key {
			t.Errorf("row %d: key %s, want %s", i, key, w.key)
		}
		if got := stringAt(t, f, "access_action", i); got != w.accessAction {
			t.Errorf("row %d: access_action %q, want %q", i, got, w.accessAction)
		}
		for name, d := range map[string]time.Duration{"access_time": w.access, "first_sensitive_time": w.first, "last_sensitive_time": w.last} {
			field := f.Fields[fieldIndex(t, f, name)]
			if field.Type() != data.FieldTypeTime {
				t.Fatalf("%s is %s, want non-nullable time", name, field.Type())
			}
			if got := field.At(i).(time.Time); !got.Equal(seqT0.Add(d)) {
				t.Errorf("row %d: %s %s, want %s", i, name, got, seqT0.Add(d))
			}
		}
		for name, n := range map[string]int64{"sensitive_count": w.sensitive, "data_access_count": w.reads, "config_change_count": w.configCh} {
			if got := f.Fields[fieldIndex(t, f, name)].At(i).(int64); got != n {
				t.Errorf("row %d: %s %d, want %d", i, name, got, n)
			}
		}
		for _, name := range []string{"episode_id", "severity", "reasons", "actions", "targets"} {
			if stringAt(t, f, name, i) == "" {
				t.Errorf("row %d: %s is empty", i, name)
			}
		}
		for name, v := range map[string]string{"attack_analytic": "AN0020", "attack_strategy": "DET0008", "attack_technique": "T1021.007",
			"attack_url": "https://attack.mitre.org/techniques/T1021/007/"} {
			if got := stringAt(t, f, name, i); got != v {
				t.Errorf("row %d: %s %q, want %q", i, name, got, v)
			}
		}
	}
}
