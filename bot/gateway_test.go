package bot

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func TestGatewayProblemNamesWhatNoRetryFixes(t *testing.T) {
	tests := []struct {
		err  error
		want string // "" when a retry may help
	}{
		{&websocket.CloseError{Code: 4004, Text: "Authentication failed."}, "set STRETCHBOT_DISCORD_TOKEN"},
		{fmt.Errorf("open: %w", &websocket.CloseError{Code: 4011}), "set discord.shard_count to 0"},
		{&websocket.CloseError{Code: 4010}, "discord.shard_ids must lie below discord.shard_count"},
		{&websocket.CloseError{Code: 4012}, "update it"},
		{&websocket.CloseError{Code: 4013}, "update it"},
		{&websocket.CloseError{Code: 4014}, "update it"},
		{&websocket.CloseError{Code: 4000, Text: "Unknown error."}, ""},
		{&websocket.CloseError{Code: 4009, Text: "Session timed out."}, ""},
		{&websocket.CloseError{Code: websocket.CloseAbnormalClosure}, ""},
		{errors.New("dial tcp: connection refused"), ""},
	}
	for _, tt := range tests {
		problem, fatal := gatewayProblem(tt.err)
		switch {
		case tt.want == "" && fatal:
			t.Errorf("%v: taken as fatal (%v); a retry may help", tt.err, problem)
		case tt.want != "" && (!fatal || !strings.Contains(problem.Error(), tt.want)):
			t.Errorf("%v: %v, %v; want a sentence with %q", tt.err, problem, fatal, tt.want)
		}
	}
}

func TestJitteredStaysWithinItsBand(t *testing.T) {
	seen := map[bool]bool{}
	for range 1000 {
		d := jittered(time.Second)
		if d < 750*time.Millisecond || d > 1250*time.Millisecond {
			t.Fatalf("jittered(1s) = %v, outside ±25%%", d)
		}
		seen[d > time.Second] = true
	}
	if !seen[true] || !seen[false] {
		t.Error("the jitter moves waits one way only")
	}
}

// wsFrame is a server frame: unmasked, with the length in the form RFC 6455 §5.2 gives it.
func wsFrame(opcode byte, payload []byte) []byte {
	out := []byte{0x80 | opcode}
	switch n := len(payload); {
	case n < 126:
		out = append(out, byte(n))
	case n <= 0xffff:
		out = append(out, 126, byte(n>>8), byte(n))
	default:
		out = append(out, 127, 0, 0, 0, 0, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(out, payload...)
}

// TestFrameWatcherFindsTheCloseCode feeds the upgrade response and a stream of frames of
// every length form, in chunks of every size, and finds the close frame's code and no
// other.
func TestFrameWatcherFindsTheCloseCode(t *testing.T) {
	upgrade := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
	closeFrame := wsFrame(websocket.CloseMessage, append([]byte{0x0f, 0xab}, "Sharding required."...)) // 4011
	streams := []struct {
		name string
		wire []byte
		want int
	}{
		{"short, medium and long frames, then a close", concat([]byte(upgrade), wsFrame(websocket.TextMessage, []byte(`{"op":10}`)),
			wsFrame(websocket.BinaryMessage, make([]byte, 300)), wsFrame(websocket.TextMessage, make([]byte, 70_000)), closeFrame), 4011},
		{"a payload that looks like a close frame", concat([]byte(upgrade), wsFrame(websocket.TextMessage, closeFrame)), 0},
		{"a close without a code", concat([]byte(upgrade), wsFrame(websocket.CloseMessage, nil)), 0},
		{"no frames", []byte(upgrade), 0},
	}
	for _, st := range streams {
		for _, chunk := range []int{1, 2, 3, 7, 64, 1 << 20} {
			codes := &closeCodes{}
			w := newFrameWatcher(nil, codes, &heartbeats{})
			feed(w.in.follow, st.wire, chunk)
			if got := codes.take(); got != st.want {
				t.Errorf("%s, in chunks of %d: close code %d, want %d", st.name, chunk, got, st.want)
			}
		}
	}
}

// feed hands wire to follow in chunks of size chunk.
func feed(follow func([]byte), wire []byte, chunk int) {
	for len(wire) > 0 {
		n := min(chunk, len(wire))
		follow(wire[:n])
		wire = wire[n:]
	}
}

// maskedFrame is a client frame: masked with key, as RFC 6455 §5.3 requires.
func maskedFrame(opcode byte, payload []byte, key [4]byte) []byte {
	frame := wsFrame(opcode, payload)
	header, body := frame[:len(frame)-len(payload)], frame[len(frame)-len(payload):]
	header[1] |= 0x80
	out := append(append(append([]byte{}, header...), key[:]...), body...)
	for i := range payload {
		out[len(out)-len(payload)+i] ^= key[i%4]
	}
	return out
}

// TestFrameWatcherTimesHeartbeats: a heartbeat (op 1) the bot writes, masked, and the ack
// (op 11) Discord sends back give the round trip, whatever the chunks; other payloads
// (a dispatch, a long frame holding "op":11) do not.
func TestFrameWatcherTimesHeartbeats(t *testing.T) {
	request := "GET /?v=10&encoding=json HTTP/1.1\r\nHost: gateway.discord.gg\r\nUpgrade: websocket\r\n\r\n"
	response := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
	key := [4]byte{0x12, 0x34, 0x56, 0x78}
	for _, chunk := range []int{1, 3, 64, 1 << 20} {
		beats := &heartbeats{}
		w := newFrameWatcher(nil, &closeCodes{}, beats)
		feed(w.out.follow, concat([]byte(request), maskedFrame(websocket.TextMessage, []byte(`{"op":2,"d":{"token":"x"}}`), key)), chunk)
		feed(w.in.follow, concat([]byte(response), wsFrame(websocket.TextMessage, []byte(`{"op":11}`))), chunk)
		if got := beats.last(); got != 0 {
			t.Fatalf("chunks of %d: an ack with no heartbeat before it gave a latency of %v", chunk, got)
		}
		feed(w.out.follow, maskedFrame(websocket.TextMessage, []byte(`{"op":1,"d":42}`), key), chunk)
		time.Sleep(5 * time.Millisecond)
		long := append([]byte(`{"op":0,"t":"X","d":"`+strings.Repeat("a", 200)), `","x":{"op":11}}`...)
		feed(w.in.follow, concat(wsFrame(websocket.TextMessage, long), wsFrame(websocket.TextMessage, []byte(`{"t":null,"s":null,"op":11,"d":null}`))), chunk)
		if got := beats.last(); got < 5*time.Millisecond || got > time.Second {
			t.Fatalf("chunks of %d: heartbeat latency %v, want the 5 ms between the heartbeat and its ack", chunk, got)
		}
	}
}

func concat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
