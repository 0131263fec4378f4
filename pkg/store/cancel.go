package store

import (
	"context"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/tokentrail/tokentrail/pkg/chsql"
)

// stopBudget bounds the follow-up after a cancel. A server that does not
// answer within it is down or frozen; its queries die with it.
const stopBudget = 3 * time.Second

// registerGrace is how long the follow-up waits for a cancelled query that
// it has not seen in system.processes yet.
const registerGrace = 500 * time.Millisecond

// stopOnServer makes sure a cancelled query has left the server. The Cancel
// packet normally stops it within a few hundred milliseconds, but a packet
// can be lost with its socket, and ClickHouse only looks for it between
// blocks; so, on the same slot, the plugin asks system.processes for the
// query id and sends KILL QUERY until the query is gone. The slot stays
// taken meanwhile: a query being killed still counts against maxOpenConns.
func (st *Store) stopOnServer(sl *slot, queryID string) {
	deadline := time.Now().Add(min(stopBudget, time.Duration(st.settings.DialTimeoutSeconds)*time.Second))
	killed, start, seen := time.Time{}, time.Now(), false
	for time.Now().Before(deadline) {
		var running uint64
		err := control(sl, deadline, chsql.RunningSQL(queryID), func(scan func(...any) error) error {
			return scan(&running)
		})
		if err != nil {
			log.DefaultLogger.Warn("could not confirm that ClickHouse stopped a cancelled query", "queryId", queryID, "error", clip(err.Error()))
			sl.socks.closeAll()
			return
		}
		if running > 0 {
			seen = true
		} else if seen || time.Since(start) > registerGrace {
			// Gone, or never there after the grace: a query whose packet
			// was in flight at the cancel can appear a moment later, and
			// handing the slot on before it has would let the server run
			// one query more than maxOpenConns.
			return
		} else {
			time.Sleep(25 * time.Millisecond)
			continue
		}
		if time.Since(killed) > 300*time.Millisecond {
			if err := control(sl, deadline, chsql.KillQuerySQL(queryID), nil); err != nil {
				log.DefaultLogger.Warn("KILL QUERY failed", "queryId", queryID, "error", clip(err.Error()))
			}
			killed = time.Now()
		}
		time.Sleep(25 * time.Millisecond)
	}
	log.DefaultLogger.Warn("ClickHouse still ran a cancelled query when the follow-up gave up", "queryId", queryID)
	sl.socks.closeAll()
}

// control runs a short statement of the plugin's own (no settings, no
// follow-up) on a slot, bounded by deadline.
func control(sl *slot, deadline time.Time, sql string, row rowFunc) error {
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	a := attempt{slot: sl, sql: sql, id: newQueryID()}
	return a.do(context.Background(), ctx, row)
}
