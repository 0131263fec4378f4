package ingest

import (
	"context"
	"fmt"
	"time"

	"github.com/tokentrail/tokentrail/pkg/chhttp"
)

// settleWait bounds how long Write waits for an earlier insert into its
// table to finish, and settlePoll how often it asks.
var (
	settleWait = 2 * time.Minute
	settlePoll = 25 * time.Millisecond
)

// settle waits until no INSERT into the writer's table is running. A
// writer killed while its insert was on the wire leaves the server to
// finish that insert after the process is gone; a restarted writer that
// looked up existing event ids before it lands would insert the same
// events again. Waiting for it makes the lookup see what the dead writer
// committed, so a kill at any moment doubles nothing.
func (w *Writer) settle(ctx context.Context) error {
	q := "SELECT count() FROM system.processes WHERE query LIKE " +
		chhttp.QuoteString(likePrefix(w.insert)+"%") + " FORMAT TSV"
	deadline := time.Now().Add(settleWait)
	for {
		rc, err := w.client.Query(ctx, q)
		if err != nil {
			return fmt.Errorf("look for inserts still running into %s.%s: %w", w.db, w.table, err)
		}
		var n int
		_, err = fmt.Fscan(rc, &n)
		rc.Close()
		if err != nil {
			return fmt.Errorf("look for inserts still running into %s.%s: %w", w.db, w.table, err)
		}
		if n == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("an insert into %s.%s has been running for over %s; wait for it to finish (system.processes) before loading again", w.db, w.table, settleWait)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(settlePoll):
		}
	}
}

// likePrefix escapes LIKE's wildcards in s.
func likePrefix(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' || s[i] == '_' || s[i] == '\\' {
			out = append(out, '\\')
		}
		out = append(out, s[i])
	}
	return string(out)
}
