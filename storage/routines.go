package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// RoutineNameMax is the longest routine name, in characters (0002_routines.sql checks it
// too).
const RoutineNameMax = 50

// Routine is a server's own routine as stored.
type Routine struct {
	ID      int64
	GuildID string
	Name    string
	// Steps is the canonical /routine create syntax (catalog.FormatSteps); callers parse it
	// again with the current catalog when they read it.
	Steps     string
	CreatedBy string // user ID
	CreatedAt time.Time
}

// ErrRoutineNotFound is returned when a server has no routine of the given name.
var ErrRoutineNotFound = errors.New("no routine of that name in this server")

// RoutineExistsError is returned by CreateRoutine when the server already has a routine
// whose name matches (see RoutineKey). Name is that routine's name as stored.
type RoutineExistsError struct{ Name string }

func (e *RoutineExistsError) Error() string {
	return fmt.Sprintf("this server already has a routine called %q", e.Name)
}

// RoutineLimitError is returned by CreateRoutine when the server already holds Limit
// routines.
type RoutineLimitError struct{ Limit int }

func (e *RoutineLimitError) Error() string {
	return fmt.Sprintf("this server already has %d routines, the most it may keep", e.Limit)
}

// RoutineKey folds a name for comparison: lower case, words separated by single spaces.
// Names that share a key are the same routine.
func RoutineKey(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(name), " "))
}

// CreateRoutine stores r (its ID and CreatedAt are set here) unless the server already has
// a routine of that name (*RoutineExistsError) or already holds limit routines
// (*RoutineLimitError). Both checks and the insert share one transaction, so two members
// creating at once cannot pass the limit or create the same name twice.
func (db *DB) CreateRoutine(ctx context.Context, r Routine, limit int) (Routine, error) {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if existing, err := routineByName(ctx, tx, r.GuildID, r.Name); err == nil {
			return &RoutineExistsError{Name: existing.Name}
		} else if !errors.Is(err, ErrRoutineNotFound) {
			return err
		}
		var count int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM routines WHERE guild_id = ?`, r.GuildID).Scan(&count); err != nil {
			return err
		}
		if count >= limit {
			return &RoutineLimitError{Limit: limit}
		}
		stamp := db.stamp()
		res, err := tx.ExecContext(ctx, `INSERT INTO routines (guild_id, name, name_key, steps, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, r.GuildID, r.Name, RoutineKey(r.Name), r.Steps, r.CreatedBy, stamp)
		if err != nil {
			return err
		}
		r.ID, err = res.LastInsertId()
		r.CreatedAt, _ = time.Parse(time.RFC3339Nano, stamp)
		return err
	})
	return r, err
}

// DeleteRoutine removes the server's routine called name (matched by RoutineKey), or
// returns ErrRoutineNotFound.
func (db *DB) DeleteRoutine(ctx context.Context, guildID, name string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM routines WHERE guild_id = ? AND name_key = ?`, guildID, RoutineKey(name))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err == nil && n == 0 {
			err = ErrRoutineNotFound
		}
		return err
	})
}

// Routines lists the server's routines by name.
func (db *DB) Routines(ctx context.Context, guildID string) ([]Routine, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+routineColumns+` FROM routines WHERE guild_id = ? ORDER BY name_key`, guildID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Routine
	for rows.Next() {
		r, err := scanRoutine(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Routine returns the server's routine called name (matched by RoutineKey), or
// ErrRoutineNotFound.
func (db *DB) Routine(ctx context.Context, guildID, name string) (Routine, error) {
	return routineByName(ctx, db.read, guildID, name)
}

const routineColumns = `id, guild_id, name, steps, created_by, created_at`

func routineByName(ctx context.Context, q querier, guildID, name string) (Routine, error) {
	r, err := scanRoutine(q.QueryRowContext(ctx, `SELECT `+routineColumns+` FROM routines WHERE guild_id = ? AND name_key = ?`,
		guildID, RoutineKey(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return Routine{}, ErrRoutineNotFound
	}
	return r, err
}

// scanRoutine reads routineColumns from a *sql.Row or *sql.Rows.
func scanRoutine(row rowScanner) (Routine, error) {
	var r Routine
	var created string
	if err := row.Scan(&r.ID, &r.GuildID, &r.Name, &r.Steps, &r.CreatedBy, &created); err != nil {
		return Routine{}, err
	}
	var err error
	r.CreatedAt, err = time.Parse(time.RFC3339Nano, created)
	return r, err
}
