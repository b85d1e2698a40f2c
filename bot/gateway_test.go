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
			w := &frameWatcher{codes: codes}
			for b := st.wire; len(b) > 0; {
				n := min(chunk, len(b))
				w.follow(b[:n])
				b = b[n:]
			}
			if got := codes.take(); got != st.want {
				t.Errorf("%s, in chunks of %d: close code %d, want %d", st.name, chunk, got, st.want)
			}
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
