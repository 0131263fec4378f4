package vendorfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// m365BlobSpan groups a content type's records into content blobs by
// creation time; each blob becomes available m365BlobDelay after its span.
const (
	m365BlobSpan  = 5 * time.Minute
	m365BlobDelay = time.Minute
	m365PageBlobs = 20 // blobs per listing page
)

type m365Blob struct {
	id, contentType string
	created         time.Time
	late            bool
	records         []Record
}

// NewM365 serves the Office 365 Management Activity API of one tenant
// (subscriptions/list, subscriptions/start, subscriptions/content and the
// content blobs under /api/v1.0/{tenant}/activity/feed/) and the identity
// platform's client-credentials token endpoint
// (POST /{tenant}/oauth2/v2.0/token). Record.Group is the content type.
func NewM365(recs []Record, opt Options, tenant, clientID, secret string) *Fake {
	f := newFake("m365", recs, opt, &credentials{clientID: clientID, secret: secret})
	byKey := map[string]*m365Blob{}
	var blobs []*m365Blob
	for _, r := range f.records {
		bucket := r.Time.Truncate(m365BlobSpan)
		key := fmt.Sprintf("%s|%d|%v", r.Group, bucket.Unix(), r.Late)
		b := byKey[key]
		if b == nil {
			created := bucket.Add(m365BlobSpan + m365BlobDelay)
			b = &m365Blob{id: fmt.Sprintf("%s.%d.%d", strings.ReplaceAll(r.Group, ".", ""), bucket.Unix(), len(blobs)), contentType: r.Group, created: created, late: r.Late}
			byKey[key] = b
			blobs = append(blobs, b)
		}
		b.records = append(b.records, r)
	}
	slices.SortStableFunc(blobs, func(a, b *m365Blob) int { return a.created.Compare(b.created) })
	f.extra["blobs"] = blobs
	f.extra["subs"] = map[string]bool{}
	feed := "/api/v1.0/" + tenant + "/activity/feed"
	mux := http.NewServeMux()
	mux.HandleFunc("POST /"+tenant+"/oauth2/v2.0/token", f.creds.checkClientSecret)
	mux.HandleFunc("GET "+feed+"/subscriptions/list", f.m365List)
	mux.HandleFunc("POST "+feed+"/subscriptions/start", f.m365Start)
	mux.HandleFunc("GET "+feed+"/subscriptions/content", f.m365Content)
	mux.HandleFunc("GET "+feed+"/audit/{id}", f.m365Blob)
	return f.start(mux)
}

func m365Error(code, msg string) map[string]any {
	return map[string]any{"error": map[string]string{"code": code, "message": msg}}
}

// blobCreated is when a blob is listed: late blobs appear LateAfter into
// the fake's life.
func (f *Fake) blobCreated(b *m365Blob) time.Time {
	if b.late {
		return f.started.Add(f.opt.LateAfter)
	}
	return b.created
}

var m365Denied = m365Error("AF10001", "The permission set () sent in the request does not include the expected permission.")

func (f *Fake) m365Auth(w http.ResponseWriter, r *http.Request) bool {
	if !f.creds.authorized(r) {
		writeError(w, http.StatusUnauthorized, m365Denied)
		return false
	}
	return true
}

func (f *Fake) m365List(w http.ResponseWriter, r *http.Request) {
	if !f.m365Auth(w, r) {
		return
	}
	f.mu.Lock()
	var out []map[string]any
	for ct := range f.extra["subs"].(map[string]bool) {
		out = append(out, map[string]any{"contentType": ct, "status": "enabled", "webhook": nil})
	}
	f.mu.Unlock()
	if out == nil {
		out = []map[string]any{}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

func (f *Fake) m365Start(w http.ResponseWriter, r *http.Request) {
	if !f.m365Auth(w, r) {
		return
	}
	ct := r.URL.Query().Get("contentType")
	if !validContentType(ct) {
		writeError(w, http.StatusBadRequest, m365Error("AF20010", "The content type specified is not valid."))
		return
	}
	f.mu.Lock()
	subs := f.extra["subs"].(map[string]bool)
	already := subs[ct]
	subs[ct] = true
	f.mu.Unlock()
	if already {
		writeError(w, http.StatusBadRequest, m365Error("AF20024", "The subscription is already enabled. No property change."))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"contentType": ct, "status": "enabled", "webhook": nil})
}

func validContentType(ct string) bool {
	switch ct {
	case "Audit.AzureActiveDirectory", "Audit.Exchange", "Audit.SharePoint", "Audit.General", "DLP.All":
		return true
	}
	return false
}

func parseM365Time(v string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05.999999999Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("bad time %q", v)
}

func (f *Fake) m365Content(w http.ResponseWriter, r *http.Request) {
	q, fault, ok := f.begin(w, r, "nextPage", m365Denied, m365Error("AF429", "Too many requests. Method=ListContent"), false)
	if !ok {
		return
	}
	ct := q.Get("contentType")
	f.mu.Lock()
	subscribed := f.extra["subs"].(map[string]bool)[ct]
	f.mu.Unlock()
	if !subscribed {
		writeError(w, http.StatusBadRequest, m365Error("AF20022", "No subscription found for the specified content type"))
		return
	}
	now := time.Now().UTC()
	start, err1 := parseM365Time(q.Get("startTime"))
	end, err2 := parseM365Time(q.Get("endTime"))
	if err1 != nil || err2 != nil || !end.After(start) || end.Sub(start) > 24*time.Hour || start.Before(now.Add(-7*24*time.Hour)) {
		writeError(w, http.StatusBadRequest, m365Error("AF20055", "Start time and end time must both be specified (or both omitted) and must be less than or equal to 24 hours apart, with the start time no more than 7 days in the past."))
		return
	}
	off, ok := f.offset(q.Get("nextPage"))
	if !ok || fault == CursorExpired {
		writeError(w, http.StatusBadRequest, m365Error("AF20030", "The nextPage token is invalid or has expired."))
		return
	}
	var list []*m365Blob
	for _, b := range f.extra["blobs"].([]*m365Blob) {
		c := f.blobCreated(b)
		if b.contentType == ct && !c.Before(start) && c.Before(end) && !c.After(now) {
			list = append(list, b)
		}
	}
	items, next := pageOf(list, off, m365PageBlobs, fault)
	out := make([]map[string]string, len(items))
	for i, b := range items {
		out[i] = map[string]string{
			"contentType": b.contentType, "contentId": b.id,
			"contentUri":        f.URL() + strings.TrimSuffix(r.URL.Path, "/subscriptions/content") + "/audit/" + b.id,
			"contentCreated":    f.blobCreated(b).Format("2006-01-02T15:04:05.000Z"),
			"contentExpiration": f.blobCreated(b).Add(7 * 24 * time.Hour).Format("2006-01-02T15:04:05.000Z"),
		}
	}
	if next < len(list) {
		nq := cloneQuery(q)
		nq.Set("nextPage", f.cursor(next))
		w.Header().Set("NextPageUri", f.URL()+r.URL.Path+"?"+nq.Encode())
	}
	body, _ := json.Marshal(out)
	f.writePage(w, body, fault)
}

func (f *Fake) m365Blob(w http.ResponseWriter, r *http.Request) {
	_, fault, ok := f.begin(w, r, "", m365Denied, m365Error("AF429", "Too many requests. Method=GetBlob"), false)
	if !ok {
		return
	}
	for _, b := range f.extra["blobs"].([]*m365Blob) {
		if b.id == r.PathValue("id") && !f.blobCreated(b).After(time.Now()) {
			f.writePage(w, joinRaw(b.records), fault)
			return
		}
	}
	writeError(w, http.StatusNotFound, m365Error("AF20051", "Content requested with the key "+r.PathValue("id")+" has already expired or does not exist."))
}

// Newest is the latest time a complete listing must reach: the newest
// record's time, or for Microsoft 365 the newest blob's publication.
func (f *Fake) Newest() time.Time {
	var t time.Time
	if blobs, ok := f.extra["blobs"].([]*m365Blob); ok {
		for _, b := range blobs {
			if c := f.blobCreated(b); c.After(t) && !c.After(time.Now()) {
				t = c
			}
		}
		return t
	}
	for _, r := range f.visible(func(Record) bool { return true }) {
		if r.Time.After(t) {
			t = r.Time
		}
	}
	return t
}
