package chhttp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/url"

	"github.com/tokentrail/tokentrail/pkg/schema"
)

// ExternalTable is data sent with a query and readable in it as a temporary
// table (ClickHouse's "external data"). Sending a large set this way, as in
// `WHERE id IN ids`, avoids putting it in the statement: the SQL parser of
// older servers takes a quarter of a second for a 10000-value IN list, and
// statements are capped by max_query_size.
type ExternalTable struct {
	Name      string // name the query uses; letters, digits and underscores
	Structure string // columns, such as "id String"
	Rows      []byte // the rows in TabSeparated format, escaped with AppendTSV
}

// QueryExternal runs query with external tables and returns the streaming
// answer, as Query does. The statement travels in the URL, as the HTTP
// interface requires when the body is external data, so it must not hold
// secrets; the tables travel in the body.
func (c *Client) QueryExternal(ctx context.Context, query string, tables ...ExternalTable) (io.ReadCloser, error) {
	params := url.Values{"query": {query}}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, t := range tables {
		if err := schema.CheckIdentifier("external table", t.Name); err != nil {
			return nil, err
		}
		params.Set(t.Name+"_structure", t.Structure)
		params.Set(t.Name+"_format", "TabSeparated")
		part, err := mw.CreateFormFile(t.Name, t.Name+".tsv")
		if err != nil {
			return nil, fmt.Errorf("encode external table %s: %w", t.Name, err)
		}
		if _, err := part.Write(t.Rows); err != nil {
			return nil, fmt.Errorf("encode external table %s: %w", t.Name, err)
		}
	}
	if err := mw.Close(); err != nil {
		return nil, fmt.Errorf("encode external tables: %w", err)
	}
	return c.post(ctx, query, params, mw.FormDataContentType(), &body)
}
