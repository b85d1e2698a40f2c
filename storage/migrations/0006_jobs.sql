-- The durable scheduler (issue 11, package jobs): one row per piece of due work.
--
-- Times here are INTEGER Unix nanoseconds (UTC), not the RFC 3339 text of the sessions
-- table: due_at is compared and ordered in every query, and RFC 3339 with nanoseconds trims
-- trailing zeros, so its text does not sort as its time ("...:00Z" sorts after
-- "...:00.5Z"). NULL means unset.
--
-- A job is pending (claimed_at and completed_at NULL), claimed (claimed_at set: a handler is
-- running, or its process stopped before completing it; Recover makes it pending again), or
-- completed (completed_at set: it never runs again, and its (kind, key) stays taken so the
-- same occurrence is never added twice).
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    key          TEXT NOT NULL,  -- idempotency key, unique per kind
    guild_id     TEXT NOT NULL,  -- '' for none (shard 0)
    due_at       INTEGER NOT NULL,
    payload      BLOB,
    attempts     INTEGER NOT NULL DEFAULT 0, -- claims so far, the running one included
    created_at   INTEGER NOT NULL,
    claimed_at   INTEGER,
    completed_at INTEGER,
    UNIQUE (kind, key)
);

-- Pending jobs by due time: the earliest (Next) is one index probe, and Claim walks the due
-- ones in order, however many completed rows the table keeps.
CREATE INDEX jobs_pending ON jobs (due_at, id) WHERE claimed_at IS NULL AND completed_at IS NULL;

-- Claimed, not completed: what Recover looks at on start (few rows).
CREATE INDEX jobs_claimed ON jobs (claimed_at) WHERE claimed_at IS NOT NULL AND completed_at IS NULL;
