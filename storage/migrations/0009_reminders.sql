-- A member's personal reminders (package reminders): at most one of each kind per member
-- and server. The rule is kept as local wall times (HH:MM) and days, never as instants:
-- each due time is computed in the member's zone when it is queued, so daylight-saving
-- changes and /timezone moves cannot make a reminder drift.
--
-- move:   a DM every every_minutes from from_at to to_at (same day) on days.
-- streak: a DM at at, on days whose local day has not counted yet.
--
-- Instants are INTEGER Unix seconds, 0 for none. snoozed_until is the one extra move DM
-- the member asked for (Snooze); paused_until drops the move slots before it (Stop for
-- today). last_sent is the due time of the last DM sent and sent_count how many were sent
-- (it rotates the exercises); sent_day is the member's local day of the last streak DM, so
-- at most one is sent a day, whatever restarts happen.
CREATE TABLE reminders (
    guild_id      TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('move', 'streak')),
    every_minutes INTEGER NOT NULL DEFAULT 0 CHECK (every_minutes = 0 OR every_minutes BETWEEN 20 AND 120),
    from_at       TEXT NOT NULL DEFAULT '',
    to_at         TEXT NOT NULL DEFAULT '',
    days          TEXT NOT NULL DEFAULT 'daily' CHECK (days <> ''),
    at            TEXT NOT NULL DEFAULT '',
    snoozed_until INTEGER NOT NULL DEFAULT 0,
    paused_until  INTEGER NOT NULL DEFAULT 0,
    last_sent     INTEGER NOT NULL DEFAULT 0,
    sent_count    INTEGER NOT NULL DEFAULT 0,
    sent_day      TEXT NOT NULL DEFAULT '',
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (guild_id, user_id, kind)
);
