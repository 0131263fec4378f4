package vendorfake

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// NewOkta serves an Okta org's System Log (GET /api/v1/logs) and, when key
// is set, the OAuth token endpoint of a service app (POST
// /oauth2/v1/token); otherwise it accepts "SSWS apiToken".
func NewOkta(recs []Record, opt Options, apiToken, clientID string, key *Key) *Fake {
	creds := &credentials{clientID: clientID}
	if key != nil {
		creds.key = &key.Private.PublicKey
	} else {
		creds.static = "SSWS " + apiToken
	}
	f := newFake("okta", recs, opt, creds)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth2/v1/token", func(w http.ResponseWriter, r *http.Request) {
		f.creds.checkClientAssertion(w, r, f.URL()+"/oauth2/v1/token")
	})
	mux.HandleFunc("GET /api/v1/logs", f.oktaLogs)
	return f.start(mux)
}

func oktaError(code, summary string) map[string]any {
	return map[string]any{"errorCode": code, "errorSummary": summary, "errorLink": code, "errorId": "oae" + code, "errorCauses": []any{}}
}

// oktaLogs lists events by published time. A listing without until is a
// polling listing: the Link header always has a next page, empty once
// caught up.
func (f *Fake) oktaLogs(w http.ResponseWriter, r *http.Request) {
	q, fault, ok := f.begin(w, r, "after", oktaError("E0000011", "Invalid token provided"),
		oktaError("E0000047", "API call exceeded rate limit due to too many requests."), true)
	if !ok {
		return
	}
	since := time.Now().Add(-7 * 24 * time.Hour)
	if v := q.Get("since"); v != "" {
		t, err := rfc3339(v)
		if err != nil {
			writeError(w, http.StatusBadRequest, oktaError("E0000030", "Bad request. Invalid since: "+v))
			return
		}
		since = t
	}
	var until time.Time
	if v := q.Get("until"); v != "" {
		t, err := rfc3339(v)
		if err != nil {
			writeError(w, http.StatusBadRequest, oktaError("E0000030", "Bad request. Invalid until: "+v))
			return
		}
		until = t
	}
	limit, err := strconv.Atoi(q.Get("limit"))
	if q.Get("limit") == "" {
		limit, err = 100, nil
	}
	if err != nil || limit < 1 || limit > 1000 {
		writeError(w, http.StatusBadRequest, oktaError("E0000001", "Api validation failed: limit"))
		return
	}
	off, ok := f.offset(q.Get("after"))
	if !ok || fault == CursorExpired {
		writeError(w, http.StatusBadRequest, oktaError("E0000001", "Api validation failed: after. The cursor is invalid or has expired."))
		return
	}
	list := f.visible(func(rec Record) bool {
		return !rec.Time.Before(since) && (until.IsZero() || rec.Time.Before(until))
	})
	if strings.EqualFold(q.Get("sortOrder"), "DESCENDING") {
		reverse(list)
	}
	items, next := pageOf(list, off, limit, fault)
	h := w.Header()
	reset := time.Now().Add(time.Minute)
	h.Set("X-Rate-Limit-Limit", "120")
	h.Set("X-Rate-Limit-Remaining", "119")
	h.Set("X-Rate-Limit-Reset", strconv.FormatInt(reset.Unix(), 10))
	if fault == Exhausted {
		h.Set("X-Rate-Limit-Remaining", "0")
		h.Set("X-Rate-Limit-Reset", strconv.FormatInt(time.Now().Add(time.Second).Unix(), 10))
	}
	self := f.URL() + r.URL.Path + "?" + q.Encode()
	h.Add("Link", "<"+self+">; rel=\"self\"")
	if until.IsZero() || next < len(list) {
		nq := cloneQuery(q)
		nq.Set("after", f.cursor(next))
		h.Add("Link", "<"+f.URL()+r.URL.Path+"?"+nq.Encode()+">; rel=\"next\"")
	}
	f.writePage(w, joinRaw(items), fault)
}

// NewGitHub serves an organization's (or enterprise's) audit log:
// GET /orgs/{org}/audit-log and /enterprises/{enterprise}/audit-log with
// phrase=created:>=TIME, include, order, per_page and an after cursor.
func NewGitHub(recs []Record, opt Options, token string) *Fake {
	f := newFake("github", recs, opt, &credentials{static: "Bearer " + token})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /orgs/{org}/audit-log", f.githubLog)
	mux.HandleFunc("GET /enterprises/{enterprise}/audit-log", f.githubLog)
	return f.start(mux)
}

func githubError(msg string) map[string]any {
	return map[string]any{"message": msg, "documentation_url": "https://docs.github.com/rest/orgs/orgs#get-the-audit-log-for-an-organization", "status": "error"}
}

func (f *Fake) githubLog(w http.ResponseWriter, r *http.Request) {
	q, fault, ok := f.begin(w, r, "after", githubError("Bad credentials"),
		githubError("You have exceeded a secondary rate limit. Please wait a few minutes before you try again."), true)
	if !ok {
		return
	}
	var since time.Time
	for _, term := range strings.Fields(q.Get("phrase")) {
		if v, ok := strings.CutPrefix(term, "created:>="); ok {
			t, err := rfc3339(v)
			if err != nil {
				writeError(w, http.StatusUnprocessableEntity, githubError("Validation Failed: invalid created qualifier "+v))
				return
			}
			since = t
		}
	}
	perPage := 30
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			writeError(w, http.StatusUnprocessableEntity, githubError("Validation Failed: per_page"))
			return
		}
		perPage = n
	}
	off, ok := f.offset(q.Get("after"))
	if !ok || fault == CursorExpired {
		writeError(w, http.StatusUnprocessableEntity, githubError("Validation Failed: the after cursor is invalid or has expired"))
		return
	}
	list := f.visible(func(rec Record) bool { return !rec.Time.Before(since) })
	if q.Get("order") != "asc" {
		reverse(list)
	}
	items, next := pageOf(list, off, perPage, fault)
	h := w.Header()
	h.Set("X-RateLimit-Limit", "1750")
	h.Set("X-RateLimit-Remaining", "1700")
	h.Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
	h.Set("X-RateLimit-Resource", "audit_log")
	if fault == Exhausted {
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Second).Unix(), 10))
	}
	if next < len(list) {
		nq := cloneQuery(q)
		nq.Set("after", f.cursor(next))
		nq.Del("before")
		h.Add("Link", "<"+f.URL()+r.URL.Path+"?"+nq.Encode()+">; rel=\"next\"")
	}
	f.writePage(w, joinRaw(items), fault)
}

func cloneQuery(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}

func reverse[T any](s []T) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}
