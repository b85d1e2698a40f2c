package bot

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/bwmarrin/discordgo"
)

// Discord asks a client to resume its gateway session at the resume_gateway_url of the
// session's READY (a host of its own, gateway-us-east1-b.discord.gg say), not where it
// connected. discordgo v0.29.0 keeps no such URL: it resumes at the URL it cached from
// GET /gateway. It does fetch that URL again after a dial fails, though, and both the dial
// and the fetch pass through the bot: so when a resume would go elsewhere, the shard's
// dialer refuses the dial at once (no network), and the shard's REST client answers the
// next GET /gateway with the resume URL itself. The reconnect loop opens again at once, and
// discordgo dials the resume URL, with its own host name and TLS name, and resumes there.

// errToResumeURL is the refused dial: the session resumes at its resume_gateway_url.
var errToResumeURL = errors.New("the gateway session resumes at its resume_gateway_url")

// resumeRoute is where one shard's session resumes; empty until its first READY.
type resumeRoute struct {
	mu   sync.Mutex
	url  string // resume_gateway_url, as READY gave it
	host string // its host name
}

// learn reads resume_gateway_url from a READY event's payload.
func (r *resumeRoute) learn(e *discordgo.Event) {
	if e.Type != "READY" {
		return
	}
	var ready struct {
		ResumeGatewayURL string `json:"resume_gateway_url"`
	}
	if json.Unmarshal(e.RawData, &ready) != nil {
		return
	}
	u, err := url.Parse(ready.ResumeGatewayURL)
	if err != nil || u.Hostname() == "" || (u.Scheme != "wss" && u.Scheme != "ws") {
		return // none, or not one the bot could dial: resume where it connected
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.url, r.host = ready.ResumeGatewayURL, u.Hostname()
}

// elsewhere reports whether a dial to addr (host:port) would not reach the resume URL.
func (r *resumeRoute) elsewhere(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.host != "" && !strings.EqualFold(host, r.host)
}

// forget drops the resume URL (it could not be reached); the next READY gives another.
func (r *resumeRoute) forget() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.url, r.host = "", ""
}

// resumeURL is the resume URL, or "" before the first READY.
func (r *resumeRoute) resumeURL() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.url
}

// gatewayTransport answers GET /gateway with the shard's resume URL once it has one, so
// that discordgo, fetching its gateway again after the refused dial, connects there;
// every other request goes to next.
type gatewayTransport struct {
	route *resumeRoute
	next  http.RoundTripper
}

func (t gatewayTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resume := t.route.resumeURL()
	if resume == "" || req.Method != http.MethodGet || !isGatewayPath(req.URL.Path) {
		return t.next.RoundTrip(req)
	}
	body, err := json.Marshal(map[string]string{"url": resume})
	if err != nil {
		return nil, err
	}
	return &http.Response{Status: "200 OK", StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)), Request: req}, nil
}

// isGatewayPath reports whether path is GET /gateway's ("/api/v9/gateway"), not
// /gateway/bot's, which plans the shards and must reach Discord.
func isGatewayPath(path string) bool {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	return len(segs) > 0 && segs[len(segs)-1] == "gateway"
}
