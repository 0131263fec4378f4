package store

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/event"
)

// compactRow is one row of chsql.CompactColumns as a batch holds it until
// it is sorted: the columns the statement returns and nothing else. It is
// 176 bytes against an engine.Row's 368, whose actor, app and user-agent
// strings the compact path never fills, and its time is two numbers
// instead of a time.Time with a location pointer. A batch holds up to
// batchRows of them; at 10M events the wider rows were about 18 MB of the
// live heap, and growing their buffer batch by batch took about 15% of a
// 1M-event ranking's CPU in copying and page faults (a CPU profile).
type compactRow struct {
	keyHash, agentHash                                          uint64
	sec                                                         int64
	nsec                                                        int32
	sensitivity                                                 uint8
	eventID, tenant, source, action, tokenID, srcIP, targetName string
	category                                                    event.Category
	authMethod                                                  event.AuthMethod
}

// compactReader scans compact rows. Every row of a statement carries the
// time in the same location, kept once here. Tenants, sources, actions,
// categories and auth methods repeat across nearly every row, so one copy
// of each is kept instead of one per row.
type compactReader struct {
	r                  compactRow
	at                 time.Time
	category, authMeth string
	loc                *time.Location
	common             map[string]string
	dest               []any
}

func newCompactReader() *compactReader {
	rd := &compactReader{common: map[string]string{}}
	r := &rd.r
	rd.dest = []any{&r.keyHash, &rd.at, &r.eventID, &r.tenant, &r.source, &r.action, &rd.category, &rd.authMeth,
		&r.tokenID, &r.srcIP, &r.agentHash, &r.targetName, &r.sensitivity}
	return rd
}

// intern returns the kept copy of s, bounded: values past the first
// thousand distinct ones are kept as they come.
func (rd *compactReader) intern(s string) string {
	if c, ok := rd.common[s]; ok {
		return c
	}
	if len(rd.common) < 1000 {
		rd.common[s] = s
	}
	return s
}

// read scans one row and returns a copy of it.
func (rd *compactReader) read(scan func(...any) error) (compactRow, error) {
	if err := scan(rd.dest...); err != nil {
		return compactRow{}, err
	}
	r := rd.r
	if rd.loc == nil {
		rd.loc = rd.at.Location()
	}
	r.sec, r.nsec = rd.at.Unix(), int32(rd.at.Nanosecond())
	r.tenant, r.source, r.action = rd.intern(r.tenant), rd.intern(r.source), rd.intern(r.action)
	r.category, r.authMethod = event.Category(rd.intern(rd.category)), event.AuthMethod(rd.intern(rd.authMeth))
	return r, nil
}

// row is r as the engine reads it, its time in loc.
func (r *compactRow) row(loc *time.Location) engine.Row {
	return engine.Row{
		KeyHash: r.keyHash, EventTime: time.Unix(r.sec, int64(r.nsec)).In(loc), EventID: r.eventID,
		Tenant: r.tenant, Source: r.source, Action: r.action, Category: r.category, AuthMethod: r.authMethod,
		TokenID: r.tokenID, SrcIP: r.srcIP, AgentHash: r.agentHash, TargetName: r.targetName, Sensitivity: r.sensitivity,
	}
}

// detectSorted feeds rows to det in the order the engine streams in (key
// hash, event_time, event_id), then closes det. It sorts positions, not
// the rows themselves. loc is the location of the rows' times.
func detectSorted(rows []compactRow, loc *time.Location, det detector) error {
	order := make([]int32, len(rows))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(i, j int32) int {
		a, b := &rows[i], &rows[j]
		return cmp.Or(cmp.Compare(a.keyHash, b.keyHash), cmp.Compare(a.sec, b.sec), cmp.Compare(a.nsec, b.nsec),
			strings.Compare(a.eventID, b.eventID), cmp.Compare(i, j))
	})
	if loc == nil {
		loc = time.UTC
	}
	for _, i := range order {
		if err := det.Add(rows[i].row(loc)); err != nil {
			return err
		}
	}
	return det.Close()
}

// rowReader scans the rows of a sequences statement (chsql.RowColumns)
// into engine rows.
type rowReader struct {
	r                  engine.Row
	category, authMeth string
	dest               []any
}

func newRowReader() *rowReader {
	rd := &rowReader{}
	r := &rd.r
	rd.dest = []any{&r.EventTime, &r.EventID, &r.Tenant, &r.Source, &r.Action, &rd.category, &rd.authMeth,
		&r.ActorID, &r.ActorName, &r.AppID, &r.AppName, &r.TokenID, &r.SrcIP, &r.UserAgent, &r.TargetName, &r.Sensitivity}
	return rd
}

// read scans one row and returns a copy of it.
func (rd *rowReader) read(scan func(...any) error) (engine.Row, error) {
	if err := scan(rd.dest...); err != nil {
		return engine.Row{}, err
	}
	rd.r.Category, rd.r.AuthMethod = event.Category(rd.category), event.AuthMethod(rd.authMeth)
	return rd.r, nil
}
