package app

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/stretchbot/stretchbot/bot"
	"github.com/stretchbot/stretchbot/internal/metrics"
	"github.com/stretchbot/stretchbot/jobs"
	"github.com/stretchbot/stretchbot/session"
	"github.com/stretchbot/stretchbot/storage"
)

// observers are what the bot and the database report to: the metrics when metrics.listen
// is set, nothing otherwise (nil interfaces, which bot and storage treat as "observe
// nothing"; a nil *metrics.Metrics would not be).
func observers(m *metrics.Metrics) (bot.Observer, storage.Observer) {
	if m == nil {
		return nil, nil
	}
	return m, m
}

// gauges registers what metrics read at each scrape: shards, sessions, jobs and the
// guard's budget of invalid answers.
func gauges(m *metrics.Metrics, b *bot.Bot, sessions *session.Engine, db *storage.DB, scope jobs.Scope, now func() time.Time) {
	m.Shards(func() []metrics.ShardState {
		var out []metrics.ShardState
		for _, s := range b.Shards() {
			st := metrics.ShardState{ID: s.ID, Connected: s.Connected, Latency: s.Latency}
			if !s.LastAck.IsZero() {
				st.AckAge = time.Since(s.LastAck) // discordgo stamps it with the real clock
			}
			out = append(out, st)
		}
		return out
	})
	m.Gauge("stretchbot_sessions_running", "Group sessions this process runs now: lobbies, live and paused.",
		func() float64 { return float64(sessions.Running()) })
	m.Jobs(func(ctx context.Context) (metrics.JobCounts, error) {
		n, err := db.CountJobs(ctx, scope, now())
		return metrics.JobCounts{Pending: n.Pending, Due: n.Due}, err
	})
	m.Gauge("stretchbot_rest_invalid_responses", "Discord's 401, 403 and 429 answers in the last 10 minutes (Discord bans the IP at 10,000).",
		func() float64 { n, _ := b.InvalidAnswers(); return float64(n) })
	m.Gauge("stretchbot_rest_invalid_budget", "The count of invalid answers at which the bot holds back its own messages.",
		func() float64 { _, budget := b.InvalidAnswers(); return float64(budget) })
}

// readiness is ready when every shard's gateway is connected and the database answers.
func readiness(b *bot.Bot, db *storage.DB) metrics.Readiness {
	return func(ctx context.Context) error {
		return errors.Join(b.Ready(ctx), db.Ping(ctx))
	}
}

// serveMetrics starts the metrics server on listen, or nothing when metrics is nil.
func serveMetrics(listen string, m *metrics.Metrics, ready metrics.Readiness, log *slog.Logger) (*metrics.Server, error) {
	if m == nil {
		return nil, nil
	}
	return metrics.Listen(listen, m, ready, log)
}

// closeServer stops the metrics server, if one runs.
func closeServer(ctx context.Context, s *metrics.Server) error {
	if s == nil {
		return nil
	}
	return s.Close(ctx)
}
