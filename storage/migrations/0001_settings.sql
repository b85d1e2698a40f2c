-- Per-server settings; a row exists only once an admin changed something.
CREATE TABLE guild_settings (
    guild_id                TEXT PRIMARY KEY,
    timezone                TEXT NOT NULL DEFAULT '',
    day_start_hour          INTEGER NOT NULL DEFAULT 0 CHECK (day_start_hour BETWEEN 0 AND 23),
    solo_logs               INTEGER NOT NULL DEFAULT 1,
    freezes                 INTEGER NOT NULL DEFAULT 1,
    host_role_id            TEXT NOT NULL DEFAULT '',
    server_streak_threshold INTEGER NOT NULL DEFAULT 3 CHECK (server_streak_threshold >= 1),
    updated_at              TEXT NOT NULL
);

-- Per-member preferences, kept per server so /forget-me in one server forgets all of it.
CREATE TABLE member_settings (
    guild_id             TEXT NOT NULL,
    user_id              TEXT NOT NULL,
    timezone             TEXT NOT NULL DEFAULT '',
    leaderboard_opt_out  INTEGER NOT NULL DEFAULT 0,
    updated_at           TEXT NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);
