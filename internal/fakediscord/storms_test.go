package fakediscord

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestStorms(t *testing.T) {
	srv := start(t, Options{})
	target, err := url.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	storms := srv.Storms(nil)
	hc := &http.Client{Transport: rewrite{base: storms, target: target}}
	const path = "/channels/100000000000000002/messages"
	tests := []struct {
		kind       StormKind
		status     int
		header     string // a header that must be set, "" for none
		body       string // a part of the body
		noJSONBody bool
	}{
		{Storm429NoRetryAfter, http.StatusTooManyRequests, "", "Too Many Requests", true},
		{Storm429ZeroRetryAfter, http.StatusTooManyRequests, "X-RateLimit-Reset-After", `"retry_after":0,"global":false`, false},
		{StormGlobal429, http.StatusTooManyRequests, "X-RateLimit-Global", `"global":true`, false},
		{Storm401, http.StatusUnauthorized, "", `"401: Unauthorized"`, false},
		{Storm403, http.StatusForbidden, "", `"code":50013`, false},
	}
	for i, tt := range tests {
		storms.Stop()
		storms.Start(http.MethodPost, path, tt.kind)
		resp, err := hc.Post("http://discord.invalid/api/v9"+path, "application/json", strings.NewReader(`{"content":"x"}`))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status || !strings.Contains(string(body), tt.body) ||
			(tt.header != "" && resp.Header.Get(tt.header) == "") || tt.noJSONBody != strings.HasPrefix(string(body), "<") {
			t.Errorf("storm %d answered %d %v %s", tt.kind, resp.StatusCode, resp.Header, body)
		}
		if n := len(storms.Hits()); n != i+1 {
			t.Errorf("storm %d: %d hits recorded, want %d", tt.kind, n, i+1)
		}
	}
	calls := srv.Calls()
	if len(calls) != len(tests) || calls[0].Route != "POST "+path || calls[0].Status != http.StatusTooManyRequests {
		t.Errorf("the fake recorded %+v, want the %d stormed calls", calls, len(tests))
	}
	// Other routes, and all of them after Stop, reach the fake.
	storms.Stop()
	resp, err := hc.Get("http://discord.invalid/api/v9/gateway")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || len(storms.Hits()) != len(tests) {
		t.Errorf("after Stop: GET /gateway answered %d, %d hits", resp.StatusCode, len(storms.Hits()))
	}
}

func TestMostInOneSecond(t *testing.T) {
	at := func(ms ...int) []time.Time {
		var ts []time.Time
		for _, m := range ms {
			ts = append(ts, time.Unix(0, 0).Add(time.Duration(m)*time.Millisecond))
		}
		return ts
	}
	tests := []struct {
		name string
		hits []time.Time
		want int
	}{
		{"none", nil, 0},
		{"one", at(0), 1},
		{"a second apart", at(0, 1000, 2000), 1},
		{"just under a second apart", at(0, 999), 2},
		{"a burst later on", at(0, 1500, 1600, 1700, 3000), 3},
	}
	for _, tt := range tests {
		if got := MostInOneSecond(tt.hits); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
}
