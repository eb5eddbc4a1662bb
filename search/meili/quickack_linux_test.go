package meili

import (
	"net"
	"testing"
)

// The client's TCP connections are wrapped to ask for quick ACKs, and read
// through the wrapper.
func TestTransportQuickAck(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		if c, err := ln.Accept(); err == nil {
			_, _ = c.Write([]byte("x"))
			c.Close()
		}
	}()
	conn, err := Transport().DialContext(t.Context(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	qc, ok := conn.(*quickAckConn)
	if !ok {
		t.Fatalf("dialled a %T, want *quickAckConn", conn)
	}
	if _, err := qc.Read(make([]byte, 1)); err != nil {
		t.Fatal(err)
	}
}
