package collect

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func testClient(secrets ...string) *apiClient {
	return &apiClient{
		source: "test", http: http.DefaultClient, metrics: newMetrics(), secrets: secrets,
		retry: RetryConfig{MaxAttempts: 3, Initial: time.Millisecond, Max: 5 * time.Millisecond, MaxRateLimitWait: 2 * time.Second, MaxRateLimited: 3},
	}
}

// script answers requests in order with the given handlers, then 200 [].
type script struct {
	mu       sync.Mutex
	steps    []http.HandlerFunc
	arrivals []time.Time
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	n := len(s.arrivals)
	s.arrivals = append(s.arrivals, time.Now())
	s.mu.Unlock()
	if n < len(s.steps) {
		s.steps[n](w, r)
		return
	}
	_, _ = w.Write([]byte("[]"))
}

func status(code int, headers map[string]string, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		w.WriteHeader(code)
		_, _ = w.Write([]byte(body))
	}
}

func TestClientRetriesAndRateLimits(t *testing.T) {
	tests := []struct {
		name      string
		steps     []http.HandlerFunc
		wantErr   string // "" for success
		wantCalls int
	}{
		{"5xx then ok", []http.HandlerFunc{status(503, nil, ""), status(500, nil, "")}, "", 3},
		{"5xx beyond the attempts", []http.HandlerFunc{status(502, nil, "<html>bad gateway</html>"), status(503, nil, ""), status(500, nil, `{"error":{"code":500,"message":"backend down"}}`)},
			"gave up after 3 attempts: HTTP 500: 500: backend down", 3},
		{"truncated page then ok", []http.HandlerFunc{status(200, nil, `[{"a":1},{"b"`)}, "", 2},
		{"401 is not retried", []http.HandlerFunc{status(401, nil, `{"errorCode":"E0000011","errorSummary":"Invalid token provided"}`)}, "HTTP 401: E0000011 Invalid token provided", 1},
		{"429 with Retry-After", []http.HandlerFunc{status(429, map[string]string{"Retry-After": "1"}, "")}, "", 2},
		{"GitHub 403 secondary limit", []http.HandlerFunc{status(403, map[string]string{"Retry-After": "0"}, `{"message":"secondary rate limit"}`)}, "", 2},
		{"wait beyond the cap", []http.HandlerFunc{status(429, map[string]string{"Retry-After": "3600"}, "")}, "asked to wait 1h0m0s, more than retry.max_rate_limit_wait", 1},
		{"too many 429", []http.HandlerFunc{status(429, map[string]string{"Retry-After": "0"}, ""), status(429, map[string]string{"Retry-After": "0"}, ""), status(429, map[string]string{"Retry-After": "0"}, ""), status(429, map[string]string{"Retry-After": "0"}, "")},
			"rate limited 4 times in a row", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{steps: tt.steps}
			srv := httptest.NewServer(s)
			defer srv.Close()
			var got []any
			_, err := testClient().get(context.Background(), srv.URL, func(r *response) error {
				return jsonUnmarshal(r.body, &got)
			})
			if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("error %v, want %q", err, tt.wantErr)
			}
			if len(s.arrivals) != tt.wantCalls {
				t.Errorf("%d requests, want %d", len(s.arrivals), tt.wantCalls)
			}
		})
	}
}

// TestClientWaitsForAnnouncedReset: a page that says no requests remain
// until a reset makes the next request wait for it.
func TestClientWaitsForAnnouncedReset(t *testing.T) {
	reset := time.Now().Add(1500 * time.Millisecond).Truncate(time.Second).Add(time.Second)
	s := &script{steps: []http.HandlerFunc{status(200, map[string]string{
		"X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": strconv.FormatInt(reset.Unix(), 10),
	}, "[]")}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := testClient()
	c.retry.MaxRateLimitWait = 10 * time.Second // the Date header's whole seconds can add one
	for range 2 {
		if _, err := c.get(context.Background(), srv.URL, func(*response) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	// The Date header has whole seconds, so allow one second of skew.
	if second := s.arrivals[1]; second.Before(reset.Add(-time.Second)) {
		t.Errorf("the second request came at %s, before the announced reset %s", second.Format(time.StampMilli), reset.Format(time.StampMilli))
	}
}

func TestClientRedactsSecrets(t *testing.T) {
	srv := httptest.NewServer(status(400, nil, `{"message":"token ghp_s3cret is malformed"}`))
	defer srv.Close()
	_, err := testClient("ghp_s3cret").get(context.Background(), srv.URL, func(*response) error { return nil })
	if err == nil || strings.Contains(err.Error(), "ghp_s3cret") || !strings.Contains(err.Error(), "[credential]") {
		t.Errorf("error %v leaks or loses the credential mark", err)
	}
	var ae *apiError
	if !errors.As(err, &ae) || ae.Status != 400 {
		t.Errorf("error %v is not a 400 apiError", err)
	}
}

func TestHeaders(t *testing.T) {
	now := time.Date(2024, 5, 6, 12, 0, 0, 0, time.UTC)
	h := http.Header{}
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset", "1714996830")
	h.Set("Retry-After", "Mon, 06 May 2024 12:00:30 GMT")
	h.Add("Link", `<https://acme.okta.com/api/v1/logs?after=1>; rel="self", <https://acme.okta.com/api/v1/logs?after=2>; rel="next"`)
	if n, ok := rateLimitRemaining(h); !ok || n != 0 {
		t.Errorf("remaining %d %v", n, ok)
	}
	if r, ok := rateLimitReset(h, now); !ok || r.Unix() != 1714996830 {
		t.Errorf("reset %s %v", r, ok)
	}
	if d, ok := retryAfter(h, now); !ok || d != 30*time.Second {
		t.Errorf("retry-after %s %v", d, ok)
	}
	if l := nextLink(h); l != "https://acme.okta.com/api/v1/logs?after=2" {
		t.Errorf("next link %q", l)
	}
	if err := sameOrigin("https://acme.okta.com", "https://evil.example.com/api/v1/logs"); err == nil {
		t.Error("a link to another host was accepted")
	}
	for body, want := range map[string]string{
		`{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit"}`:  "E0000047 API call exceeded rate limit",
		`{"error":{"code":"AF20022","message":"No subscription found"}}`:          "AF20022: No subscription found",
		`{"ok":false,"error":"invalid_auth"}`:                                     "invalid_auth",
		`{"message":"Bad credentials","documentation_url":"https://docs.github"}`: "Bad credentials",
		"<html>\n<h1>502</h1></html>":                                             "<html> <h1>502</h1></html>",
	} {
		if got := errorSummary([]byte(body), 500); got != want {
			t.Errorf("summary of %s = %q, want %q", body, got, want)
		}
	}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
