package session

import "time"

// Credit is one member's recorded participation in a session.
type Credit struct {
	UserID string
	Name   string
	// Active is the session's active time (pauses excluded) from the member's first join,
	// or from the start for lobby joiners, to the end.
	Active time.Duration
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
	switch s.Status {
	case Finished, Stopped, Aborted:
	default:
		return nil
	}
	ran := s.ActiveTime(s.EndedAt)
	if 2*ran < s.Plan.Total() {
		return nil
	}
	last := len(s.Plan) - 1
	var credits []Credit
	for _, p := range s.Participants {
		if !p.Present() || p.JoinedStep >= last {
			continue
		}
		credits = append(credits, Credit{UserID: p.UserID, Name: p.Name, Active: ran - p.JoinedActive})
	}
	return credits
}
