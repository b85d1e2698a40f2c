// Package app wires stretchbot together: config in, a running bot out. `stretchbot
// run`, `stretchbot sandbox` and the end-to-end tests all start the bot through
// Start, so what the tests see is what production runs.
package app

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/stretchbot/stretchbot/bot"
	"github.com/stretchbot/stretchbot/catalog"
	"github.com/stretchbot/stretchbot/clock"
	"github.com/stretchbot/stretchbot/commands"
	"github.com/stretchbot/stretchbot/config"
	"github.com/stretchbot/stretchbot/internal/metrics"
	"github.com/stretchbot/stretchbot/jobs"
	"github.com/stretchbot/stretchbot/session"
	"github.com/stretchbot/stretchbot/storage"
)

// Options are the seams the sandbox and tests use; production leaves them zero.
type Options struct {
	Logger     *slog.Logger
	Transport  http.RoundTripper
	DeferAfter time.Duration
	// Clock is every reading of the time and the session engine's timers; clock.Real()
	// when nil. Tests pass a fake to run a routine in milliseconds and to move days on.
	Clock clock.Clock
	// IdentifyInterval overrides the 5 s between shards' identifies (tests shorten it).
	IdentifyInterval time.Duration
}

// App is a started bot and everything it owns.
type App struct {
	db       *storage.DB
	bot      *bot.Bot
	sessions *session.Engine
	jobs     *jobs.Scheduler
	metrics  *metrics.Server // nil when metrics.listen is empty
	backups  *backups        // nil when storage.backup.every is 0, or another process's
	log      *slog.Logger
}

// Start opens the database, builds the commands, connects to Discord and registers
// the commands. On error everything opened so far is closed again.
func Start(ctx context.Context, cfg *config.Config, opts Options) (*App, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	opts.Logger = slog.New(bot.Scrubbing(opts.Logger.Handler()))
	if opts.Clock == nil {
		opts.Clock = clock.Real()
	}
	cat, err := catalog.Load(cfg.Catalog.ExtraPath)
	if err != nil {
		return nil, err
	}
	if cfg.Storage.Backup.Every > 0 {
		if err := storage.PrepareBackupDir(cfg.BackupDir(), true); err != nil {
			return nil, err
		}
	}
	var m *metrics.Metrics
	if cfg.Metrics.Listen != "" {
		m = metrics.New()
	}
	botObserver, dbObserver := observers(m)
	db, err := storage.Open(ctx, cfg.Storage.Path, opts.Clock.Now, storage.WithLogger(opts.Logger),
		storage.WithDefaultTimezone(cfg.Defaults.Timezone), storage.WithObserver(dbObserver))
	if err != nil {
		return nil, err
	}
	b, err := bot.New(bot.Options{
		Token:            cfg.Discord.Token.Reveal(),
		APIURL:           cfg.Discord.APIURL,
		GuildID:          cfg.Discord.GuildID,
		Logger:           opts.Logger,
		Now:              opts.Clock.Now,
		DeferAfter:       opts.DeferAfter,
		Transport:        opts.Transport,
		ShardCount:       cfg.Discord.ShardCount,
		ShardIDs:         cfg.Discord.ShardIDs,
		IdentifyInterval: opts.IdentifyInterval,
		Observer:         botObserver,
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	// The process runs the guilds of its shards only: their interactions reach it, and it
	// runs their sessions and due work, so processes with disjoint shards share a database.
	plan, err := b.PlanShards(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	scope := jobs.Scope{Shards: plan.Count, IDs: plan.IDs}
	// One Messenger for every write the bot starts itself: one limiter paces them all.
	messenger := b.NewMessenger()
	scheduler, err := jobs.New(jobs.Config{Store: db, Clock: opts.Clock, Log: opts.Logger, Scope: scope})
	if err != nil {
		db.Close()
		return nil, err
	}
	sessions := session.New(session.Config{PrepGap: cfg.Session.PrepGap, LeadIn: cfg.Session.PrepGap,
		LateCutoff: cfg.Session.LateCutoff, Logger: opts.Logger, Watcher: commands.ScheduleWatcher(scheduler, opts.Clock.Now, opts.Logger),
		Alarms: sessionAlarms{scheduler}, Owns: scope.Owns},
		db, bot.NewSessionPoster(messenger), opts.Clock)
	dms := commands.NewDMMemory(messenger, db, opts.Clock.Now, opts.Logger)
	deps := commands.Deps{
		Catalog:     cat,
		Store:       db,
		PrepGap:     cfg.Session.PrepGap,
		Sessions:    sessions,
		Jobs:        scheduler,
		Notes:       messenger,
		DMs:         dms,
		Notices:     dms,
		Events:      messenger,
		Log:         opts.Logger,
		DefaultZone: cfg.Defaults.Timezone,
	}
	for kind, handle := range commands.JobHandlers(deps, opts.Clock.Now) {
		scheduler.Handle(kind, handle)
	}
	scheduler.Handle(purgeJob, purgeCompletedJobs(db, scheduler, opts.Clock.Now))
	scheduler.Handle(sessionWakeJob, wakeSession(sessions))
	// Metrics and health serve before the gateway connects, so a probe sees the bot
	// starting (/healthz 200, /readyz 503) rather than nothing.
	if m != nil {
		gauges(m, b, sessions, db, scope, opts.Clock.Now)
	}
	server, err := serveMetrics(cfg.Metrics.Listen, m, readiness(b, db), opts.Logger)
	if err != nil {
		db.Close()
		return nil, err
	}
	if err := b.Open(ctx, commands.All(deps)); err != nil {
		return nil, errors.Join(err, closeServer(ctx, server), db.Close())
	}
	a := &App{db: db, bot: b, sessions: sessions, jobs: scheduler, metrics: server, log: opts.Logger}
	// Sessions resume, and due work runs, only once the gateway is up, so their buttons
	// can be answered; sessions first, so a scheduled lobby finds its channel's state.
	// A bot that was down for days compacts the recent activity at once, not at the next
	// daily purge; it is safe to repeat, from several processes too.
	if _, err := db.CompactActivity(ctx); err != nil {
		return nil, errors.Join(err, a.Close(ctx))
	}
	if err := errors.Join(sessions.Restore(ctx), scheduler.Start(ctx), queuePurge(ctx, scheduler, opts.Clock.Now())); err != nil {
		return nil, errors.Join(err, a.Close(ctx))
	}
	// Processes sharing the database back it up once: the one that runs shard 0.
	if scope.Owns("") {
		if a.backups, err = startBackups(cfg, opts.Clock, opts.Logger); err != nil {
			return nil, errors.Join(err, a.Close(ctx))
		}
	}
	return a, nil
}

// Completed jobs, and the records of schedule notices sent, are kept a week (long enough
// for a job's key to keep it from running twice), then deleted by a daily job, so the
// tables do not grow with every occurrence. The same job moves the activity log's recent
// days into its long-term table (storage.CompactActivity), off the crediting path.
const (
	purgeJob      = "purge-jobs"
	keepCompleted = 7 * 24 * time.Hour
)

// queuePurge queues the purge of the day after now; its key is the day, so a restart
// queues it once.
func queuePurge(ctx context.Context, q *jobs.Scheduler, now time.Time) error {
	day := now.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	_, err := q.Add(ctx, jobs.Job{Kind: purgeJob, Key: day.Format(time.DateOnly), Due: day})
	return err
}

// purgeCompletedJobs deletes the jobs completed more than keepCompleted ago and queues the
// next day's purge.
func purgeCompletedJobs(db *storage.DB, q *jobs.Scheduler, now func() time.Time) jobs.Handler {
	return func(ctx context.Context, _ jobs.Job) (jobs.Outcome, error) {
		before := now().Add(-keepCompleted)
		if _, err := db.PurgeJobs(ctx, before); err != nil {
			return jobs.Outcome{}, err
		}
		if _, err := db.PurgeNotices(ctx, before); err != nil {
			return jobs.Outcome{}, err
		}
		if _, err := db.CompactActivity(ctx); err != nil {
			return jobs.Outcome{}, err
		}
		return jobs.Done(), queuePurge(ctx, q, now())
	}
}

// Close shuts down in order: stop taking interactions and let handlers finish their
// writes, stop the job scheduler (claimed jobs not yet run are released), stop the session
// timers and wait for transitions in flight (sessions stay active in the database and
// resume at the next start), then close the database.
func (a *App) Close(ctx context.Context) error {
	botErr := a.bot.Close(ctx)
	a.backups.Close()
	return errors.Join(botErr, a.jobs.Shutdown(ctx), a.sessions.Shutdown(ctx), closeServer(ctx, a.metrics), a.db.Close())
}

// MetricsAddr is where /metrics, /healthz and /readyz are served, or "" when metrics are off.
func (a *App) MetricsAddr() string {
	if a.metrics == nil {
		return ""
	}
	return a.metrics.Addr().String()
}

// Run starts the bot and serves until ctx is cancelled (SIGINT/SIGTERM), then
// shuts down cleanly within a bounded time. If Discord refuses the bot token meanwhile
// (bot.ErrTokenRevoked) it shuts down and returns that error, so the process exits non-zero
// instead of sending 401s until the IP is banned.
func Run(ctx context.Context, cfg *config.Config, opts Options) error {
	a, err := Start(ctx, cfg, opts)
	if err != nil {
		return err
	}
	var fatal error
	select {
	case <-ctx.Done():
		a.log.Info("shutting down")
	case fatal = <-a.bot.Fatal():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return errors.Join(fatal, a.Close(shutdownCtx))
}
