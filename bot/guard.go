package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Defaults of the guard. Discord bans an IP for about an hour after 10,000 invalid requests
// (401, 403, 429) in 10 minutes; the guard stops the bot's own writes at a fifth of that.
const (
	DefaultInvalidBudget = 2000
	DefaultInvalidWindow = 10 * time.Minute
	// DefaultRateLimitAttempts is how many times one request is sent while Discord answers
	// 429; after that the guard returns a *RateLimitedError instead of trying again.
	DefaultRateLimitAttempts = 3
	// DefaultRateLimitFloor is the shortest wait after a 429 (and the pause of a route after a
	// 401 or 403): a 429 without retry_after, or with 0, must never mean "resend at once".
	DefaultRateLimitFloor = time.Second
)

// Discord JSON error codes the guard reads.
const (
	codeInvalidWebhookToken = 50027 // an interaction token that expired: not a revoked bot token
	codeEditTooOldLimit     = 30046 // a 429 that is a refusal to edit an hour-old message, not a pace
)

// errorBodyLimit bounds how much of an error body the guard reads to find Discord's code.
const errorBodyLimit = 64 << 10

// ErrShed is returned, without sending, for a write the bot starts itself (a session post, a
// DM, a reminder) while too many of Discord's recent answers were invalid: sending more
// would risk an IP ban. The write may be tried again later.
var ErrShed = errors.New("Discord refused many recent requests (401/403/429), so the bot holds back its own messages for a few minutes to avoid an IP ban")

// ErrTokenRevoked is returned for every request after Discord answered 401 to the bot token,
// and reported once through GuardConfig.OnFatal (Bot.Fatal).
var ErrTokenRevoked = errors.New("Discord answered 401 Unauthorized to the bot token, so it was reset or revoked: set STRETCHBOT_DISCORD_TOKEN to the new token from the Developer Portal and start the bot again")

// RateLimitedError is returned when Discord still answered 429 after the guard's attempts.
type RateLimitedError struct {
	Route      string        // method and path, ids and tokens replaced
	Attempts   int           // requests sent
	RetryAfter time.Duration // the last wait Discord (or the floor) asked for
	Global     bool
}

func (e *RateLimitedError) Error() string {
	scope := "route"
	if e.Global {
		scope = "bot (global limit)"
	}
	return fmt.Sprintf("Discord rate-limited %s %d times in a row for this %s; try again in %v",
		e.Route, e.Attempts, scope, e.RetryAfter.Round(time.Millisecond))
}

// GuardConfig configures a Guard; zero values take the defaults above.
type GuardConfig struct {
	Log *slog.Logger
	// Now and Sleep are the clock: tests pass a virtual one so a 10-minute storm runs in
	// milliseconds. Sleep waits d or until ctx ends.
	Now      func() time.Time
	Sleep    func(ctx context.Context, d time.Duration) error
	Budget   int
	Window   time.Duration
	Attempts int
	Floor    time.Duration
	// OnFatal is called once, with ErrTokenRevoked, when Discord refuses the bot token. It
	// runs under the guard's lock, so it must not block (Bot.fail does not).
	OnFatal func(error)
	// OnAnswer is told of every answer Discord gave: the route (ids and tokens replaced) and
	// the status. It must not block.
	OnAnswer func(route string, status int)
}

// Guard is the http.RoundTripper every REST request passes, so that it holds whatever
// discordgo does: it waits out 429s itself (at most Attempts sends, at least Floor apart),
// pauses everything on a global 429, honours each bucket's X-RateLimit headers before
// sending (per interaction token, which discordgo does not tell apart), counts invalid
// answers and sheds the bot's own writes past Budget, stops everything after a 401 to the
// bot token, and stops the bot's own writes to a channel that refused it.
type Guard struct {
	next     http.RoundTripper
	log      *slog.Logger
	now      func() time.Time
	sleep    func(ctx context.Context, d time.Duration) error
	budget   int
	attempts int
	floor    time.Duration
	onFatal  func(error)
	onAnswer func(route string, status int)

	mu          sync.Mutex
	globalUntil time.Time
	buckets     map[string]*bucketState // by bucket key (bucketKey)
	hashes      map[string]string       // route template -> X-RateLimit-Bucket
	invalid     *slidingCount
	shedding    bool
	revoked     bool
	broken      map[string]refusal // channel id -> the answer that broke it
}

type bucketState struct {
	remaining int
	resetAt   time.Time
	known     bool // remaining and resetAt come from Discord (or a refusal), not a guess
}

// refusal is a channel's answer replayed to the bot's own later writes there.
type refusal struct {
	status int
	header http.Header
	body   []byte
}

// NewGuard wraps next.
func NewGuard(next http.RoundTripper, cfg GuardConfig) *Guard {
	g := &Guard{next: next, log: cfg.Log, now: cfg.Now, sleep: cfg.Sleep, budget: cfg.Budget,
		attempts: cfg.Attempts, floor: cfg.Floor, onFatal: cfg.OnFatal, onAnswer: cfg.OnAnswer,
		buckets: map[string]*bucketState{}, hashes: map[string]string{}, broken: map[string]refusal{}}
	if g.log == nil {
		g.log = slog.Default()
	}
	if g.now == nil {
		g.now = time.Now
	}
	if g.onFatal == nil {
		g.onFatal = func(error) {}
	}
	if g.onAnswer == nil {
		g.onAnswer = func(string, int) {}
	}
	if g.sleep == nil {
		g.sleep = sleepContext
	}
	if g.budget <= 0 {
		g.budget = DefaultInvalidBudget
	}
	if g.attempts <= 0 {
		g.attempts = DefaultRateLimitAttempts
	}
	if g.floor <= 0 {
		g.floor = DefaultRateLimitFloor
	}
	window := cfg.Window
	if window <= 0 {
		window = DefaultInvalidWindow
	}
	g.invalid = newSlidingCount(window)
	return g
}

// sleepContext waits d, or until ctx ends (then it returns ctx's error).
func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ChannelSeen tells the guard that channelID is usable again (an interaction arrived from
// it), so the bot's own writes there, stopped after a 403 or 404, may resume. Safe on nil.
func (g *Guard) ChannelSeen(channelID string) {
	if g == nil || channelID == "" {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.broken, channelID)
}

// InvalidCount is the number of 401, 403 and 429 answers in the sliding window.
func (g *Guard) InvalidCount() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.invalid.total(g.now())
}

// initiativeKey marks a request's context as a write the bot starts itself.
type initiativeKey struct{}

// asInitiative marks ctx as the bot's own initiative (Messenger's writes): the guard may
// shed it and stops it in a channel that refused the bot. Interaction answers are never
// marked.
func asInitiative(ctx context.Context) context.Context {
	return context.WithValue(ctx, initiativeKey{}, true)
}

func isInitiative(ctx context.Context) bool {
	v, _ := ctx.Value(initiativeKey{}).(bool)
	return v
}

// RoundTrip implements http.RoundTripper.
func (g *Guard) RoundTrip(req *http.Request) (*http.Response, error) {
	r := parseRoute(req.Method, req.URL.Path)
	mine := isInitiative(req.Context())
	if resp, err, done := g.admit(req, r, mine); done {
		closeBody(req)
		return resp, err
	}
	for attempt := 1; ; attempt++ {
		if err := g.waitTurn(req.Context(), r); err != nil {
			closeBody(req)
			return nil, err
		}
		out, err := rewound(req, attempt)
		if err != nil {
			return nil, err
		}
		resp, err := g.next.RoundTrip(out)
		if err != nil {
			return nil, err
		}
		ans, err := readAnswer(resp)
		if err != nil {
			return nil, err
		}
		g.onAnswer(r.template, ans.status)
		if wait, global, retry := g.observe(req, r, mine, ans); retry {
			if attempt >= g.attempts {
				resp.Body.Close()
				return nil, &RateLimitedError{Route: r.label, Attempts: attempt, RetryAfter: wait, Global: global}
			}
			resp.Body.Close()
			continue
		}
		hideRateLimitHeaders(resp.Header)
		return resp, nil
	}
}

// admit decides, before anything is sent, whether req fails fast: after a revoked token,
// while shedding (the bot's own writes only), or in a broken channel (replaying its refusal).
func (g *Guard) admit(req *http.Request, r route, mine bool) (*http.Response, error, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.revoked {
		return nil, ErrTokenRevoked, true
	}
	if !mine {
		return nil, nil, false
	}
	if g.overBudget() {
		return nil, ErrShed, true
	}
	if bad, ok := g.broken[r.channel]; ok && r.channel != "" {
		h := bad.header.Clone()
		hideRateLimitHeaders(h) // stale: they were the pace of the request that was refused
		h.Set("X-Stretchbot-Guard", "channel refused the bot before; not sent")
		return &http.Response{Status: fmt.Sprintf("%d %s", bad.status, http.StatusText(bad.status)),
			StatusCode: bad.status, Header: h, Body: io.NopCloser(bytes.NewReader(bad.body)),
			ContentLength: int64(len(bad.body)), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Request: req}, nil, true
	}
	return nil, nil, false
}

// overBudget reports (and logs when it changes) whether the invalid answers of the window
// reached the budget. Once shedding, it resumes only under half the budget, so that the
// bot's writes (and the log) do not flap on and off at the edge. Callers hold g.mu.
func (g *Guard) overBudget() bool {
	n := g.invalid.total(g.now())
	limit := g.budget
	if g.shedding {
		limit = max(g.budget/2, 1)
	}
	over := n >= limit
	if over != g.shedding {
		g.shedding = over
		if over {
			g.log.Warn("Discord refused too many recent requests; holding back the bot's own messages until the count falls (interaction answers still go out)",
				slog.Int("invalid_requests", n), slog.Int("budget", g.budget))
		} else {
			g.log.Info("invalid Discord answers fell under the budget; the bot's own messages resume",
				slog.Int("invalid_requests", n), slog.Int("budget", g.budget))
		}
	}
	return over
}

// waitTurn waits until neither a global pause nor r's bucket holds the request back.
func (g *Guard) waitTurn(ctx context.Context, r route) error {
	for {
		g.mu.Lock()
		now := g.now()
		until := g.globalUntil
		b := g.bucket(r)
		if b.known && b.remaining <= 0 && b.resetAt.After(until) {
			until = b.resetAt
		}
		if !until.After(now) {
			switch {
			case b.known && b.remaining > 0:
				b.remaining--
			case b.known:
				b.known = false // reset passed: the next answer says how many are left
			}
			g.mu.Unlock()
			return nil
		}
		g.mu.Unlock()
		if err := g.sleep(ctx, until.Sub(now)); err != nil {
			return err
		}
	}
}

// bucket returns r's bucket state, creating it. Callers hold g.mu.
func (g *Guard) bucket(r route) *bucketState {
	key := r.template + "|" + r.major
	if hash, ok := g.hashes[r.template]; ok {
		key = "hash:" + hash + "|" + r.major
	}
	b, ok := g.buckets[key]
	if !ok {
		b = &bucketState{}
		g.buckets[key] = b
	}
	return b
}

// answer is what the guard read of a response.
type answer struct {
	status int
	header http.Header
	body   []byte // only for statuses >= 400
	code   int    // Discord's JSON error code
	// retryAfter and global come from a 429's JSON body.
	retryAfter float64
	global     bool
}

// readAnswer reads an error response's body (restoring it for the caller) and its code.
func readAnswer(resp *http.Response) (answer, error) {
	a := answer{status: resp.StatusCode, header: resp.Header}
	if resp.StatusCode < http.StatusBadRequest {
		return a, nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, errorBodyLimit))
	resp.Body.Close()
	if err != nil {
		return a, fmt.Errorf("reading Discord's %s answer failed: %w", resp.Status, err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	a.body = body
	var fields struct {
		Code       int     `json:"code"`
		RetryAfter float64 `json:"retry_after"`
		Global     bool    `json:"global"`
	}
	if json.Unmarshal(body, &fields) == nil { // Cloudflare answers HTML: no fields, floor wait
		a.code, a.retryAfter, a.global = fields.Code, fields.RetryAfter, fields.Global
	}
	return a, nil
}

// observe records an answer: bucket headers, the invalid count, a revoked token, a refused
// channel. For a 429 to wait out it returns the wait, whether it is global, and retry true.
func (g *Guard) observe(req *http.Request, r route, mine bool, a answer) (wait time.Duration, global, retry bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	if hash := a.header.Get("X-RateLimit-Bucket"); hash != "" {
		g.hashes[r.template] = hash
	}
	b := g.bucket(r)
	if rem, err := strconv.Atoi(a.header.Get("X-RateLimit-Remaining")); err == nil {
		b.remaining, b.known = rem, true
		b.resetAt = now.Add(headerSeconds(a.header, "X-RateLimit-Reset-After"))
	}
	// A member's closed DMs (50007) are the DM memory's to remember, and their next command
	// reopens them: that refusal does not break the channel.
	if r.channel != "" && (a.status == http.StatusForbidden && a.code != codeDMClosed ||
		a.status == http.StatusNotFound && a.code == codeUnknownChannel) {
		g.broken[r.channel] = refusal{status: a.status, header: a.header.Clone(), body: a.body}
	}
	switch a.status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests:
		g.invalid.add(now)
		g.overBudget()
	default:
		return 0, false, false
	}
	if a.status == http.StatusUnauthorized && revokesToken(req, r, a) && !g.revoked {
		g.revoked = true
		g.onFatal(ErrTokenRevoked)
	}
	if a.status != http.StatusTooManyRequests {
		// A refused route is held for the floor, so a caller looping on it cannot storm.
		g.hold(b, now.Add(g.floor))
		return 0, false, false
	}
	if a.code == codeEditTooOldLimit {
		return 0, false, false // the caller's to handle (it posts a new message)
	}
	wait = max(g.floor, headerSeconds(a.header, "Retry-After"), headerSeconds(a.header, "X-RateLimit-Reset-After"),
		seconds(a.retryAfter))
	global = a.global || a.header.Get("X-RateLimit-Global") != ""
	if global {
		g.globalUntil = later(g.globalUntil, now.Add(wait))
	} else {
		g.hold(b, now.Add(wait))
	}
	g.log.Warn("Discord rate-limited a request; the guard waits before sending it again",
		slog.String("route", r.label), slog.Duration("wait", wait), slog.Bool("global", global), slog.Bool("own_initiative", mine))
	return wait, global, true
}

// hold keeps b closed until at least until.
func (g *Guard) hold(b *bucketState, until time.Time) {
	b.known, b.remaining = true, 0
	b.resetAt = later(b.resetAt, until)
}

// revokesToken tells a 401 to the bot token from one to an expired interaction token.
func revokesToken(req *http.Request, r route, a answer) bool {
	return a.code != codeInvalidWebhookToken && !r.interaction &&
		strings.HasPrefix(req.Header.Get("Authorization"), "Bot ")
}

// hideRateLimitHeaders removes the headers discordgo's own limiter reads: the guard already
// applied them, and discordgo would apply them again, wrongly, to one bucket shared by every
// interaction token, and with sleeps no context can cut short.
func hideRateLimitHeaders(h http.Header) {
	for _, k := range []string{"X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Reset-After", "X-RateLimit-Global"} {
		h.Del(k)
	}
}

func headerSeconds(h http.Header, key string) time.Duration {
	f, err := strconv.ParseFloat(h.Get(key), 64)
	if err != nil {
		return 0
	}
	return seconds(f)
}

func seconds(f float64) time.Duration {
	if f <= 0 || math.IsNaN(f) || f > 24*3600 {
		return 0
	}
	return time.Duration(f * float64(time.Second))
}

// rewound returns the request to send for this attempt: req itself first, then a copy with
// its body read again.
func rewound(req *http.Request, attempt int) (*http.Request, error) {
	if attempt == 1 {
		return req, nil
	}
	out := req.Clone(req.Context())
	if req.Body != nil && req.Body != http.NoBody {
		if req.GetBody == nil {
			return nil, fmt.Errorf("cannot resend %s %s after a rate limit: its body cannot be read twice", req.Method, parseRoute(req.Method, req.URL.Path).label)
		}
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		out.Body = body
	}
	return out, nil
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

// route is what the guard reads from a request's path.
type route struct {
	template    string // method and path with every id and token replaced
	major       string // the ids Discord keys buckets by: channel, guild, webhook id and token
	channel     string // the channel id of /channels/{id}/..., if any
	interaction bool   // /interactions/... or /webhooks/...: answered with an interaction token
	label       string // the template, safe to log
}

// parseRoute reads method and path ("/api/v10/channels/1/messages/2").
func parseRoute(method, path string) route {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if len(segs) >= 2 && segs[0] == "api" && strings.HasPrefix(segs[1], "v") {
		segs = segs[2:]
	}
	var r route
	tmpl := make([]string, len(segs))
	var major []string
	for i, s := range segs {
		tmpl[i] = s
		prev := ""
		if i > 0 {
			prev = segs[i-1]
		}
		switch {
		case prev == "channels" || prev == "guilds" || prev == "webhooks" || prev == "interactions":
			tmpl[i] = "{" + strings.TrimSuffix(prev, "s") + "}"
			major = append(major, s)
			if prev == "channels" && i == 1 {
				r.channel = s
			}
		case i >= 2 && (segs[i-2] == "webhooks" || segs[i-2] == "interactions"):
			tmpl[i] = "{token}"
			major = append(major, s)
		case isSnowflake(s):
			tmpl[i] = "{id}"
		}
	}
	if len(segs) > 0 {
		r.interaction = segs[0] == "webhooks" || segs[0] == "interactions"
	}
	r.template = method + " /" + strings.Join(tmpl, "/")
	r.label = r.template
	r.major = strings.Join(major, "/")
	return r
}

// slidingCount counts events in a sliding window, in one-second slots.
type slidingCount struct {
	slots []int
	head  int64 // the unix second of the newest slot
	sum   int
}

func newSlidingCount(window time.Duration) *slidingCount {
	n := max(int(window/time.Second), 1)
	return &slidingCount{slots: make([]int, n)}
}

func (c *slidingCount) advance(now time.Time) int {
	sec := now.Unix()
	n := int64(len(c.slots))
	switch {
	case sec <= c.head: // the same second, or a clock set back: count in the newest slot
	case sec-c.head >= n:
		clear(c.slots)
		c.sum, c.head = 0, sec
	default:
		for s := c.head + 1; s <= sec; s++ {
			c.sum -= c.slots[s%n]
			c.slots[s%n] = 0
		}
		c.head = sec
	}
	return int(c.head % n)
}

func (c *slidingCount) add(now time.Time) {
	c.slots[c.advance(now)]++
	c.sum++
}

func (c *slidingCount) total(now time.Time) int {
	c.advance(now)
	return c.sum
}

// Fatal delivers the first problem no retry can fix while the bot runs (ErrTokenRevoked
// from the guard): the process should stop with it and exit non-zero, since carrying on
// (401s in a loop) is what gets the IP banned. It delivers at most one error.
func (b *Bot) Fatal() <-chan error { return b.fatal }

// fail reports err on Fatal; the first problem wins, and it never blocks.
func (b *Bot) fail(err error) {
	select {
	case b.fatal <- err:
	default:
	}
}
