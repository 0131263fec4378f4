package collect

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// rateLimitRemaining reads the requests left in the window: Okta's
// X-Rate-Limit-Remaining and GitHub's X-RateLimit-Remaining.
func rateLimitRemaining(h http.Header) (int, bool) {
	for _, k := range []string{"X-Rate-Limit-Remaining", "X-RateLimit-Remaining"} {
		if v := h.Get(k); v != "" {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			return n, err == nil
		}
	}
	return 0, false
}

// rateLimitReset reads when the window resets: Okta and GitHub send epoch
// seconds. A small number is read as seconds from now, which some proxies
// send instead.
func rateLimitReset(h http.Header, now time.Time) (time.Time, bool) {
	for _, k := range []string{"X-Rate-Limit-Reset", "X-RateLimit-Reset"} {
		if v := h.Get(k); v != "" {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil || n < 0 {
				return time.Time{}, false
			}
			if n < 1_000_000_000 {
				return now.Add(time.Duration(n) * time.Second), true
			}
			return time.Unix(n, 0).UTC(), true
		}
	}
	return time.Time{}, false
}

// retryAfter reads Retry-After as seconds or as an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			n = 0
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// nextLink returns the rel="next" target of a Link header (Okta, GitHub), or
// "" when there is none.
func nextLink(h http.Header) string {
	for _, v := range h.Values("Link") {
		for _, part := range strings.Split(v, ",") {
			segs := strings.Split(part, ";")
			if len(segs) < 2 {
				continue
			}
			target := strings.TrimSpace(segs[0])
			if !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") {
				continue
			}
			for _, p := range segs[1:] {
				p = strings.ReplaceAll(strings.TrimSpace(p), " ", "")
				if p == `rel="next"` || p == "rel=next" {
					return target[1 : len(target)-1]
				}
			}
		}
	}
	return ""
}

// sameOrigin checks that a URL the vendor handed back (a next link, a
// content URI) points at the API that was configured, so a tampered answer
// cannot send the credential elsewhere.
func sameOrigin(base, link string) error {
	b, err := url.Parse(base)
	if err != nil {
		return err
	}
	l, err := url.Parse(link)
	if err != nil {
		return fmt.Errorf("the vendor sent an unreadable link: %v", err)
	}
	if !strings.EqualFold(l.Scheme, b.Scheme) || !strings.EqualFold(l.Host, b.Host) {
		return fmt.Errorf("the vendor sent a link to %s://%s, not to the configured API %s://%s; refusing to send the credential there", l.Scheme, l.Host, b.Scheme, b.Host)
	}
	return nil
}

// errorSummary pulls a vendor's error message out of an answer body: Okta
// errorSummary, Google and Microsoft error.message, GitHub message, Slack
// error. Anything else is shown in part, on one line.
func errorSummary(body []byte, status int) string {
	var v struct {
		ErrorSummary string          `json:"errorSummary"`
		ErrorCode    string          `json:"errorCode"`
		Message      string          `json:"message"`
		Error        json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &v) == nil {
		var inner struct {
			Code    any    `json:"code"`
			Message string `json:"message"`
		}
		var s string
		switch {
		case v.ErrorSummary != "":
			return strings.TrimSpace(v.ErrorCode + " " + v.ErrorSummary)
		case json.Unmarshal(v.Error, &s) == nil && s != "":
			return s
		case json.Unmarshal(v.Error, &inner) == nil && inner.Message != "":
			if inner.Code != nil {
				return fmt.Sprintf("%v: %s", inner.Code, inner.Message)
			}
			return inner.Message
		case v.Message != "":
			return v.Message
		}
	}
	text := strings.Join(strings.Fields(string(body)), " ")
	if len(text) > 300 {
		text = text[:300] + "…"
	}
	if text == "" {
		return http.StatusText(status)
	}
	return text
}

// unwrapURLError drops the *url.Error layer, whose text repeats the URL
// (and with it any query parameter).
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
