package chhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/tokentrail/tokentrail/pkg/schema"
)

// ServerVersion returns the server's version string, such as "18.16.1".
func (c *Client) ServerVersion(ctx context.Context) (string, error) {
	var row struct {
		Version string `json:"version"`
	}
	found, err := c.queryOne(ctx, "SELECT version() AS version FORMAT JSONEachRow", &row)
	if err != nil {
		return "", fmt.Errorf("read the server version: %w", err)
	}
	if !found || row.Version == "" {
		return "", errors.New("read the server version: the server returned no version")
	}
	return row.Version, nil
}

// EventTimeVariant tells which DDL variant db.table was created with, from
// the type of its event_time column. Writers need it because the legacy
// variant stores seconds and the modern one milliseconds, and each parses
// only its own time layout.
func (c *Client) EventTimeVariant(ctx context.Context, db, table string) (schema.Variant, error) {
	if err := schema.CheckIdentifier("database", db); err != nil {
		return 0, err
	}
	if err := schema.CheckIdentifier("table", table); err != nil {
		return 0, err
	}
	q := "SELECT type FROM system.columns WHERE database = " + QuoteString(db) +
		" AND table = " + QuoteString(table) + " AND name = 'event_time' FORMAT JSONEachRow"
	var row struct {
		Type string `json:"type"`
	}
	found, err := c.queryOne(ctx, q, &row)
	if err != nil {
		return 0, fmt.Errorf("read the type of %s.%s.event_time: %w", db, table, err)
	}
	if !found {
		return 0, fmt.Errorf("table %s.%s does not exist or has no event_time column: create it with TokenTrail's DDL (pkg/schema) or check the database and table names", db, table)
	}
	return schema.ForColumnType(row.Type), nil
}

// maxSmallAnswer caps the answers queryOne reads; its queries return one row.
const maxSmallAnswer = 1 << 20

// queryOne decodes the first JSONEachRow row into v. The whole (small) answer
// is read and checked, because a server that fails after sending rows appends
// its error text with status 200; that text is returned as an *Error.
func (c *Client) queryOne(ctx context.Context, query string, v any) (bool, error) {
	rc, err := c.Query(ctx, query)
	if err != nil {
		return false, err
	}
	defer rc.Close()
	body, err := io.ReadAll(io.LimitReader(rc, maxSmallAnswer))
	if err != nil {
		return false, c.wrap(fmt.Errorf("read the answer to %s: %w", summarize(query), err))
	}
	found := false
	for _, line := range bytes.Split(body, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if bytes.HasPrefix(line, []byte("Code: ")) {
			return false, c.serverError(http.StatusOK, string(line))
		}
		if found {
			continue
		}
		if err := json.Unmarshal(line, v); err != nil {
			return false, fmt.Errorf("the answer to %s is not JSONEachRow: %w", summarize(query), err)
		}
		found = true
	}
	return found, nil
}

// QueryRows runs a query whose statement ends with FORMAT JSONEachRow and
// decodes each row of its (small) answer into a new value for fn. Like
// queryOne it reads the whole answer and reports an error the server
// appended after rows.
func QueryRows[T any](ctx context.Context, c *Client, query string, fn func(T) error) error {
	rc, err := c.Query(ctx, query)
	if err != nil {
		return err
	}
	defer rc.Close()
	body, err := io.ReadAll(io.LimitReader(rc, maxSmallAnswer))
	if err != nil {
		return c.wrap(fmt.Errorf("read the answer to %s: %w", summarize(query), err))
	}
	for _, line := range bytes.Split(body, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if bytes.HasPrefix(line, []byte("Code: ")) {
			return c.serverError(http.StatusOK, string(line))
		}
		var row T
		if err := json.Unmarshal(line, &row); err != nil {
			return fmt.Errorf("the answer to %s is not JSONEachRow: %w", summarize(query), err)
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	return nil
}
