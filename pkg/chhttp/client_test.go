package chhttp

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

func TestServerErrorTrimming(t *testing.T) {
	tests := []struct {
		name, body string
		code       int
		msg        string
	}{
		{"18.16", "Code: 60, e.displayText() = DB::Exception: Table x.y doesn't exist., e.what() = DB::Exception\n", 60, "Table x.y doesn't exist."},
		{"current", "Code: 516. DB::Exception: grafana: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED) (version 24.8.4.13 (official build))\n", 516, "grafana: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED)"},
		{"proxy", "  <html>bad gateway</html>  ", 0, "<html>bad gateway</html>"},
		{"empty", "", 0, "Bad Gateway"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Client{}
			err := c.serverError(http.StatusBadGateway, tt.body)
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("got %T, want *Error", err)
			}
			if ce.Code != tt.code || ce.Message != tt.msg {
				t.Errorf("got code %d message %q, want %d %q", ce.Code, ce.Message, tt.code, tt.msg)
			}
		})
	}
}

// TestRequestCarriesCredentialsInHeaders checks where the statement and the
// credentials travel: body and headers, never the URL.
func TestRequestCarriesCredentialsInHeaders(t *testing.T) {
	var gotURL, gotUser, gotKey, gotBody string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotURL = r.URL.String()
		gotUser, gotKey = r.Header.Get("X-ClickHouse-User"), r.Header.Get("X-ClickHouse-Key")
		b, _ := io.ReadAll(r.Body)
		gotBody = string(b)
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL, User: "writer", Password: "s3cret-pw"}
	if err := c.Exec(context.Background(), "INSERT INTO d.t FORMAT JSONEachRow", strings.NewReader(`{"a":1}`)); err != nil {
		t.Fatal(err)
	}
	if gotUser != "writer" || gotKey != "s3cret-pw" {
		t.Errorf("headers user=%q key=%q", gotUser, gotKey)
	}
	if strings.Contains(gotURL, "s3cret") || strings.Contains(gotURL, "INSERT") {
		t.Errorf("URL %q carries the password or the statement", gotURL)
	}
	if want := "INSERT INTO d.t FORMAT JSONEachRow\n{\"a\":1}"; gotBody != want {
		t.Errorf("body %q, want %q", gotBody, want)
	}
}

func TestEndpointValidation(t *testing.T) {
	tests := []struct {
		url, wantErr string
	}{
		{"", "empty"},
		{"127.0.0.1:8123", "http://"},
		{"ftp://host", "http://"},
		{"http://user:hunter22@host:8123", "user information"},
		{"http://host:8123", ""},
		{"https://proxy.example/clickhouse", ""},
	}
	for _, tt := range tests {
		_, err := (&Client{BaseURL: tt.url}).endpoint()
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%q: unexpected error %v", tt.url, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%q: error %v, want one mentioning %q", tt.url, err, tt.wantErr)
		case err != nil && strings.Contains(err.Error(), "hunter22"):
			t.Errorf("%q: error leaks the password: %v", tt.url, err)
		}
	}
}

// TestMidStreamErrorIsReported: a server that fails after status 200
// appends its message; queryOne must surface it, not treat it as data.
func TestMidStreamErrorIsReported(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "{\"version\":\"1\"}\nCode: 241, e.displayText() = DB::Exception: Memory limit exceeded, e.what() = DB::Exception\n")
	}))
	defer srv.Close()
	_, err := (&Client{BaseURL: srv.URL}).ServerVersion(context.Background())
	var ce *Error
	if !errors.As(err, &ce) || ce.Code != 241 {
		t.Fatalf("got %v, want clickhouse error 241", err)
	}
}

func TestServerVersionAndVariant(t *testing.T) {
	s := chlocal.ForTest(t)
	ctx := context.Background()
	c := &Client{BaseURL: s.HTTPURL()}
	version, err := c.ServerVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if version == "" || !strings.Contains(version, ".") {
		t.Fatalf("version %q does not look like a version", version)
	}
	db := s.TempDatabase(t)
	want := schema.ForVersion(version)
	ddl, err := schema.CreateTable(want, db, "events")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Exec(ctx, ddl, nil); err != nil {
		t.Fatal(err)
	}
	got, err := c.EventTimeVariant(ctx, db, "events")
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("variant %v, want %v", got, want)
	}
	if _, err := c.EventTimeVariant(ctx, db, "missing"); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing table: got %v", err)
	}
	if _, err := c.EventTimeVariant(ctx, db, "x; DROP"); err == nil || !strings.Contains(err.Error(), "not a valid name") {
		t.Errorf("hostile table name: got %v", err)
	}
}

func TestServerErrors(t *testing.T) {
	s := chlocal.ForTest(t)
	ctx := context.Background()
	const wrong = "not-the-password-7f3a"
	tests := []struct {
		name   string
		client *Client
		query  string
		want   string
	}{
		{"wrong password", &Client{BaseURL: s.HTTPURL(), User: chlocal.ReaderUser, Password: wrong}, "SELECT 1", "password"},
		{"read-only user", &Client{BaseURL: s.HTTPURL(), User: chlocal.ReaderUser, Password: chlocal.ReaderPassword}, "CREATE DATABASE tt_never_created", "readonly"},
		{"syntax", &Client{BaseURL: s.HTTPURL()}, "SELEKT 1", "Syntax error"},
		{"no server", &Client{BaseURL: "http://127.0.0.1:1", Password: wrong}, "SELECT 1", "connect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.client.Exec(ctx, tt.query, nil)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
			if strings.Contains(err.Error(), wrong) || strings.Contains(err.Error(), chlocal.ReaderPassword) {
				t.Errorf("error leaks a password: %q", err)
			}
		})
	}
}
