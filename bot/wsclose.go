package bot

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"net"
	"sync"

	"github.com/gorilla/websocket"
)

// discordgo v0.29.0 hides the close code of an established gateway connection: its reader
// logs the error, closes and reconnects, and on op 9 it identifies again on the same
// connection after Open has already returned. To stop at a close that no retry can fix
// (gatewayProblem), the bot reads the code itself, from the bytes on the wire: its
// websocket dialer wraps every connection (after TLS, so it sees the frames) in a reader
// that notes the code of a close frame from Discord.

// closeCodes is the last close code Discord sent on a shard's connection; 0 before any.
type closeCodes struct {
	mu   sync.Mutex
	code int
}

func (c *closeCodes) set(code int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.code = code
}

// take returns the last close code and forgets it.
func (c *closeCodes) take() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	code := c.code
	c.code = 0
	return code
}

// closeWatchingDialer is websocket.DefaultDialer with every connection, plain or TLS,
// wrapped so that a close frame's code is recorded in codes. Once the session has a resume
// URL (route), a dial anywhere else is refused at once (see resume.go).
func closeWatchingDialer(codes *closeCodes, route *resumeRoute) *websocket.Dialer {
	d := *websocket.DefaultDialer
	var raw net.Dialer
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		if route.elsewhere(addr) {
			return nil, errToResumeURL
		}
		c, err := raw.DialContext(ctx, network, addr)
		if err != nil && route.resumeURL() != "" {
			route.forget() // unreachable: the next connection goes where GET /gateway says
		}
		return c, err
	}
	d.NetDialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &frameWatcher{Conn: c, codes: codes}, nil
	}
	d.NetDialTLSContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			host = addr
		}
		secure := tls.Client(c, &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12})
		if err := secure.HandshakeContext(ctx); err != nil {
			c.Close()
			return nil, err
		}
		return &frameWatcher{Conn: secure, codes: codes}, nil
	}
	return &d
}

// frameWatcher follows the websocket frames a server sends (RFC 6455 §5.2: unmasked,
// control frames never fragmented nor compressed) as they are read, and records the code
// of a close frame. The HTTP upgrade response comes first; the frames start after its
// blank line.
type frameWatcher struct {
	net.Conn
	codes *closeCodes

	upgraded bool   // the HTTP response is behind us
	pending  []byte // bytes of a frame header, or of the close frame's code, not yet whole
	skip     uint64 // payload bytes of the current frame still to pass over
	closing  bool   // the current frame is a close frame whose code is being read
}

func (w *frameWatcher) Read(p []byte) (int, error) {
	n, err := w.Conn.Read(p)
	w.follow(p[:n])
	return n, err
}

// follow advances the frame parser over b.
func (w *frameWatcher) follow(b []byte) {
	if !w.upgraded {
		w.pending = append(w.pending, b...)
		end := indexBlankLine(w.pending)
		if end < 0 {
			return
		}
		w.upgraded = true
		b, w.pending = w.pending[end:], nil
	}
	for len(b) > 0 {
		switch {
		case w.closing:
			need := 2 - len(w.pending)
			take := min(need, len(b), int(min(w.skip, 2)))
			w.pending = append(w.pending, b[:take]...)
			b, w.skip = b[take:], w.skip-uint64(take)
			if len(w.pending) == 2 {
				w.codes.set(int(binary.BigEndian.Uint16(w.pending)))
				w.closing, w.pending = false, nil
			} else if w.skip == 0 { // a close frame without a code
				w.closing, w.pending = false, nil
			}
		case w.skip > 0:
			take := min(uint64(len(b)), w.skip)
			b, w.skip = b[take:], w.skip-take
		default:
			w.pending = append(w.pending, b...)
			b = nil
			w.readHeaders()
		}
	}
}

// readHeaders consumes whole frame headers from pending, leaving the rest of the bytes
// to follow: it moves what follows a header back into the stream by recursion.
func (w *frameWatcher) readHeaders() {
	h := w.pending
	if len(h) < 2 {
		return
	}
	opcode, length, size := h[0]&0x0f, uint64(h[1]&0x7f), 2
	switch length {
	case 126:
		size = 4
	case 127:
		size = 10
	}
	if h[1]&0x80 != 0 { // masked: never from a server, but the key must be passed over
		size += 4
	}
	if len(h) < size {
		return
	}
	switch length {
	case 126:
		length = uint64(binary.BigEndian.Uint16(h[2:4]))
	case 127:
		length = binary.BigEndian.Uint64(h[2:10])
	}
	rest := h[size:]
	w.pending, w.skip, w.closing = nil, length, opcode == websocket.CloseMessage && length > 0
	w.follow(rest)
}

// indexBlankLine returns the index just after the first "\r\n\r\n" in b, or -1.
func indexBlankLine(b []byte) int {
	for i := 0; i+4 <= len(b); i++ {
		if b[i] == '\r' && b[i+1] == '\n' && b[i+2] == '\r' && b[i+3] == '\n' {
			return i + 4
		}
	}
	return -1
}
