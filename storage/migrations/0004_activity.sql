-- Streaks (issue 5). The activity log is the source of truth: one row per member and local
-- day that counted, so a day counts once however many credits it gets; the counters keep
-- what happened on it. Days are the member's local dates, 'YYYY-MM-DD'.
CREATE TABLE activity (
    guild_id   TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    day        TEXT NOT NULL,
    sessions   INTEGER NOT NULL DEFAULT 0 CHECK (sessions >= 0), -- group sessions credited
    solo       INTEGER NOT NULL DEFAULT 0 CHECK (solo >= 0),     -- solo logs (/done)
    minutes    INTEGER NOT NULL DEFAULT 0 CHECK (minutes >= 0),
    bridged    INTEGER NOT NULL DEFAULT 0, -- streak.Credit.Bridged: a move east jumped to this day
    zone       TEXT NOT NULL,              -- zone of the day's latest credit
    updated_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, user_id, day)
) WITHOUT ROWID;

-- Server streaks count, per day, the members who completed a group session.
CREATE INDEX activity_group_days ON activity (guild_id, day) WHERE sessions > 0;

-- The materialised summary of each member's log (streak.Summary plus totals), updated in
-- the transaction of every credit and rebuilt from the log when the rules change.
CREATE TABLE member_streaks (
    guild_id       TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    name           TEXT NOT NULL, -- display name at the latest credit, for leaderboards
    last_day       TEXT NOT NULL,
    run            INTEGER NOT NULL,
    best           INTEGER NOT NULL,
    total_days     INTEGER NOT NULL,
    freezes_held   INTEGER NOT NULL,
    frozen_days    TEXT NOT NULL, -- comma-separated days of the run that freezes covered
    total_sessions INTEGER NOT NULL,
    total_minutes  INTEGER NOT NULL,
    last_zone      TEXT NOT NULL, -- zone of the latest credit, for the travel rule
    -- Copies of the member's settings, kept by the triggers below, so that leaderboards
    -- read one table: a join per member costs more than the whole rest of a rank count.
    zone_setting   TEXT NOT NULL DEFAULT '',
    opted_out      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

-- Leaderboards walk these in order and stop after the top ten, and count ranks from them
-- alone: each covers what deciding a member's value needs.
CREATE INDEX member_streaks_run ON member_streaks
    (guild_id, run DESC, user_id, last_day, freezes_held, zone_setting, last_zone, opted_out);
CREATE INDEX member_streaks_best ON member_streaks (guild_id, best DESC, user_id, opted_out);
CREATE INDEX member_streaks_total ON member_streaks (guild_id, total_days DESC, user_id, opted_out);

CREATE TRIGGER member_streaks_copy_settings AFTER INSERT ON member_streaks BEGIN
    UPDATE member_streaks SET (zone_setting, opted_out) =
        (SELECT timezone, leaderboard_opt_out FROM member_settings m WHERE m.guild_id = NEW.guild_id AND m.user_id = NEW.user_id)
    WHERE guild_id = NEW.guild_id AND user_id = NEW.user_id
        AND EXISTS (SELECT 1 FROM member_settings m WHERE m.guild_id = NEW.guild_id AND m.user_id = NEW.user_id);
END;

CREATE TRIGGER member_settings_copy_new AFTER INSERT ON member_settings BEGIN
    UPDATE member_streaks SET zone_setting = NEW.timezone, opted_out = NEW.leaderboard_opt_out
    WHERE guild_id = NEW.guild_id AND user_id = NEW.user_id;
END;

CREATE TRIGGER member_settings_copy_change AFTER UPDATE OF timezone, leaderboard_opt_out ON member_settings BEGIN
    UPDATE member_streaks SET zone_setting = NEW.timezone, opted_out = NEW.leaderboard_opt_out
    WHERE guild_id = NEW.guild_id AND user_id = NEW.user_id;
END;

CREATE TRIGGER member_settings_copy_gone AFTER DELETE ON member_settings BEGIN
    UPDATE member_streaks SET zone_setting = '', opted_out = 0 WHERE guild_id = OLD.guild_id AND user_id = OLD.user_id;
END;
