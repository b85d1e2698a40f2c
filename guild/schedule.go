package guild

// A server's recurring sessions, as /schedule create stores them.

import (
	"errors"
	"fmt"
	"time"
)

// MaxSchedules is how many schedules one server may keep.
const MaxSchedules = 25

// Schedule is a server's recurring session: Routine at At (local "HH:MM") on Days, in Zone,
// in ChannelID, its lobby opening Lobby before each start.
type Schedule struct {
	ID         int64
	GuildID    string
	ChannelID  string
	Routine    string // as named at create; resolved again at each occurrence
	At         string // "15:00"
	Days       string // as schedule.ParseDays reads it: "weekdays", "mon,wed,fri"
	Zone       string // IANA name
	Lobby      time.Duration
	PingRoleID string // "" for no ping
	Event      bool   // mirrored as a Discord scheduled event
	CreatedBy  string
	CreatedAt  time.Time
	// SkipBefore drops the occurrences before it (/schedule skip); zero for none.
	SkipBefore time.Time
}

// ErrScheduleNotFound is returned when a server has no schedule with the given id.
var ErrScheduleNotFound = errors.New("no schedule with that id in this server")

// ScheduleLimitError is returned when a server already keeps Limit schedules.
type ScheduleLimitError struct{ Limit int }

func (e *ScheduleLimitError) Error() string {
	return fmt.Sprintf("this server already has %d schedules, the most it may keep", e.Limit)
}
