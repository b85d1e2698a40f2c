package fakediscord

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// StormKind is one of the refusals Discord (or Cloudflare before it) can send over and over.
type StormKind int

// The kinds of storm.
const (
	// Storm429NoRetryAfter is Cloudflare's 429: an HTML body, no retry_after, no headers.
	// discordgo v0.29.0 resends it at once, without end.
	Storm429NoRetryAfter StormKind = iota + 1
	// Storm429ZeroRetryAfter is a JSON 429 whose retry_after and headers say 0.
	Storm429ZeroRetryAfter
	// StormGlobal429 is a global 429: X-RateLimit-Global and "global": true, retry_after 0.
	StormGlobal429
	// Storm401 is Discord refusing the bot token (reset or revoked).
	Storm401
	// Storm403 is Missing Permissions (code 50013).
	Storm403
)

// Storms answers chosen requests with a storm of refusals before they reach the fake, and
// records them in the fake's Calls like any other request. It is an http.RoundTripper that
// tests put at the bottom of the bot's transport chain (app.Options.Transport, bot.Options.
// Transport), where the real network would be: the fake's own routes are matched per
// request, a storm is "every request to this route, until stopped".
type Storms struct {
	server *Server
	next   http.RoundTripper

	mu    sync.Mutex
	rules []stormRule
	hits  []time.Time
}

type stormRule struct {
	method     string
	pathPrefix string
	kind       StormKind
}

// Storms returns a transport in front of s that sends through next (http.DefaultTransport
// when nil) whatever no storm answers.
func (s *Server) Storms(next http.RoundTripper) *Storms {
	if next == nil {
		next = http.DefaultTransport
	}
	return &Storms{server: s, next: next}
}

// Start makes every request whose method equals method ("" for any) and whose path,
// without the /api/v{N} prefix, starts with pathPrefix answer kind, until Stop.
func (st *Storms) Start(method, pathPrefix string, kind StormKind) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.rules = append(st.rules, stormRule{method: method, pathPrefix: pathPrefix, kind: kind})
}

// Stop ends every storm.
func (st *Storms) Stop() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.rules = nil
}

// RoundTrip implements http.RoundTripper.
func (st *Storms) RoundTrip(req *http.Request) (*http.Response, error) {
	path := stripAPIPrefix(req.URL.Path)
	kind, hit := st.match(req.Method, path, time.Now())
	if !hit {
		return st.next.RoundTrip(req)
	}
	if req.Body != nil {
		req.Body.Close()
	}
	status, header, body := stormAnswer(kind)
	s := st.server
	s.mu.Lock()
	s.record(Call{Method: req.Method, Path: req.URL.Path, Route: req.Method + " " + path, Query: req.URL.Query(),
		Status: status, Time: s.clock()})
	s.mu.Unlock()
	s.logf("fakediscord: storm: %s %s -> %d", req.Method, req.URL.Path, status)
	return &http.Response{Status: http.StatusText(status), StatusCode: status, Header: header,
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)),
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Request: req}, nil
}

// match finds the storm for a request, recording its arrival at now.
func (st *Storms) match(method, path string, now time.Time) (StormKind, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, r := range st.rules {
		if (r.method == "" || r.method == method) && strings.HasPrefix(path, r.pathPrefix) {
			st.hits = append(st.hits, now)
			return r.kind, true
		}
	}
	return 0, false
}

// stormAnswer is what Discord (or Cloudflare) answers in a storm of kind.
func stormAnswer(kind StormKind) (int, http.Header, []byte) {
	h := http.Header{}
	asJSON := func() { h.Set("Content-Type", "application/json") }
	switch kind {
	case Storm429NoRetryAfter:
		h.Set("Content-Type", "text/html")
		return http.StatusTooManyRequests, h, []byte("<html><head><title>429 Too Many Requests</title></head><body>Too Many Requests</body></html>")
	case Storm429ZeroRetryAfter, StormGlobal429:
		asJSON()
		h.Set("Retry-After", "0")
		global := kind == StormGlobal429
		if global {
			h.Set("X-RateLimit-Global", "true")
			h.Set("X-RateLimit-Scope", "global")
		} else {
			h.Set("X-RateLimit-Remaining", "0")
			h.Set("X-RateLimit-Reset-After", retryAfterSeconds(0))
		}
		body := `{"message":"You are being rate limited.","retry_after":0,"global":false}`
		if global {
			body = `{"message":"You are being rate limited.","retry_after":0,"global":true}`
		}
		return http.StatusTooManyRequests, h, []byte(body)
	case Storm401:
		asJSON()
		return http.StatusUnauthorized, h, []byte(`{"message":"401: Unauthorized","code":0}`)
	default:
		asJSON()
		return http.StatusForbidden, h, []byte(`{"message":"Missing Permissions","code":50013}`)
	}
}

// Hits returns when each stormed request arrived, on the machine's clock (not the fake's,
// which tests may hold still), for measuring request rates.
func (st *Storms) Hits() []time.Time {
	st.mu.Lock()
	defer st.mu.Unlock()
	return append([]time.Time(nil), st.hits...)
}

// MostInOneSecond is how many of hits (in arrival order) fall in the busiest one-second
// window: the measure of a storm that "requests per second stay under 2" bounds.
func MostInOneSecond(hits []time.Time) int {
	most := 0
	for i := range hits {
		n := 0
		for j := i; j < len(hits) && hits[j].Sub(hits[i]) < time.Second; j++ {
			n++
		}
		most = max(most, n)
	}
	return most
}
