package app

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/stretchbot/stretchbot/jobs"
	"github.com/stretchbot/stretchbot/session"
)

// sessionWakeJob is the job kind of a group session's next deadline: the session engine's
// alarms are rows in the one job table, beside schedules and reminders, so a restart
// re-arms them from the table with everything else.
const sessionWakeJob = "session-wake"

// sessionAlarms keeps the session engine's deadlines as jobs (session.Alarms). The key
// names the session and the instant, so the same deadline armed twice (a click that changes
// nothing, a restart) is one job; session ids are never reused.
type sessionAlarms struct{ queue *jobs.Scheduler }

var _ session.Alarms = sessionAlarms{}

func (a sessionAlarms) Set(ctx context.Context, s *session.Session, at time.Time) error {
	_, err := a.queue.Add(ctx, jobs.Job{Kind: sessionWakeJob, Key: fmt.Sprintf("session/%d/%d", s.ID, at.UnixNano()),
		GuildID: s.GuildID, Due: at, Payload: strconv.AppendInt(nil, s.ID, 10)})
	return err
}

// wakeSession is the handler of sessionWakeJob.
func wakeSession(e *session.Engine) jobs.Handler {
	return func(_ context.Context, j jobs.Job) (jobs.Outcome, error) {
		id, err := strconv.ParseInt(string(j.Payload), 10, 64)
		if err != nil {
			return jobs.Skip("unreadable payload: " + err.Error()), nil
		}
		e.Wake(id)
		return jobs.Done(), nil
	}
}
