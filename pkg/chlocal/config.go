package chlocal

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Development credentials. They protect nothing but a loopback server inside
// the build folder; they exist so that the wrong-password path and a
// read-only datasource user can be tested against a real server.
const (
	// ReaderUser is the read-only user the demo and tests point the datasource at.
	ReaderUser = "grafana"
	// ReaderPassword is ReaderUser's password on the local development server only.
	ReaderPassword = "tokentrail-dev"
	// StrictReaderUser is a readonly=1 user (same password): ClickHouse
	// refuses or drops every per-query setting for it.
	StrictReaderUser = "grafana_ro1"
)

// interPort is the replication (interserver HTTP) port: InterPort, or the
// port after HTTPPort for servers that need none of their own.
func (s *Server) interPort() int {
	if s.InterPort != 0 {
		return s.InterPort
	}
	return s.HTTPPort + 1
}

// writeConfig writes a minimal server config and users file. We write our own
// rather than patching the package's config.xml: the result is short enough
// to read, and it is the same on 18.16 and on current releases (which still
// accept the <yandex> root element).
func (s *Server) writeConfig() error {
	for _, d := range []string{"data", "tmp", "log", "user_files", "format_schemas"} {
		if err := os.MkdirAll(filepath.Join(s.Dir, d), 0o755); err != nil {
			return fmt.Errorf("create ClickHouse folder: %w", err)
		}
	}
	listen := "<listen_host>127.0.0.1</listen_host>"
	config := strings.NewReplacer(
		"{DIR}", s.Dir,
		"{HTTP}", fmt.Sprint(s.HTTPPort),
		"{TCP}", fmt.Sprint(s.TCPPort),
		"{INTER}", fmt.Sprint(s.interPort()),
		"{LISTEN}", listen,
		"{EXTRA}", s.Extra,
	).Replace(configXML)
	sum := sha256.Sum256([]byte(ReaderPassword))
	users := strings.NewReplacer(
		"{READER}", ReaderUser,
		"{STRICT}", StrictReaderUser,
		"{READER_SHA}", hex.EncodeToString(sum[:]),
	).Replace(usersXML)
	if err := os.WriteFile(filepath.Join(s.Dir, "config.xml"), []byte(config), 0o644); err != nil {
		return fmt.Errorf("write ClickHouse config: %w", err)
	}
	if err := os.WriteFile(filepath.Join(s.Dir, "users.xml"), []byte(users), 0o644); err != nil {
		return fmt.Errorf("write ClickHouse users: %w", err)
	}
	return nil
}

const configXML = `<?xml version="1.0"?>
<!-- Written by TokenTrail's chlocal: a loopback-only development server. -->
<yandex>
    <logger>
        <level>warning</level>
        <log>{DIR}/log/clickhouse-server.log</log>
        <errorlog>{DIR}/log/clickhouse-server.err.log</errorlog>
        <size>50M</size>
        <count>2</count>
    </logger>
    <http_port>{HTTP}</http_port>
    <tcp_port>{TCP}</tcp_port>
    <interserver_http_port>{INTER}</interserver_http_port>
    {LISTEN}
    <max_connections>256</max_connections>
    <keep_alive_timeout>3</keep_alive_timeout>
    <max_concurrent_queries>64</max_concurrent_queries>
    <uncompressed_cache_size>1073741824</uncompressed_cache_size>
    <mark_cache_size>1073741824</mark_cache_size>
    <path>{DIR}/data/</path>
    <tmp_path>{DIR}/tmp/</tmp_path>
    <user_files_path>{DIR}/user_files/</user_files_path>
    <format_schema_path>{DIR}/format_schemas/</format_schema_path>
    <users_config>users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <mlock_executable>false</mlock_executable>
    <max_session_timeout>3600</max_session_timeout>
    <default_session_timeout>60</default_session_timeout>
{EXTRA}
</yandex>
`

const usersXML = `<?xml version="1.0"?>
<yandex>
    <profiles>
        <default>
            <max_memory_usage>8000000000</max_memory_usage>
            <load_balancing>random</load_balancing>
        </default>
        <strict_reader>
            <!-- readonly=1: reads only, and no per-query settings. -->
            <readonly>1</readonly>
        </strict_reader>
        <reader>
            <!-- readonly=2: no writes or DDL, but per-query settings such as max_execution_time are allowed. -->
            <readonly>2</readonly>
            <max_memory_usage>4000000000</max_memory_usage>
        </reader>
    </profiles>
    <users>
        <default>
            <password></password>
            <networks><ip>::1</ip><ip>127.0.0.1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
        <{READER}>
            <password_sha256_hex>{READER_SHA}</password_sha256_hex>
            <networks><ip>::1</ip><ip>127.0.0.1</ip></networks>
            <profile>reader</profile>
            <quota>default</quota>
        </{READER}>
        <{STRICT}>
            <password_sha256_hex>{READER_SHA}</password_sha256_hex>
            <networks><ip>::1</ip><ip>127.0.0.1</ip></networks>
            <profile>strict_reader</profile>
            <quota>default</quota>
        </{STRICT}>
    </users>
    <quotas>
        <default>
            <interval>
                <duration>3600</duration>
                <queries>0</queries>
                <errors>0</errors>
                <result_rows>0</result_rows>
                <read_rows>0</read_rows>
                <execution_time>0</execution_time>
            </interval>
        </default>
    </quotas>
</yandex>
`
