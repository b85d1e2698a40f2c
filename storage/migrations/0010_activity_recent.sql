-- Crediting writes the newest days into a small table keyed day first (issue 12, point 14).
--
-- The log's key (guild_id, user_id, day) puts the member first, which is what reads want (a
-- member's days lie together), but it put the 1,000 new day rows of one session's members on
-- about 1,000 different pages of a million-row log: crediting wrote some 2,000 pages. Keyed
-- (guild_id, day, user_id), one day's credits lie together on a few dozen pages. So the log
-- is split by day into two tables, read together through the view activity:
--
--   activity_log      the days up to activity_horizon.log_last_day, keyed member first. It
--                     is the table activity was: every existing row stays in it.
--   activity_recent   the days after log_last_day, keyed day first, same columns. Crediting
--                     writes here; CompactActivity moves the days older than a few into the
--                     log (one transaction) and advances log_last_day to match.
--   activity_recent_days  every (server, day) activity_recent may hold, so that a member's
--                     recent rows are found by one look-up per day rather than a scan.
--
-- No day is ever in both tables (a credit for a day up to log_last_day goes to the log), so
-- the view is a plain UNION ALL and never has to add up two rows of one day.
ALTER TABLE activity RENAME TO activity_log;

-- The server-streak index also carries sessions: without it SQLite checked "sessions > 0"
-- in the table for each entry, and the server streak of a million-row log took 2 s.
DROP INDEX activity_group_days;
CREATE INDEX activity_log_group_days ON activity_log (guild_id, day, sessions) WHERE sessions > 0;

CREATE TABLE activity_recent (
    guild_id   TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    day        TEXT NOT NULL,
    sessions   INTEGER NOT NULL DEFAULT 0 CHECK (sessions >= 0),
    solo       INTEGER NOT NULL DEFAULT 0 CHECK (solo >= 0),
    minutes    INTEGER NOT NULL DEFAULT 0 CHECK (minutes >= 0),
    bridged    INTEGER NOT NULL DEFAULT 0,
    zone       TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    seconds    INTEGER NOT NULL DEFAULT 0 CHECK (seconds >= 0),
    PRIMARY KEY (guild_id, day, user_id)
) WITHOUT ROWID;

CREATE TABLE activity_recent_days (
    guild_id TEXT NOT NULL,
    day      TEXT NOT NULL,
    PRIMARY KEY (guild_id, day)
) WITHOUT ROWID;

-- One row. '' (an empty log) is before every day.
CREATE TABLE activity_horizon (
    one          INTEGER PRIMARY KEY CHECK (one = 1),
    log_last_day TEXT NOT NULL
);
INSERT INTO activity_horizon (one, log_last_day) SELECT 1, COALESCE(MAX(day), '') FROM activity_log;

-- Every reader reads this, in the columns and order activity had. The recent arm walks the
-- server's few recent days in order and looks each up (CROSS JOIN keeps that order), so a
-- member's recent rows cost one look-up per day and come out ordered by day without a sort
-- (it names d's guild and day for that).
CREATE VIEW activity AS
    SELECT guild_id, user_id, day, sessions, solo, minutes, bridged, zone, updated_at, seconds FROM activity_log
    UNION ALL
    SELECT d.guild_id, r.user_id, d.day, r.sessions, r.solo, r.minutes, r.bridged, r.zone, r.updated_at, r.seconds
    FROM activity_recent_days d CROSS JOIN activity_recent r ON r.guild_id = d.guild_id AND r.day = d.day;
