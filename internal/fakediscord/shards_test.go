package fakediscord

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// shardClient is a discordgo session on the fake that runs shard id of count.
func shardClient(t *testing.T, srv *Server, id, count int) *discordgo.Session {
	t.Helper()
	dg := client(t, srv)
	dg.ShardID, dg.ShardCount = id, count
	return dg
}

// guildOnShard is a guild id that Discord's formula puts on shard of count.
func guildOnShard(shard, count int) string {
	return fmt.Sprint(int64(1000*count+shard) << 22)
}

// TestEachShardGetsItsGuildsInteractions runs two shards: each receives the interactions
// of its own guilds, and only those; /gateway/bot recommends the configured count.
func TestEachShardGetsItsGuildsInteractions(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{Shards: 2, MaxConcurrency: 1})
	var got [2]<-chan *discordgo.Interaction
	for id := range 2 {
		dg := shardClient(t, srv, id, 2)
		got[id] = answer(t, dg, say(fmt.Sprintf("shard %d", id)))
		open(t, dg)
	}
	eventually(t, "both shards connected", func() bool { return fmt.Sprint(srv.ConnectedShards()) == "[0 1]" })

	for _, shard := range []int{1, 0, 1} {
		ctx := guildCtx()
		ctx.GuildID = guildOnShard(shard, 2)
		sent := srv.SlashCommand(ctx, "help")
		if err := srv.Interact(sent); err != nil {
			t.Fatal(err)
		}
		if in := recv(t, got[shard]); in.ID != sent.ID {
			t.Fatalf("shard %d got interaction %s, want %s", shard, in.ID, sent.ID)
		}
	}
	for id, ch := range got {
		select {
		case in := <-ch:
			t.Errorf("shard %d also got %s", id, in.ID)
		default:
		}
	}

	dg := client(t, srv)
	var gw struct {
		Shards int `json:"shards"`
		Limit  struct {
			MaxConcurrency int `json:"max_concurrency"`
		} `json:"session_start_limit"`
	}
	body, err := dg.Request(http.MethodGet, discordgo.EndpointGatewayBot, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := discordgo.Unmarshal(body, &gw); err != nil || gw.Shards != 2 || gw.Limit.MaxConcurrency != 1 {
		t.Fatalf("GET /gateway/bot = %s (%v); want 2 shards, max_concurrency 1", body, err)
	}
}

// TestIdentifyRefusals: an identify with an impossible shard, or fewer shards than
// Discord requires, ends with the close code Discord sends.
func TestIdentifyRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		opts  Options
		shard any
		code  int
	}{
		{"shard id beyond the count", Options{}, [2]int{2, 2}, 4010},
		{"a zero count", Options{}, [2]int{0, 0}, 4010},
		{"unsharded where sharding is required", Options{RequiredShards: 2}, nil, 4011},
		{"too few shards", Options{RequiredShards: 4}, [2]int{0, 2}, 4011},
		{"no token", Options{}, "no-token", 4004},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := dialGateway(t, start(t, tt.opts))
			identify := map[string]any{"token": "Bot test-token-not-real", "intents": 0, "properties": map[string]string{}}
			if tt.shard == "no-token" {
				delete(identify, "token")
			} else if tt.shard != nil {
				identify["shard"] = tt.shard
			}
			if err := ws.WriteJSON(map[string]any{"op": opIdentify, "d": identify}); err != nil {
				t.Fatal(err)
			}
			_, _, err := ws.ReadMessage()
			var closed *websocket.CloseError
			if !errors.As(err, &closed) || closed.Code != tt.code {
				t.Fatalf("after identify: %v; want close code %d", err, tt.code)
			}
		})
	}
}

// TestClientCloseWith1000EndsTheSession: a client that closes with 1000 cannot resume that
// session; one that closes with another code (discordgo answers op 7 with 1012) can.
func TestClientCloseWith1000EndsTheSession(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		code       int
		wantResume bool
	}{{websocket.CloseNormalClosure, false}, {websocket.CloseGoingAway, false}, {websocket.CloseServiceRestart, true}, {4000, true}} {
		t.Run(fmt.Sprint(tt.code), func(t *testing.T) {
			srv := start(t, Options{})
			ws := dialGateway(t, srv)
			if err := ws.WriteJSON(map[string]any{"op": opIdentify, "d": map[string]any{"token": "Bot test-token-not-real"}}); err != nil {
				t.Fatal(err)
			}
			var ready struct {
				D struct {
					SessionID string `json:"session_id"`
				} `json:"d"`
			}
			if err := ws.ReadJSON(&ready); err != nil || ready.D.SessionID == "" {
				t.Fatalf("READY: %+v, %v", ready, err)
			}
			_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(tt.code, ""), time.Now().Add(wait))
			ws.Close()
			eventually(t, "the fake sees the close", func() bool { return !srv.Connected() })

			again := dialGateway(t, srv)
			if err := again.WriteJSON(map[string]any{"op": opResume, "d": map[string]any{"token": "Bot test-token-not-real",
				"session_id": ready.D.SessionID, "seq": 1}}); err != nil {
				t.Fatal(err)
			}
			var answer struct {
				Op int    `json:"op"`
				T  string `json:"t"`
			}
			if err := again.ReadJSON(&answer); err != nil {
				t.Fatal(err)
			}
			if resumed := answer.T == "RESUMED"; resumed != tt.wantResume {
				t.Errorf("after a close with %d: answer op %d %q; want resumed %v", tt.code, answer.Op, answer.T, tt.wantResume)
			}
		})
	}
}

// dialGateway connects a raw websocket client to the fake and reads its Hello.
func dialGateway(t *testing.T, srv *Server) *websocket.Conn {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(srv.GatewayURL()+"/?v=10&encoding=json", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	_ = ws.SetReadDeadline(time.Now().Add(wait))
	if _, _, err := ws.ReadMessage(); err != nil { // Hello
		t.Fatal(err)
	}
	return ws
}
