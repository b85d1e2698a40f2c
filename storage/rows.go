package storage

import (
	"context"
	"database/sql"
)

// rowScanner is a *sql.Row or a *sql.Rows: the scan helpers (scanSession, scanSummary,
// scanRoutine, logEntry.scan) read one row from either.
type rowScanner interface {
	Scan(dest ...any) error
}

// scanAlso is a rowScanner that reads extra columns after the ones a Scan call asks for.
func scanAlso(sc rowScanner, extra ...any) rowScanner {
	return scanFunc(func(dest ...any) error { return sc.Scan(append(dest, extra...)...) })
}

type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// querier is a *sql.DB or a *sql.Tx, for reads that run alone on the read pool or inside
// a transaction.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// eachRow runs query and calls fn for every row.
func eachRow(ctx context.Context, tx *sql.Tx, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
