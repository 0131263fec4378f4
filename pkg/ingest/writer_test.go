package ingest_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// hostile strings end SQL literals, escape the closing quote, smuggle
// statements, break lines or are not text at all.
var hostile = []string{
	`it's`,
	`back\slash\`,
	`\'`,
	`'); DROP TABLE x; --`,
	"multi\nline\r\nvalue\twith tab",
	`{"json":"inside"}`,
	"nul\x00byte and invalid utf-8 \xff\xfe",
	"unicode é 😀 \u2028",
}

func sampleEvent(id string, at time.Time) event.Event {
	return event.Event{
		EventTime: at, EventID: id, Tenant: "example.com", Source: event.SourceOkta,
		Action: "app.oauth2.as.token.grant.access_token", Category: event.CategoryTokenAuth,
		AuthMethod: event.AuthOAuth, Outcome: "success", ActorID: "00u1", ActorName: "ana@example.com",
		AppID: "0oa1", AppName: "Reporting", TokenID: "tok", SrcIP: "203.0.113.10", UserAgent: "curl/8.0",
		SessionID: "s1", TargetType: "app", TargetID: "0oa1", TargetName: "Reporting",
		Scopes: []string{"okta.users.read"}, Sensitivity: event.SensitivityMedium,
		Raw: `{"uuid":"` + id + `","eventType":"app.oauth2.as.token.grant.access_token","actor":{"id":"00u1"}}`,
	}
}

// TestWriterHostileStringsRoundTrip puts hostile strings in every kind of
// column, the event_id included (so they also pass through the duplicate
// lookup), and reads each byte back.
func TestWriterHostileStringsRoundTrip(t *testing.T) {
	tg := newTarget(t)
	ctx := context.Background()
	var events []event.Event
	for i, s := range hostile {
		e := sampleEvent(s, t0.Add(time.Duration(i)*time.Second))
		e.ActorName, e.TargetName, e.UserAgent, e.Raw = s, s, s, s
		e.Scopes = []string{s, "plain"}
		events = append(events, e)
	}
	inserted, dups, err := tg.writer.Write(ctx, events)
	if err != nil {
		t.Fatal(err)
	}
	if inserted != len(hostile) || dups != 0 {
		t.Fatalf("inserted %d dups %d", inserted, dups)
	}
	rows := tg.rows(t)
	for _, s := range hostile {
		h := strings.ToUpper(hex.EncodeToString([]byte(s)))
		row, ok := rows[h]
		if !ok {
			t.Errorf("no row with event_id %q", s)
			continue
		}
		for _, col := range []string{"actor_name", "target_name", "user_agent", "raw"} {
			if row[col] != h {
				t.Errorf("%q: column %s came back as hex %v", s, col, row[col])
			}
		}
		if fmt.Sprint(row["scopes"]) != fmt.Sprint([]any{h, "706C61696E"}) {
			t.Errorf("%q: scopes came back as %v", s, row["scopes"])
		}
	}
	if n := tg.count(t, "1"); n != len(hostile) {
		t.Errorf("table holds %d rows; a hostile string changed more than its own row", n)
	}
	inserted, dups, err = tg.writer.Write(ctx, events)
	if err != nil {
		t.Fatal(err)
	}
	if inserted != 0 || dups != len(hostile) {
		t.Errorf("second write inserted %d, dups %d: the lookup missed hostile ids", inserted, dups)
	}
}

// TestWriterSkipsExistingAcrossPartitions writes half of a batch spread over
// 60 days (three monthly partitions), then the whole batch: exactly the
// other half must be inserted.
func TestWriterSkipsExistingAcrossPartitions(t *testing.T) {
	tg := newTarget(t)
	ctx := context.Background()
	var events []event.Event
	for i := range 3000 {
		events = append(events, sampleEvent(fmt.Sprintf("id-%05d", i), t0.Add(time.Duration(i)*29*time.Minute)))
	}
	if n, _, err := tg.writer.Write(ctx, events[:1500]); err != nil || n != 1500 {
		t.Fatalf("first half: %d, %v", n, err)
	}
	inserted, dups, err := tg.writer.Write(ctx, events)
	if err != nil {
		t.Fatal(err)
	}
	if inserted != 1500 || dups != 1500 {
		t.Errorf("inserted %d dups %d, want 1500 and 1500", inserted, dups)
	}
}

func TestWriterRefusesInvalidEvents(t *testing.T) {
	tg := newTarget(t)
	good := sampleEvent("good", t0)
	bad := sampleEvent("bad", t0)
	bad.Category = "exfiltration"
	_, _, err := tg.writer.Write(context.Background(), []event.Event{good, bad})
	if err == nil || !strings.Contains(err.Error(), `event 1 of the batch (event_id "bad")`) {
		t.Fatalf("error %v", err)
	}
	if n := tg.count(t, "1"); n != 0 {
		t.Errorf("%d rows inserted from a refused batch", n)
	}
}

// TestWriterStampsIngestTime: events without ingest_time get the writer's
// clock; legacy tables keep whole seconds of event_time.
func TestWriterStampsIngestTime(t *testing.T) {
	tg := newTarget(t)
	tg.writer.Now = fixedNow
	e := sampleEvent("stamp", t0.Add(250*time.Millisecond))
	if _, _, err := tg.writer.Write(context.Background(), []event.Event{e}); err != nil {
		t.Fatal(err)
	}
	if n := tg.count(t, "ingest_time = toDateTime('2024-06-01 12:00:00', 'UTC') AND toUnixTimestamp(event_time) = "+fmt.Sprint(t0.Unix())); n != 1 {
		t.Error("ingest_time or event_time not stored as expected")
	}
}

// Raw records of two sizes for the benchmarks: a GitHub-like audit entry
// (about 350 bytes) and an Okta-like System Log event (about 1.3 KB). Row
// size matters: on the 18.16 server the insert cost grows with the bytes.
const (
	smallRaw = `{"@timestamp":1715000000000,"_document_id":"%s","action":"git.clone","actor":"ana","actor_id":1234,` +
		`"org":"example","repo":"example/payments","repository_public":false,"transport_protocol_name":"http",` +
		`"programmatic_access_type":"OAuth access token","oauth_application_id":42,"actor_ip":"203.0.113.10"}`
	largeRaw = `{"uuid":"%s","published":"2024-05-06T09:14:03.512Z","eventType":"app.oauth2.as.token.grant.access_token",` +
		`"version":"0","severity":"INFO","displayMessage":"OAuth2 access token is granted",` +
		`"actor":{"id":"00u1abcd","type":"User","alternateId":"ana@example.com","displayName":"Ana Silva","detailEntry":null},` +
		`"client":{"id":"0oa1efgh","ipAddress":"203.0.113.10","device":"Computer","zone":"null",` +
		`"userAgent":{"rawUserAgent":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36","os":"Linux","browser":"CHROME"},` +
		`"geographicalContext":{"city":"Lisbon","state":"Lisbon","country":"Portugal","postalCode":"1000-001","geolocation":{"lat":38.72,"lon":-9.14}}},` +
		`"authenticationContext":{"authenticationStep":0,"externalSessionId":"102abcDEF123","credentialType":null},` +
		`"outcome":{"result":"SUCCESS","reason":null},` +
		`"securityContext":{"asNumber":64500,"asOrg":"example isp","isp":"example isp","domain":"example.net","isProxy":false},` +
		`"request":{"ipChain":[{"ip":"203.0.113.10","version":"V4","source":null}]},` +
		`"target":[{"id":"0oa1efgh","type":"AppInstance","alternateId":"reporting","displayName":"Reporting"},` +
		`{"id":"AT.abc123","type":"access_token","alternateId":"unknown","displayName":"Access Token"}],` +
		`"transaction":{"type":"WEB","id":"Zk1abc","detail":{}},` +
		`"debugContext":{"debugData":{"grantType":"authorization_code","grantedScopes":"okta.users.read okta.logs.read",` +
		`"requestId":"Zk1abc","issuer":"https://example.okta.com/oauth2/default","requestUri":"/oauth2/default/v1/token"}}}`
)

// BenchmarkWriterWrite measures rows/s of Writer.Write into the local server
// in batches of 10000 events with unique ids (duplicate lookup included).
func BenchmarkWriterWrite(b *testing.B) {
	for _, bc := range []struct{ name, raw string }{{"raw=350B", smallRaw}, {"raw=1.3KB", largeRaw}} {
		b.Run(bc.name, func(b *testing.B) {
			tg := newTarget(b)
			ctx := context.Background()
			const batch = 10000
			events := make([]event.Event, batch)
			rows, size := 0, int64(0)
			for n := 0; n < b.N; n++ {
				b.StopTimer()
				size = 0
				for i := range events {
					id := fmt.Sprintf("bench-%d-%d", n, i)
					events[i] = sampleEvent(id, t0.Add(time.Duration(n*batch+i)*time.Second))
					events[i].Raw = fmt.Sprintf(bc.raw, id)
					size += int64(len(events[i].Raw))
				}
				b.SetBytes(size)
				b.StartTimer()
				inserted, _, err := tg.writer.Write(ctx, events)
				if err != nil {
					b.Fatal(err)
				}
				rows += inserted
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
