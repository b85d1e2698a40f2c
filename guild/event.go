package guild

import (
	"errors"
	"time"
)

// Event is one occurrence of a schedule as a Discord guild scheduled event of entity type
// EXTERNAL: Discord starts and ends it on its own at Start and End, so the bot writes it
// only when the plan changes or reality differs from it.
type Event struct {
	Name        string // 1–100 characters: the routine's name
	Description string // up to 1,000 characters; may be empty
	Location    string // 1–100 characters: "#channel-name"
	Start, End  time.Time
}

// Errors an event writer returns, whatever the platform's codes behind them.
var (
	// ErrEventGone means the event no longer exists or can no longer change (deleted by an
	// admin, already ended or canceled): there is nothing left to correct.
	ErrEventGone = errors.New("the server's scheduled event is gone or already over")
	// ErrNoEventPermission means the bot may not create or edit the server's events (it
	// lacks Create Events and Manage Events).
	ErrNoEventPermission = errors.New("the bot may not create or edit this server's events")
)

// ErrDMsClosed means a member does not accept direct messages from the bot (Discord error
// 50007): DM senders stop trying until the member runs a command again.
var ErrDMsClosed = errors.New("the member does not accept direct messages from the bot")

// OccurrenceEvent is the Discord event that mirrors one occurrence of a schedule.
type OccurrenceEvent struct {
	GuildID    string
	ScheduleID int64
	Start      time.Time // the occurrence's planned start: with ScheduleID, its key
	EventID    string
	End        time.Time // the end the event shows now
	// Ended is set once the bot completed or canceled the event; it is not written again.
	Ended bool
}
