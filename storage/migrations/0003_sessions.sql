-- Group sessions (issue 4). Times are RFC 3339 UTC strings with nanoseconds, NULL when
-- unset, and durations are integer nanoseconds, so a session reloads exactly as it was
-- saved: deadlines computed after a restart do not drift.
CREATE TABLE sessions (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id               TEXT NOT NULL,
    channel_id             TEXT NOT NULL,
    host_id                TEXT NOT NULL,
    routine_name           TEXT NOT NULL,
    plan_json              TEXT NOT NULL, -- the routine snapshot taken at start
    status                 TEXT NOT NULL CHECK (status IN
                               ('lobby', 'running', 'paused', 'finished', 'cancelled', 'stopped', 'expired', 'aborted')),
    created_at             TEXT NOT NULL,
    start_at               TEXT NOT NULL,
    started_at             TEXT,
    paused_at              TEXT,
    paused_total_ns        INTEGER NOT NULL DEFAULT 0,
    skipped_total_ns       INTEGER NOT NULL DEFAULT 0,
    ended_at               TEXT,
    live_message_id        TEXT NOT NULL DEFAULT '',
    live_message_posted_at TEXT
);

-- One active session per channel, whatever the code above it does.
CREATE UNIQUE INDEX sessions_one_active_per_channel ON sessions (channel_id)
    WHERE status IN ('lobby', 'running', 'paused');

CREATE TABLE session_participants (
    session_id       INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq              INTEGER NOT NULL, -- join order, as the session lists them
    user_id          TEXT NOT NULL,
    name             TEXT NOT NULL,
    joined_at        TEXT NOT NULL,
    left_at          TEXT,
    joined_step      INTEGER NOT NULL,
    joined_active_ns INTEGER NOT NULL,
    PRIMARY KEY (session_id, user_id)
);

-- Who was credited for which session. The primary key is what makes credit exactly-once.
CREATE TABLE session_credits (
    session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    guild_id    TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    minutes     INTEGER NOT NULL,
    active_ns   INTEGER NOT NULL,
    credited_at TEXT NOT NULL,
    -- The member's streak right after this credit, and whether this credit grew it
    -- (a new counted day), for the session summary.
    streak_days INTEGER NOT NULL DEFAULT 0,
    streak_grew INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, user_id)
);
CREATE INDEX session_credits_member ON session_credits (guild_id, user_id);
