package metrics

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
)

// Probe asks the bot serving on listen (metrics.listen) whether it is ready, for
// `stretchbot health` and the image's HEALTHCHECK (the slim image has no curl). It
// returns nil on 200 from /readyz, else one sentence saying what is wrong.
func Probe(ctx context.Context, listen string) error {
	if listen == "" {
		return fmt.Errorf("metrics.listen is empty, so the bot serves no health endpoint; set it (e.g. STRETCHBOT_METRICS_LISTEN=127.0.0.1:9090) and restart the bot")
	}
	host, err := probeHost(listen)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+host+"/readyz", nil)
	if err != nil {
		return fmt.Errorf("metrics.listen %q: %w", listen, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("no answer from the bot's health endpoint at %s (is the bot running?): %w", host, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the bot is not ready (%s): %s", resp.Status, strings.TrimSpace(string(body)))
	}
	return nil
}

// probeHost is where to reach a server listening on listen from the same machine: an
// unspecified host (":9090", "0.0.0.0:9090", "[::]:9090") is reached on loopback.
func probeHost(listen string) (string, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "", fmt.Errorf("metrics.listen %q is not host:port (like 127.0.0.1:9090 or :9090)", listen)
	}
	switch ip := net.ParseIP(host); {
	case host == "" || (ip != nil && ip.IsUnspecified() && ip.To4() != nil):
		host = "127.0.0.1"
	case ip != nil && ip.IsUnspecified():
		host = "::1"
	}
	return net.JoinHostPort(host, port), nil
}
