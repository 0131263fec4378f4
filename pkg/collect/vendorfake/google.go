package vendorfake

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// NewGoogle serves the Admin SDK Reports API's activities.list
// (GET /admin/reports/v1/activity/users/all/applications/{app}) and the
// token endpoint (POST /token) for a service account with domain-wide
// delegation. Record.Group is the application name.
func NewGoogle(recs []Record, opt Options, clientEmail, subject string, key *Key) *Fake {
	f := newFake("google_workspace", recs, opt, &credentials{key: &key.Private.PublicKey, clientID: clientEmail, subject: subject})
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		f.creds.checkJWTGrant(w, r, f.URL()+"/token")
	})
	mux.HandleFunc("GET /admin/reports/v1/activity/users/{user}/applications/{app}", f.googleActivities)
	return f.start(mux)
}

func googleError(status int, reason, msg string) map[string]any {
	return map[string]any{"error": map[string]any{
		"code": status, "message": msg,
		"errors": []map[string]string{{"message": msg, "domain": "global", "reason": reason}},
	}}
}

func (f *Fake) googleActivities(w http.ResponseWriter, r *http.Request) {
	q, fault, ok := f.begin(w, r, "pageToken", googleError(401, "authError", "Request had invalid authentication credentials."),
		googleError(429, "rateLimitExceeded", "Quota exceeded for quota metric 'Queries' of service 'admin.googleapis.com'."), false)
	if !ok {
		return
	}
	bad := func(msg string) { writeError(w, http.StatusBadRequest, googleError(400, "invalid", msg)) }
	now := time.Now()
	start, err := rfc3339(q.Get("startTime"))
	if q.Get("startTime") != "" && err != nil {
		bad("Invalid value for: startTime")
		return
	}
	if start.After(now) {
		bad("Start time must be before the current time.")
		return
	}
	end := now
	if v := q.Get("endTime"); v != "" {
		if end, err = rfc3339(v); err != nil {
			bad("Invalid value for: endTime")
			return
		}
		if end.Before(start) {
			bad("Start time must be less than or equal to the end time.")
			return
		}
	}
	size := 1000
	if v := q.Get("maxResults"); v != "" {
		if size, err = strconv.Atoi(v); err != nil || size < 1 || size > 1000 {
			bad("Invalid value for: maxResults")
			return
		}
	}
	off, ok := f.offset(q.Get("pageToken"))
	if !ok || fault == CursorExpired {
		bad("Invalid value for: pageToken")
		return
	}
	app := r.PathValue("app")
	list := f.visible(func(rec Record) bool {
		return rec.Group == app && !rec.Time.Before(start) && !rec.Time.After(end)
	})
	reverse(list) // newest first
	items, next := pageOf(list, off, size, fault)
	page := map[string]any{"kind": "admin#reports#activities", "etag": "\"fake\""}
	if len(items) > 0 {
		raws := make([]json.RawMessage, len(items))
		for i, it := range items {
			raws[i] = it.Raw
		}
		page["items"] = raws
	}
	if next < len(list) {
		page["nextPageToken"] = f.cursor(next)
	}
	body, _ := json.Marshal(page)
	f.writePage(w, body, fault)
}

// NewSlack serves the Audit Logs API (GET /audit/v1/logs) of an Enterprise
// organization for an owner's user token with auditlogs:read.
func NewSlack(recs []Record, opt Options, token string) *Fake {
	f := newFake("slack", recs, opt, &credentials{static: "Bearer " + token})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /audit/v1/logs", f.slackLogs)
	return f.start(mux)
}

func slackError(code string) map[string]any { return map[string]any{"ok": false, "error": code} }

func (f *Fake) slackLogs(w http.ResponseWriter, r *http.Request) {
	q, fault, ok := f.begin(w, r, "cursor", slackError("invalid_auth"), slackError("ratelimited"), false)
	if !ok {
		return
	}
	unix := func(name string, def time.Time) (time.Time, bool) {
		v := q.Get(name)
		if v == "" {
			return def, true
		}
		n, err := strconv.ParseInt(v, 10, 64)
		return time.Unix(n, 0), err == nil
	}
	oldest, ok1 := unix("oldest", time.Unix(0, 0))
	latest, ok2 := unix("latest", time.Now())
	limit, err := strconv.Atoi(q.Get("limit"))
	if q.Get("limit") == "" {
		limit, err = 100, nil
	}
	if !ok1 || !ok2 || err != nil || limit < 1 || limit > 9999 {
		writeError(w, http.StatusBadRequest, slackError("invalid_arguments"))
		return
	}
	off, ok := f.offset(q.Get("cursor"))
	if !ok || fault == CursorExpired {
		writeError(w, http.StatusBadRequest, slackError("invalid_cursor"))
		return
	}
	// oldest and latest are inclusive and in whole seconds.
	list := f.visible(func(rec Record) bool {
		s := rec.Time.Unix()
		return s >= oldest.Unix() && s <= latest.Unix()
	})
	reverse(list)
	items, next := pageOf(list, off, limit, fault)
	raws := make([]json.RawMessage, len(items))
	for i, it := range items {
		raws[i] = it.Raw
	}
	meta := map[string]string{"next_cursor": ""}
	if next < len(list) {
		meta["next_cursor"] = f.cursor(next)
	}
	body, _ := json.Marshal(map[string]any{"entries": raws, "response_metadata": meta})
	f.writePage(w, body, fault)
}
