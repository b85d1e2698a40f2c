package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/stretchbot/stretchbot/session"
)

var _ session.Store = (*DB)(nil)

// activeStatuses is the SQL list of the statuses for which session.Status.Active is true.
// The partial unique index in 0003_sessions.sql repeats it; TestActiveStatusesMatchDomain
// keeps the two in step with the session package.
const activeStatuses = `('lobby', 'running', 'paused')`

// sessionColumns are read by scanSession, in this order.
const sessionColumns = `id, guild_id, channel_id, host_id, routine_name, plan_json, status, created_at, start_at,
	started_at, paused_at, paused_total_ns, skipped_total_ns, ended_at, live_message_id, live_message_posted_at,
	schedule_id, schedule_start`

// CreateSession stores a new active session with its participants and returns its id. If
// the channel already has an active session it stores nothing and returns a
// *session.BusyError carrying that session. The check and the insert share one write
// transaction, which takes SQLite's write lock at BEGIN, so two starts cannot both pass the
// check; the partial unique index backs this up.
func (db *DB) CreateSession(ctx context.Context, s *session.Session) (int64, error) {
	planJSON, err := encodePlan(s.Plan)
	if err != nil {
		return 0, err
	}
	var id int64
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		existing, err := scanSession(tx.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions
			WHERE channel_id = ? AND status IN `+activeStatuses, s.ChannelID))
		switch {
		case err == nil:
			if existing.Participants, err = participants(ctx, tx, existing.ID); err != nil {
				return err
			}
			return &session.BusyError{Session: existing}
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO sessions (guild_id, channel_id, host_id, routine_name, plan_json,
			status, created_at, start_at, schedule_id, schedule_start) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			s.GuildID, s.ChannelID, s.HostID, s.RoutineName, planJSON, s.Status.String(),
			encodeTime(s.CreatedAt), encodeTime(s.StartAt), s.Occurrence.ScheduleID, unixOrZero(s.Occurrence.Start))
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		stored := *s
		stored.ID = id
		return writeState(ctx, tx, &stored)
	})
	if err != nil {
		return 0, fmt.Errorf("create session in channel %s: %w", s.ChannelID, err)
	}
	return id, nil
}

// SaveSession overwrites the stored state of an active session: status, times,
// participants and live message. A session that is no longer active (or never existed)
// yields an error wrapping session.ErrNotFound, so a late save can never revive an ended
// session.
func (db *DB) SaveSession(ctx context.Context, s *session.Session) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		status, err := storedStatus(ctx, tx, s.ID)
		if err != nil {
			return err
		}
		if !status.Active() {
			return fmt.Errorf("session is %s: %w", status, session.ErrNotFound)
		}
		return writeState(ctx, tx, s)
	})
	if err != nil {
		return fmt.Errorf("save session %d: %w", s.ID, err)
	}
	return nil
}

// FinishSession stores the final state of s and its credits in one transaction. The first
// finish wins: if the stored session has already ended, nothing is written, so calling it
// twice can neither credit anyone twice nor rewrite a recorded ending.
func (db *DB) FinishSession(ctx context.Context, s *session.Session, credits []session.Credit) ([]session.Credit, error) {
	var recorded []session.Credit
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		status, err := storedStatus(ctx, tx, s.ID)
		if err != nil {
			return err
		}
		if status.Active() { // else already ended: the first finish wins
			if err := writeState(ctx, tx, s); err != nil {
				return err
			}
			if err := db.recordCredits(ctx, tx, s, credits, s.EndedAt); err != nil {
				return err
			}
		}
		recorded, err = sessionCreditsOf(ctx, tx, s.ID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("finish session %d: %w", s.ID, err)
	}
	return recorded, nil
}

// sessionCreditsOf reads the credits recorded for a session as the session package knows
// them: who, for how long, and their streak after the credit (private when they keep it
// to themselves).
func sessionCreditsOf(ctx context.Context, tx *sql.Tx, sessionID int64) ([]session.Credit, error) {
	stored, err := sessionCredits(ctx, tx, sessionID)
	if err != nil {
		return nil, err
	}
	credits := make([]session.Credit, len(stored))
	for i, c := range stored {
		credits[i] = session.Credit{UserID: c.UserID, Name: c.Name, Active: c.Active,
			Streak: &session.StreakAfter{Days: c.StreakDays, Grew: c.StreakGrew, Private: c.Private}}
	}
	return credits, nil
}

// recordCredits records the members credited for s, at most once per member and session
// (INSERT OR IGNORE on the primary key), and credits each newly recorded one to the
// streak activity log in the same transaction, so a crash can never leave a session
// credit without its streak day or the other way round. The streak after the credit is
// kept beside the credit for the session summary.
func (db *DB) recordCredits(ctx context.Context, tx *sql.Tx, s *session.Session, credits []session.Credit, at time.Time) error {
	var fresh []ActivityCredit
	for i, c := range credits {
		res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO session_credits
			(session_id, guild_id, user_id, minutes, active_ns, credited_at) VALUES (?, ?, ?, ?, ?, ?)`,
			s.ID, s.GuildID, c.UserID, c.Minutes(), int64(c.Active), encodeTime(at))
		if err != nil {
			return fmt.Errorf("credit %s: %w", c.UserID, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			fresh = append(fresh, ActivityCredit{UserID: c.UserID, Name: c.Name, Active: c.Active, Source: SourceSession})
		}
		if creditHook != nil {
			creditHook("credit", i)
		}
	}
	streaks, err := db.creditActivityTx(ctx, tx, s.GuildID, fresh, at)
	if err != nil {
		return err
	}
	for i, st := range streaks {
		if _, err := tx.ExecContext(ctx, `UPDATE session_credits SET streak_days = ?, streak_grew = ?
			WHERE session_id = ? AND user_id = ?`, st.Status.Current, st.NewDay, s.ID, st.UserID); err != nil {
			return fmt.Errorf("streak of %s: %w", st.UserID, err)
		}
		if creditHook != nil {
			creditHook("streak", i)
		}
	}
	return nil
}

// creditHook is nil except in tests (crash_test.go), where a child process sets it to stop
// inside recordCredits's transaction and be killed there: it is called with stage "credit"
// after the i-th session credit is inserted, and with stage "streak" after the i-th
// member's streak is written beside it (the streak activity log is then fully credited).
var creditHook func(stage string, i int)

// ActiveSessions returns every session in the lobby, running or paused, with plan and
// participants, read from one consistent snapshot.
//
// One unreadable row never stops the bot: an active session whose stored plan, times or
// participants cannot be decoded is left out, marked aborted (ended now) in one write
// transaction and logged at Warn with its id, guild, channel and the decode error. Only a
// failing database (a query or that write) makes ActiveSessions fail.
func (db *DB) ActiveSessions(ctx context.Context) ([]*session.Session, error) {
	var out []*session.Session
	var bad []unreadableRow
	err := db.inReadTx(ctx, func(tx *sql.Tx) error {
		var found []*session.Session
		err := eachRow(ctx, tx, `SELECT `+sessionColumns+` FROM sessions WHERE status IN `+activeStatuses+` ORDER BY id`, nil,
			func(r *sql.Rows) error {
				s, err := scanSession(r)
				return sortReadable(s, err, &found, &bad)
			})
		if err != nil {
			return err
		}
		for _, s := range found {
			var err error
			s.Participants, err = participants(ctx, tx, s.ID)
			if err = sortReadable(s, err, &out, &bad); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = db.setAside(ctx, "session", "aborted", bad, db.abortSession)
	}
	if err != nil {
		return nil, fmt.Errorf("load active sessions: %w", err)
	}
	return out, nil
}

// sortReadable files a session just read: into ok when err is nil, into bad when its row
// cannot be decoded (err wraps ErrUnreadable); any other error is the database's, returned.
func sortReadable(s *session.Session, err error, ok *[]*session.Session, bad *[]unreadableRow) error {
	switch {
	case errors.Is(err, ErrUnreadable):
		*bad = append(*bad, unreadableSession(s, err))
	case err != nil:
		return err
	default:
		*ok = append(*ok, s)
	}
	return nil
}

// unreadableSession names the session of an unreadable row for setAside's log line.
func unreadableSession(s *session.Session, err error) unreadableRow {
	return unreadableRow{id: s.ID, attrs: []any{"guild", s.GuildID, "channel", s.ChannelID}, err: err}
}

// abortSession ends an unreadable active session as Aborted, now, for setAside. It writes
// only the status and end time: the other columns cannot all be read, and an aborted
// session is never loaded to be run again. Nobody is credited, as nobody's time can be
// computed without the plan and times.
func (db *DB) abortSession(ctx context.Context, tx *sql.Tx, r unreadableRow) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE sessions SET status = ?, ended_at = ? WHERE id = ? AND status IN `+activeStatuses,
		session.Aborted.String(), encodeTime(db.now()), r.id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// LoadSession returns session id, active or ended, or an error wrapping
// session.ErrNotFound, or one wrapping ErrUnreadable (naming the session and the bad
// value) if its stored row cannot be decoded.
func (db *DB) LoadSession(ctx context.Context, id int64) (*session.Session, error) {
	var s *session.Session
	err := db.inReadTx(ctx, func(tx *sql.Tx) error {
		var err error
		s, err = scanSession(tx.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return session.ErrNotFound
		}
		if err != nil {
			return err
		}
		if s.Participants, err = participants(ctx, tx, id); err != nil || s.Status.Active() {
			return err
		}
		s.Credits, err = sessionCreditsOf(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("load session %d: %w", id, err)
	}
	return s, nil
}

// SessionCredit is one recorded credit, as stored.
type SessionCredit struct {
	SessionID  int64
	GuildID    string
	UserID     string
	Name       string // as they joined the session
	Minutes    int
	Active     time.Duration
	CreditedAt time.Time
	// StreakDays is the member's streak right after this credit; StreakGrew says the
	// credit added a counted day.
	StreakDays int
	StreakGrew bool
	// Private: the member keeps their streak to themselves (/privacy leaderboard:off), so
	// a public summary shows their minutes, not their streak.
	Private bool
}

// SessionCredits returns the credits recorded for a session, by member id.
func (db *DB) SessionCredits(ctx context.Context, sessionID int64) ([]SessionCredit, error) {
	var out []SessionCredit
	err := db.inReadTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = sessionCredits(ctx, tx, sessionID)
		return err
	})
	return out, err
}

// sessionCredits reads a session's credits, with the member's name from the session's
// participants and whether they keep their streak private.
func sessionCredits(ctx context.Context, tx *sql.Tx, sessionID int64) ([]SessionCredit, error) {
	var out []SessionCredit
	err := eachRow(ctx, tx, `SELECT c.session_id, c.guild_id, c.user_id, COALESCE(p.name, ''), c.minutes, c.active_ns,
			c.credited_at, c.streak_days, c.streak_grew, COALESCE(m.leaderboard_opt_out, 0)
		FROM session_credits c
		LEFT JOIN session_participants p ON p.session_id = c.session_id AND p.user_id = c.user_id
		LEFT JOIN member_settings m ON m.guild_id = c.guild_id AND m.user_id = c.user_id
		WHERE c.session_id = ? ORDER BY c.user_id`, []any{sessionID}, func(rows *sql.Rows) error {
		var c SessionCredit
		var at string
		if err := rows.Scan(&c.SessionID, &c.GuildID, &c.UserID, &c.Name, &c.Minutes, &c.Active, &at, &c.StreakDays,
			&c.StreakGrew, &c.Private); err != nil {
			return err
		}
		var err error
		c.CreditedAt, err = time.Parse(time.RFC3339Nano, at)
		out = append(out, c)
		return err
	})
	return out, err
}

// storedStatus reads the status of session id, or an error wrapping session.ErrNotFound.
func storedStatus(ctx context.Context, tx *sql.Tx, id int64) (session.Status, error) {
	var name string
	err := tx.QueryRowContext(ctx, `SELECT status FROM sessions WHERE id = ?`, id).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, session.ErrNotFound
	}
	if err != nil {
		return 0, err
	}
	return session.ParseStatus(name)
}

// writeState stores everything about s that changes while it runs, and its participants.
func writeState(ctx context.Context, tx *sql.Tx, s *session.Session) error {
	if _, err := tx.ExecContext(ctx, `UPDATE sessions SET status = ?, start_at = ?, started_at = ?, paused_at = ?,
		paused_total_ns = ?, skipped_total_ns = ?, ended_at = ?, live_message_id = ?, live_message_posted_at = ?
		WHERE id = ?`,
		s.Status.String(), encodeTime(s.StartAt), encodeTime(s.StartedAt), encodeTime(s.PausedAt),
		int64(s.PausedTotal), int64(s.SkippedTotal), encodeTime(s.EndedAt),
		s.LiveMessageID, encodeTime(s.LiveMessagePostedAt), s.ID); err != nil {
		return err
	}
	return replaceParticipants(ctx, tx, s)
}

// replaceParticipants makes the session's participant rows those of s, in its order. It
// reads the stored rows once and writes only those that differ: the list is stored again
// at every save and at the finish, mostly unchanged, and a session may have a thousand
// participants, so rewriting them all cost as much as the rest of the finish.
func replaceParticipants(ctx context.Context, tx *sql.Tx, s *session.Session) error {
	stored := map[string][]any{}
	err := eachRow(ctx, tx, `SELECT user_id, seq, name, joined_at, left_at, joined_step, joined_active_ns
		FROM session_participants WHERE session_id = ?`, []any{s.ID}, func(r *sql.Rows) error {
		var id string
		row := make([]any, 6) // as stored, so that a row of the wrong type counts as changed
		if err := r.Scan(&id, &row[0], &row[1], &row[2], &row[3], &row[4], &row[5]); err != nil {
			return err
		}
		stored[id] = row
		return nil
	})
	if err != nil {
		return err
	}
	ids := make([]string, len(s.Participants))
	for i, p := range s.Participants {
		ids[i] = p.UserID
		row := participantRow(i, p)
		if old, ok := stored[p.UserID]; ok && sameRow(old, row) {
			delete(stored, p.UserID)
			continue
		}
		delete(stored, p.UserID)
		if _, err := tx.ExecContext(ctx, `INSERT INTO session_participants
			(session_id, user_id, seq, name, joined_at, left_at, joined_step, joined_active_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (session_id, user_id) DO UPDATE SET seq = excluded.seq, name = excluded.name,
				joined_at = excluded.joined_at, left_at = excluded.left_at, joined_step = excluded.joined_step,
				joined_active_ns = excluded.joined_active_ns`,
			append([]any{s.ID, p.UserID}, row...)...); err != nil {
			return fmt.Errorf("participant %s: %w", p.UserID, err)
		}
	}
	if len(stored) == 0 { // nobody left the list
		return nil
	}
	listed, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM session_participants
		WHERE session_id = ? AND user_id NOT IN (SELECT value FROM json_each(?))`, s.ID, string(listed))
	return err
}

// participantRow is the stored form of participant p at position seq: the columns after
// user_id, in replaceParticipants's order, with NULL as nil.
func participantRow(seq int, p session.Participant) []any {
	row := []any{int64(seq), p.Name, nil, nil, int64(p.JoinedStep), int64(p.JoinedActive)}
	for i, t := range []time.Time{p.JoinedAt, p.LeftAt} {
		if v := encodeTime(t); v.Valid {
			row[2+i] = v.String
		}
	}
	return row
}

// sameRow reports whether a row as scanned equals a participantRow: same types, same
// values (text may scan as bytes).
func sameRow(stored, want []any) bool {
	for i, v := range stored {
		if b, ok := v.([]byte); ok {
			v = string(b)
		}
		if v != want[i] {
			return false
		}
	}
	return true
}

func participants(ctx context.Context, tx *sql.Tx, sessionID int64) ([]session.Participant, error) {
	rows, err := tx.QueryContext(ctx, `SELECT user_id, name, joined_at, left_at, joined_step, joined_active_ns
		FROM session_participants WHERE session_id = ? ORDER BY seq`, sessionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []session.Participant
	for rows.Next() {
		var p session.Participant
		var joined, left sql.NullString
		var step, active any // decoded below, so a bad value makes the session unreadable
		if err := rows.Scan(&p.UserID, &p.Name, &joined, &left, &step, &active); err != nil {
			return nil, err
		}
		err := decodeTimes(timeField{"joined_at", joined, &p.JoinedAt}, timeField{"left_at", left, &p.LeftAt})
		if err == nil {
			err = decodeInts(intField{"joined_step", step, func(n int64) { p.JoinedStep = int(n) }},
				intField{"joined_active_ns", active, func(n int64) { p.JoinedActive = time.Duration(n) }})
		}
		if err != nil {
			return nil, unreadable(fmt.Sprintf("session %d", sessionID), fmt.Errorf("participant %s: %w", p.UserID, err))
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
