package session

import "time"

// Credit is one member's recorded participation in a session.
type Credit struct {
	UserID string
	Name   string
	// Active is the session's active time (pauses excluded) from the member's first join,
	// or from the start for lobby joiners, to the end.
	Active time.Duration
	// Streak is the member's streak right after this credit, as the Store recorded it; nil
	// until the credit is recorded.
	Streak *StreakAfter
}

// StreakAfter is a member's streak right after a session credited them.
type StreakAfter struct {
	Days int
	// Grew: the session added a counted day (false when they had already stretched that day).
	Grew bool
	// Private: the member keeps their streak to themselves, so a public summary shows
	// their minutes instead.
	Private bool
}

// Minutes is Active rounded to the nearest minute, at least 1: a credited member always
// counts as having stretched.
func (c Credit) Minutes() int {
	return max(1, int(c.Active.Round(time.Minute)/time.Minute))
}

// Attendance returns who is credited for an ended session. The rule:
//
//   - only Finished, Stopped and Aborted sessions credit anybody; Cancelled (lobby) and
//     Expired (closed late) credit nobody;
//   - the session must have been active for at least half of its planned time. Active time
//     excludes pauses, and time jumped over by Skip counts as not run: a routine skipped
//     through in two minutes does not earn a streak;
//   - a member is credited if their first join came before the last step began (they
//     joined in the lobby or while an earlier step ran) and they had not left when the
//     session ended.
//
// It is a pure function of s; the engine records its result exactly once per session.
func Attendance(s *Session) []Credit {
	credits, _ := attendance(s)
	return credits
}

// Missed lists, for an ended session, the members who joined but are not credited, each
// with the reason (see Attendance).
func Missed(s *Session) []Miss {
	_, missed := attendance(s)
	return missed
}

// Miss is a member who joined a session and is not credited for it.
type Miss struct {
	UserID string
	Name   string
	Reason MissReason
}

// MissReason says why a member is not credited.
type MissReason int

// Reasons, in the order Attendance checks them.
const (
	MissNotCounted MissReason = iota + 1 // the session credits nobody: cancelled, or closed late
	MissTooShort                         // it ran less than half of its planned time
	MissLeft                             // they left before the end
	MissLateJoin                         // they joined during the last step
)

func attendance(s *Session) (credits []Credit, missed []Miss) {
	miss := func(p Participant, why MissReason) {
		missed = append(missed, Miss{UserID: p.UserID, Name: p.Name, Reason: why})
	}
	ran := s.ActiveTime(s.EndedAt)
	last := len(s.Plan) - 1
	for _, p := range s.Participants {
		switch {
		case s.Status != Finished && s.Status != Stopped && s.Status != Aborted:
			miss(p, MissNotCounted)
		case 2*ran < s.Plan.Total():
			miss(p, MissTooShort)
		case !p.Present():
			miss(p, MissLeft)
		case p.JoinedStep >= last:
			miss(p, MissLateJoin)
		default:
			credits = append(credits, Credit{UserID: p.UserID, Name: p.Name, Active: ran - p.JoinedActive})
		}
	}
	return credits, missed
}
