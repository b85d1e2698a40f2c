package fakediscord

import (
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// heldClock is a fake clock for SetNow that moves only when told.
type heldClock struct{ nanos atomic.Int64 }

func newHeldClock(t time.Time) *heldClock {
	c := &heldClock{}
	c.nanos.Store(t.UnixNano())
	return c
}

func (c *heldClock) now() time.Time      { return time.Unix(0, c.nanos.Load()).UTC() }
func (c *heldClock) add(d time.Duration) { c.nanos.Add(int64(d)) }

// oldEdit is one step of TestHourOldEditLimit: move the clock, then edit a message.
type oldEdit struct {
	wait    time.Duration // how far the clock moves first
	message string        // "old1", "old2" (hour-old, channel c1), "young" (c1), "other" (hour-old, c2)
	want    int           // HTTP status
}

func TestHourOldEditLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		edits []oldEdit
	}{
		{"three hour-old edits pass, the fourth is refused",
			[]oldEdit{{0, "old1", 200}, {0, "old1", 200}, {0, "old2", 200}, {0, "old1", 429}}},
		{"refusals do not count, and the window slides",
			[]oldEdit{{0, "old1", 200}, {2 * time.Second, "old1", 200}, {0, "old1", 200}, {0, "old1", 429},
				{3 * time.Second, "old1", 429}, {time.Second, "old1", 200}, {0, "old1", 429}, {2 * time.Second, "old2", 200}}},
		{"young messages are not limited and do not count",
			[]oldEdit{{0, "young", 200}, {0, "young", 200}, {0, "young", 200}, {0, "young", 200},
				{0, "old1", 200}, {0, "young", 200}, {0, "old1", 200}, {0, "old1", 200}, {0, "young", 200}, {0, "old1", 429}}},
		{"the limit is per channel",
			[]oldEdit{{0, "old1", 200}, {0, "old1", 200}, {0, "old1", 200}, {0, "other", 200}, {0, "other", 200}, {0, "old1", 429}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := start(t, Options{})
			dg := client(t, srv)
			clk := newHeldClock(time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC))
			srv.SetNow(clk.now)
			ids := map[string]string{}
			for _, m := range []struct{ name, channel string }{{"old1", "c1"}, {"old2", "c1"}, {"other", "c2"}} {
				ids[m.name] = post(t, dg, m.channel).ID
			}
			clk.add(61 * time.Minute)
			ids["young"] = post(t, dg, "c1").ID
			for i, e := range tt.edits {
				clk.add(e.wait)
				channel := "c1"
				if e.message == "other" {
					channel = "c2"
				}
				_, err := dg.ChannelMessageEdit(channel, ids[e.message], "Step "+string(rune('A'+i)), discordgo.WithRetryOnRatelimit(false))
				got := http.StatusOK
				var limited *discordgo.RateLimitError
				if errors.As(err, &limited) {
					got = http.StatusTooManyRequests
				} else if err != nil {
					t.Fatalf("edit %d (%s): %v", i, e.message, err)
				}
				if got != e.want {
					t.Errorf("edit %d (%s) answered %d, want %d", i, e.message, got, e.want)
				}
			}
		})
	}
}

func post(t *testing.T, dg *discordgo.Session, channel string) *discordgo.Message {
	t.Helper()
	m, err := dg.ChannelMessageSendComplex(channel, &discordgo.MessageSend{Content: "Session", Embeds: []*discordgo.MessageEmbed{{Title: "Step 1"}}})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestHourOldEditRefusalShape: the refusal is Discord's per-resource 429 with code 30046,
// whose retry_after ends when the oldest counted edit leaves the window, and whose
// X-RateLimit-Remaining leaves the route's bucket open.
func TestHourOldEditRefusalShape(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	dg := client(t, srv)
	clk := newHeldClock(time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC))
	srv.SetNow(clk.now)
	m := post(t, dg, "c1")
	clk.add(2 * time.Hour)
	for range oldEditsPerWindow {
		if _, err := dg.ChannelMessageEdit("c1", m.ID, "Step 2", discordgo.WithRetryOnRatelimit(false)); err != nil {
			t.Fatal(err)
		}
		clk.add(time.Second)
	}
	req, err := http.NewRequest(http.MethodPatch, srv.URL()+"/api/v10/channels/c1/messages/"+m.ID, strings.NewReader(`{"content":"Step 3"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bot x")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Message    string  `json:"message"`
		Code       int     `json:"code"`
		RetryAfter float64 `json:"retry_after"`
		Global     *bool   `json:"global"`
	}
	if err := (Call{RawBody: readAll(t, resp)}).Decode(&body); err != nil {
		t.Fatal(err)
	}
	h := resp.Header
	if resp.StatusCode != http.StatusTooManyRequests || body.Code != 30046 || body.RetryAfter != 3 || body.Global == nil || *body.Global ||
		!strings.Contains(body.Message, "older than 1 hour") || h.Get("Retry-After") != "3" || h.Get("X-RateLimit-Scope") != "shared" ||
		h.Get("X-RateLimit-Remaining") == "0" || h.Get("X-RateLimit-Bucket") == "" {
		t.Fatalf("status %d body %+v headers %v", resp.StatusCode, body, h)
	}
	if got, _ := srv.Message(m.ID); got.Content != "Step 2" {
		t.Errorf("the refused edit was stored: %q", got.Content)
	}
}

func TestDenyEmbeds(t *testing.T) {
	t.Parallel()
	embed := []*discordgo.MessageEmbed{{Title: "Step 2"}}
	tests := []struct {
		name       string
		deny       string // the channel denied Embed Links before the write
		channel    string
		edit       bool
		wantEmbeds int
	}{
		{"a post where embeds are allowed keeps them", "", "c1", false, 1},
		{"a post where they are denied loses them", "c1", "c1", false, 0},
		{"an edit where they are denied loses them", "c1", "c1", true, 0},
		{"another channel's denial changes nothing", "c2", "c1", true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := start(t, Options{})
			dg := client(t, srv)
			var id string
			if tt.edit {
				id = post(t, dg, tt.channel).ID
			}
			if tt.deny != "" {
				srv.DenyEmbeds(tt.deny)
			}
			var got *discordgo.Message
			var err error
			if tt.edit {
				got, err = dg.ChannelMessageEditComplex(&discordgo.MessageEdit{Channel: tt.channel, ID: id, Embeds: &embed})
			} else {
				got, err = dg.ChannelMessageSendComplex(tt.channel, &discordgo.MessageSend{Content: "Session", Embeds: embed})
			}
			if err != nil {
				t.Fatalf("Discord refuses nothing without Embed Links: %v", err)
			}
			stored, _ := srv.Message(got.ID)
			if len(got.Embeds) != tt.wantEmbeds || len(stored.Embeds) != tt.wantEmbeds || stored.Content != "Session" {
				t.Errorf("answered %d embeds, stored %d with content %q; want %d and the content", len(got.Embeds), len(stored.Embeds), stored.Content, tt.wantEmbeds)
			}
		})
	}
}

func TestAllowEmbedsUndoesDenyEmbeds(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	dg := client(t, srv)
	srv.DenyEmbeds("c1")
	srv.AllowEmbeds("c1")
	if m := post(t, dg, "c1"); len(m.Embeds) != 1 {
		t.Errorf("embeds after AllowEmbeds: %d", len(m.Embeds))
	}
}
