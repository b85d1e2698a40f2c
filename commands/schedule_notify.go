package commands

// Notify me: members who pressed it on a schedule's announcement or lobby, and those who
// marked the occurrence's Discord event Interested, get one DM before each lobby opens.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/guild"
	"github.com/stretchbot/stretchbot/jobs"
	"github.com/stretchbot/stretchbot/render"
	"github.com/stretchbot/stretchbot/storage"
)

// NotifyJob is the job kind that DMs a schedule's Notify me members before its lobby opens.
const NotifyJob = "schedule-notify"

// notifyLead is how long before a lobby opens its notices are sent.
const notifyLead = 10 * time.Minute

// noticeSenders is how many notices are under way at once: enough to keep the bot's DM
// pacing busy, few enough that one slow member does not hold the rest.
const noticeSenders = 8

// notifyStore keeps the Notify me lists and the notices sent; *storage.DB implements it.
type notifyStore interface {
	ToggleScheduleNotify(ctx context.Context, guildID string, scheduleID int64, userID string) (bool, error)
	ScheduleNotifyMembers(ctx context.Context, guildID string, scheduleID int64) ([]string, error)
	ClaimNotice(ctx context.Context, scheduleID int64, start time.Time, userID string) (bool, error)
	ReleaseNotice(ctx context.Context, scheduleID int64, start time.Time, userID string) error
	DMsClosed(ctx context.Context, userID string) (bool, error)
}

var _ notifyStore = (*storage.DB)(nil)

// notifyComponent is the Notify me button. The schedule it names must live in the channel
// the click comes from (the announcement and the lobbies are posted there).
func (s *schedules) notifyComponent() Component {
	return Component{Pattern: render.NotifyPattern, Handle: s.toggleNotify, Owner: s.schedulePlace}
}

// schedulePlace is where the schedule named by the click lives. A schedule of another
// server is not found, so the click is refused without a word about it.
func (s *schedules) schedulePlace(ctx context.Context, req *Request) (Place, error) {
	id, ok := parseID(req.Params["id"])
	if !ok {
		return Place{}, nil
	}
	sc, err := s.store.Schedule(ctx, req.GuildID, id)
	if errors.Is(err, guild.ErrScheduleNotFound) {
		return Place{}, nil
	}
	return Place{GuildID: sc.GuildID, ChannelID: sc.ChannelID}, err
}

func (s *schedules) toggleNotify(ctx context.Context, req *Request) (*Reply, error) {
	id, _ := parseID(req.Params["id"])
	sc, err := s.store.Schedule(ctx, req.GuildID, id)
	if err != nil {
		return nil, err
	}
	on, err := s.store.ToggleScheduleNotify(ctx, req.GuildID, id, req.Member.ID)
	if err != nil {
		return nil, err
	}
	if !on {
		return Message(true, fmt.Sprintf("Done: no more DMs before %s sessions (schedule #%d).", render.RoutineName(sc.Routine), sc.ID)), nil
	}
	text := fmt.Sprintf("You'll get a DM %s before each %s lobby opens (schedule #%d). Press Notify me again to stop.",
		render.Plural(int(notifyLead/time.Minute), "minute"), render.RoutineName(sc.Routine), sc.ID)
	if closed, err := s.store.DMsClosed(ctx, req.Member.ID); err == nil && closed {
		text += " Your DMs are closed to me right now: allow direct messages from this server's members to get them."
	}
	return Message(true, text), nil
}

// queueNotify adds the job that sends the occurrence's notices, due notifyLead before its
// lobby opens; its key names the occurrence, so it is added once.
func (s *schedules) queueNotify(ctx context.Context, sc guild.Schedule, start time.Time, payload []byte) error {
	_, err := s.queue.Add(ctx, jobs.Job{Kind: NotifyJob, Key: fmt.Sprintf("notify/%d/%d", sc.ID, start.Unix()),
		GuildID: sc.GuildID, Due: start.Add(-sc.Lobby - notifyLead), Payload: payload})
	return err
}

// NotifyHandler is the handler of NotifyJob, reading the time from now.
func (s *schedules) NotifyHandler(now func() time.Time) jobs.Handler {
	return func(ctx context.Context, j jobs.Job) (jobs.Outcome, error) { return s.notify(ctx, j, now()) }
}

// notify DMs the occurrence's Notify me members and the event's Interested members, each
// once: a member is recorded before their DM (ClaimNotice), so a rerun after a crash skips
// them, and released again when the DM failed for a reason worth a retry. A member whose
// DMs are closed is not retried; DMMemory remembers them. Notices due while the bot was
// down are sent if the lobby is not open yet.
func (s *schedules) notify(ctx context.Context, j jobs.Job, now time.Time) (jobs.Outcome, error) {
	sc, start, skip, err := s.occurrenceOf(ctx, j)
	if skip != "" || err != nil {
		return jobs.Skip(skip), err
	}
	switch {
	case start.Before(sc.SkipBefore):
		return jobs.Skip("skipped with /schedule skip"), nil
	case !now.Before(start.Add(-sc.Lobby)):
		return jobs.Skip("the lobby was open when the bot could send its notices"), nil
	}
	members, err := s.noticeList(ctx, sc, start)
	if err != nil {
		return jobs.Outcome{}, err
	}
	msg := func() *discordgo.MessageSend {
		return &discordgo.MessageSend{Content: fmt.Sprintf("**%s** starts <t:%d:R>: its lobby opens in <#%s> at <t:%d:t>. %s\n"+
			"(You pressed Notify me on it; press it again there to stop these.)", render.RoutineName(sc.Routine), start.Unix(),
			sc.ChannelID, start.Add(-sc.Lobby).Unix(), render.ChannelLink(sc.GuildID, sc.ChannelID))}
	}
	return jobs.Done(), s.sendNotices(ctx, sc.ID, start, members, msg)
}

// noticeList is who is told of the occurrence: the Notify me list, and the members who
// marked its Discord event Interested (when reading them fails, the list alone).
func (s *schedules) noticeList(ctx context.Context, sc guild.Schedule, start time.Time) ([]string, error) {
	members, err := s.store.ScheduleNotifyMembers(ctx, sc.GuildID, sc.ID)
	if err != nil {
		return nil, err
	}
	rec, ok, err := s.store.OccurrenceEvent(ctx, sc.GuildID, sc.ID, start)
	if err != nil || !ok {
		return members, err
	}
	interested, err := s.events.EventInterested(ctx, sc.GuildID, rec.EventID)
	if err != nil {
		s.log.Warn("reading who is interested in a schedule's event failed; notifying the Notify me list only",
			slog.Int64("schedule", sc.ID), slog.Any("err", err))
	}
	members = append(members, interested...)
	slices.Sort(members)
	return slices.Compact(members), nil
}

// sendNotices DMs each member once for the occurrence, noticeSenders at a time, and
// returns the failures worth a retry.
func (s *schedules) sendNotices(ctx context.Context, scheduleID int64, start time.Time, members []string,
	msg func() *discordgo.MessageSend) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		next = make(chan string)
	)
	for range min(noticeSenders, len(members)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for userID := range next {
				if err := s.sendNotice(ctx, scheduleID, start, userID, msg()); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	for _, userID := range members {
		next <- userID
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

func (s *schedules) sendNotice(ctx context.Context, scheduleID int64, start time.Time, userID string, msg *discordgo.MessageSend) error {
	claimed, err := s.store.ClaimNotice(ctx, scheduleID, start, userID)
	if err != nil || !claimed {
		return err
	}
	_, err = s.dms.DM(ctx, userID, msg)
	if err == nil || errors.Is(err, guild.ErrDMsClosed) {
		return nil
	}
	return errors.Join(err, s.store.ReleaseNotice(ctx, scheduleID, start, userID))
}
