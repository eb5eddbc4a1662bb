package meili

import (
	"context"
	"net"
	"syscall"
)

// quickAckConn asks the kernel to acknowledge at once whatever arrives next,
// before each read. Meilisearch writes a response's head and body
// separately with Nagle's algorithm on, so the body waits for the head's
// ACK, which Linux delays by 40 ms on a connection it deems interactive: on
// a kept-alive connection every search cost 44 ms instead of 2 (measured
// against Meilisearch 1.21 on loopback). Closing connections instead would
// leave a TIME_WAIT socket per search and run out of ports under load.
type quickAckConn struct {
	*net.TCPConn
	raw syscall.RawConn
}

func (c *quickAckConn) Read(p []byte) (int, error) {
	_ = c.raw.Control(func(fd uintptr) {
		_ = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 1)
	})
	return c.TCPConn.Read(p)
}

// dialQuickAck dials like d, wrapping TCP connections in quickAckConn.
func dialQuickAck(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		tc, ok := conn.(*net.TCPConn)
		if !ok {
			return conn, nil
		}
		raw, err := tc.SyscallConn()
		if err != nil {
			return conn, nil
		}
		return &quickAckConn{TCPConn: tc, raw: raw}, nil
	}
}
