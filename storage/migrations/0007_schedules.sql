-- A server's recurring sessions: a routine at a local time (at, "HH:MM") on some days, in an
-- IANA zone. Occurrences are computed from these fields (package schedule), never stored as
-- a chain of instants, so daylight-saving changes cannot make them drift. skip_before makes
-- /schedule skip drop the occurrences before that instant (unix seconds; 0 for none).
CREATE TABLE schedules (
    id            INTEGER PRIMARY KEY,
    guild_id      TEXT NOT NULL,
    channel_id    TEXT NOT NULL,
    routine       TEXT NOT NULL CHECK (routine <> ''),
    at            TEXT NOT NULL CHECK (at GLOB '[0-2][0-9]:[0-5][0-9]'),
    days          TEXT NOT NULL CHECK (days <> ''),
    zone          TEXT NOT NULL CHECK (zone <> ''),
    lobby_seconds INTEGER NOT NULL CHECK (lobby_seconds BETWEEN 0 AND 3600),
    ping_role_id  TEXT NOT NULL DEFAULT '',
    event         INTEGER NOT NULL DEFAULT 1,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    skip_before   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX schedules_by_guild ON schedules (guild_id);
