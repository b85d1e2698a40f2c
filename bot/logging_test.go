package bot

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// Fixture secrets: obviously fake, but as long as real ones so the patterns are exercised.
var (
	fakeInteractionToken = "test-interaction-token-000-not-real-00000000000000000000000000000000"
	// Discord's own interaction tokens are base64url of "interaction:<id>:<random>".
	fakeEncodedToken = base64.RawURLEncoding.EncodeToString([]byte("interaction:300000000000000001:test-token-not-real-0000000000000000"))
	fakeBotToken     = "dGVzdC1ib3QtdG9rZW4tbm90LXJlYWw.AAAAAA.test-bot-token-not-real-000000"
)

func TestSafeLogLine(t *testing.T) {
	resumeDump := resumeEventDump(t)
	tests := []struct {
		name, in, want string
	}{
		{
			name: "first frame after a resume is a replayed interaction",
			in:   resumeDump,
			want: "Expected READY/RESUMED, instead got: [payload dropped]",
		},
		{
			name: "unknown event with its JSON data",
			in:   `unknown event: Op: 0, Seq: 9, Type: SOMETHING_NEW, Data: {"token":"` + fakeInteractionToken + `","user":{"id":"200000000000000001","username":"alice"}}`,
			want: "unknown event: Op: 0, Seq: 9, Type: SOMETHING_NEW, Data: [payload dropped]",
		},
		{
			name: "debug frame line",
			in:   `Op: 0, Seq: 5, Type: INTERACTION_CREATE, Data: {"id":"300000000000000001","token":"` + fakeEncodedToken + `"}` + "\n\n",
			want: "Op: 0, Seq: 5, Type: INTERACTION_CREATE, Data: [payload dropped]",
		},
		{
			name: "identify packet",
			in:   fmt.Sprintf("Identify Packet: \n%#v", discordgo.Identify{Token: "Bot " + fakeBotToken, Intents: discordgo.IntentsGuilds}),
			want: "Identify Packet: [payload dropped]",
		},
		{
			name: "bytes printed as decimals",
			in:   fmt.Sprintf("got %v", []byte(`{"token":"`+fakeInteractionToken+`"}`)),
			want: "got [payload dropped]",
		},
		{
			name: "webhook URL",
			in:   "https://discord.com/api/v9/webhooks/400000000000000001/" + fakeInteractionToken + "/messages/@original Failed (502 Bad Gateway), Retrying...",
			want: "https://discord.com/api/v9/webhooks/400000000000000001/[redacted]/messages/@original Failed (502 Bad Gateway), Retrying...",
		},
		{
			name: "interaction callback URL",
			in:   "Rate Limiting https://discord.com/api/v9/interactions/300000000000000001/" + fakeEncodedToken + "/callback, retry in 1s",
			want: "Rate Limiting https://discord.com/api/v9/interactions/300000000000000001/[redacted]/callback, retry in 1s",
		},
		{
			name: "authorization header",
			in:   "request headers: Authorization: Bot " + fakeBotToken,
			want: "request headers: Authorization: Bot [redacted]",
		},
		{
			name: "bare bot token",
			in:   "closing session for " + fakeBotToken + " now",
			want: "closing session for [redacted] now",
		},
		{
			name: "token field in Go syntax",
			in:   `resume with Token:"short-fake-token"`,
			want: `resume with Token:"[redacted]"`,
		},
		{
			name: "interaction token, plain and in hex",
			in:   "token " + fakeEncodedToken + " hex " + hex.EncodeToString([]byte(fakeInteractionToken)),
			want: "token [redacted] hex [redacted]",
		},
		{
			name: "ordinary warning kept",
			in:   "error reading from gateway wss://gateway.discord.gg/?v=10&encoding=json websocket, websocket: close 1006 (abnormal closure): unexpected EOF",
			want: "error reading from gateway wss://gateway.discord.gg/?v=10&encoding=json websocket, websocket: close 1006 (abnormal closure): unexpected EOF",
		},
		{
			name: "REST path with snowflakes kept",
			in:   "Rate Limiting https://discord.com/api/v9/channels/100000000000000002/messages/100000000000000003, retry in 1.2s",
			want: "Rate Limiting https://discord.com/api/v9/channels/100000000000000002/messages/100000000000000003, retry in 1.2s",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := safeLogLine(tt.in); got != tt.want {
				t.Errorf("safeLogLine:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// resumeEventDump is the line discordgo v0.29.0 logs (wsapi.go, Open) when the first
// frame after a Resume is a replayed INTERACTION_CREATE rather than RESUMED: the whole
// event in Go syntax, its RawData as a list of hex bytes.
func resumeEventDump(t *testing.T) string {
	t.Helper()
	member := map[string]any{
		"user": map[string]any{"id": "200000000000000001", "username": "alice", "global_name": "Alice",
			"avatar": nil, "discriminator": "0", "public_flags": 0, "avatar_decoration_data": nil},
		"roles": []string{"500000000000000001", "500000000000000002"}, "nick": "Ally", "avatar": nil,
		"joined_at": "2025-01-01T10:00:00.000000+00:00", "premium_since": nil, "deaf": false, "mute": false,
		"pending": false, "flags": 0, "permissions": "2248473465835073", "communication_disabled_until": nil,
	}
	payload := map[string]any{
		"id": "300000000000000001", "application_id": "400000000000000001", "type": 3, "version": 1,
		"token": fakeInteractionToken, "guild_id": "100000000000000001", "channel_id": "100000000000000002",
		"guild":   map[string]any{"id": "100000000000000001", "locale": "en-US", "features": []string{"COMMUNITY"}},
		"channel": map[string]any{"id": "100000000000000002", "name": "stretching", "type": 0, "guild_id": "100000000000000001", "permissions": "2248473465835073", "nsfw": false, "topic": "Daily decompression"},
		"member":  member, "app_permissions": "2248473465835073", "locale": "en-US", "guild_locale": "en-US",
		"entitlements": []any{}, "authorizing_integration_owners": map[string]string{"0": "100000000000000001"}, "context": 0,
		"data": map[string]any{"custom_id": "session/42/join", "component_type": 2},
		"message": map[string]any{
			"id": "700000000000000001", "channel_id": "100000000000000002", "type": 0, "content": "",
			"author": map[string]any{"id": "400000000000000001", "username": "stretchbot", "bot": true, "discriminator": "0"},
			"embeds": []any{map[string]any{"title": "Session 42: Morning decompression", "color": 5814783,
				"description": "Starts <t:1767261600:R>. Dead hang, then cat-cow, then child's pose. " + strings.Repeat("Breathe out slowly. ", 20)}},
			"components": []any{map[string]any{"type": 1, "components": []any{
				map[string]any{"type": 2, "style": 1, "label": "Join", "custom_id": "session/42/join"},
				map[string]any{"type": 2, "style": 2, "label": "Leave", "custom_id": "session/42/leave"},
			}}},
			"timestamp": "2026-01-01T09:50:00.000000+00:00", "edited_timestamp": nil, "flags": 0, "mentions": []any{}, "mention_roles": []any{},
		},
	}
	raw, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	interaction := &discordgo.InteractionCreate{}
	if err := json.Unmarshal(raw, interaction); err != nil {
		t.Fatal(err)
	}
	e := &discordgo.Event{Operation: 0, Sequence: 7, Type: "INTERACTION_CREATE", RawData: raw, Struct: interaction}
	line := fmt.Sprintf("Expected READY/RESUMED, instead got:\n%#v\n", e)
	// The fixture must carry the token the way discordgo prints it, or the test proves nothing.
	if goHex := strings.Trim(fmt.Sprintf("%#v", []byte(fakeInteractionToken)), "[]byte{}"); !strings.Contains(line, goHex) {
		t.Fatalf("the dump does not hold the token as hex bytes")
	}
	if len(line) < 12_000 {
		t.Fatalf("the dump is %d bytes; a real one is about 13 KB", len(line))
	}
	return line
}

func TestScrubbingHandler(t *testing.T) {
	token := fakeInteractionToken
	var out strings.Builder
	log := slog.New(Scrubbing(slog.NewTextHandler(&out, nil))).With("request", "/interactions/1/"+token+"/callback")
	err := fmt.Errorf(`Post "https://discord.test/api/v10/interactions/123/%s/callback": connection refused`, token)
	log.Error("answering the interaction failed", "error", err, slog.Group("g", "token", token), "n", 3)
	got := out.String()
	if strings.Contains(got, token) || strings.Count(got, "[redacted]") < 3 {
		t.Fatalf("the token reached the log:\n%s", got)
	}
	if !strings.Contains(got, "connection refused") || !strings.Contains(got, "n=3") {
		t.Errorf("scrubbing lost what the line says:\n%s", got)
	}
}
