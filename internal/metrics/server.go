package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Readiness reports why the bot cannot serve members now (a shard's gateway down, the
// database not answering), or nil when it can. It is given a context bounded by the probe.
type Readiness func(ctx context.Context) error

// Server serves /metrics, /healthz and /readyz on one address.
type Server struct {
	http *http.Server
	addr net.Addr
	done chan struct{}
}

// probeBudget bounds a readiness check: a probe that hangs is as bad as one that fails.
const probeBudget = 3 * time.Second

// Handler routes the three endpoints:
//   - GET /metrics: Prometheus text format (an error in one gauge leaves the others);
//   - GET /healthz: 200 "ok" while the process serves HTTP at all;
//   - GET /readyz: 200 "ready" when ready(ctx) is nil, else 503 with its one-line reason.
func Handler(m *Metrics, ready Readiness) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), probeBudget)
		defer cancel()
		if err := ready(ctx); err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	return mux
}

// Listen binds addr (metrics.listen) and serves the endpoints until Close. Binding happens
// here, so a taken or malformed address is an error at start, not a log line later.
func Listen(addr string, m *Metrics, ready Readiness, log *slog.Logger) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics.listen %q: cannot listen there (%w); choose a free host:port such as 127.0.0.1:9090, or leave it empty to turn metrics off", addr, err)
	}
	s := &Server{
		http: &http.Server{Handler: Handler(m, ready), ReadHeaderTimeout: 5 * time.Second,
			ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)},
		addr: ln.Addr(),
		done: make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("the metrics server stopped", slog.Any("err", err))
		}
	}()
	log.Info("serving metrics and health", slog.String("listen", s.addr.String()),
		slog.String("metrics", "/metrics"), slog.String("health", "/healthz"), slog.String("ready", "/readyz"))
	return s, nil
}

// Addr is the address served (with the port chosen when metrics.listen gave port 0).
func (s *Server) Addr() net.Addr { return s.addr }

// Close stops serving, letting requests in flight finish within ctx.
func (s *Server) Close(ctx context.Context) error {
	err := s.http.Shutdown(ctx)
	<-s.done
	return err
}
