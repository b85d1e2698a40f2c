package storage

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/stretchbot/stretchbot/session"
)

// How a session is stored: its row, its times and its plan, encoded for SQLite and decoded
// back, with a value that cannot be decoded reported as ErrUnreadable.

// scanSession reads one row of sessionColumns; participants are loaded separately. The
// columns are scanned loosely and decoded afterwards, so that a value that cannot be
// decoded yields an error wrapping ErrUnreadable together with the row's identity (ID,
// GuildID and ChannelID set), and the caller can tell a bad row from a failing query.
func scanSession(row rowScanner) (*session.Session, error) {
	var s session.Session
	var planJSON, status string
	var created, startAt, started, paused, ended, posted sql.NullString
	var pausedTotal, skippedTotal any
	var scheduleStart int64
	if err := row.Scan(&s.ID, &s.GuildID, &s.ChannelID, &s.HostID, &s.RoutineName, &planJSON, &status,
		&created, &startAt, &started, &paused, &pausedTotal, &skippedTotal, &ended,
		&s.LiveMessageID, &posted, &s.Occurrence.ScheduleID, &scheduleStart); err != nil {
		return nil, err
	}
	if s.Occurrence.Scheduled() {
		s.Occurrence.Start = time.Unix(scheduleStart, 0).UTC()
	}
	what := fmt.Sprintf("session %d", s.ID)
	var err error
	if s.Status, err = session.ParseStatus(status); err != nil {
		return &s, unreadable(what, err)
	}
	if s.Plan, err = decodePlan(planJSON); err != nil {
		return &s, unreadable(what, err)
	}
	if err := decodeTimes(timeField{"created_at", created, &s.CreatedAt}, timeField{"start_at", startAt, &s.StartAt},
		timeField{"started_at", started, &s.StartedAt}, timeField{"paused_at", paused, &s.PausedAt},
		timeField{"ended_at", ended, &s.EndedAt}, timeField{"live_message_posted_at", posted, &s.LiveMessagePostedAt}); err != nil {
		return &s, unreadable(what, err)
	}
	if err := decodeInts(intField{"paused_total_ns", pausedTotal, func(n int64) { s.PausedTotal = time.Duration(n) }},
		intField{"skipped_total_ns", skippedTotal, func(n int64) { s.SkippedTotal = time.Duration(n) }}); err != nil {
		return &s, unreadable(what, err)
	}
	return &s, nil
}

// encodeTime stores t exactly (UTC, nanoseconds); the zero time is NULL.
func encodeTime(t time.Time) sql.NullString {
	if t.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: t.UTC().Format(time.RFC3339Nano), Valid: true}
}

// timeField pairs a scanned column with the field it decodes into.
type timeField struct {
	name   string
	column sql.NullString
	into   *time.Time
}

// decodeTimes parses each column written by encodeTime; NULL leaves the zero time.
func decodeTimes(fields ...timeField) error {
	for _, f := range fields {
		if !f.column.Valid {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, f.column.String)
		if err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
		*f.into = t
	}
	return nil
}

// intField pairs an INTEGER column, scanned into an any, with where it decodes to.
type intField struct {
	name   string
	column any
	set    func(int64)
}

// decodeInts checks that each column holds an integer (SQLite's flexible typing lets an
// INTEGER column hold text) and sets it.
func decodeInts(fields ...intField) error {
	for _, f := range fields {
		n, ok := f.column.(int64)
		if !ok {
			return fmt.Errorf("%s: %v (%T) is not an integer", f.name, f.column, f.column)
		}
		f.set(n)
	}
	return nil
}

// planStep is the stored form of a session.Step. It has its own names so that renaming a
// field of the domain type cannot silently break plans already in the database.
type planStep struct {
	Kind         string   `json:"kind"`
	ExerciseID   string   `json:"exercise_id"`
	Name         string   `json:"name"`
	Instructions string   `json:"instructions,omitempty"`
	Cautions     []string `json:"cautions,omitempty"`
	Rep          int      `json:"rep,omitempty"`
	Reps         int      `json:"reps,omitempty"`
	Side         string   `json:"side,omitempty"`
	DurationNS   int64    `json:"duration_ns"`
	RestNS       int64    `json:"rest_ns,omitempty"`
	ServerTimed  bool     `json:"server_timed,omitempty"`
}

func encodePlan(p session.Plan) (string, error) {
	steps := make([]planStep, len(p))
	for i, s := range p {
		steps[i] = planStep{Kind: s.Kind.String(), ExerciseID: s.ExerciseID, Name: s.Name, Instructions: s.Instructions,
			Cautions: s.Cautions, Rep: s.Rep, Reps: s.Reps, Side: s.Side,
			DurationNS: int64(s.Duration), RestNS: int64(s.Rest), ServerTimed: s.ServerTimed}
	}
	b, err := json.Marshal(steps)
	return string(b), err
}

func decodePlan(data string) (session.Plan, error) {
	var steps []planStep
	if err := json.Unmarshal([]byte(data), &steps); err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	plan := make(session.Plan, len(steps))
	for i, s := range steps {
		kind, err := session.ParseStepKind(s.Kind)
		if err != nil {
			return nil, fmt.Errorf("plan step %d: %w", i+1, err)
		}
		plan[i] = session.Step{Kind: kind, ExerciseID: s.ExerciseID, Name: s.Name, Instructions: s.Instructions,
			Cautions: s.Cautions, Rep: s.Rep, Reps: s.Reps, Side: s.Side,
			Duration: time.Duration(s.DurationNS), Rest: time.Duration(s.RestNS), ServerTimed: s.ServerTimed}
	}
	return plan, nil
}
