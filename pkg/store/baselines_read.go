package store

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tokentrail/tokentrail/pkg/echo"
	"github.com/tokentrail/tokentrail/pkg/event"
	"github.com/tokentrail/tokentrail/pkg/risk"
)

// The readers below scan the baseline statements' columns in the order
// chsql writes them and file each row under its key in b. The day rows
// come in no order; each key's and actor's days are sorted once read,
// which the history summaries rely on. Networks and the apps paired with
// them arrive as numbers (event.Hash), which need no interning.

// interned keeps one copy of each string that a baseline repeats day after
// day (a key's user agents and configuration actions), so what the baselines
// hold grows with the distinct values, not with the days times the keys.
// Each reader has its own: two readers run at once.
type interned map[string]string

func (in interned) all(s []string) []string {
	for i, v := range s {
		if c, ok := in[v]; ok {
			s[i] = c
		} else {
			in[v] = v
		}
	}
	return s
}

func readKeyDays(rows driverRows, keyWidth int, b *risk.Baselines) error {
	key := make([]string, keyWidth)
	var (
		d                                   risk.KeyDay
		events, sensitive, targets, configs uint64
		hours                               uint32
		networks                            string
		agents, configActions               []string
	)
	dest := make([]any, 0, keyWidth+9)
	for i := range key {
		dest = append(dest, &key[i])
	}
	dest = append(dest, &d.Day, &events, &sensitive, &targets, &configs, &hours, &networks, &agents, &configActions)
	in := interned{}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		nets, err := numberList[uint64](networks, "networks")
		if err != nil {
			return err
		}
		k := risk.KeyOf(key)
		b.Keys[k] = append(b.Keys[k], risk.KeyDay{
			Day: utcDay(d.Day), Events: int(events), Sensitive: int(sensitive), Targets: int(targets), ConfigChanges: int(configs),
			Hours: hours, Networks: nets, UserAgents: in.all(agents), ConfigActions: in.all(configActions),
		})
	}
	for _, days := range b.Keys {
		slices.SortFunc(days, func(a, b risk.KeyDay) int { return a.Day.Compare(b.Day) })
	}
	return nil
}

func readActorDays(rows driverRows, b *risk.Baselines) error {
	var (
		ident                             string
		day                               time.Time
		events, tokenEvents, signins      uint64
		hours                             uint32
		netText, presenceText, signinText string
		appNetText, appText               string
	)
	// hashes parses one list column, keeping the row's first error.
	var listErr error
	hashes := func(text, column string) []uint64 {
		var out []uint64
		if listErr == nil {
			out, listErr = numberList[uint64](text, column)
		}
		return out
	}
	for rows.Next() {
		if err := rows.Scan(&ident, &day, &events, &tokenEvents, &signins, &hours, &netText, &presenceText, &signinText, &appNetText, &appText); err != nil {
			return err
		}
		networks, presence := hashes(netText, "networks"), hashes(presenceText, "presence_networks")
		appNets, apps := hashes(appNetText, "network_app_nets"), hashes(appText, "network_app_apps")
		if listErr != nil {
			return listErr
		}
		signinTimes, err := numberList[uint32](signinText, "signin_times")
		if err != nil {
			return err
		}
		if len(appNets) != len(apps) {
			return fmt.Errorf("internal: actor %s on %s has %d networks for %d apps in its network-app lists", echo.Quote(ident), day.Format(time.DateOnly), len(appNets), len(apps))
		}
		var pairs []risk.NetworkApp
		if len(apps) > 0 {
			pairs = make([]risk.NetworkApp, len(apps))
			for i := range apps {
				pairs[i] = risk.NetworkApp{Network: appNets[i], App: apps[i]}
			}
		}
		b.Actors[ident] = append(b.Actors[ident], risk.ActorDay{
			Day: utcDay(day), Events: int(events), TokenEvents: int(tokenEvents), Signins: int(signins),
			Hours: hours, Networks: networks, PresenceNetworks: presence, SigninTimes: signinTimes, NetworkApps: pairs,
		})
	}
	for _, days := range b.Actors {
		slices.SortStableFunc(days, func(a, b risk.ActorDay) int { return a.Day.Compare(b.Day) })
	}
	return nil
}

func readAppStats(rows driverRows, b *risk.Baselines) error {
	var (
		app         string
		first, last time.Time
		actors      uint64
		peers       []string
	)
	for rows.Next() {
		if err := rows.Scan(&app, &first, &last, &actors, &peers); err != nil {
			return err
		}
		nets := make(map[uint64]int, len(peers))
		for _, p := range peers {
			net, count, ok := strings.Cut(p, "|")
			if n, err := strconv.Atoi(count); ok && err == nil {
				nets[event.Hash(net)] = n
			}
		}
		b.Apps[app] = &risk.AppStats{FirstSeen: first.UTC(), LastSeen: last.UTC(), Actors: int(actors), PeerNetworks: nets}
	}
	return nil
}

func readTokenStats(rows driverRows, b *risk.Baselines) error {
	var (
		token string
		first time.Time
		days  []time.Time
	)
	for rows.Next() {
		if err := rows.Scan(&token, &first, &days); err != nil {
			return err
		}
		ds := make([]time.Time, len(days))
		for i, d := range days {
			ds[i] = utcDay(d)
		}
		b.Tokens[token] = &risk.TokenStats{FirstSeen: first.UTC(), Days: ds}
	}
	return nil
}

// utcDay reads a ClickHouse Date as midnight UTC, whatever zone the driver
// attached to it.
func utcDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// numberList parses a list column (comma-separated decimals; see chsql's
// hashed and numbers) without a string per element. name is the column,
// for the error.
func numberList[T uint32 | uint64](s, name string) ([]T, error) {
	if s == "" {
		return nil, nil
	}
	bits := 64
	if _, ok := any(T(0)).(uint32); ok {
		bits = 32
	}
	out := make([]T, 0, strings.Count(s, ",")+1)
	for rest := s; ; {
		field, tail, more := strings.Cut(rest, ",")
		v, err := strconv.ParseUint(field, 10, bits)
		if err != nil {
			return nil, fmt.Errorf("internal: the baseline column %s holds %s, not a list of numbers: %w", name, echo.Quote(s), err)
		}
		out = append(out, T(v))
		if !more {
			return out, nil
		}
		rest = tail
	}
}
