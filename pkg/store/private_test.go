package store

import (
	"context"
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tokentrail/tokentrail/pkg/chlocal"
	"github.com/tokentrail/tokentrail/pkg/engine"
	"github.com/tokentrail/tokentrail/pkg/models"
)

// Failures a shared server must never be put through (a readonly=1 user
// that the shared config may lack, a frozen or killed server) run against a
// ClickHouse of this test's own, on other ports. The scenarios share one
// server and run in order; the kill comes last.
func TestOnAPrivateServer(t *testing.T) {
	s := chlocal.Private(t)
	ctx := context.Background()
	if _, err := s.Exec(ctx, "CREATE DATABASE tt", nil); err != nil {
		t.Fatal(err)
	}
	f, err := s.CreateSlowEvents(ctx, "tt", "saas_audit_events", slowRows/2, slowPerRow)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("readonly=1 user", func(t *testing.T) {
		st := openSlow(t, s, f, func(p *models.PluginSettings) { p.Username = chlocal.StrictReaderUser })
		h, err := st.Health(ctx)
		if err != nil {
			t.Fatalf("health: %v", err)
		}
		if msg := h.Message(f.Database, f.Table); !strings.Contains(msg, "Warning:") || !strings.Contains(msg, "readonly=2") {
			t.Errorf("health does not warn that the server drops or refuses the limit: %s", msg)
		}
		found := 0
		if _, err := st.Sequences(ctx, slowQuery(f, 1, "ro1-answer"), func(engine.Episode) error { found++; return nil }); err != nil || found != 1 {
			t.Fatalf("a readonly=1 user's query: %d episodes, %v", found, err)
		}
		// The cancel still stops the query on the server.
		cctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err = st.Sequences(cctx, slowQuery(f, 1, "ro1-cancel"), func(engine.Episode) error { return nil })
		if !errors.Is(err, ErrTimeout) {
			t.Errorf("error %v, want a timeout", err)
		}
		if gone := goneWithin(t, s, "ro1-cancel", start.Add(300*time.Millisecond), time.Second); gone > time.Second {
			t.Errorf("readonly=1: the query ran on %v after its deadline", gone)
		}
	})
	t.Run("frozen server, pooled connection", func(t *testing.T) {
		st := openSlow(t, s, f, func(p *models.PluginSettings) { p.QueryTimeoutSeconds, p.DialTimeoutSeconds, p.MaxOpenConns = 1, 5, 1 })
		if _, err := st.Health(ctx); err != nil {
			t.Fatal(err)
		}
		took, err := whileFrozen(t, s, func() error {
			_, err := st.Sequences(ctx, slowQuery(f, 1, "frozen-pooled"), func(engine.Episode) error { return nil })
			return err
		})
		if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "queryTimeoutSeconds (1s)") {
			t.Errorf("error %v, want the query timeout", err)
		}
		if took > 1500*time.Millisecond {
			t.Errorf("took %v, want about queryTimeoutSeconds", took)
		}
	})
	t.Run("frozen server, new connection", func(t *testing.T) {
		st := openSlow(t, s, f, func(p *models.PluginSettings) { p.QueryTimeoutSeconds, p.DialTimeoutSeconds = 1, 5 })
		took, err := whileFrozen(t, s, func() error { _, err := st.Health(ctx); return err })
		if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "did not answer the handshake") {
			t.Errorf("error %v, want a connect timeout", err)
		}
		if took > 1500*time.Millisecond {
			t.Errorf("took %v, want about queryTimeoutSeconds, as on a pooled connection", took)
		}
	})
	t.Run("frozen server, dial timeout first", func(t *testing.T) {
		st := openSlow(t, s, f, func(p *models.PluginSettings) { p.QueryTimeoutSeconds, p.DialTimeoutSeconds = 5, 1 })
		took, err := whileFrozen(t, s, func() error { _, err := st.Health(ctx); return err })
		if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "handshake within dialTimeoutSeconds (1s)") {
			t.Errorf("error %v, want the handshake timeout named", err)
		}
		if took > 1500*time.Millisecond {
			t.Errorf("took %v, want about dialTimeoutSeconds", took)
		}
	})
	t.Run("server killed mid-query", func(t *testing.T) {
		st := openSlow(t, s, f, nil)
		if _, err := st.Health(ctx); err != nil {
			t.Fatal(err)
		}
		time.AfterFunc(300*time.Millisecond, func() { _ = s.Signal(syscall.SIGKILL) })
		_, err := st.Sequences(ctx, slowQuery(f, 1, "killed"), func(engine.Episode) error { return nil })
		if !errors.Is(err, ErrConnectionLost) || strings.Contains(err.Error(), "protocol") {
			t.Errorf("error %v, want the server closed the connection during the query", err)
		}
	})
}

// whileFrozen runs fn with the server stopped (SIGSTOP) and thaws it after.
func whileFrozen(t *testing.T, s *chlocal.Server, fn func() error) (time.Duration, error) {
	t.Helper()
	if err := s.Freeze(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err := fn()
	took := time.Since(start)
	thaw(t, s)
	return took, err
}

func thaw(t *testing.T, s *chlocal.Server) {
	t.Helper()
	if err := s.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100 && !s.Ping(context.Background()); i++ {
		time.Sleep(50 * time.Millisecond)
	}
}
