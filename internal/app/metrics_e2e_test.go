package app_test

import (
	"bufio"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchbot/stretchbot/config"
	"github.com/stretchbot/stretchbot/internal/fakediscord"
)

// withMetrics serves metrics on a free loopback port (App.MetricsAddr tells which).
func withMetrics() harnessOption {
	return withConfig(func(c *config.Config) { c.Metrics.Listen = "127.0.0.1:0" })
}

// TestMetricsCountWhatTheBotDid scrapes /metrics after a few interactions and a session
// and finds every family of the operator's metrics moved: interactions by command and
// outcome, their latency, REST answers by route, gateway connects, database writes, the
// running session and its pending deadline.
func TestMetricsCountWhatTheBotDid(t *testing.T) {
	h := startHarness(t, withMetrics())
	addr := h.app.MetricsAddr()
	if addr == "" {
		t.Fatal("metrics.listen is set but the app serves no metrics")
	}
	h.slash(alice, "help")
	h.createQuickRoutine()
	h.startSession(5)
	// A second session in the same channel is a member's mistake: a user error.
	h.slash(alice, "session", fakediscord.Subcommand("start", fakediscord.StringOption("routine", "Quick")))
	h.autocomplete(alice, "exercise", "name", "cat")

	wants := []struct {
		name    string
		labels  []string
		atLeast float64
	}{
		{"stretchbot_interactions_total", []string{`kind="command"`, `command="help"`, `outcome="ok"`}, 1},
		{"stretchbot_interactions_total", []string{`command="routine"`, `outcome="ok"`}, 1},
		{"stretchbot_interactions_total", []string{`command="session"`, `outcome="ok"`}, 1},
		{"stretchbot_interactions_total", []string{`command="session"`, `outcome="user_error"`}, 1},
		{"stretchbot_interactions_total", []string{`kind="autocomplete"`, `command="exercise"`, `outcome="ok"`}, 1},
		{"stretchbot_interaction_seconds_count", []string{`kind="command"`}, 4},
		{"stretchbot_rest_responses_total", []string{`route="POST /interactions/{interaction}/{token}/callback"`, `status="204"`}, 5},
		{"stretchbot_rest_responses_total", []string{`route="POST /channels/{channel}/messages"`, `status="200"`}, 1},
		{"stretchbot_gateway_events_total", []string{`shard="0"`, `event="connect"`}, 1},
		{"stretchbot_gateway_connected", []string{`shard="0"`}, 1},
		// Reported only once a heartbeat was acknowledged: found means a measured round trip.
		{"stretchbot_gateway_latency_seconds", []string{`shard="0"`}, 0},
		{"stretchbot_db_write_seconds_count", nil, 3},
		{"stretchbot_sessions_running", nil, 1},
		{"stretchbot_jobs_pending", nil, 1},
		{"stretchbot_rest_invalid_budget", nil, 2000},
		{"go_goroutines", nil, 1},
		{"process_resident_memory_bytes", nil, 1},
	}
	for _, w := range wants {
		awaitMetric(t, addr, w.name, w.labels, w.atLeast)
	}
}

// TestReadyzFollowsTheGateway: /healthz answers while the process serves; /readyz is 200
// while connected, 503 with the reason while the gateway is down, and 200 again after the
// bot resumed.
func TestReadyzFollowsTheGateway(t *testing.T) {
	h := startHarness(t, withMetrics())
	addr := h.app.MetricsAddr()
	if code, body := get(t, addr, "/healthz"); code != http.StatusOK {
		t.Fatalf("/healthz = %d %q, want 200", code, body)
	}
	awaitProbe(t, addr, http.StatusOK, "ready")

	// An outage: the connection drops and reconnects are refused until it ends.
	h.fake.HoldGateway(true)
	if !h.fake.DropGateway() {
		t.Fatal("no live gateway connection to drop")
	}
	awaitProbe(t, addr, http.StatusServiceUnavailable, "gateway connection of shard 0 is down")
	if code, _ := get(t, addr, "/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d while the gateway is down; the process still serves, so want 200", code)
	}
	awaitMetric(t, addr, "stretchbot_gateway_events_total", []string{`event="disconnect"`}, 1)

	h.fake.HoldGateway(false)
	awaitProbe(t, addr, http.StatusOK, "ready")
	awaitMetric(t, addr, "stretchbot_gateway_events_total", []string{`event="resume"`}, 1)
	if a := h.slash(alice, "streak"); a.text() == "" {
		t.Error("no answer after the resume")
	}
}

// get fetches path from the metrics server.
func get(t *testing.T, addr, path string) (int, string) {
	t.Helper()
	resp, err := http.Get("http://" + addr + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// awaitProbe polls /readyz until it answers code with a body holding want.
func awaitProbe(t *testing.T, addr string, code int, want string) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		got, body := get(t, addr, "/readyz")
		if got == code && strings.Contains(body, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz = %d %q; want %d with %q", got, body, code, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// awaitMetric polls /metrics until the samples of name with every one of labels add up to
// at least atLeast (the bot counts an interaction just after its answer is out).
func awaitMetric(t *testing.T, addr, name string, labels []string, atLeast float64) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		_, body := get(t, addr, "/metrics")
		sum, found := sumSamples(body, name, labels)
		if found && sum >= atLeast {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s%v = %v (found %v); want at least %v\n%s", name, labels, sum, found, atLeast, grepLines(body, name))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// sumSamples adds the values of the samples of name (exactly: not name_bucket) in the
// Prometheus text format whose labels include every one of labels.
func sumSamples(body, name string, labels []string) (sum float64, found bool) {
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		cut := strings.LastIndexByte(line, ' ') // label values may hold spaces; the value is last
		if cut < 0 {
			continue
		}
		series, value := line[:cut], line[cut+1:]
		metric, labelText, _ := strings.Cut(series, "{")
		if metric != name {
			continue
		}
		if !containsAll(labelText, labels) {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			continue
		}
		sum, found = sum+v, true
	}
	return sum, found
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// grepLines returns the lines of body that mention name, for a failure message.
func grepLines(body, name string) string {
	var out []string
	for _, line := range strings.Split(body, "\n") {
		if strings.Contains(line, name) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
