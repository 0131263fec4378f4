package store

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/tokentrail/tokentrail/pkg/echo"
	"github.com/tokentrail/tokentrail/pkg/models"
)

// Error kinds. Each health-check failure wraps exactly one, so the plugin
// and tests can tell them apart while the text stays for humans.
var (
	ErrUnreachable = errors.New("ClickHouse is unreachable")
	ErrAuth        = errors.New("ClickHouse rejected the credentials")
	ErrTLS         = errors.New("TLS handshake with ClickHouse failed")
	ErrTimeout     = errors.New("ClickHouse timed out")
	ErrNoDatabase  = errors.New("database does not exist")
	ErrNoTable     = errors.New("table does not exist")
	ErrSchema      = errors.New("table does not match the TokenTrail schema")
	ErrProtocol    = errors.New("ClickHouse did not speak the configured protocol")
	ErrCanceled    = errors.New("query was canceled")
	ErrServer      = errors.New("ClickHouse returned an error")
	// Failures that only queries meet.
	ErrBusy           = errors.New("ClickHouse is busy")
	ErrConnectionLost = errors.New("the server closed the connection during the query")
	ErrQueryTooLarge  = errors.New("the query is too large for ClickHouse")
)

// ClickHouse server error codes we translate.
const (
	codeSyntax           = 62
	codeReadonly         = 164
	codeTooManyQueries   = 202
	codeUnknownTable     = 60
	codeUnknownDatabase  = 81
	codeTimeoutExceeded  = 159
	codeUnknownUser      = 192
	codeWrongPassword    = 193
	codeRequiredPassword = 194
	codeQueryCanceled    = 394
	codeAuthFailed       = 516
)

// Classify turns a driver or network error into one of the kinds above with
// a message that says what to check. It never includes the password: the
// driver's errors do not carry it, and we add only host, port and user.
func Classify(err error, s *models.PluginSettings) error {
	if err == nil {
		return nil
	}
	addr := fmt.Sprintf("%s:%d", s.Host, s.Port)
	var ex *clickhouse.Exception
	if errors.As(err, &ex) {
		switch ex.Code {
		case codeAuthFailed, codeUnknownUser, codeWrongPassword, codeRequiredPassword:
			return fmt.Errorf("%w for user %s at %s: check the username and password in the datasource settings", ErrAuth, echo.Quote(userName(s)), addr)
		case codeUnknownDatabase:
			return fmt.Errorf("%w: %q on %s; create it or correct the database setting", ErrNoDatabase, s.Database, addr)
		case codeUnknownTable:
			return fmt.Errorf("%w: %s.%s on %s; create it with `tokentrail schema apply` or correct the table setting", ErrNoTable, s.Database, s.Table, addr)
		case codeTimeoutExceeded:
			return fmt.Errorf("%w: the query ran longer than queryTimeoutSeconds (%ds); narrow the time range or add filters", ErrTimeout, s.QueryTimeoutSeconds)
		case codeQueryCanceled:
			return fmt.Errorf("%w", ErrCanceled)
		}
		return fmt.Errorf("%w: code %d: %s", ErrServer, ex.Code, firstLine(ex.Message))
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "client_protocol_version"):
		return fmt.Errorf("%w: %s is older than the ClickHouse Go driver's HTTP protocol supports (it rejects client_protocol_version); set protocol to native (port 9000, 9440 with TLS)", ErrProtocol, addr)
	case strings.Contains(msg, "is for clickhouse-client program"):
		return fmt.Errorf("%w: port %d of %s speaks ClickHouse's native protocol, not HTTP; set protocol to native or use the HTTP port (8123, 8443 with TLS)", ErrProtocol, s.Port, s.Host)
	}
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("%w", ErrCanceled)
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) || isNetTimeout(err) {
		return fmt.Errorf("%w talking to %s: check the host, port and firewall and that the port serves the %s protocol (native 9000/9440, http 8123/8443), or raise dialTimeoutSeconds (%ds) / queryTimeoutSeconds (%ds)",
			ErrTimeout, addr, s.Protocol, s.DialTimeoutSeconds, s.QueryTimeoutSeconds)
	}
	if isTLS(err) {
		hint := "check that the port serves TLS (9440 native, 8443 http), the CA certificate, and the server name"
		if !s.Secure {
			hint = "the server expects TLS: turn on secure (TLS)"
		}
		return fmt.Errorf("%w with %s (%s): %s", ErrTLS, addr, firstLine(err.Error()), hint)
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return fmt.Errorf("%w: host %s cannot be resolved; check the host setting", ErrUnreachable, echo.Quote(s.Host))
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("%w at %s: connection refused; check the host and port and that the server is running", ErrUnreachable, addr)
	}
	if errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH) {
		return fmt.Errorf("%w at %s: no route to host; check the host and the network", ErrUnreachable, addr)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || strings.Contains(err.Error(), "unexpected packet") {
		return fmt.Errorf("%w at %s (%s): check that the port matches the protocol (%s; native 9000/9440, http 8123/8443) and the secure setting",
			ErrProtocol, addr, firstLine(err.Error()), s.Protocol)
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return fmt.Errorf("%w at %s: %s", ErrUnreachable, addr, firstLine(op.Err.Error()))
	}
	return fmt.Errorf("%w: %s", ErrServer, firstLine(err.Error()))
}

// IsUserError reports whether the fix lies with the Grafana user or admin
// (settings, query, the ClickHouse they pointed us at) rather than the plugin.
func IsUserError(err error) bool {
	for _, k := range []error{ErrUnreachable, ErrAuth, ErrTLS, ErrTimeout, ErrNoDatabase, ErrNoTable, ErrSchema, ErrProtocol, ErrCanceled, ErrServer,
		ErrBusy, ErrConnectionLost, ErrQueryTooLarge, ErrShardUnavailable, models.ErrInvalidSettings, models.ErrInvalidQuery} {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}

func isNetTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func isTLS(err error) bool {
	var rec tls.RecordHeaderError
	var unk x509.UnknownAuthorityError
	var host x509.HostnameError
	var inv x509.CertificateInvalidError
	var ver *tls.CertificateVerificationError
	if errors.As(err, &rec) || errors.As(err, &unk) || errors.As(err, &host) || errors.As(err, &inv) || errors.As(err, &ver) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "tls:") || strings.Contains(msg, "x509:")
}

func userName(s *models.PluginSettings) string {
	if s.Username == "" {
		return "default"
	}
	return s.Username
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
