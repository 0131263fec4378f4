package store

import (
	"context"
	"crypto/tls"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// The pool is ours, not clickhouse-go's. The driver's own pool bounds the
// wait for a connection by the dial timeout (so a busy pool fails queries
// after dialTimeoutSeconds however long they may wait), and it can hold one
// socket more than its limit while a released connection is being put back.
// Here every one of maxOpenConns slots is a clickhouse-go client limited to
// one connection; a query waits for a free slot as long as its own deadline
// allows, and a slot is handed on only once its socket is settled (idle or
// closed) and, after a cancel, once ClickHouse has dropped the query. So the
// server never sees more of this datasource's queries than maxOpenConns.
type pool struct {
	tokens chan struct{} // one per free slot
	mu     sync.Mutex
	free   []*slot // a stack: the most recently used slot, whose connection is warm, goes first
	slots  []*slot
}

// slot is one connection of the pool and the sockets it dialled.
type slot struct {
	conn  driver.Conn
	socks *sockets
}

func newPool(opts *clickhouse.Options, size int, native bool) (*pool, error) {
	p := &pool{tokens: make(chan struct{}, size)}
	for range size {
		o := *opts
		o.MaxOpenConns, o.MaxIdleConns = 1, 1
		socks := &sockets{live: map[*trackedConn]struct{}{}}
		o.DialContext = socks.dialer(opts.DialTimeout, opts.TLS, native)
		conn, err := clickhouse.Open(&o)
		if err != nil {
			p.close()
			return nil, err
		}
		s := &slot{conn: conn, socks: socks}
		p.slots = append(p.slots, s)
		p.free = append(p.free, s)
		p.tokens <- struct{}{}
	}
	return p, nil
}

// acquire waits for a free slot until ctx ends: the query's own deadline,
// not the dial timeout, bounds the queue.
func (p *pool) acquire(ctx context.Context) (*slot, error) {
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	default:
	}
	select {
	case <-p.tokens:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.free[len(p.free)-1]
	p.free = p.free[:len(p.free)-1]
	return s, nil
}

// release hands the slot on once its socket has settled. clickhouse-go
// returns a connection to its idle list a moment after the rows are closed;
// handing the slot on before that would make the next query dial a second
// socket.
func (p *pool) release(s *slot) {
	deadline := time.Now().Add(2 * time.Second)
	for s.socks.count() > s.conn.Stats().Idle && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	p.mu.Lock()
	p.free = append(p.free, s)
	p.mu.Unlock()
	p.tokens <- struct{}{}
}

func (p *pool) close() error {
	var first error
	for _, s := range p.slots {
		if err := s.conn.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// sockets tracks the live sockets of one slot, so that a cancel can unblock
// a read, a write or a handshake that clickhouse-go would otherwise leave
// waiting for its own timeouts.
type sockets struct {
	mu   sync.Mutex
	live map[*trackedConn]struct{}
}

// dialer dials through ctx (clickhouse-go's default dialer ignores it, so a
// cancel could not stop a connect). TLS is done here for the native
// protocol; the HTTP transport adds its own.
func (s *sockets) dialer(timeout time.Duration, cfg *tls.Config, native bool) func(context.Context, string) (net.Conn, error) {
	return func(ctx context.Context, addr string) (net.Conn, error) {
		nd := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
		var (
			c   net.Conn
			err error
		)
		if cfg != nil && native {
			c, err = (&tls.Dialer{NetDialer: nd, Config: cfg}).DialContext(ctx, "tcp", addr)
		} else {
			c, err = nd.DialContext(ctx, "tcp", addr)
		}
		if err != nil {
			return nil, err
		}
		tc := &trackedConn{Conn: c, owner: s, opened: time.Now()}
		s.mu.Lock()
		s.live[tc] = struct{}{}
		s.mu.Unlock()
		return tc, nil
	}
}

func (s *sockets) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.live)
}

// interrupt makes every blocked read and write of the slot return at once.
func (s *sockets) interrupt() {
	s.each(func(c *trackedConn) { _ = c.SetDeadline(time.Now()) })
}

// boundWrites gives writes a short deadline, so the Cancel packet that
// clickhouse-go sends on a cancel can never block.
func (s *sockets) boundWrites(d time.Duration) {
	s.each(func(c *trackedConn) { _ = c.SetWriteDeadline(time.Now().Add(d)) })
}

// closeAll closes the slot's sockets. After a failed statement
// clickhouse-go has closed its connection, except when the handshake
// failed: then it drops the socket without closing it.
func (s *sockets) closeAll() {
	s.each(func(c *trackedConn) { _ = c.Close() })
}

// silentSince reports whether a socket dialled after t has not received a
// byte yet: the server accepted the connection but never answered it.
func (s *sockets) silentSince(t time.Time) bool {
	silent := false
	s.each(func(c *trackedConn) {
		if !c.opened.Before(t) && c.read.Load() == 0 {
			silent = true
		}
	})
	return silent
}

func (s *sockets) each(fn func(*trackedConn)) {
	s.mu.Lock()
	conns := make([]*trackedConn, 0, len(s.live))
	for c := range s.live {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		fn(c)
	}
}

type trackedConn struct {
	net.Conn
	owner  *sockets
	opened time.Time
	read   atomic.Int64
	once   sync.Once
}

func (c *trackedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.read.Add(int64(n))
	return n, err
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.owner.mu.Lock()
		delete(c.owner.live, c)
		c.owner.mu.Unlock()
	})
	return c.Conn.Close()
}
