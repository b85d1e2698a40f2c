package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/config"
)

// DefaultIdentifyInterval is how long shards of one rate-limit bucket wait between their
// identifies: Discord allows max_concurrency identifies per 5 s, one per bucket
// (shard_id % max_concurrency).
const DefaultIdentifyInterval = 5 * time.Second

// ShardPlan is which gateway shards this process runs.
type ShardPlan struct {
	Count int   // the total number of shards
	IDs   []int // the shards this process runs, sorted
	// MaxConcurrency is how many shards may identify in one 5 s window.
	MaxConcurrency int
}

// PlanShards decides the shards this process runs: Options.ShardCount, or Discord's
// recommendation (GET /gateway/bot) when it is 0, and of those Options.ShardIDs. Open uses
// the plan; call PlanShards first to learn it (the job scheduler and the session engine
// run only the guilds of these shards).
func (b *Bot) PlanShards(ctx context.Context) (ShardPlan, error) {
	if plan := b.shardPlan(); plan.Count > 0 {
		return plan, nil
	}
	plan := ShardPlan{Count: b.opts.ShardCount, MaxConcurrency: 1}
	if plan.Count == 0 {
		gw, err := b.session.GatewayBot(discordgo.WithContext(ctx))
		if err != nil {
			return ShardPlan{}, explainConnectError(err)
		}
		plan.Count = max(gw.Shards, 1)
		plan.MaxConcurrency = max(gw.SessionStartLimit.MaxConcurrency, 1)
	}
	ids, err := config.ShardIDs(b.opts.ShardIDs, plan.Count)
	if err != nil {
		return ShardPlan{}, fmt.Errorf("discord.shard_ids: %w", err)
	}
	plan.IDs = ids
	b.mu.Lock()
	b.plan = plan
	b.mu.Unlock()
	return plan, nil
}

// shardPlan is the plan PlanShards made (zero before); readiness reads it while Open runs.
func (b *Bot) shardPlan() ShardPlan {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.plan
}

// openShards connects every shard of the plan: the first on the REST session, the others
// on sessions of their own that share its HTTP client, guard and handlers. Shards
// identify in rounds of MaxConcurrency (Discord's buckets, shard_id % max_concurrency),
// IdentifyInterval apart.
func (b *Bot) openShards(ctx context.Context) error {
	plan, err := b.PlanShards(ctx)
	if err != nil {
		return err
	}
	round := -1
	for i, id := range plan.IDs {
		s := b.session
		if i > 0 {
			if s, err = b.newShardSession(); err != nil {
				return err
			}
		}
		s.ShardID, s.ShardCount = id, plan.Count
		if r := id / plan.MaxConcurrency; round >= 0 && r != round {
			if err := sleepContext(ctx, b.opts.IdentifyInterval); err != nil {
				return err
			}
		}
		round = id / plan.MaxConcurrency
		b.shards = append(b.shards, s)
		b.trackShard(id, s)
		if err := s.Open(); err != nil {
			return explainConnectError(err)
		}
	}
	if plan.Count > 1 {
		b.log.Info("shards connected", slog.Int("count", plan.Count), slog.Any("ids", plan.IDs))
	}
	return nil
}

// newShardSession is a further gateway session for one more shard.
func (b *Bot) newShardSession() (*discordgo.Session, error) {
	s, err := discordgo.New("Bot " + b.opts.Token)
	if err != nil {
		return nil, errors.New("cannot create the Discord session")
	}
	s.Client = b.restClient() // its own, not the first shard's: each shard's GET /gateway is its own (resume.go)
	b.configure(s)
	return s, nil
}

// closeShards closes every shard's gateway connection.
func (b *Bot) closeShards() error {
	var errs []error
	for _, s := range b.shards {
		if err := s.Close(); err != nil && !errors.Is(err, discordgo.ErrWSNotFound) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
