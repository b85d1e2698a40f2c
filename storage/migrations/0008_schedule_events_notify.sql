-- A session opened by a schedule remembers which occurrence it is (schedule id and the
-- occurrence's planned start, unix seconds), so its lobby can offer Notify me and its end
-- can correct the occurrence's Discord event. 0 means a session started by hand.
ALTER TABLE sessions ADD COLUMN schedule_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN schedule_start INTEGER NOT NULL DEFAULT 0;

-- The Discord scheduled event that mirrors one occurrence of a schedule. ended is set once
-- the bot has completed or canceled it, so nothing is written to it twice.
CREATE TABLE schedule_events (
    schedule_id INTEGER NOT NULL,
    start       INTEGER NOT NULL,
    guild_id    TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    end_at      INTEGER NOT NULL,
    ended       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (schedule_id, start)
);
CREATE INDEX schedule_events_by_guild ON schedule_events (guild_id);

-- Members who pressed Notify me on a schedule's announcement or lobby.
CREATE TABLE schedule_notify (
    guild_id    TEXT NOT NULL,
    schedule_id INTEGER NOT NULL,
    user_id     TEXT NOT NULL,
    PRIMARY KEY (schedule_id, user_id)
);
CREATE INDEX schedule_notify_by_member ON schedule_notify (guild_id, user_id);

-- The notices of one occurrence already sent (or being sent), one row per member, so a
-- rerun of the notify job after a crash DMs nobody twice.
CREATE TABLE schedule_notices (
    schedule_id INTEGER NOT NULL,
    start       INTEGER NOT NULL,
    user_id     TEXT NOT NULL,
    PRIMARY KEY (schedule_id, start, user_id)
);

-- Members whose DMs refused the bot (Discord error 50007): nothing is DMed to them until they
-- run a command again, and then they are told once, privately. Not per server: a member's
-- DM settings are theirs, whichever server the DM came from.
CREATE TABLE dm_closed (
    user_id TEXT PRIMARY KEY,
    since   TEXT NOT NULL
);
