package normalize

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/tokentrail/tokentrail/pkg/event"
)

func TestNewRejectsUnknownSource(t *testing.T) {
	_, err := New("salesforce", nil)
	if err == nil {
		t.Fatal("New(salesforce) succeeded, want an error")
	}
	for _, s := range event.Sources {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not list supported source %q", err, s)
		}
	}
}

func TestNewSourceRoundTrip(t *testing.T) {
	for _, s := range event.Sources {
		n, err := New(s, nil)
		if err != nil {
			t.Fatalf("New(%q): %v", s, err)
		}
		if n.Source() != s {
			t.Errorf("New(%q).Source() = %q", s, n.Source())
		}
	}
}

// TestBadRecords checks that every way a record can be unusable is an error
// naming the field and the problem, and never a panic.
func TestBadRecords(t *testing.T) {
	tests := []struct {
		source, name, rec string
		field             string // the RecordError.Field expected ("" = whole record)
		mention           string // a word the message must contain
	}{
		{event.SourceOkta, "array", `[{"uuid":"x"}]`, "", "not a JSON object"},
		{event.SourceOkta, "empty", `  `, "", "empty"},
		{event.SourceOkta, "truncated", `{"uuid":"x",`, "", "not valid JSON"},
		{event.SourceOkta, "no eventType", `{"uuid":"x","published":"2024-05-06T09:14:03Z"}`, "eventType", "missing"},
		{event.SourceOkta, "no published", `{"uuid":"x","eventType":"user.session.start"}`, "published", "missing"},
		{event.SourceOkta, "bad published", `{"eventType":"user.session.start","published":"yesterday"}`, "published", "RFC 3339"},
		{event.SourceGoogle, "no time", `{"id":{"applicationName":"token"},"events":[{"name":"authorize"}]}`, "id.time", "missing"},
		{event.SourceGoogle, "no application", `{"id":{"time":"2024-05-06T10:02:11Z"},"events":[{"name":"authorize"}]}`, "id.applicationName", "missing"},
		{event.SourceGoogle, "no events", `{"id":{"time":"2024-05-06T10:02:11Z","applicationName":"token"}}`, "events", "empty"},
		{event.SourceGoogle, "unnamed event", `{"id":{"time":"2024-05-06T10:02:11Z","applicationName":"token"},"events":[{"name":"authorize"},{"type":"auth"}]}`, "events[1].name", "missing"},
		{event.SourceMicrosoft, "no Operation", `{"Id":"x","CreationTime":"2024-05-06T10:01:58"}`, "Operation", "missing"},
		{event.SourceMicrosoft, "no CreationTime", `{"Id":"x","Operation":"UserLoggedIn"}`, "CreationTime", "missing"},
		{event.SourceMicrosoft, "bad CreationTime", `{"Operation":"UserLoggedIn","CreationTime":"06/05/2024 10:01"}`, "CreationTime", "RFC 3339"},
		{event.SourceGitHub, "no action", `{"@timestamp":1714989720123}`, "action", "missing"},
		{event.SourceGitHub, "no timestamp", `{"action":"git.clone"}`, "@timestamp", "missing"},
		{event.SourceGitHub, "bad timestamp", `{"action":"git.clone","@timestamp":"soon"}`, "@timestamp", "Unix time"},
		{event.SourceSlack, "no action", `{"date_create":1714989730}`, "action", "missing"},
		{event.SourceSlack, "no date", `{"action":"user_login"}`, "date_create", "missing"},
		{event.SourceSlack, "negative date", `{"action":"user_login","date_create":-5}`, "date_create", "Unix time"},
	}
	for _, tc := range tests {
		t.Run(tc.source+"/"+tc.name, func(t *testing.T) {
			n, err := New(tc.source, nil)
			if err != nil {
				t.Fatal(err)
			}
			evs, err := n.Normalize(json.RawMessage(tc.rec))
			if err == nil {
				t.Fatalf("Normalize succeeded with %d events, want an error", len(evs))
			}
			var re *RecordError
			if !errors.As(err, &re) {
				t.Fatalf("error %v is a %T, want *RecordError", err, err)
			}
			if re.Source != tc.source || re.Field != tc.field {
				t.Errorf("error names source %q field %q, want %q %q", re.Source, re.Field, tc.source, tc.field)
			}
			if !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("error %q does not mention %q", err, tc.mention)
			}
		})
	}
}

// TestKeptWithNotes: a record whose optional fields have the wrong JSON type
// is kept, with every such field named in a note, and the fields that are
// fine still mapped.
func TestKeptWithNotes(t *testing.T) {
	tests := []struct {
		source, name, rec string
		fields            []string // the noted fields
		check             func(e event.Event) string
	}{
		{event.SourceOkta, "target is a string", `{"uuid":"u1","eventType":"user.session.start","published":"2024-05-06T09:14:03Z","target":"x","actor":{"id":"00u1","alternateId":"a@example.com"}}`,
			[]string{"target"}, func(e event.Event) string { return want(e.ActorID, "00u1") }},
		{event.SourceOkta, "one bad target among good ones", `{"uuid":"u2","eventType":"policy.rule.update","published":"2024-05-06T09:14:03Z","target":[{"id":"0pr1","type":"PolicyRule","displayName":"r"},{"id":"00p1","type":"PolicyEntity","detailEntry":"broken"}]}`,
			[]string{"target.detailEntry"}, func(e event.Event) string { return want(e.TargetID, "0pr1") }},
		{event.SourceGitHub, "object scopes", `{"action":"git.clone","@timestamp":1714993500421,"actor":"dreyes","token_scopes":{"a":1},"token_id":7}`,
			[]string{"token_scopes"}, func(e event.Event) string { return want(e.AppID, "7") }},
		{event.SourceMicrosoft, "Actor is an object", `{"Id":"m1","Operation":"FileDownloaded","CreationTime":"2024-05-06T10:01:58","UserId":"a@example.com","Actor":{"ID":"x"}}`,
			[]string{"Actor"}, func(e event.Event) string { return want(e.ActorID, "a@example.com") }},
		{event.SourceSlack, "context is a list", `{"id":"s1","action":"user_login","date_create":1714982431,"actor":{"type":"user","user":{"id":"W1"}},"context":[1]}`,
			[]string{"context"}, func(e event.Event) string { return want(e.ActorID, "W1") }},
		{event.SourceGoogle, "ipAddress is an object", `{"id":{"time":"2024-05-06T10:02:11Z","applicationName":"login","uniqueQualifier":"1"},"ipAddress":{"v":4},"events":{"name":"login_success"},"actor":{"email":"a@example.com","profileId":"11"}}`,
			[]string{"ipAddress"}, func(e event.Event) string { return want(e.Category, event.CategorySignin) }},
	}
	for _, tc := range tests {
		t.Run(tc.source+"/"+tc.name, func(t *testing.T) {
			n, err := New(tc.source, nil)
			if err != nil {
				t.Fatal(err)
			}
			evs, notes, err := n.Check(json.RawMessage(tc.rec))
			if err != nil {
				t.Fatalf("the record was rejected: %v", err)
			}
			var got []string
			for _, nt := range notes {
				got = append(got, nt.Field)
				if !strings.Contains(nt.Error(), "ignored and the record kept") {
					t.Errorf("note %q does not say the record was kept", nt)
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.fields, ",") {
				t.Errorf("noted fields %v, want %v", got, tc.fields)
			}
			if msg := tc.check(evs[0]); msg != "" {
				t.Error(msg)
			}
		})
	}
}

func want[T comparable](got, want T) string {
	if got != want {
		return fmt.Sprintf("got %v, want %v", got, want)
	}
	return ""
}

// TestMissingVendorIDFallsBackToHash checks the documented event_id
// fallback: stable across key order and spacing, different across records.
func TestMissingVendorIDFallsBackToHash(t *testing.T) {
	tests := []struct {
		source, a, b, other string
	}{
		{event.SourceGitHub,
			`{"action":"git.clone","@timestamp":1714993500421,"actor":"dreyes"}`,
			`{ "actor" : "dreyes", "@timestamp":1714993500421, "action":"git.clone" }`,
			`{"action":"git.clone","@timestamp":1714993500422,"actor":"dreyes"}`},
		{event.SourceSlack,
			`{"action":"user_login","date_create":1714982431,"actor":{"type":"user","user":{"id":"W1"}}}`,
			`{"date_create":1714982431,"actor":{"user":{"id":"W1"},"type":"user"},"action":"user_login"}`,
			`{"action":"user_login","date_create":1714982431,"actor":{"type":"user","user":{"id":"W2"}}}`},
		{event.SourceMicrosoft,
			`{"Operation":"UserLoggedIn","CreationTime":"2024-05-06T10:01:40","UserId":"a@example.com"}`,
			`{"UserId":"a@example.com","Operation":"UserLoggedIn","CreationTime":"2024-05-06T10:01:40"}`,
			`{"Operation":"UserLoggedIn","CreationTime":"2024-05-06T10:01:41","UserId":"a@example.com"}`},
	}
	for _, tc := range tests {
		t.Run(tc.source, func(t *testing.T) {
			n, err := New(tc.source, nil)
			if err != nil {
				t.Fatal(err)
			}
			id := func(rec string) string {
				evs, err := n.Normalize(json.RawMessage(rec))
				if err != nil {
					t.Fatal(err)
				}
				return evs[0].EventID
			}
			a, b, other := id(tc.a), id(tc.b), id(tc.other)
			if !strings.HasPrefix(a, "sha256:") || len(a) != len("sha256:")+64 {
				t.Errorf("fallback id %q is not sha256:<64 hex>", a)
			}
			if a != b {
				t.Errorf("same record with other key order and spacing got ids %q and %q", a, b)
			}
			if a == other {
				t.Errorf("different records share id %q", a)
			}
		})
	}
}

// TestGoogleMultiEventWithoutQualifier checks that every event of an
// activity without uniqueQualifier still gets its own id.
func TestGoogleMultiEventWithoutQualifier(t *testing.T) {
	n, _ := New(event.SourceGoogle, nil)
	evs, err := n.Normalize(json.RawMessage(`{"id":{"time":"2024-05-06T10:02:11Z","applicationName":"drive"},"events":[{"name":"view"},{"name":"download"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[0].EventID == evs[1].EventID ||
		!strings.HasSuffix(evs[0].EventID, ":0") || !strings.HasSuffix(evs[1].EventID, ":1") {
		t.Errorf("ids %q and %q, want distinct sha256 ids ending in :0 and :1", evs[0].EventID, evs[1].EventID)
	}
}

func TestCleanIP(t *testing.T) {
	tests := []struct{ in, want string }{
		{"203.0.113.7", "203.0.113.7"},
		{"203.0.113.7:51234", "203.0.113.7"},
		{"[2001:db8::7]:443", "2001:db8::7"},
		{"2001:db8::7", "2001:db8::7"},
		{"[2001:db8::7]", "2001:db8::7"},
		{"<null>", "<null>"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := cleanIP(tc.in); got != tc.want {
			t.Errorf("cleanIP(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSplitScopes(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"okta.users.read, okta.logs.read", []string{"okta.users.read", "okta.logs.read"}},
		{"openid profile  openid", []string{"openid", "profile"}},
		{"repo,read:org", []string{"repo", "read:org"}},
		{"", []string{}},
	}
	for _, tc := range tests {
		got := splitScopes(tc.in)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") || got == nil {
			t.Errorf("splitScopes(%q) = %#v, want %#v", tc.in, got, tc.want)
		}
	}
}
