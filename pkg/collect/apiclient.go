package collect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v5"
	"golang.org/x/oauth2"
)

// maxPageBytes caps one vendor answer held in memory. Vendor pages are a few
// megabytes (1000 records); an answer past the cap is refused, not trusted.
const maxPageBytes = 256 << 20

// requestTimeout bounds one request, so a vendor that stops answering
// mid-page fails the attempt instead of hanging the source.
const requestTimeout = 2 * time.Minute

// errCursorRefused is returned by vendor code when the API refused the cursor
// of the next page (it expired, or the listing moved on): the stream starts
// the listing again from its checkpoint.
var errCursorRefused = errors.New("the vendor refused the page cursor")

// apiError is a vendor answer that retrying cannot fix: a refused
// credential, a missing permission, a bad parameter.
type apiError struct {
	Status  int
	Summary string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("HTTP %d: %s", e.Status, e.Summary)
}

// response is one complete vendor answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// apiClient sends the requests of one source: its credentials, its share of
// the vendor's rate limit, bounded retries with jittered exponential
// backoff, and the vendor's clock as read from Date headers. Streams of one
// source run one after another, but the client is safe for concurrent use.
type apiClient struct {
	source  string
	http    *http.Client
	retry   RetryConfig
	metrics *metrics
	secrets []string // values removed from any error text

	mu         sync.Mutex
	notBefore  time.Time // no request before this: a rate-limit reset the vendor announced
	vendorDate time.Time // the vendor's clock at the last answer ...
	localMono  time.Time // ... and the local monotonic clock at that moment
}

// vendorNow estimates the vendor's clock: the last Date header plus the
// time elapsed since on the monotonic clock, which a jump of the wall clock
// does not move. Before any answer it is the wall clock.
func (c *apiClient) vendorNow(wall func() time.Time) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.vendorDate.IsZero() {
		return wall().UTC()
	}
	return c.vendorDate.Add(time.Since(c.localMono)).UTC()
}

// get fetches url and hands the answer to parse. A parse error means a
// broken page (cut off, not JSON) and is retried like a 5xx.
func (c *apiClient) get(ctx context.Context, url string, parse func(*response) error) (*response, error) {
	return c.do(ctx, http.MethodGet, url, parse)
}

func (c *apiClient) do(ctx context.Context, method, url string, parse func(*response) error) (*response, error) {
	bo := backoff.NewExponentialBackOff()
	bo.InitialInterval, bo.MaxInterval, bo.RandomizationFactor, bo.Multiplier = c.retry.Initial, c.retry.Max, 0.5, 2
	bo.Reset()
	attempts, limited := 0, 0
	for {
		if err := c.waitRateLimit(ctx); err != nil {
			return nil, err
		}
		resp, err := c.send(ctx, method, url)
		if err == nil {
			switch {
			case c.isRateLimited(resp):
				limited++
				c.metrics.rateLimited.WithLabelValues(c.source).Inc()
				wait := c.rateLimitWait(resp, bo)
				if limited > c.retry.MaxRateLimited {
					return nil, fmt.Errorf("rate limited %d times in a row (HTTP %d): %s", limited, resp.status, c.summary(resp))
				}
				if wait > c.retry.MaxRateLimitWait {
					return nil, fmt.Errorf("rate limited (HTTP %d) and asked to wait %s, more than retry.max_rate_limit_wait %s", resp.status, wait.Round(time.Second), c.retry.MaxRateLimitWait)
				}
				if err := sleep(ctx, wait+jitter(wait)); err != nil {
					return nil, err
				}
				continue
			case resp.status >= 500:
				err = fmt.Errorf("HTTP %d: %s", resp.status, c.summary(resp))
			case resp.status >= 300:
				return resp, &apiError{Status: resp.status, Summary: c.summary(resp)}
			default:
				if perr := parse(resp); perr != nil {
					var fatal *apiError
					if errors.Is(perr, errCursorRefused) || errors.As(perr, &fatal) {
						return resp, perr
					}
					err = fmt.Errorf("broken page (%v)", perr)
				} else {
					return resp, nil
				}
			}
		}
		var fatal *apiError
		if errors.As(err, &fatal) {
			return nil, err
		}
		attempts++
		c.metrics.retries.WithLabelValues(c.source).Inc()
		if attempts >= c.retry.MaxAttempts {
			return nil, fmt.Errorf("gave up after %d attempts: %w", attempts, err)
		}
		if err := sleep(ctx, bo.NextBackOff()); err != nil {
			return nil, err
		}
	}
}

// send makes one attempt and reads the whole answer. Transport errors and
// answers cut short come back as errors; a token endpoint that refuses the
// credentials comes back as an *apiError, which is not retried.
func (c *apiClient) send(ctx context.Context, method, url string) (*response, error) {
	rctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, method, url, nil)
	if err != nil {
		return nil, &apiError{Summary: "bad request URL: " + c.redact(err.Error())}
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "tokentrail-collector")
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode >= 400 && re.Response.StatusCode < 500 {
			return nil, &apiError{Status: re.Response.StatusCode, Summary: c.redact(fmt.Sprintf("the token endpoint refused the credentials: %s %s", re.ErrorCode, re.ErrorDescription))}
		}
		c.metrics.requests.WithLabelValues(c.source, "error").Inc()
		return nil, fmt.Errorf("request failed: %s", c.redact(unwrapURLError(err).Error()))
	}
	defer resp.Body.Close()
	c.metrics.requests.WithLabelValues(c.source, fmt.Sprint(resp.StatusCode)).Inc()
	c.noteHeaders(resp.Header)
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPageBytes+1))
	if err != nil {
		return nil, fmt.Errorf("the answer broke off after %d bytes (HTTP %d): %s", len(body), resp.StatusCode, c.redact(err.Error()))
	}
	if len(body) > maxPageBytes {
		return nil, &apiError{Status: resp.StatusCode, Summary: fmt.Sprintf("the answer is larger than %d MiB; lower page_size", maxPageBytes>>20)}
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// noteHeaders records the vendor's clock and any rate-limit exhaustion it
// announces, so the next request waits for the reset instead of being
// refused.
func (c *apiClient) noteHeaders(h http.Header) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d, err := http.ParseTime(h.Get("Date")); err == nil {
		c.vendorDate, c.localMono = d.UTC(), time.Now()
	}
	if remaining, ok := rateLimitRemaining(h); ok && remaining <= 0 {
		vendorNow := c.vendorDate
		if vendorNow.IsZero() { // no Date header yet: take the local clock as the vendor's
			vendorNow = time.Now()
		}
		if reset, ok := rateLimitReset(h, vendorNow); ok {
			// The reset is on the vendor's clock; convert it to a local
			// moment through the offset just measured.
			local := time.Now().Add(reset.Sub(vendorNow))
			if local.After(c.notBefore) {
				c.notBefore = local
			}
		}
	}
}

func (c *apiClient) waitRateLimit(ctx context.Context) error {
	c.mu.Lock()
	wait := time.Until(c.notBefore)
	c.mu.Unlock()
	if wait <= 0 {
		return nil
	}
	if wait > c.retry.MaxRateLimitWait {
		return fmt.Errorf("the vendor's rate limit resets in %s, more than retry.max_rate_limit_wait %s", wait.Round(time.Second), c.retry.MaxRateLimitWait)
	}
	c.metrics.rateLimited.WithLabelValues(c.source).Inc()
	return sleep(ctx, wait+jitter(wait))
}

// isRateLimited recognises 429, and GitHub's 403 for a primary or secondary
// rate limit (it carries Retry-After or an exhausted remaining count).
func (c *apiClient) isRateLimited(r *response) bool {
	if r.status == http.StatusTooManyRequests {
		return true
	}
	if r.status != http.StatusForbidden {
		return false
	}
	if r.header.Get("Retry-After") != "" {
		return true
	}
	remaining, ok := rateLimitRemaining(r.header)
	return ok && remaining <= 0
}

// rateLimitWait is what the vendor asked for (Retry-After, else the reset
// time), or the next backoff when it said nothing.
func (c *apiClient) rateLimitWait(r *response, bo *backoff.ExponentialBackOff) time.Duration {
	now := c.vendorNow(time.Now)
	if d, ok := retryAfter(r.header, now); ok {
		return d
	}
	if reset, ok := rateLimitReset(r.header, now); ok {
		if d := reset.Sub(now); d > 0 {
			return d
		}
		return 0
	}
	return bo.NextBackOff()
}

// summary extracts the vendor's error message from an answer.
func (c *apiClient) summary(r *response) string {
	return c.redact(errorSummary(r.body, r.status))
}

func (c *apiClient) redact(s string) string {
	for _, v := range c.secrets {
		if v != "" {
			s = strings.ReplaceAll(s, v, "[credential]")
		}
	}
	return s
}

// jitter spreads waits by up to a tenth, at least a millisecond, so that
// sources that were told the same reset time do not return in lockstep.
func jitter(d time.Duration) time.Duration {
	return rand.N(d/10 + time.Millisecond)
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
