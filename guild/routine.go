package guild

// A server's own routines, as /routine create stores them.

import (
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
