package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/internal/fakediscord"
	"github.com/stretchbot/stretchbot/internal/syncbuf"
)

// virtualClock is the guard's clock in tests: Sleep moves it at once, so a 10-minute storm
// runs in milliseconds.
type virtualClock struct {
	mu sync.Mutex
	t  time.Time
}

func newVirtualClock() *virtualClock {
	return &virtualClock{t: time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC)}
}

func (c *virtualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *virtualClock) Sleep(ctx context.Context, d time.Duration) error {
	c.Advance(d)
	return ctx.Err()
}

func (c *virtualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// reply is one scripted answer of the test server.
type scripted struct {
	status int
	header map[string]string
	body   string
}

var ok200 = scripted{status: http.StatusOK, body: `{"id":"1"}`}

// stormServer answers every request with answer(path) and records when (virtual time)
// each request arrived, by path.
type stormServer struct {
	*httptest.Server
	clock  *virtualClock
	answer func(r *http.Request) scripted

	mu   sync.Mutex
	hits map[string][]time.Time
}

func newStormServer(t *testing.T, clk *virtualClock, answer func(r *http.Request) scripted) *stormServer {
	t.Helper()
	s := &stormServer{clock: clk, answer: answer, hits: map[string][]time.Time{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path] = append(s.hits[r.URL.Path], clk.Now())
		s.mu.Unlock()
		a := s.answer(r)
		for k, v := range a.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(a.status)
		io.WriteString(w, a.body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *stormServer) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.hits[path])
}

// maxPerSecond is the most requests to path that arrived in any one-second window.
func (s *stormServer) maxPerSecond(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fakediscord.MostInOneSecond(s.hits[path])
}

// newTestGuard returns a guard on clk, and its log.
func newTestGuard(clk *virtualClock, budget int) (*Guard, *syncbuf.Buffer) {
	g, logs, _ := newFatalGuard(clk, budget)
	return g, logs
}

// newFatalGuard is newTestGuard that also returns the channel its OnFatal reports to.
func newFatalGuard(clk *virtualClock, budget int) (*Guard, *syncbuf.Buffer, <-chan error) {
	logs := &syncbuf.Buffer{}
	fatal := make(chan error, 10)
	g := NewGuard(http.DefaultTransport, GuardConfig{Log: slog.New(slog.NewTextHandler(logs, nil)),
		Now: clk.Now, Sleep: clk.Sleep, Budget: budget, OnFatal: func(err error) { fatal <- err }})
	return g, logs, fatal
}

// send makes one request through g, marked as the bot's own initiative if mine, and
// returns the status (0 with an error).
func send(t *testing.T, g *Guard, method, url string, mine bool) (int, error) {
	t.Helper()
	ctx := context.Background()
	if mine {
		ctx = asInitiative(ctx)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewBufferString(`{"content":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bot not-a-real-token")
	resp, err := (&http.Client{Transport: g}).Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

const (
	msgPath      = "/api/v9/channels/100000000000000001/messages"
	otherMsgPath = "/api/v9/channels/100000000000000002/messages"
	originalA    = "/api/v9/webhooks/700000000000000001/token-a/messages/@original"
	originalB    = "/api/v9/webhooks/700000000000000001/token-b/messages/@original"
	eventsPath   = "/api/v9/guilds/100000000000000009/scheduled-events"
)

func TestParseRoute(t *testing.T) {
	tests := []struct {
		method, path                          string
		template, major, channel, interaction string
	}{
		{"POST", msgPath, "POST /channels/{channel}/messages", "100000000000000001", "100000000000000001", ""},
		{"PATCH", "/api/v9/channels/1/messages/2", "PATCH /channels/{channel}/messages/{id}", "1", "1", ""},
		{"PATCH", originalA, "PATCH /webhooks/{webhook}/{token}/messages/@original", "700000000000000001/token-a", "", "yes"},
		{"POST", "/api/v10/interactions/5/tok/callback", "POST /interactions/{interaction}/{token}/callback", "5/tok", "", "yes"},
		{"PATCH", "/api/v9/guilds/9/scheduled-events/8", "PATCH /guilds/{guild}/scheduled-events/{id}", "9", "", ""},
		{"GET", "/api/v9/gateway", "GET /gateway", "", "", ""},
	}
	for _, tt := range tests {
		r := parseRoute(tt.method, tt.path)
		if r.template != tt.template || r.major != tt.major || r.channel != tt.channel || r.interaction != (tt.interaction != "") {
			t.Errorf("parseRoute(%s %s) = %+v, want template %q major %q channel %q interaction %v",
				tt.method, tt.path, r, tt.template, tt.major, tt.channel, tt.interaction != "")
		}
		if strings.Contains(r.label, "token-a") || strings.Contains(r.label, "tok/") {
			t.Errorf("parseRoute(%s): the label %q carries a token", tt.path, r.label)
		}
	}
}

func TestSlidingCount(t *testing.T) {
	start := time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		adds  []time.Duration // offsets from start
		at    time.Duration
		total int
	}{
		{"empty", nil, 0, 0},
		{"same second", []time.Duration{0, 0, 500 * time.Millisecond}, time.Second - 1, 3},
		{"inside the window", []time.Duration{0, time.Minute, 9 * time.Minute}, 9*time.Minute + 59*time.Second, 3},
		{"the oldest slid out", []time.Duration{0, time.Minute, 9 * time.Minute}, 10 * time.Minute, 2},
		{"all slid out", []time.Duration{0, time.Minute}, time.Hour, 0},
		{"clock set back counts in the newest slot", []time.Duration{time.Minute, 0}, time.Minute, 2},
	}
	for _, tt := range tests {
		c := newSlidingCount(10 * time.Minute)
		for _, d := range tt.adds {
			c.add(start.Add(d))
		}
		if got := c.total(start.Add(tt.at)); got != tt.total {
			t.Errorf("%s: total = %d, want %d", tt.name, got, tt.total)
		}
	}
}

// TestGuardWaitsOut429 checks each shape of 429: the waits, the attempts, and what the
// caller gets when Discord keeps refusing.
func TestGuardWaitsOut429(t *testing.T) {
	rateLimited := func(body string, header map[string]string) scripted {
		return scripted{status: http.StatusTooManyRequests, header: header, body: body}
	}
	tests := []struct {
		name     string
		refusal  scripted
		refusals int // answers before a 200
		wantHits int
		wantWait time.Duration // virtual time the caller waited in all
		wantErr  bool
	}{
		{"HTML 429 without retry_after waits the floor", rateLimited("<html>429</html>", nil), 1, 2, time.Second, false},
		{"retry_after 0 waits the floor", rateLimited(`{"retry_after":0,"global":false}`, nil), 2, 3, 2 * time.Second, false},
		{"retry_after in the body", rateLimited(`{"retry_after":2.5}`, nil), 1, 2, 2500 * time.Millisecond, false},
		{"Retry-After header", rateLimited(`{}`, map[string]string{"Retry-After": "3"}), 1, 2, 3 * time.Second, false},
		{"the longest of the three", rateLimited(`{"retry_after":1.5}`,
			map[string]string{"Retry-After": "2", "X-RateLimit-Reset-After": "4.25"}), 1, 2, 4250 * time.Millisecond, false},
		{"three attempts, then an error", rateLimited(`{"retry_after":0}`, nil), 100, 3, 2 * time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newVirtualClock()
			n := 0
			srv := newStormServer(t, clk, func(*http.Request) scripted {
				n++
				if n <= tt.refusals {
					return tt.refusal
				}
				return ok200
			})
			g, _ := newTestGuard(clk, 0)
			start := clk.Now()
			status, err := send(t, g, http.MethodPost, srv.URL+msgPath, true)
			var rl *RateLimitedError
			if tt.wantErr != errors.As(err, &rl) || (!tt.wantErr && status != http.StatusOK) {
				t.Fatalf("got status %d, error %v; want an error: %v", status, err, tt.wantErr)
			}
			if hits := srv.count(msgPath); hits != tt.wantHits {
				t.Errorf("%d requests reached Discord, want %d", hits, tt.wantHits)
			}
			if waited := clk.Now().Sub(start); waited != tt.wantWait {
				t.Errorf("waited %v, want %v", waited, tt.wantWait)
			}
		})
	}
}

// TestGuardGlobal429PausesEveryRoute: after a global 429 no route is sent before it ends,
// interaction answers included.
func TestGuardGlobal429PausesEveryRoute(t *testing.T) {
	for _, global := range []scripted{
		{status: http.StatusTooManyRequests, body: `{"retry_after":5,"global":true}`},
		{status: http.StatusTooManyRequests, header: map[string]string{"X-RateLimit-Global": "true", "Retry-After": "5"}, body: `{}`},
	} {
		clk := newVirtualClock()
		first := true
		srv := newStormServer(t, clk, func(r *http.Request) scripted {
			if first {
				first = false
				return global
			}
			return ok200
		})
		g, _ := newTestGuard(clk, 0)
		start := clk.Now()
		if status, err := send(t, g, http.MethodPost, srv.URL+msgPath, true); err != nil || status != http.StatusOK {
			t.Fatalf("after a global 429: status %d, %v", status, err)
		}
		// Every other route waited for the same global pause: the retry and the next
		// request both arrived 5 s after the start.
		g.mu.Lock()
		until := g.globalUntil
		g.mu.Unlock()
		if want := start.Add(5 * time.Second); !until.Equal(want) {
			t.Errorf("global pause until %v, want %v", until, want)
		}
		clk.mu.Lock()
		clk.t = start.Add(time.Second) // another request during the pause
		clk.mu.Unlock()
		if _, err := send(t, g, http.MethodPost, srv.URL+originalA, false); err != nil {
			t.Fatal(err)
		}
		if at := srv.hits[originalA][0]; at.Before(start.Add(5 * time.Second)) {
			t.Errorf("an interaction answer went out %v after a global 429 of 5 s", at.Sub(start))
		}
	}
}

// TestGuardEditTooOldPassesThrough: 30046 is a refusal the caller handles, not a pace.
func TestGuardEditTooOldPassesThrough(t *testing.T) {
	clk := newVirtualClock()
	body := `{"message":"Maximum number of edits to messages older than 1 hour reached. Try again later","code":30046,"retry_after":6}`
	srv := newStormServer(t, clk, func(*http.Request) scripted {
		return scripted{status: http.StatusTooManyRequests, body: body}
	})
	g, _ := newTestGuard(clk, 0)
	req, _ := http.NewRequest(http.MethodPatch, srv.URL+msgPath+"/5", strings.NewReader(`{}`))
	resp, err := g.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusTooManyRequests || string(got) != body {
		t.Errorf("answered %d %s, want the 429 with its body unchanged", resp.StatusCode, got)
	}
	if hits := srv.count(msgPath + "/5"); hits != 1 {
		t.Errorf("sent %d times, want once", hits)
	}
	if n := g.InvalidCount(); n != 1 {
		t.Errorf("invalid count %d, want 1", n)
	}
}

// TestGuardRevokedToken: a 401 to the bot token stops everything and is reported once; an
// expired interaction token is not that.
func TestGuardRevokedToken(t *testing.T) {
	tests := []struct {
		name    string
		path    string
		body    string
		revoked bool
	}{
		{"bot token refused", msgPath, `{"message":"401: Unauthorized","code":0}`, true},
		{"expired interaction token", originalA, `{"message":"Invalid Webhook Token","code":50027}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newVirtualClock()
			srv := newStormServer(t, clk, func(*http.Request) scripted {
				return scripted{status: http.StatusUnauthorized, body: tt.body}
			})
			g, _, fatal := newFatalGuard(clk, 0)
			if status, err := send(t, g, http.MethodPost, srv.URL+tt.path, false); status != http.StatusUnauthorized {
				t.Fatalf("first answer %d, %v; want the 401 itself", status, err)
			}
			_, err := send(t, g, http.MethodPost, srv.URL+otherMsgPath, false)
			if got := errors.Is(err, ErrTokenRevoked); got != tt.revoked {
				t.Errorf("next request: %v; want ErrTokenRevoked: %v", err, tt.revoked)
			}
			select {
			case err := <-fatal:
				if !tt.revoked || !errors.Is(err, ErrTokenRevoked) {
					t.Errorf("Fatal delivered %v", err)
				}
			default:
				if tt.revoked {
					t.Error("Fatal delivered nothing")
				}
			}
			if len(fatal) != 0 {
				t.Errorf("OnFatal called %d more times, want once", len(fatal))
			}
			if tt.revoked && srv.count(otherMsgPath) != 0 {
				t.Error("a request went out after the token was refused")
			}
		})
	}
}

// TestBotFailKeepsTheFirst: Fatal holds the first problem; later ones, and a bot built
// without New, never block the reporter.
func TestBotFailKeepsTheFirst(t *testing.T) {
	first, second := errors.New("first"), errors.New("second")
	b := &Bot{fatal: make(chan error, 1)}
	b.fail(first)
	b.fail(second)
	if got := <-b.Fatal(); got != first {
		t.Errorf("Fatal delivered %v, want the first problem", got)
	}
	(&Bot{}).fail(first) // returns: nobody listens
}

// TestGuardChannelBreaker: the bot's own writes to a channel that refused it are not sent
// (the refusal is replayed) until an interaction shows the channel again.
func TestGuardChannelBreaker(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		broken bool
	}{
		{"missing permissions", http.StatusForbidden, `{"message":"Missing Permissions","code":50013}`, true},
		{"unknown channel", http.StatusNotFound, `{"message":"Unknown Channel","code":10003}`, true},
		{"unknown message is not the channel", http.StatusNotFound, `{"message":"Unknown Message","code":10008}`, false},
		{"closed DMs are the DM memory's", http.StatusForbidden, `{"message":"Cannot send messages to this user","code":50007}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newVirtualClock()
			refuse := true
			srv := newStormServer(t, clk, func(*http.Request) scripted {
				if refuse {
					return scripted{status: tt.status, body: tt.body, header: map[string]string{
						"X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "60"}}
				}
				return ok200
			})
			g, _ := newTestGuard(clk, 0)
			send(t, g, http.MethodPost, srv.URL+msgPath, true)
			refuse = false
			clk.Advance(time.Minute)
			status, err := send(t, g, http.MethodPost, srv.URL+msgPath, true)
			sent := srv.count(msgPath) == 2
			if tt.broken && (sent || status != tt.status || err != nil) {
				t.Errorf("own write after the refusal: sent %v, status %d, %v; want the refusal replayed, not sent", sent, status, err)
			}
			if !tt.broken && !sent {
				t.Errorf("own write after the refusal was not sent (status %d, %v)", status, err)
			}
			if !tt.broken {
				return
			}
			// The replay must not carry the refused request's pace to discordgo's limiter.
			req, _ := http.NewRequestWithContext(asInitiative(context.Background()), http.MethodPost, srv.URL+msgPath, nil)
			resp, err := g.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.Header.Get("X-RateLimit-Reset-After") != "" {
				t.Errorf("replayed refusal carries headers %v; want no X-RateLimit headers", resp.Header)
			}
			if status, _ := send(t, g, http.MethodPost, srv.URL+otherMsgPath, true); status != http.StatusOK {
				t.Errorf("another channel answered %d", status)
			}
			g.ChannelSeen("100000000000000001")
			if status, _ := send(t, g, http.MethodPost, srv.URL+msgPath, true); status != http.StatusOK || srv.count(msgPath) != 2 {
				t.Errorf("after ChannelSeen: status %d, %d requests; want it sent", status, srv.count(msgPath))
			}
		})
	}
}

// TestGuardShedsOwnWritesOverBudget: past the budget the bot's own writes fail fast with
// ErrShed while interaction answers still go; they resume once the window holds under half
// the budget.
func TestGuardShedsOwnWritesOverBudget(t *testing.T) {
	clk := newVirtualClock()
	srv := newStormServer(t, clk, func(r *http.Request) scripted {
		if strings.HasSuffix(r.URL.Path, "/typing") {
			return scripted{status: http.StatusForbidden, body: `{"code":50001}`}
		}
		return ok200
	})
	g, logs := newTestGuard(clk, 6)
	refuse := func(n int) {
		for i := range n {
			send(t, g, http.MethodPost, fmt.Sprintf("%s/api/v9/channels/%d/typing", srv.URL, 10+i), false)
		}
	}
	ownWrite := func() error {
		_, err := send(t, g, http.MethodPost, srv.URL+msgPath, true)
		return err
	}
	refuse(3)
	clk.Advance(5 * time.Minute)
	if err := ownWrite(); err != nil {
		t.Errorf("own write under the budget: %v", err)
	}
	refuse(3) // 6 in the window
	if err := ownWrite(); !errors.Is(err, ErrShed) {
		t.Errorf("own write over the budget: %v, want ErrShed", err)
	}
	if srv.count(msgPath) != 1 {
		t.Errorf("%d own writes reached Discord, want only the one before the budget", srv.count(msgPath))
	}
	if status, err := send(t, g, http.MethodPatch, srv.URL+originalA, false); status != http.StatusOK {
		t.Errorf("interaction answer over the budget: %d %v, want it sent", status, err)
	}
	if !strings.Contains(logs.String(), "holding back the bot's own messages") {
		t.Errorf("no warning logged:\n%s", logs.String())
	}
	clk.Advance(5*time.Minute + time.Second) // the first 3 slid out: 3 left, half the budget
	if err := ownWrite(); !errors.Is(err, ErrShed) {
		t.Errorf("own write at half the budget: %v, want still ErrShed", err)
	}
	clk.Advance(5 * time.Minute)
	if err := ownWrite(); err != nil {
		t.Errorf("own write after the window: %v, want it sent", err)
	}
	if !strings.Contains(logs.String(), "the bot's own messages resume") {
		t.Errorf("no resumption logged:\n%s", logs.String())
	}
}

// TestGuardConcurrentRequests: many goroutines, own writes and interaction answers, through
// one guard: every request lands once (and -race sees the guard's state shared safely).
func TestGuardConcurrentRequests(t *testing.T) {
	var mu sync.Mutex
	sent := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		sent++
		mu.Unlock()
		w.Header().Set("X-RateLimit-Remaining", "50")
		w.Header().Set("X-RateLimit-Reset-After", "0.01")
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	g := NewGuard(http.DefaultTransport, GuardConfig{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			path := msgPath
			if i%2 == 1 {
				path = originalA
			}
			if status, err := send(t, g, http.MethodPost, srv.URL+path, i%4 == 0); err != nil || status != http.StatusOK {
				errs <- fmt.Errorf("request %d: %d %v", i, status, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if sent != 40 {
		t.Errorf("%d requests reached the server, want 40", sent)
	}
}

// TestGuardHonoursBucketHeaders: an exhausted bucket holds its route until its reset, per
// interaction token, where discordgo shares one bucket for every token.
func TestGuardHonoursBucketHeaders(t *testing.T) {
	clk := newVirtualClock()
	srv := newStormServer(t, clk, func(*http.Request) scripted {
		return scripted{status: http.StatusOK, body: `{}`, header: map[string]string{
			"X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "2.5", "X-RateLimit-Bucket": "abc"}}
	})
	g, _ := newTestGuard(clk, 0)
	tests := []struct {
		path string
		wait time.Duration
	}{
		{originalA, 0},
		{originalB, 0}, // another token: its own bucket
		{originalA, 2500 * time.Millisecond},
		{msgPath, 0},
		{msgPath, 2500 * time.Millisecond},
	}
	for i, tt := range tests {
		start := clk.Now()
		if _, err := send(t, g, http.MethodPatch, srv.URL+tt.path, false); err != nil {
			t.Fatal(err)
		}
		if waited := clk.Now().Sub(start); waited != tt.wait {
			t.Errorf("request %d (%s) waited %v, want %v", i, parseRoute("PATCH", tt.path).label, waited, tt.wait)
		}
	}
}

// TestGuardStorms runs 10 simulated minutes of each storm against a caller that retries at
// once, forever (what discordgo does with a 429 without retry_after): the failing route
// gets under 2 requests a second and the invalid count stays under the budget.
func TestGuardStorms(t *testing.T) {
	tooMany := func(body string, header map[string]string) func(*http.Request) scripted {
		return func(*http.Request) scripted {
			return scripted{status: http.StatusTooManyRequests, header: header, body: body}
		}
	}
	tests := []struct {
		name   string
		path   string
		mine   bool
		answer func(*http.Request) scripted
	}{
		{"429 without retry_after", msgPath, true, tooMany("<html>Too Many Requests</html>", nil)},
		{"429 with retry_after 0", msgPath, true, tooMany(`{"message":"You are being rate limited.","retry_after":0,"global":false}`, nil)},
		{"global 429", originalA, false, tooMany(`{"retry_after":0,"global":true}`, map[string]string{"X-RateLimit-Global": "true"})},
		{"401 to the bot token", msgPath, false, func(*http.Request) scripted {
			return scripted{status: http.StatusUnauthorized, body: `{"message":"401: Unauthorized","code":0}`}
		}},
		{"401 to expired interaction tokens", originalA, false, func(*http.Request) scripted {
			return scripted{status: http.StatusUnauthorized, body: `{"message":"Invalid Webhook Token","code":50027}`}
		}},
		{"403 on the bot's own channel writes", msgPath, true, func(*http.Request) scripted {
			return scripted{status: http.StatusForbidden, body: `{"message":"Missing Permissions","code":50013}`}
		}},
		{"403 on events", eventsPath, false, func(*http.Request) scripted {
			return scripted{status: http.StatusForbidden, body: `{"message":"Missing Permissions","code":50013}`}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newVirtualClock()
			srv := newStormServer(t, clk, tt.answer)
			g, _ := newTestGuard(clk, DefaultInvalidBudget)
			most := runStorm(t, clk, g, srv, tt.path, tt.mine)
			rps := srv.maxPerSecond(tt.path)
			t.Logf("%s: %d requests in 10 min, at most %d in one second, %d invalid in the window",
				tt.name, srv.count(tt.path), rps, most)
			if rps >= 2 {
				t.Errorf("%d requests in one second to the failing route, want under 2", rps)
			}
			if most >= DefaultInvalidBudget {
				t.Errorf("%d invalid answers in the window, want under %d", most, DefaultInvalidBudget)
			}
		})
	}
}

// runStorm sends to path, retrying at once on any error, for 10 virtual minutes (each
// attempt costs the caller 10 ms), and returns the most invalid answers the window held.
func runStorm(t *testing.T, clk *virtualClock, g *Guard, srv *stormServer, path string, mine bool) int {
	t.Helper()
	end := clk.Now().Add(DefaultInvalidWindow)
	most := 0
	for clk.Now().Before(end) {
		send(t, g, http.MethodPost, srv.URL+path, mine)
		most = max(most, g.InvalidCount())
		clk.Advance(10 * time.Millisecond)
	}
	return most
}

// TestGuardShedCapsAManyChannelStorm: own writes refused in a new channel each time (no
// route repeats, so no route pacing helps) stop counting at the budget.
func TestGuardShedCapsAManyChannelStorm(t *testing.T) {
	clk := newVirtualClock()
	srv := newStormServer(t, clk, func(*http.Request) scripted {
		return scripted{status: http.StatusForbidden, body: `{"message":"Missing Access","code":50001}`}
	})
	g, _ := newTestGuard(clk, DefaultInvalidBudget)
	end := clk.Now().Add(DefaultInvalidWindow)
	most, sent := 0, 0
	for i := 0; clk.Now().Before(end); i++ {
		send(t, g, http.MethodPost, fmt.Sprintf("%s/api/v9/channels/%d/messages", srv.URL, 1000+i), true)
		most = max(most, g.InvalidCount())
		clk.Advance(10 * time.Millisecond)
	}
	srv.mu.Lock()
	for _, h := range srv.hits {
		sent += len(h)
	}
	srv.mu.Unlock()
	t.Logf("many-channel 403 storm: %d requests reached Discord in 10 min, at most %d invalid in the window", sent, most)
	if most > DefaultInvalidBudget {
		t.Errorf("%d invalid answers in the window, want at most %d", most, DefaultInvalidBudget)
	}
}

// okRoundTripper answers 200 with a bucket's headers at once, so the benchmark measures the
// guard alone.
type okRoundTripper struct{}

func (okRoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	h := http.Header{}
	h.Set("X-RateLimit-Remaining", "4")
	h.Set("X-RateLimit-Reset-After", "1.5")
	h.Set("X-RateLimit-Bucket", "abc")
	return &http.Response{StatusCode: http.StatusOK, Header: h, Body: http.NoBody, Request: req}, nil
}

// BenchmarkGuardRoundTrip is the guard's cost per request that Discord accepts: route
// parsing, the bucket's bookkeeping and the header scrub (the budget: well under the
// 20 ms a request to Discord takes).
func BenchmarkGuardRoundTrip(b *testing.B) {
	g := NewGuard(okRoundTripper{}, GuardConfig{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ctx := asInitiative(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://discord.com"+msgPath, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		resp, err := g.RoundTrip(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("%v %v", resp, err)
		}
	}
}
