package metrics

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestHandlerServesHealthReadinessAndMetrics(t *testing.T) {
	m := New()
	m.Interaction("command", "help", "ok", 30*time.Millisecond)
	m.RESTAnswer("POST /channels/{channel}/messages", 429)
	m.Gateway(0, "connect")
	m.Write(2*time.Millisecond, errors.New("disk full"))
	m.BusyWait()
	m.Gauge("stretchbot_test_gauge", "A gauge for the test.", func() float64 { return 7 })
	m.Shards(func() []ShardState {
		return []ShardState{{ID: 0, Connected: true, AckAge: 3 * time.Second, Latency: 50 * time.Millisecond}, {ID: 1}}
	})
	m.Jobs(func(context.Context) (JobCounts, error) { return JobCounts{Pending: 4, Due: 1}, nil })
	var notReady error
	srv := httptest.NewServer(Handler(m, func(context.Context) error { return notReady }))
	defer srv.Close()

	tests := []struct {
		name     string
		path     string
		setup    func()
		wantCode int
		wants    []string
	}{
		{name: "healthz", path: "/healthz", wantCode: 200, wants: []string{"ok"}},
		{name: "ready", path: "/readyz", wantCode: 200, wants: []string{"ready"}},
		{name: "not ready", path: "/readyz", setup: func() { notReady = errors.New("the gateway connection of shard 1 is down") },
			wantCode: 503, wants: []string{"not ready: the gateway connection of shard 1 is down"}},
		{name: "metrics", path: "/metrics", wantCode: 200, wants: []string{
			`stretchbot_interactions_total{command="help",kind="command",outcome="ok"} 1`,
			`stretchbot_interaction_seconds_bucket{kind="command",le="0.05"} 1`,
			`stretchbot_rest_responses_total{route="POST /channels/{channel}/messages",status="429"} 1`,
			`stretchbot_gateway_events_total{event="connect",shard="0"} 1`,
			`stretchbot_gateway_connected{shard="0"} 1`,
			`stretchbot_gateway_connected{shard="1"} 0`,
			`stretchbot_gateway_heartbeat_ack_age_seconds{shard="0"} 3`,
			`stretchbot_gateway_latency_seconds{shard="0"} 0.05`,
			`stretchbot_db_write_seconds_count 1`,
			`stretchbot_db_write_failures_total 1`,
			`stretchbot_db_busy_waits_total 1`,
			`stretchbot_test_gauge 7`,
			`stretchbot_jobs_pending 4`,
			`stretchbot_jobs_due 1`,
			`go_goroutines `,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup()
			}
			code, body := fetch(t, srv.URL+tt.path)
			if code != tt.wantCode {
				t.Errorf("GET %s = %d, want %d", tt.path, code, tt.wantCode)
			}
			for _, want := range tt.wants {
				if !strings.Contains(body, want) {
					t.Errorf("GET %s lacks %q:\n%s", tt.path, want, body)
				}
			}
			if strings.Contains(body, `stretchbot_gateway_latency_seconds{shard="1"}`) {
				t.Errorf("GET %s reports a latency for a shard with no heartbeat acknowledged yet", tt.path)
			}
		})
	}
}

// A gauge whose source fails is left out; the other metrics are still served.
func TestMetricsSurviveAFailingGauge(t *testing.T) {
	m := New()
	m.Jobs(func(context.Context) (JobCounts, error) { return JobCounts{}, errors.New("database is locked") })
	m.Gauge("stretchbot_test_gauge", "A gauge for the test.", func() float64 { return 1 })
	srv := httptest.NewServer(Handler(m, func(context.Context) error { return nil }))
	defer srv.Close()
	code, body := fetch(t, srv.URL+"/metrics")
	if code != 200 || !strings.Contains(body, "stretchbot_test_gauge 1") {
		t.Fatalf("GET /metrics = %d without the healthy gauge:\n%s", code, body)
	}
}

func TestProbeHost(t *testing.T) {
	tests := []struct {
		listen, want, wantErr string
	}{
		{listen: "127.0.0.1:9090", want: "127.0.0.1:9090"},
		{listen: ":9090", want: "127.0.0.1:9090"},
		{listen: "0.0.0.0:9090", want: "127.0.0.1:9090"},
		{listen: "[::]:9090", want: "[::1]:9090"},
		{listen: "metrics.internal:9090", want: "metrics.internal:9090"},
		{listen: "9090", wantErr: `metrics.listen "9090" is not host:port`},
	}
	for _, tt := range tests {
		t.Run(tt.listen, func(t *testing.T) {
			got, err := probeHost(tt.listen)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("probeHost(%q) error = %v, want %q", tt.listen, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("probeHost(%q) = %q, %v; want %q", tt.listen, got, err, tt.want)
			}
		})
	}
}

func TestProbe(t *testing.T) {
	var ready error
	srv := httptest.NewServer(Handler(New(), func(context.Context) error { return ready }))
	defer srv.Close()
	listen := strings.TrimPrefix(srv.URL, "http://")
	closed := freeAddr(t)
	tests := []struct {
		name, listen string
		ready        error
		wantErr      string
	}{
		{name: "ready", listen: listen},
		{name: "not ready", listen: listen, ready: errors.New("the database stretchbot.db does not answer"),
			wantErr: "the bot is not ready (503 Service Unavailable): not ready: the database stretchbot.db does not answer"},
		{name: "metrics off", listen: "", wantErr: "metrics.listen is empty"},
		{name: "nothing listening", listen: closed, wantErr: "no answer from the bot's health endpoint at " + closed + " (is the bot running?)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ready = tt.ready
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			err := Probe(ctx, tt.listen)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Probe = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Probe = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestListenRefusesATakenAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, err = Listen(ln.Addr().String(), New(), func(context.Context) error { return nil }, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "cannot listen there") || !strings.Contains(err.Error(), "metrics.listen") {
		t.Fatalf("Listen on a taken address = %v; want a sentence naming metrics.listen", err)
	}
}

func fetch(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// freeAddr is a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
