// Package chhttp is a small client for ClickHouse's HTTP interface, built on
// net/http alone.
//
// TokenTrail writes through HTTP rather than the native protocol because
// `INSERT … FORMAT JSONEachRow` over HTTP is the one bulk-insert path that
// works on every server the plugin supports, from Debian's 18.16 to current
// releases (clickhouse-go's batch insert does not work on 18.16).
//
// Statements travel in the request body and credentials in the
// X-ClickHouse-User and X-ClickHouse-Key headers, so neither a query nor a
// password ever appears in a URL, a proxy log or an error message.
package chhttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Client sends statements to one ClickHouse server. The zero value is not
// usable: BaseURL is required. A Client is safe for concurrent use.
type Client struct {
	// BaseURL is the HTTP interface, such as http://127.0.0.1:8123. A path
	// prefix (for a proxy) is kept; user information is refused.
	BaseURL string
	// User and Password authenticate every request. An empty User lets the
	// server pick its default user.
	User     string
	Password string
	// HTTP is the client used for requests; nil means http.DefaultClient.
	// Cancellation and deadlines come from the context of each call.
	HTTP *http.Client
}

// maxErrorBody caps how much of a failed response is read for its message.
const maxErrorBody = 4096

// Error is a statement the server refused, or a response it could not serve.
type Error struct {
	StatusCode int    // HTTP status of the response
	Code       int    // ClickHouse error code, 0 when the body had none
	Message    string // the server's message, trimmed, password removed
}

func (e *Error) Error() string {
	if e.Code != 0 {
		return fmt.Sprintf("clickhouse error %d (HTTP %d): %s", e.Code, e.StatusCode, e.Message)
	}
	return fmt.Sprintf("clickhouse HTTP %d: %s", e.StatusCode, e.Message)
}

// Exec runs one statement and discards its output. When body is not nil it
// is streamed after the statement, which is how ClickHouse receives the data
// of `INSERT INTO db.t FORMAT JSONEachRow`: the statement must then end with
// its FORMAT clause.
func (c *Client) Exec(ctx context.Context, query string, body io.Reader) error {
	rc, err := c.send(ctx, query, body)
	if err != nil {
		return err
	}
	defer rc.Close()
	if _, err := io.Copy(io.Discard, rc); err != nil {
		return c.wrap(fmt.Errorf("read the response to %s: %w", summarize(query), err))
	}
	return nil
}

// ExecWith is Exec with query-level settings sent as URL parameters, the
// form every ClickHouse release accepts for an INSERT (insert_distributed_sync,
// for one).
func (c *Client) ExecWith(ctx context.Context, query string, body io.Reader, settings url.Values) error {
	payload := io.Reader(strings.NewReader(query))
	if body != nil {
		payload = io.MultiReader(strings.NewReader(query+"\n"), body)
	}
	rc, err := c.post(ctx, query, settings, "text/plain; charset=utf-8", payload)
	if err != nil {
		return err
	}
	defer rc.Close()
	if _, err := io.Copy(io.Discard, rc); err != nil {
		return c.wrap(fmt.Errorf("read the response to %s: %w", summarize(query), err))
	}
	return nil
}

// Query runs a statement and returns the response body as it streams; the
// caller must close it. Choose the output with a FORMAT clause. ClickHouse
// reports an error that happens after the first rows were sent by appending
// its message to the body with status 200, so callers should use a format in
// which such text cannot pass for data (JSON, or TSV of hex or numbers).
func (c *Client) Query(ctx context.Context, query string) (io.ReadCloser, error) {
	return c.send(ctx, query, nil)
}

func (c *Client) send(ctx context.Context, query string, body io.Reader) (io.ReadCloser, error) {
	payload := io.Reader(strings.NewReader(query))
	if body != nil {
		payload = io.MultiReader(strings.NewReader(query+"\n"), body)
	}
	return c.post(ctx, query, nil, "text/plain; charset=utf-8", payload)
}

// post sends one request. params go in the URL: ClickHouse reads the
// statement from there when the body carries external data.
func (c *Client) post(ctx context.Context, query string, params url.Values, contentType string, body io.Reader) (io.ReadCloser, error) {
	endpoint, err := c.endpoint()
	if err != nil {
		return nil, err
	}
	if len(params) > 0 {
		endpoint += "?" + params.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, body)
	if err != nil {
		return nil, c.wrap(fmt.Errorf("build request for %s: %w", summarize(query), err))
	}
	req.Header.Set("Content-Type", contentType)
	if c.User != "" {
		req.Header.Set("X-ClickHouse-User", c.User)
	}
	if c.Password != "" {
		req.Header.Set("X-ClickHouse-Key", c.Password)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		// Name the server, not the full URL, which may hold the statement.
		return nil, c.wrap(fmt.Errorf("send %s to %s: %w", summarize(query), c.BaseURL, unwrapURLError(err)))
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return nil, c.serverError(resp.StatusCode, string(msg))
	}
	return resp.Body, nil
}

// unwrapURLError drops the *url.Error layer, whose text repeats the URL.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// endpoint validates BaseURL. Credentials in the URL are refused rather than
// used: they would end up in error messages and proxy logs.
func (c *Client) endpoint() (string, error) {
	if c.BaseURL == "" {
		return "", errors.New("clickhouse URL is empty: set it to the HTTP interface, such as http://127.0.0.1:8123")
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil {
		return "", fmt.Errorf("clickhouse URL is not a valid URL; use the form http://host:8123: %w", err)
	}
	if u.User != nil {
		return "", errors.New("clickhouse URL contains user information: remove it and set the user and password separately")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("clickhouse URL %q must start with http:// or https:// and name a host, such as http://127.0.0.1:8123", u.Redacted())
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u.String(), nil
}

// Both the 18.16 layout ("Code: 60, e.displayText() = DB::Exception: msg,
// e.what() = DB::Exception") and the current one ("Code: 60. DB::Exception:
// msg. (UNKNOWN_TABLE) (version 24.8.1)") are reduced to code and message.
var (
	legacyErrRE = regexp.MustCompile(`(?s)^Code: (\d+), e\.displayText\(\) = (?:DB::Exception: )?(.*?)(?:, e\.what\(\) = \S+)?$`)
	modernErrRE = regexp.MustCompile(`(?s)^Code: (\d+)\. (?:DB::Exception: )?(.*?)(?: \(version .*\))?$`)
)

func (c *Client) serverError(status int, body string) error {
	e := &Error{StatusCode: status, Message: strings.TrimSpace(body)}
	for _, re := range []*regexp.Regexp{legacyErrRE, modernErrRE} {
		if m := re.FindStringSubmatch(e.Message); m != nil {
			e.Code, _ = strconv.Atoi(m[1])
			e.Message = strings.TrimSpace(m[2])
			break
		}
	}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	e.Message = c.redact(e.Message)
	return e
}

// wrap removes the password from an error built on this side (a transport
// error can quote the request), keeping the chain for errors.Is.
func (c *Client) wrap(err error) error {
	if c.Password == "" || !strings.Contains(err.Error(), c.Password) {
		return err
	}
	return &redactedError{msg: c.redact(err.Error()), err: err}
}

func (c *Client) redact(s string) string {
	if c.Password == "" {
		return s
	}
	return strings.ReplaceAll(s, c.Password, "[password]")
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// summarize names a statement in an error by its first words, never its
// values.
func summarize(query string) string {
	fields := strings.Fields(query)
	if len(fields) > 4 {
		fields = fields[:4]
	}
	return fmt.Sprintf("%q", strings.Join(fields, " ")+" …")
}
