package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/stretchbot/stretchbot/guild"
)

// GuildSettings returns the server's settings, or the defaults if it has none stored.
func (db *DB) GuildSettings(ctx context.Context, guildID string) (guild.Settings, error) {
	return guildSettings(ctx, db.read, guildID)
}

func guildSettings(ctx context.Context, q querier, guildID string) (guild.Settings, error) {
	s := guild.Defaults(guildID)
	err := q.QueryRowContext(ctx, `SELECT timezone, day_start_hour, solo_logs, freezes, host_role_id, server_streak_threshold
		FROM guild_settings WHERE guild_id = ?`, guildID).
		Scan(&s.Timezone, &s.DayStartHour, &s.SoloLogs, &s.Freezes, &s.HostRoleID, &s.ServerStreakThreshold)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	return s, err
}

// UpdateGuildSettings reads the server's settings, applies change and stores the
// result in one transaction, so two admins changing different settings at once
// both win. It returns the stored settings.
func (db *DB) UpdateGuildSettings(ctx context.Context, guildID string, change func(*guild.Settings)) (guild.Settings, error) {
	var s guild.Settings
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if s, err = guildSettings(ctx, tx, guildID); err != nil {
			return err
		}
		change(&s)
		_, err = tx.ExecContext(ctx, `INSERT INTO guild_settings
			(guild_id, timezone, day_start_hour, solo_logs, freezes, host_role_id, server_streak_threshold, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (guild_id) DO UPDATE SET timezone = excluded.timezone, day_start_hour = excluded.day_start_hour,
				solo_logs = excluded.solo_logs, freezes = excluded.freezes, host_role_id = excluded.host_role_id,
				server_streak_threshold = excluded.server_streak_threshold, updated_at = excluded.updated_at`,
			guildID, s.Timezone, s.DayStartHour, s.SoloLogs, s.Freezes, s.HostRoleID, s.ServerStreakThreshold, db.stamp())
		return err
	})
	return s, err
}

// MemberSettings returns the member's settings in the server (zero value if none).
func (db *DB) MemberSettings(ctx context.Context, guildID, userID string) (guild.MemberSettings, error) {
	return memberSettings(ctx, db.read, guildID, userID)
}

func memberSettings(ctx context.Context, q querier, guildID, userID string) (guild.MemberSettings, error) {
	var m guild.MemberSettings
	err := q.QueryRowContext(ctx, `SELECT timezone, leaderboard_opt_out FROM member_settings WHERE guild_id = ? AND user_id = ?`,
		guildID, userID).Scan(&m.Timezone, &m.LeaderboardOptOut)
	if errors.Is(err, sql.ErrNoRows) {
		return guild.MemberSettings{}, nil
	}
	return m, err
}

// UpdateMemberSettings applies change to the member's settings in one transaction
// and returns the stored result.
func (db *DB) UpdateMemberSettings(ctx context.Context, guildID, userID string, change func(*guild.MemberSettings)) (guild.MemberSettings, error) {
	var m guild.MemberSettings
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if m, err = memberSettings(ctx, tx, guildID, userID); err != nil {
			return err
		}
		change(&m)
		_, err = tx.ExecContext(ctx, `INSERT INTO member_settings (guild_id, user_id, timezone, leaderboard_opt_out, updated_at)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (guild_id, user_id) DO UPDATE SET timezone = excluded.timezone,
				leaderboard_opt_out = excluded.leaderboard_opt_out, updated_at = excluded.updated_at`,
			guildID, userID, m.Timezone, m.LeaderboardOptOut, db.stamp())
		return err
	})
	return m, err
}

// stamp is the current time as stored in *_at columns.
func (db *DB) stamp() string { return db.now().UTC().Format(time.RFC3339Nano) }
