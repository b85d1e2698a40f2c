-- A server's own routines. name_key is the name folded for comparison (lower case, single
-- spaces), so "Morning Flow" and "morning  flow" cannot both exist in one server. steps is
-- the canonical /routine create syntax (catalog.FormatSteps): text, so a routine survives
-- catalog changes and is re-validated when read.
CREATE TABLE routines (
    id          INTEGER PRIMARY KEY,
    guild_id    TEXT NOT NULL,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    name_key    TEXT NOT NULL,
    steps       TEXT NOT NULL CHECK (steps <> ''),
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (guild_id, name_key)
);
