-- Active time is kept in seconds and rounded to minutes once, when shown (issue 9). Before,
-- each credit was rounded to whole minutes on its own and the rounded minutes were added up:
-- three sessions of 1 min 40 s made 6 minutes, not 5. Rows written before this migration
-- only know whole minutes; they become that many minutes in seconds, so every figure shown
-- so far stays what it was.
--
-- activity.minutes and member_streaks.total_minutes stay, each written with its seconds as
-- those seconds rounded once, for reading the tables by hand. The code reads seconds only;
-- never add up the minutes columns.
ALTER TABLE activity ADD COLUMN seconds INTEGER NOT NULL DEFAULT 0 CHECK (seconds >= 0);
UPDATE activity SET seconds = minutes * 60;

ALTER TABLE member_streaks ADD COLUMN total_seconds INTEGER NOT NULL DEFAULT 0;
UPDATE member_streaks SET total_seconds = total_minutes * 60;
