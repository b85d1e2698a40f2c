package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/stretchbot/stretchbot/guild"
)

// CreateRoutine stores r (its ID and CreatedAt are set here) unless the server already has
// a routine of that name (*guild.RoutineExistsError) or already holds limit routines
// (*guild.RoutineLimitError). Both checks and the insert share one transaction, so two members
// creating at once cannot pass the limit or create the same name twice.
func (db *DB) CreateRoutine(ctx context.Context, r guild.Routine, limit int) (guild.Routine, error) {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if existing, err := routineByName(ctx, tx, r.GuildID, r.Name); err == nil {
			return &guild.RoutineExistsError{Name: existing.Name}
		} else if !errors.Is(err, guild.ErrRoutineNotFound) {
			return err
		}
		var count int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM routines WHERE guild_id = ?`, r.GuildID).Scan(&count); err != nil {
			return err
		}
		if count >= limit {
			return &guild.RoutineLimitError{Limit: limit}
		}
		stamp := db.stamp()
		res, err := tx.ExecContext(ctx, `INSERT INTO routines (guild_id, name, name_key, steps, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, r.GuildID, r.Name, guild.RoutineKey(r.Name), r.Steps, r.CreatedBy, stamp)
		if err != nil {
			return err
		}
		r.ID, err = res.LastInsertId()
		r.CreatedAt, _ = time.Parse(time.RFC3339Nano, stamp)
		return err
	})
	return r, err
}

// DeleteRoutine removes the server's routine called name (matched by guild.RoutineKey), or
// returns guild.ErrRoutineNotFound.
func (db *DB) DeleteRoutine(ctx context.Context, guildID, name string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM routines WHERE guild_id = ? AND name_key = ?`, guildID, guild.RoutineKey(name))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err == nil && n == 0 {
			err = guild.ErrRoutineNotFound
		}
		return err
	})
}

// Routines lists the server's routines by name.
func (db *DB) Routines(ctx context.Context, guildID string) ([]guild.Routine, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+routineColumns+` FROM routines WHERE guild_id = ? ORDER BY name_key`, guildID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []guild.Routine
	for rows.Next() {
		r, err := scanRoutine(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Routine returns the server's routine called name (matched by guild.RoutineKey), or
// guild.ErrRoutineNotFound.
func (db *DB) Routine(ctx context.Context, guildID, name string) (guild.Routine, error) {
	return routineByName(ctx, db.read, guildID, name)
}

const routineColumns = `id, guild_id, name, steps, created_by, created_at`

func routineByName(ctx context.Context, q querier, guildID, name string) (guild.Routine, error) {
	r, err := scanRoutine(q.QueryRowContext(ctx, `SELECT `+routineColumns+` FROM routines WHERE guild_id = ? AND name_key = ?`,
		guildID, guild.RoutineKey(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return guild.Routine{}, guild.ErrRoutineNotFound
	}
	return r, err
}

// scanRoutine reads routineColumns from a *sql.Row or *sql.Rows.
func scanRoutine(row rowScanner) (guild.Routine, error) {
	var r guild.Routine
	var created string
	if err := row.Scan(&r.ID, &r.GuildID, &r.Name, &r.Steps, &r.CreatedBy, &created); err != nil {
		return guild.Routine{}, err
	}
	var err error
	r.CreatedAt, err = time.Parse(time.RFC3339Nano, created)
	return r, err
}
