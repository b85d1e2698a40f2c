package app

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/stretchbot/stretchbot/clock"
	"github.com/stretchbot/stretchbot/config"
	"github.com/stretchbot/stretchbot/storage"
)

// backupRetry is how soon a scheduled backup that failed is tried again.
const backupRetry = time.Hour

// backupBudget bounds one scheduled backup; a copy of even a large database takes seconds.
const backupBudget = 10 * time.Minute

// backups makes the running bot back its database up every storage.backup.every into
// storage.backup.dir, the same checked copy as `stretchbot backup`, keeping the newest
// storage.backup.keep. The next one is due a period after the newest copy in the folder,
// so a restart neither skips one nor takes one early; the first is taken at start.
type backups struct {
	dbPath, dir string
	every       time.Duration
	keep        int
	clock       clock.Clock
	log         *slog.Logger

	mu      sync.Mutex
	timer   clock.Timer
	closed  bool
	running sync.WaitGroup
}

// startBackups arms the first backup (Start has prepared the folder); nil when scheduled
// backups are off.
func startBackups(cfg *config.Config, clk clock.Clock, log *slog.Logger) (*backups, error) {
	if cfg.Storage.Backup.Every <= 0 {
		return nil, nil
	}
	b := &backups{dbPath: cfg.Storage.Path, dir: cfg.BackupDir(), every: cfg.Storage.Backup.Every,
		keep: cfg.Storage.Backup.Keep, clock: clk, log: log}
	existing, err := storage.ScheduledBackups(b.dir, b.dbPath)
	if err != nil {
		return nil, err
	}
	wait := time.Duration(0)
	if len(existing) > 0 {
		wait = existing[len(existing)-1].At.Add(b.every).Sub(clk.Now())
	}
	b.arm(max(wait, 0))
	log.Info("scheduled backups on", slog.String("dir", b.dir), slog.Duration("every", b.every),
		slog.Int("keep", b.keep), slog.Time("next", clk.Now().Add(max(wait, 0))))
	return b, nil
}

func (b *backups) arm(wait time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	b.running.Add(1)
	b.timer = b.clock.AfterFunc(wait, func() {
		defer b.running.Done()
		b.arm(b.take())
	})
}

// take makes one backup and prunes the old ones; it returns when the next is due.
func (b *backups) take() time.Duration {
	ctx, cancel := context.WithTimeout(context.Background(), backupBudget)
	defer cancel()
	dest := storage.ScheduledBackupPath(b.dir, b.dbPath, b.clock.Now())
	summary, err := storage.Backup(ctx, b.dbPath, dest)
	if err != nil {
		b.log.Error("scheduled backup failed; trying again later", slog.String("dest", dest),
			slog.Duration("retry_in", backupRetry), slog.Any("err", err))
		return backupRetry
	}
	b.log.Info("scheduled backup made", slog.String("path", dest), slog.Int("members", summary.Members),
		slog.Int("counted_days", summary.CountedDays), slog.Int("sessions", summary.Sessions), slog.Int("schedules", summary.Schedules))
	removed, err := storage.PruneBackups(b.dir, b.dbPath, b.keep)
	for _, path := range removed {
		b.log.Info("old backup deleted", slog.String("path", path))
	}
	if err != nil {
		b.log.Warn("could not delete every old backup", slog.Any("err", err))
	}
	return b.every
}

// Close stops scheduling and waits for a backup in progress. Safe on nil.
func (b *backups) Close() {
	if b == nil {
		return
	}
	b.mu.Lock()
	b.closed = true
	if b.timer != nil && b.timer.Stop() {
		b.running.Done() // the pending call will not run
	}
	b.mu.Unlock()
	b.running.Wait()
}
