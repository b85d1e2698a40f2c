package bot

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func readyEvent(t *testing.T, resumeURL string) *discordgo.Event {
	t.Helper()
	raw, err := json.Marshal(map[string]any{"session_id": "s", "resume_gateway_url": resumeURL})
	if err != nil {
		t.Fatal(err)
	}
	return &discordgo.Event{Type: "READY", RawData: raw}
}

func TestResumeRouteLearnsFromReady(t *testing.T) {
	tests := []struct {
		name, resumeURL, wantURL string
		// dials are addresses, each with whether a dial there is refused (it is elsewhere).
		dials map[string]bool
	}{
		{name: "Discord's", resumeURL: "wss://gateway-us-east1-b.discord.gg", wantURL: "wss://gateway-us-east1-b.discord.gg",
			dials: map[string]bool{"gateway.discord.gg:443": true, "gateway-us-east1-b.discord.gg:443": false, "GATEWAY-US-EAST1-B.discord.gg:443": false}},
		{name: "none", resumeURL: "", dials: map[string]bool{"gateway.discord.gg:443": false}},
		{name: "not a websocket URL", resumeURL: "https://example.com", dials: map[string]bool{"gateway.discord.gg:443": false}},
		{name: "garbled", resumeURL: "::", dials: map[string]bool{"gateway.discord.gg:443": false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r resumeRoute
			r.learn(&discordgo.Event{Type: "RESUMED", RawData: json.RawMessage(`{"resume_gateway_url":"wss://other"}`)}) // only READY counts
			r.learn(readyEvent(t, tt.resumeURL))
			if got := r.resumeURL(); got != tt.wantURL {
				t.Fatalf("resumeURL = %q, want %q", got, tt.wantURL)
			}
			for addr, refused := range tt.dials {
				if got := r.elsewhere(addr); got != refused {
					t.Errorf("elsewhere(%s) = %v, want %v", addr, got, refused)
				}
			}
		})
	}
}

// GET /gateway gets the resume URL once there is one; GET /gateway/bot and everything
// else reach Discord.
func TestGatewayTransportAnswersWithTheResumeURL(t *testing.T) {
	var reached []string
	discord := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached = append(reached, r.URL.Path)
		io.WriteString(w, `{"url":"wss://gateway.discord.gg"}`)
	}))
	defer discord.Close()
	route := &resumeRoute{}
	client := &http.Client{Transport: gatewayTransport{route: route, next: http.DefaultTransport}}
	get := func(path string) string {
		t.Helper()
		resp, err := client.Get(discord.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body struct{ URL string }
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatal(err)
		}
		return body.URL
	}
	if got := get("/api/v9/gateway"); got != "wss://gateway.discord.gg" {
		t.Fatalf("before READY, GET /gateway = %q; want Discord's answer", got)
	}
	route.learn(readyEvent(t, "wss://gateway-us-east1-b.discord.gg"))
	if got := get("/api/v9/gateway"); got != "wss://gateway-us-east1-b.discord.gg" {
		t.Fatalf("after READY, GET /gateway = %q; want the resume URL", got)
	}
	get("/api/v9/gateway/bot")
	if want := []string{"/api/v9/gateway", "/api/v9/gateway/bot"}; len(reached) != 2 || reached[0] != want[0] || reached[1] != want[1] {
		t.Fatalf("Discord was asked %v; want %v (the second GET /gateway answered by the bot)", reached, want)
	}
}

// A dial elsewhere is refused without touching the network; a resume URL that cannot be
// reached is forgotten, so the next connection goes where Discord's GET /gateway says.
func TestDialerFollowsTheResumeRoute(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close() // nothing listens there now

	route := &resumeRoute{}
	route.learn(readyEvent(t, "ws://127.0.0.1:"+port))
	d := closeWatchingDialer(&closeCodes{}, &heartbeats{}, route)
	if _, err := d.NetDialContext(context.Background(), "tcp", "localhost:"+port); !errors.Is(err, errToResumeURL) {
		t.Fatalf("a dial to another host = %v; want errToResumeURL", err)
	}
	if _, err := d.NetDialContext(context.Background(), "tcp", "127.0.0.1:"+port); err == nil || errors.Is(err, errToResumeURL) {
		t.Fatalf("a dial to the unreachable resume host = %v; want the network's refusal", err)
	}
	if route.resumeURL() != "" {
		t.Fatal("the unreachable resume URL is still used")
	}
}
