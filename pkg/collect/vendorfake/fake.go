// Package vendorfake serves the five vendors' audit-log APIs from memory,
// the way their documentation describes them: pages, cursors, rate-limit
// headers, error bodies and token endpoints. It exists because no vendor
// API is reachable from tests; the collector is tested, and benchmarked,
// against these fakes.
//
// Each fake can be told to misbehave on a schedule (FaultPlan): answer 429
// with Retry-After, fail with a burst of 5xx, cut a page short, serve a
// page twice, refuse an expired cursor, or announce an exhausted rate
// limit. Records can also become visible late, after newer ones, as
// vendors publish them.
package vendorfake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Record is one vendor record the fake serves.
type Record struct {
	Time time.Time       // the record's own time: order and time filters
	Raw  json.RawMessage // the record as the API returns it
	// Late records stay hidden until the fake has run for Options.LateAfter,
	// as events a vendor publishes after newer ones.
	Late bool
	// Group is the record's feed within the source: the Google application
	// or the Microsoft 365 content type.
	Group string
}

// Fault is one kind of misbehaviour.
type Fault int

// The faults a FaultPlan can schedule.
const (
	None          Fault = iota
	RateLimited         // 429 with Retry-After: 1 and the vendor's error body
	ServerErrors        // three answers in a row: 503, 500, 502
	Truncated           // 200 with only the first half of the page
	Repeated            // the previous page again, then the listing goes on
	CursorExpired       // the vendor refuses the request's cursor
	Exhausted           // a good page announcing no requests left until a reset 1 s away
)

func (f Fault) String() string {
	return [...]string{"none", "rate-limited", "server-errors", "truncated", "repeated", "cursor-expired", "exhausted"}[f]
}

// AllFaults is every fault once, in an order that lets each meet a
// request it applies to.
var AllFaults = []Fault{RateLimited, ServerErrors, Truncated, Repeated, CursorExpired, Exhausted}

// FaultPlan schedules faults on the data requests (pages, listings, blobs)
// of one fake: Gap ordinary requests, then the next fault, and so on.
// Faults that need a cursor wait for a request that carries one.
type FaultPlan struct {
	Faults []Fault
	Gap    int
}

// Options configure a fake.
type Options struct {
	Plan      FaultPlan
	LateAfter time.Duration // when Late records appear; 0 shows them from the start
	CursorTTL time.Duration // cursors older than this are refused; 0 never
	Delay     time.Duration // latency added to every data request
	// OnPage, when set, is called after the first half of each page body
	// has been sent and flushed: tests kill the collector there, mid-page.
	OnPage func()
}

// Fake is one vendor API.
type Fake struct {
	source  string
	opt     Options
	started time.Time
	creds   *credentials
	srv     *httptest.Server

	mu         sync.Mutex
	records    []Record // sorted by Time
	requests   int
	nextFault  int
	sinceFault int
	burstLeft  int
	injected   map[Fault]int
	extra      map[string]any // vendor state (Microsoft 365 subscriptions)
}

func newFake(source string, recs []Record, opt Options, creds *credentials) *Fake {
	sorted := slices.Clone(recs)
	slices.SortStableFunc(sorted, func(a, b Record) int { return a.Time.Compare(b.Time) })
	return &Fake{source: source, opt: opt, started: time.Now(), creds: creds, records: sorted,
		injected: map[Fault]int{}, extra: map[string]any{}}
}

func (f *Fake) start(h http.Handler) *Fake {
	f.srv = httptest.NewServer(h)
	return f
}

// URL is the fake's root, the collector's base_url.
func (f *Fake) URL() string { return f.srv.URL }

// Close stops the server.
func (f *Fake) Close() { f.srv.Close() }

// Source is the event.Source* value of the records.
func (f *Fake) Source() string { return f.source }

// Records returns every record the fake will serve, late ones included.
func (f *Fake) Records() []Record { return f.records }

// Injected reports how often each fault was applied.
func (f *Fake) Injected() map[Fault]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[Fault]int, len(f.injected))
	for k, v := range f.injected {
		out[k] = v
	}
	return out
}

// PlanDone tells whether every scheduled fault has been applied.
func (f *Fake) PlanDone() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.nextFault >= len(f.opt.Plan.Faults) && f.burstLeft == 0
}

// visible returns the records published by now that pass keep, in time
// order.
func (f *Fake) visible(keep func(Record) bool) []Record {
	lateOK := time.Since(f.started) >= f.opt.LateAfter
	var out []Record
	for _, r := range f.records {
		if (r.Late && !lateOK) || !keep(r) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// fault decides the fault for this data request.
func (f *Fake) fault(hasCursor bool) Fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests++
	if f.burstLeft > 0 {
		f.burstLeft--
		f.injected[ServerErrors]++
		return ServerErrors
	}
	if f.nextFault >= len(f.opt.Plan.Faults) {
		return None
	}
	f.sinceFault++
	if f.sinceFault <= f.opt.Plan.Gap {
		return None
	}
	k := f.opt.Plan.Faults[f.nextFault]
	if (k == Repeated || k == CursorExpired) && !hasCursor {
		return None
	}
	f.nextFault++
	f.sinceFault = 0
	f.injected[k]++
	if k == ServerErrors {
		f.burstLeft = 2
	}
	return k
}

// cursor is an opaque page token: where the next page starts and when it
// was issued.
func (f *Fake) cursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("v1|%d|%d", offset, time.Now().UnixNano())))
}

// offset decodes a cursor; ok is false for a cursor that is malformed or
// older than CursorTTL, which the vendor refuses.
func (f *Fake) offset(tok string) (int, bool) {
	if tok == "" {
		return 0, true
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, false
	}
	parts := strings.Split(string(b), "|")
	if len(parts) != 3 || parts[0] != "v1" {
		return 0, false
	}
	off, err1 := strconv.Atoi(parts[1])
	issued, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || off < 0 {
		return 0, false
	}
	if f.opt.CursorTTL > 0 && time.Since(time.Unix(0, issued)) > f.opt.CursorTTL {
		return 0, false
	}
	return off, true
}

// pageOf slices list at the cursor. With the Repeated fault it serves the
// page before the cursor again and points next at the cursor itself, as a
// vendor whose cursor slipped back.
func pageOf[T any](list []T, off, size int, fault Fault) (items []T, nextOff int) {
	if fault == Repeated && off > 0 {
		from := max(off-size, 0)
		return list[from:min(off, len(list))], off
	}
	if off > len(list) {
		off = len(list)
	}
	end := min(off+size, len(list))
	return list[off:end], end
}

// joinRaw renders records as a JSON array.
func joinRaw(recs []Record) []byte {
	var b strings.Builder
	b.WriteByte('[')
	for i, r := range recs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(r.Raw)
	}
	b.WriteByte(']')
	return []byte(b.String())
}

// writeError answers with a vendor error body.
func writeError(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// preamble applies the faults that replace the answer entirely. It returns
// true when it has answered.
func (f *Fake) preamble(w http.ResponseWriter, fault Fault, rateBody any) bool {
	if f.opt.Delay > 0 {
		time.Sleep(f.opt.Delay)
	}
	switch fault {
	case RateLimited:
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, rateBody)
		return true
	case ServerErrors:
		f.mu.Lock()
		n := f.burstLeft
		f.mu.Unlock()
		status := []int{http.StatusBadGateway, http.StatusInternalServerError, http.StatusServiceUnavailable}[n%3]
		if status == http.StatusBadGateway {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(status)
			_, _ = w.Write([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>"))
			return true
		}
		writeError(w, status, map[string]any{"error": map[string]any{"code": status, "message": "The service is temporarily unavailable."}})
		return true
	}
	return false
}

// begin opens a data request: it checks the credential (answering denied
// when it is wrong), decides the fault, and applies the faults that replace
// the answer: a 429 with the vendor's rateBody, a 5xx, and for the vendors
// without rate-limit headers (withHeaders false) an exhausted limit, which
// they can only express as a 429. ok is false when it has answered.
func (f *Fake) begin(w http.ResponseWriter, r *http.Request, cursorParam string, denied, rateBody any, withHeaders bool) (q url.Values, fault Fault, ok bool) {
	if !f.creds.authorized(r) {
		writeError(w, http.StatusUnauthorized, denied)
		return nil, None, false
	}
	q = r.URL.Query()
	fault = f.fault(cursorParam != "" && q.Get(cursorParam) != "")
	if f.preamble(w, fault, rateBody) {
		return nil, fault, false
	}
	if fault == Exhausted && !withHeaders {
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, rateBody)
		return nil, fault, false
	}
	return q, fault, true
}

// writePage sends a 200 page. Truncated sends only the first half, with a
// matching Content-Length, as a proxy that cut the answer would. OnPage
// runs between the two halves.
func (f *Fake) writePage(w http.ResponseWriter, body []byte, fault Fault) {
	if fault == Truncated {
		body = body[:len(body)/2]
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	half := len(body) / 2
	_, _ = w.Write(body[:half])
	if fl, ok := w.(http.Flusher); ok {
		fl.Flush()
	}
	if f.opt.OnPage != nil {
		f.opt.OnPage()
	}
	_, _ = w.Write(body[half:])
}
