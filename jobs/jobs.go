// Package jobs is the one durable scheduler for everything the bot does on its own
// initiative (session steps, scheduled lobbies, Discord events, reminders): due work is a
// row in a Store, one clock timer is armed for the earliest pending row, and Start re-arms
// from the table after a restart.
//
// # Exactly once, and what "once" means
//
// A job is claimed (marked claimed_at in one write transaction, so two claimers never get
// the same row) before its Handler runs, and completed after it returns. A crash between
// the two leaves the job claimed but not completed; the next Start makes it pending again
// and it runs again. So a Handler may run more than once for the same job, and must be
// idempotent: it checks what it is about to do against stored state first (the lobby of
// this occurrence already has a session row, the reminder of this day was already sent),
// and does it at most once. The job's Key, unique per Kind, names the occurrence a handler
// can check against. What the scheduler guarantees is that a completed job never runs
// again, and that adding a job whose (Kind, Key) exists is a no-op, so the same
// occurrence can be added any number of times (at every start, after every edit).
//
// Work due while the bot was down runs at Start. A handler decides whether it is still
// useful and returns Skip(reason) if not (a reminder for a session that is over): the
// scheduler logs that at Info with the job's kind, key and guild, and completes the job.
//
// # Guilds and shards
//
// A job belongs to a guild; only the process that runs the guild's shard runs its jobs.
// The Scope says which shards a process runs, in Discord's formula
// shard = (guild_id >> 22) % shard_count, and the Store applies it in its queries (Next,
// Claim, Recover), so a process never claims, not even briefly, a job it does not own: a
// predicate applied after claiming (claim, then release what is not ours) would let
// process A hold B's job while B looks for it and re-arms past it, and would make A's
// timer fire again and again for B's earliest job. The zero Scope owns every guild.
package jobs

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"
)

// Job is one piece of due work.
type Job struct {
	// ID is assigned by the Store.
	ID int64
	// Kind selects the Handler.
	Kind string
	// Key is the idempotency key, unique per Kind: the occurrence the job stands for, e.g.
	// "lobby/<schedule id>/<occurrence unix seconds>". Adding a job whose (Kind, Key) is
	// already stored, pending or completed, does nothing.
	Key string
	// GuildID is the guild the work is for; it decides which process runs it (Scope). The
	// empty string is shard 0, as Discord routes direct messages.
	GuildID string
	// Due is when the job should run; it runs at or after Due, never before.
	Due time.Time
	// Payload is the handler's own data, opaque to the scheduler.
	Payload []byte
	// Attempts counts the claims of this job, the current one included: 1 on the first run,
	// 2 on the first retry or on a run again after a crash.
	Attempts int
}

// Store keeps the jobs. storage.DB implements it on SQLite.
type Store interface {
	// Add stores j (ID and Attempts are ignored) unless a job with its Kind and Key exists,
	// pending or completed; added reports whether it stored it.
	Add(ctx context.Context, j Job) (added bool, err error)
	// Next returns the earliest Due among pending (unclaimed, not completed) jobs in scope;
	// ok is false when there is none.
	Next(ctx context.Context, scope Scope) (due time.Time, ok bool, err error)
	// Claim marks up to limit pending jobs in scope that are due at now (Due <= now) as
	// claimed, earliest first, in one write transaction, increments their Attempts and
	// returns them in Due order. A job is returned by at most one Claim until it is
	// retried, released or recovered.
	Claim(ctx context.Context, scope Scope, now time.Time, limit int) ([]Job, error)
	// Complete marks a claimed job as done: it never runs again.
	Complete(ctx context.Context, id int64) error
	// Retry makes a claimed job pending again, due at at (a failed attempt, with backoff).
	// Attempts stays counted.
	Retry(ctx context.Context, id int64, at time.Time) error
	// Release makes a claimed job that did not run pending again, due as before, and
	// uncounts the claim's attempt (a job claimed while shutting down).
	Release(ctx context.Context, id int64) error
	// Recover makes every job in scope that is claimed but not completed pending again,
	// due as before, and reports how many: run at start, for jobs whose process stopped
	// between claim and complete.
	Recover(ctx context.Context, scope Scope) (int, error)
}

// Scope says which guilds' jobs a process runs, by the shards it runs. The zero Scope owns
// every guild (one process, unsharded).
type Scope struct {
	// Shards is the total shard count; 0 or 1 means one shard, owning every guild.
	Shards int
	// IDs are the shards this process runs; empty means all of them.
	IDs []int
}

// All reports whether the scope owns every guild.
func (s Scope) All() bool {
	if s.Shards <= 1 || len(s.IDs) == 0 {
		return true
	}
	for id := range s.Shards {
		if !slices.Contains(s.IDs, id) {
			return false
		}
	}
	return true
}

// Owns reports whether the process runs the jobs of guildID.
func (s Scope) Owns(guildID string) bool {
	return s.All() || slices.Contains(s.IDs, ShardOf(guildID, s.Shards))
}

// Validate checks the scope's numbers.
func (s Scope) Validate() error {
	if s.Shards < 0 {
		return errors.New("jobs: negative shard count")
	}
	for _, id := range s.IDs {
		if id < 0 || (s.Shards > 0 && id >= s.Shards) || (s.Shards == 0 && id != 0) {
			return errors.New("jobs: shard id " + strconv.Itoa(id) + " outside the shard count " + strconv.Itoa(s.Shards))
		}
	}
	return nil
}

// ShardOf is Discord's shard of a guild: (guild_id >> 22) % shards. A guild ID that is
// empty or not a number is shard 0, as direct messages are. Stores that filter in SQL
// must compute the same (SQLite: (CAST(guild_id AS INTEGER) >> 22) % shards).
func ShardOf(guildID string, shards int) int {
	if shards <= 1 {
		return 0
	}
	id, err := strconv.ParseInt(guildID, 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return int((id >> 22) % int64(shards))
}

// Outcome is what a Handler reports besides an error: done (the zero Outcome), or skipped.
type Outcome struct {
	skipped bool
	reason  string
}

// Done is the Outcome of a job that did its work.
func Done() Outcome { return Outcome{} }

// Skip is the Outcome of a job that is no longer useful (a reminder for a session that is
// over, a lobby whose time passed while the bot was down): logged at Info with the reason,
// then completed like a done job.
func Skip(reason string) Outcome { return Outcome{skipped: true, reason: reason} }

// Skipped reports whether the Outcome is a Skip, and why.
func (o Outcome) Skipped() (reason string, ok bool) { return o.reason, o.skipped }

// Handler runs one job of its Kind. A nil error completes the job (whatever the Outcome);
// an error retries it with backoff. It may run more than once for the same job (see the
// package comment) and must be idempotent. ctx ends when the scheduler is shut down past
// its grace period.
type Handler func(ctx context.Context, j Job) (Outcome, error)
