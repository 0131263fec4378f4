package ingest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/chhttp"
	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/ingest"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

const table = "saas_audit_events"

// target is a fresh table on the local server and a Writer for it.
type target struct {
	server *chlocal.Server
	client *chhttp.Client
	db     string
	writer *ingest.Writer
}

func newTarget(t testing.TB) *target {
	t.Helper()
	s := chlocal.ForTest(t)
	ctx := context.Background()
	c := &chhttp.Client{BaseURL: s.HTTPURL()}
	version, err := c.ServerVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db := s.TempDatabase(t)
	ddl, err := schema.CreateTable(schema.ForVersion(version), db, table)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Exec(ctx, ddl, nil); err != nil {
		t.Fatal(err)
	}
	w, err := ingest.NewWriter(ctx, c, db, table)
	if err != nil {
		t.Fatal(err)
	}
	return &target{server: s, client: c, db: db, writer: w}
}

// rows returns the table's rows as JSON objects keyed by event_id, with
// ingest_time left out (it is the load time, not data). String columns are
// read as hex so that any byte is compared exactly.
func (tg *target) rows(t testing.TB) map[string]map[string]any {
	t.Helper()
	var cols []string
	for _, c := range schema.Columns {
		switch c.Name {
		case "ingest_time":
		case "event_time", "sensitivity", "category", "auth_method":
			cols = append(cols, "toString("+c.Name+") AS "+c.Name)
		case "scopes":
			cols = append(cols, "arrayMap(s -> hex(s), scopes) AS scopes")
		default:
			cols = append(cols, "hex("+c.Name+") AS "+c.Name)
		}
	}
	q := fmt.Sprintf("SELECT %s FROM %s.%s ORDER BY event_id FORMAT JSONEachRow", strings.Join(cols, ", "), tg.db, table)
	rc, err := tg.client.Query(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	out := map[string]map[string]any{}
	dec := json.NewDecoder(rc)
	for dec.More() {
		var row map[string]any
		if err := dec.Decode(&row); err != nil {
			t.Fatal(err)
		}
		out[row["event_id"].(string)] = row
	}
	return out
}

func (tg *target) count(t testing.TB, where string) int {
	t.Helper()
	rc, err := tg.client.Query(context.Background(), fmt.Sprintf("SELECT count() AS n FROM %s.%s WHERE %s FORMAT JSONEachRow", tg.db, table, where))
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var row struct {
		N json.Number `json:"n"`
	}
	if err := json.NewDecoder(rc).Decode(&row); err != nil {
		t.Fatal(err)
	}
	n, _ := row.N.Int64()
	return int(n)
}

// oktaRecord builds an Okta System Log event; extra fields override.
func oktaRecord(uuid string, published time.Time, eventType string, extra map[string]any) map[string]any {
	r := map[string]any{
		"uuid":      uuid,
		"published": published.UTC().Format(time.RFC3339Nano),
		"eventType": eventType,
		"actor":     map[string]any{"id": "00u1", "type": "User", "alternateId": "ana@example.com", "displayName": "Ana"},
		"client":    map[string]any{"id": "0oa1", "ipAddress": "203.0.113.10", "userAgent": map[string]any{"rawUserAgent": "curl/8.0"}},
		"outcome":   map[string]any{"result": "SUCCESS"},
	}
	for k, v := range extra {
		r[k] = v
	}
	return r
}

func ndjson(t testing.TB, recs ...any) string {
	t.Helper()
	var b bytes.Buffer
	for _, r := range recs {
		if s, ok := r.(string); ok { // a raw line, possibly malformed
			b.WriteString(s + "\n")
			continue
		}
		j, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.String()
}

var fixedNow = func() time.Time { return time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC) }

func run(t testing.TB, tg *target, source, input string, batch int) (ingest.Stats, error) {
	t.Helper()
	return ingest.Run(context.Background(), strings.NewReader(input), tg.writer, ingest.Options{Source: source, BatchSize: batch, Now: fixedNow})
}
