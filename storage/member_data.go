package storage

import (
	"context"
	"database/sql"
	"fmt"
)

// MemberData is everything kept about a member in one server, by kind, each kind a list
// of rows (column name to value) as stored: what /my-data hands the member.
type MemberData map[string][]map[string]any

// memberKinds are the queries that read a member's rows in a server, (guild, user) their
// arguments; TestMemberDataCoversEveryMemberTable keeps the list complete.
var memberKinds = []struct{ kind, query string }{
	{"counted_days", `SELECT * FROM activity WHERE guild_id = ? AND user_id = ? ORDER BY day`},
	{"streak", `SELECT * FROM member_streaks WHERE guild_id = ? AND user_id = ?`},
	{"settings", `SELECT * FROM member_settings WHERE guild_id = ? AND user_id = ?`},
	{"session_credits", `SELECT * FROM session_credits WHERE guild_id = ? AND user_id = ? ORDER BY session_id`},
	{"session_places", `SELECT p.* FROM session_participants p JOIN sessions s ON s.id = p.session_id
		WHERE s.guild_id = ? AND p.user_id = ? ORDER BY p.session_id`},
	{"sessions_hosted", `SELECT id, routine_name, status, created_at FROM sessions WHERE guild_id = ? AND host_id = ? ORDER BY id`},
	{"reminders", `SELECT * FROM reminders WHERE guild_id = ? AND user_id = ? ORDER BY kind`},
	{"schedule_notify", `SELECT schedule_id FROM schedule_notify WHERE guild_id = ? AND user_id = ? ORDER BY schedule_id`},
	{"schedule_notices_sent", `SELECT schedule_id, start FROM schedule_notices WHERE schedule_id IN
		(SELECT id FROM schedules WHERE guild_id = ?) AND user_id = ? ORDER BY start`},
	// Not a server's: a member's DMs refused the bot, whichever server asked. The guild
	// argument is read and ignored, so every query takes the same two.
	{"dms_closed", `SELECT since FROM dm_closed WHERE ? IS NOT NULL AND user_id = ?`},
}

// MemberData reads everything kept about the member in the server, in one read
// transaction; another server's rows are never read.
func (db *DB) MemberData(ctx context.Context, guildID, userID string) (MemberData, error) {
	data := MemberData{}
	err := db.inReadTx(ctx, func(tx *sql.Tx) error {
		for _, k := range memberKinds {
			rows, err := readRows(ctx, tx, k.query, guildID, userID)
			if err != nil {
				return fmt.Errorf("%s: %w", k.kind, err)
			}
			data[k.kind] = rows
		}
		return nil
	})
	return data, err
}

// readRows reads every row of query as column name to value; text stays text.
func readRows(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]map[string]any, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	columns, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := []map[string]any{}
	for rows.Next() {
		values := make([]any, len(columns))
		pointers := make([]any, len(columns))
		for i := range values {
			pointers[i] = &values[i]
		}
		if err := rows.Scan(pointers...); err != nil {
			return nil, err
		}
		row := make(map[string]any, len(columns))
		for i, c := range columns {
			if b, ok := values[i].([]byte); ok {
				values[i] = string(b)
			}
			row[c] = values[i]
		}
		out = append(out, row)
	}
	return out, rows.Err()
}
