package fakediscord

import (
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// wait bounds every wait in these tests; generous for a loaded machine under -race.
const wait = 10 * time.Second

// rewrite sends every request to the fake, keeping the path: the way the bot points
// discordgo at another API host.
type rewrite struct {
	base   http.RoundTripper
	target *url.URL
}

func (rw rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = rw.target.Scheme, rw.target.Host, rw.target.Host
	return rw.base.RoundTrip(r)
}

func start(t *testing.T, opts Options) *Server {
	t.Helper()
	opts.Logf = t.Logf
	srv, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// client returns a real discordgo session whose REST calls go to srv. It is not opened.
func client(t *testing.T, srv *Server) *discordgo.Session {
	t.Helper()
	dg, err := discordgo.New("Bot test-token-not-real")
	if err != nil {
		t.Fatal(err)
	}
	target, err := url.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	dg.Client = &http.Client{Timeout: wait, Transport: rewrite{base: transport, target: target}}
	return dg
}

// open connects dg's gateway and closes it when the test ends (before srv closes, so
// discordgo does not start reconnecting).
func open(t *testing.T, dg *discordgo.Session) {
	t.Helper()
	if err := dg.Open(); err != nil {
		t.Fatalf("open gateway: %v", err)
	}
	t.Cleanup(func() { _ = dg.Close() })
}

func recv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(wait):
		t.Fatalf("nothing received within %v", wait)
		panic("unreachable")
	}
}

// eventually polls cond until it holds or the wait runs out.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, wait)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func restError(t *testing.T, err error) *discordgo.RESTError {
	t.Helper()
	var re *discordgo.RESTError
	if !errors.As(err, &re) {
		t.Fatalf("want *discordgo.RESTError, got %T: %v", err, err)
	}
	if re.Message == nil {
		t.Fatalf("REST error without a JSON message: %s", re.ResponseBody)
	}
	return re
}

func callsTo(srv *Server, route string) []Call {
	var out []Call
	for _, c := range srv.Calls() {
		if c.Route == route {
			out = append(out, c)
		}
	}
	return out
}

func sam() Member {
	return Member{ID: "200000000000000002", Username: "sam", GlobalName: "Sam", Roles: []string{"300000000000000003"}, Permissions: discordgo.PermissionSendMessages}
}

func guildCtx() InteractionContext {
	return InteractionContext{GuildID: "400000000000000004", ChannelID: "500000000000000005", ChannelName: "stretching", Member: sam()}
}

const callbackRoute = "POST /interactions/{interaction}/{token}/callback"
