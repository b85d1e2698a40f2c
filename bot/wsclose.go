package bot

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"encoding/json"
	"net"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// discordgo v0.29.0 hides the close code of an established gateway connection: its reader
// logs the error, closes and reconnects, and on op 9 it identifies again on the same
// connection after Open has already returned. To stop at a close that no retry can fix
// (gatewayProblem), the bot reads the code itself, from the bytes on the wire: its
// websocket dialer wraps every connection (after TLS, so it sees the frames) in a watcher
// that notes the code of a close frame from Discord. The same watcher times heartbeats
// against their acks: discordgo stamps a heartbeat's send time under a lock of its own, so
// its HeartbeatLatency cannot be read without a data race.

// heartbeats times one shard's heartbeat round trips, as seen on the wire.
type heartbeats struct {
	mu      sync.Mutex
	sentAt  time.Time // the last heartbeat not acknowledged yet
	latency time.Duration
}

func (h *heartbeats) sent(at time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sentAt = at
}

func (h *heartbeats) acked(at time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.sentAt.IsZero() {
		h.latency, h.sentAt = at.Sub(h.sentAt), time.Time{}
	}
}

// last is the round trip of the last acknowledged heartbeat; 0 before the first.
func (h *heartbeats) last() time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.latency
}

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
// wrapped so that a close frame's code is recorded in codes and heartbeats are timed in
// beats. Once the session has a resume
// URL (route), a dial anywhere else is refused at once (see resume.go).
func closeWatchingDialer(codes *closeCodes, beats *heartbeats, route *resumeRoute) *websocket.Dialer {
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
		return newFrameWatcher(c, codes, beats), nil
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
		return newFrameWatcher(secure, codes, beats), nil
	}
	return &d
}

// watchedPayload bounds the frames whose payload the watcher reads: close frames (the code
// is their first two bytes) and short text frames (a heartbeat and its ack are 20 to 40
// bytes). Longer frames are passed over unread.
const watchedPayload = 128

// frameWatcher follows the websocket frames of a gateway connection in both directions, as
// they are read and written, without changing a byte: it records the code of a close frame
// from Discord, and times heartbeats (op 1, sent) against their acks (op 11, received),
// which discordgo keeps under a lock of its own.
type frameWatcher struct {
	net.Conn
	codes   *closeCodes
	beats   *heartbeats
	in, out frameParser
}

func newFrameWatcher(c net.Conn, codes *closeCodes, beats *heartbeats) *frameWatcher {
	w := &frameWatcher{Conn: c, codes: codes, beats: beats}
	w.in.onFrame, w.out.onFrame = w.fromDiscord, w.toDiscord
	return w
}

func (w *frameWatcher) Read(p []byte) (int, error) {
	n, err := w.Conn.Read(p)
	w.in.follow(p[:n])
	return n, err
}

// Write is called by one writer at a time: gorilla serialises the writes of a connection.
func (w *frameWatcher) Write(p []byte) (int, error) {
	n, err := w.Conn.Write(p)
	w.out.follow(p[:n])
	return n, err
}

func (w *frameWatcher) fromDiscord(opcode byte, payload []byte) {
	switch {
	case opcode == websocket.CloseMessage && len(payload) >= 2:
		w.codes.set(int(binary.BigEndian.Uint16(payload)))
	case opcode == websocket.TextMessage && gatewayOp(payload) == opHeartbeatAck:
		w.beats.acked(time.Now())
	}
}

func (w *frameWatcher) toDiscord(opcode byte, payload []byte) {
	if opcode == websocket.TextMessage && gatewayOp(payload) == opHeartbeat {
		w.beats.sent(time.Now())
	}
}

// Gateway opcodes the watcher reads (gateway.mdx, "Gateway Opcodes").
const (
	opHeartbeat    = 1
	opHeartbeatAck = 11
)

// gatewayOp is the op of a gateway payload, or -1 when it is not one (a compressed or
// other frame).
func gatewayOp(payload []byte) int {
	var p struct {
		Op *int `json:"op"`
	}
	if json.Unmarshal(payload, &p) != nil || p.Op == nil {
		return -1
	}
	return *p.Op
}

// frameParser follows the frames of one direction of a websocket connection (RFC 6455
// §5.2: control frames are never fragmented; the bot negotiates no compression extension,
// so a payload is as sent, masked when the client sends it). The HTTP upgrade comes first;
// the frames start after its blank line. onFrame receives the payload of each close frame
// and each text frame of at most watchedPayload bytes, unmasked; the slice is reused.
type frameParser struct {
	onFrame func(opcode byte, payload []byte)

	upgraded bool   // the HTTP request or response is behind us
	pending  []byte // bytes of the HTTP head or of a frame header, not yet whole
	skip     uint64 // payload bytes of the current frame still to pass over
	opcode   byte
	masked   bool
	key      [4]byte
	collect  bool   // the current frame's payload is read (see onFrame)
	payload  []byte // what has been read of it
}

// follow advances the parser over b.
func (p *frameParser) follow(b []byte) {
	if !p.upgraded {
		p.pending = append(p.pending, b...)
		end := indexBlankLine(p.pending)
		if end < 0 {
			return
		}
		p.upgraded = true
		b, p.pending = p.pending[end:], nil
	}
	for len(b) > 0 {
		if p.skip == 0 {
			p.pending = append(p.pending, b...)
			b = p.header()
			continue
		}
		take := min(uint64(len(b)), p.skip)
		if p.collect {
			p.payload = append(p.payload, b[:take]...)
		}
		b, p.skip = b[take:], p.skip-take
		if p.skip == 0 {
			p.finish()
		}
	}
}

// header consumes a whole frame header from pending, if there is one, and returns the bytes
// after it (nil when the header is not whole yet: they stay pending).
func (p *frameParser) header() []byte {
	h := p.pending
	if len(h) < 2 {
		return nil
	}
	opcode, length, size := h[0]&0x0f, uint64(h[1]&0x7f), 2
	switch length {
	case 126:
		size = 4
	case 127:
		size = 10
	}
	masked := h[1]&0x80 != 0
	if masked {
		size += 4
	}
	if len(h) < size {
		return nil
	}
	switch length {
	case 126:
		length = uint64(binary.BigEndian.Uint16(h[2:4]))
	case 127:
		length = binary.BigEndian.Uint64(h[2:10])
	}
	if masked {
		copy(p.key[:], h[size-4:size])
	}
	rest := h[size:]
	p.pending = nil
	p.opcode, p.masked, p.skip = opcode, masked, length
	p.collect = length <= watchedPayload && (opcode == websocket.CloseMessage || opcode == websocket.TextMessage)
	p.payload = p.payload[:0]
	if length == 0 {
		p.finish()
	}
	return rest
}

// finish hands a collected payload, unmasked, to onFrame.
func (p *frameParser) finish() {
	if !p.collect {
		return
	}
	p.collect = false
	if p.masked {
		for i := range p.payload {
			p.payload[i] ^= p.key[i%4]
		}
	}
	p.onFrame(p.opcode, p.payload)
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
