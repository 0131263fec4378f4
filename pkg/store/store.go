// Package store is the ClickHouse side of the datasource: it opens the
// connection pool from validated settings, runs the statements that chsql
// builds and streams their rows to the engine. It decides nothing about
// detection and builds no frames.
package store

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/tokentrail/tokentrail/pkg/chsql"
	"github.com/tokentrail/tokentrail/pkg/models"
	"github.com/tokentrail/tokentrail/pkg/schema"
)

// Store is one datasource instance's connection pool.
type Store struct {
	pool     *pool
	settings *models.PluginSettings
	// settingsRefused is set once the server refused the per-query
	// SETTINGS clause (a readonly=1 user on a newer server); statements
	// are then sent without it.
	settingsRefused atomic.Bool

	mu    sync.Mutex
	table *TableInfo // cached once the table has been seen
	// dist mirrors table.Distribution for error classification.
	dist atomic.Pointer[Distribution]
	// shared lets rankings that start together with the same detection
	// inputs share one run (shared.go).
	shared sharedRuns
}

// Open creates the pool. It does not dial: clickhouse-go connects lazily, so
// a datasource with a down server still loads and its health check can say
// what is wrong.
func Open(s *models.PluginSettings) (*Store, error) {
	opts, err := Options(s)
	if err != nil {
		return nil, err
	}
	p, err := newPool(opts, s.MaxOpenConns, s.Protocol != models.ProtocolHTTP)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", models.ErrInvalidSettings, err)
	}
	return &Store{pool: p, settings: s}, nil
}

// Options maps the settings onto clickhouse-go's options. Every setting the
// editor offers is honoured here, the pool size included.
func Options(s *models.PluginSettings) (*clickhouse.Options, error) {
	opts := &clickhouse.Options{
		Addr:     []string{s.Host + ":" + strconv.Itoa(s.Port)},
		Protocol: clickhouse.Native,
		Auth: clickhouse.Auth{
			Database: s.Database,
			Username: s.Username,
		},
		DialTimeout:     time.Duration(s.DialTimeoutSeconds) * time.Second,
		ReadTimeout:     time.Duration(s.QueryTimeoutSeconds+5) * time.Second,
		MaxOpenConns:    s.MaxOpenConns,
		MaxIdleConns:    min(s.MaxOpenConns, 5),
		ConnMaxLifetime: time.Hour,
		ClientInfo: clickhouse.ClientInfo{Products: []struct{ Name, Version string }{
			{Name: "tokentrail-grafana-datasource", Version: "0.1"},
		}},
	}
	if s.Protocol == models.ProtocolHTTP {
		opts.Protocol = clickhouse.HTTP
	}
	if s.Secrets != nil {
		opts.Auth.Password = s.Secrets.Password
	}
	if s.Secure {
		cfg, err := tlsConfig(s)
		if err != nil {
			return nil, err
		}
		opts.TLS = cfg
	}
	return opts, nil
}

func tlsConfig(s *models.PluginSettings) (*tls.Config, error) {
	cfg := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         s.Host,
		InsecureSkipVerify: s.TLSSkipVerify, //nolint:gosec // the admin's explicit choice, shown as a warning in the editor
	}
	if s.Secrets == nil {
		return cfg, nil
	}
	if s.Secrets.TLSCACert != "" {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM([]byte(s.Secrets.TLSCACert)) {
			return nil, fmt.Errorf("%w: the TLS CA certificate is not a PEM certificate: paste the CA's PEM block (-----BEGIN CERTIFICATE-----)", models.ErrInvalidSettings)
		}
		cfg.RootCAs = pool
	}
	if s.Secrets.TLSClientCert != "" {
		pair, err := tls.X509KeyPair([]byte(s.Secrets.TLSClientCert), []byte(s.Secrets.TLSClientKey))
		if err != nil {
			// The parser's message names the problem (type, mismatch) without echoing key material.
			return nil, fmt.Errorf("%w: the TLS client certificate and key do not form a valid PEM pair (%v)", models.ErrInvalidSettings, err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}

// Close releases the pool; Grafana calls it through the instance disposer
// when the datasource's settings change or it is deleted.
func (st *Store) Close() error { return st.pool.close() }

// Settings returns the settings the pool was built from.
func (st *Store) Settings() *models.PluginSettings { return st.settings }

// TableInfo is what the plugin needs to know about the configured table
// beyond the required columns.
type TableInfo struct {
	Variant schema.Variant
	// KeyHash, AppHash and Role say the table has the optional
	// accelerator columns (schema.Accelerators).
	KeyHash, AppHash, Role bool
	// ServerMajor is the server's major version (18 for Debian's 18.16),
	// for the few functions whose behaviour changed.
	ServerMajor int
	// Rollup says the table has its baseline rollup (chsql.RollupTable),
	// which `tokentrail schema apply` creates and a materialized view fills.
	Rollup bool
	// Distribution is set when the table is a Distributed table: its
	// cluster, shards and sharding key decide how subqueries read it.
	Distribution *Distribution
}

// Table describes the configured table, asking the server once and
// remembering the answer for the life of the instance (a schema change
// comes with "Save & test", which builds a new instance).
func (st *Store) Table(ctx context.Context) (TableInfo, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.table != nil {
		return *st.table, nil
	}
	cols, err := st.columns(ctx)
	if err != nil {
		return TableInfo{}, err
	}
	if len(cols) == 0 {
		// No columns at all: the table (or database) is missing. Say so,
		// as the health check does.
		if err := st.missingTable(ctx); err != nil {
			return TableInfo{}, err
		}
	}
	if _, ok := cols["event_time"]; !ok {
		return TableInfo{}, fmt.Errorf("%w: table %s.%s has no event_time column: create it with `tokentrail schema apply`", ErrSchema, st.settings.Database, st.settings.Table)
	}
	info := describe(cols)
	var version string
	if err := st.queryRow(ctx, "SELECT version()", &version); err == nil {
		info.ServerMajor, _ = strconv.Atoi(strings.SplitN(version, ".", 2)[0])
	}
	var n uint64
	if err := st.queryRow(ctx, chsql.RollupColumnsSQL(st.settings.Database, st.settings.Table), &n); err != nil {
		return TableInfo{}, err
	}
	info.Rollup = int(n) == len(chsql.RollupColumnNames())
	if err := st.describeCluster(ctx, &info); err != nil {
		return TableInfo{}, err
	}
	st.table = &info
	st.dist.Store(info.Distribution)
	return info, nil
}

// describeCluster fills in the table's Distribution. A Distributed table's
// accelerator columns are used only when its local table has them too (the
// statements read the local table on each shard), as far as this server,
// when it holds a replica, can tell.
func (st *Store) describeCluster(ctx context.Context, info *TableInfo) error {
	d, err := st.describeDistribution(ctx)
	if err != nil || d == nil {
		return err
	}
	info.Distribution = d
	if d.Engine.Database == "" {
		return nil
	}
	local, err := st.columnsOf(ctx, d.Engine.Database, d.Engine.Table)
	if err != nil || len(local) == 0 {
		return err
	}
	l := describe(local)
	info.KeyHash = info.KeyHash && l.KeyHash
	info.AppHash = info.AppHash && l.AppHash
	info.Role = info.Role && l.Role
	return nil
}

func describe(cols map[string]string) TableInfo {
	return TableInfo{
		Variant: schema.ForColumnType(cols["event_time"]),
		KeyHash: cols[schema.KeyHashColumn] == "UInt64",
		AppHash: cols[schema.AppHashColumn] == "UInt64",
		Role:    cols[schema.RoleColumn] == "UInt8",
	}
}

// QueryRowForBench runs one single-row statement with the datasource's
// limits; the benchmark uses it to time ClickHouse on the same pool.
func (st *Store) QueryRowForBench(ctx context.Context, sql string, dest ...any) error {
	_, err := st.run(ctx, statement{sql: sql}, func(scan func(...any) error) error { return scan(dest...) })
	return err
}
