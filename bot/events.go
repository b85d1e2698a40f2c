package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/guild"
)

// Discord JSON error codes of guild scheduled events.
const (
	codeUnknownEvent  = 10070  // "Unknown Guild Scheduled Event" (404)
	codeEventFinished = 180000 // "Cannot update a finished event" (400): completed or canceled
)

// eventUsersPage is the largest page of an event's interested users Discord returns.
const eventUsersPage = 100

// Event statuses, named for reading (discordgo's names are long).
const (
	eventScheduled = discordgo.GuildScheduledEventStatusScheduled
	eventActive    = discordgo.GuildScheduledEventStatusActive
	eventCompleted = discordgo.GuildScheduledEventStatusCompleted
	eventCanceled  = discordgo.GuildScheduledEventStatusCanceled
)

// CreateEvent creates e in guildID as an EXTERNAL, guild-only event and returns its id. An
// empty description creates an event without one.
//
// The event methods mirror a schedule's next occurrence as a Discord guild scheduled event
// of entity type EXTERNAL (guild-scheduled-event.mdx): no channel, the place in
// entity_metadata.location, a required end. Discord starts and ends such an event on its
// own at its scheduled times, so callers write only when the plan changes or reality
// differs from it. Every request, reads included, passes the shared limiter and the 5xx
// retries. Their errors wrap guild.ErrNoEventPermission when Discord answers 403 (the bot
// lacks Create Events and Manage Events), and guild.ErrEventGone when the event is unknown
// (404, code 10070: deleted by an admin) or already over (completed or canceled); Discord's
// error, when there was one, stays in the chain.
func (m *Messenger) CreateEvent(ctx context.Context, guildID string, e guild.Event) (string, error) {
	ctx = asInitiative(ctx) // the bot writes events on its own: the guard may shed them
	start, end := e.Start.UTC(), e.End.UTC()
	// discordgo sends channel_id null for an EXTERNAL event without a channel, as Discord
	// requires, and leaves out only fields that are optional on create.
	params := &discordgo.GuildScheduledEventParams{
		Name: e.Name, Description: e.Description, ScheduledStartTime: &start, ScheduledEndTime: &end,
		PrivacyLevel:   discordgo.GuildScheduledEventPrivacyLevelGuildOnly,
		EntityType:     discordgo.GuildScheduledEventEntityTypeExternal,
		EntityMetadata: &discordgo.GuildScheduledEventEntityMetadata{Location: e.Location},
	}
	var created *discordgo.GuildScheduledEvent
	err := m.eventCall(ctx, func() (err error) {
		created, err = m.session.GuildScheduledEventCreate(guildID, params, discordgo.WithContext(ctx))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("creating the scheduled event: %w", err)
	}
	return created.ID, nil
}

// EditEvent sets the event's name, description, location, start and end to e's; an empty
// description removes the event's. Once Discord has started the event (ACTIVE) its start
// stays and the rest is written. The start is sent only when it differs from the event's:
// Discord refuses any start in the past, and an unchanged one need not be judged at all.
// Errors are as CreateEvent describes; an event already over gives guild.ErrEventGone.
func (m *Messenger) EditEvent(ctx context.Context, guildID, eventID string, e guild.Event) error {
	ctx = asInitiative(ctx) // the bot writes events on its own: the guard may shed them
	_, err := m.patchEvent(ctx, guildID, eventID, func(current *discordgo.GuildScheduledEvent) (map[string]any, error) {
		if err := editable(current.Status); err != nil {
			return nil, err
		}
		// The description is sent even when empty, as null: discordgo's params would leave
		// an empty one out, and the old description would stay.
		var description any
		if e.Description != "" {
			description = e.Description
		}
		body := map[string]any{
			"name": e.Name, "description": description, "scheduled_end_time": e.End.UTC(),
			"entity_metadata": discordgo.GuildScheduledEventEntityMetadata{Location: e.Location},
		}
		if current.Status == eventScheduled && !e.Start.Equal(current.ScheduledStartTime) {
			body["scheduled_start_time"] = e.Start.UTC()
		}
		return body, nil
	})
	if err != nil {
		return fmt.Errorf("editing scheduled event %s: %w", eventID, err)
	}
	return nil
}

// CompleteEvent ends the event: status COMPLETED. Discord knows no SCHEDULED→COMPLETED, so
// an event still SCHEDULED (the session ran and ended before its planned start) is first
// set ACTIVE, then COMPLETED: it shows as having taken place, which it did, where canceling
// would say it did not. An event already completed or canceled gives guild.ErrEventGone.
func (m *Messenger) CompleteEvent(ctx context.Context, guildID, eventID string) error {
	ctx = asInitiative(ctx) // the bot writes events on its own: the guard may shed them
	status := discordgo.GuildScheduledEventStatus(0)
	// One allowed transition at a time; the longest way, SCHEDULED→ACTIVE→COMPLETED, has two.
	for range 2 {
		var err error
		status, err = m.patchEvent(ctx, guildID, eventID, func(current *discordgo.GuildScheduledEvent) (map[string]any, error) {
			next := eventCompleted
			if current.Status == eventScheduled {
				next = eventActive
			}
			return map[string]any{"status": next}, editable(current.Status)
		})
		if err != nil {
			return fmt.Errorf("completing scheduled event %s: %w", eventID, err)
		}
		if finished(status) {
			return nil
		}
	}
	return fmt.Errorf("completing scheduled event %s: still in status %d", eventID, status)
}

// errEventBegun tells CancelEvent that Discord has started the event.
var errEventBegun = errors.New("the scheduled event has begun")

// CancelEvent calls the occurrence off: status CANCELED. Discord cancels only SCHEDULED
// events and an ACTIVE one could only be completed, which would claim the occurrence took
// place; so an event Discord has already started is deleted instead. An event already
// completed or canceled gives guild.ErrEventGone.
func (m *Messenger) CancelEvent(ctx context.Context, guildID, eventID string) error {
	ctx = asInitiative(ctx) // the bot writes events on its own: the guard may shed them
	_, err := m.patchEvent(ctx, guildID, eventID, func(current *discordgo.GuildScheduledEvent) (map[string]any, error) {
		if current.Status == eventActive {
			return nil, errEventBegun
		}
		return map[string]any{"status": eventCanceled}, editable(current.Status)
	})
	switch {
	case errors.Is(err, errEventBegun):
		return m.DeleteEvent(ctx, guildID, eventID)
	case err != nil:
		return fmt.Errorf("canceling scheduled event %s: %w", eventID, err)
	}
	return nil
}

// DeleteEvent deletes the event. One already deleted gives guild.ErrEventGone.
func (m *Messenger) DeleteEvent(ctx context.Context, guildID, eventID string) error {
	ctx = asInitiative(ctx) // the bot writes events on its own: the guard may shed them
	err := m.eventCall(ctx, func() error {
		return m.session.GuildScheduledEventDelete(guildID, eventID, discordgo.WithContext(ctx))
	})
	if err != nil {
		return fmt.Errorf("deleting scheduled event %s: %w", eventID, err)
	}
	return nil
}

// EventInterested returns the IDs of every user interested in the event, in ascending
// order, reading Discord's pages of 100 one after the other.
func (m *Messenger) EventInterested(ctx context.Context, guildID, eventID string) ([]string, error) {
	ctx = asInitiative(ctx) // the bot writes events on its own: the guard may shed them
	var ids []string
	after := ""
	for {
		var page []*discordgo.GuildScheduledEventUser
		err := m.eventCall(ctx, func() (err error) {
			page, err = m.session.GuildScheduledEventUsers(guildID, eventID, eventUsersPage, false, "", after, discordgo.WithContext(ctx))
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("listing the users interested in scheduled event %s: %w", eventID, err)
		}
		for _, u := range page {
			if u.User != nil {
				after = u.User.ID
				ids = append(ids, u.User.ID)
			}
		}
		if len(page) < eventUsersPage {
			return ids, nil
		}
	}
}

// finished reports whether the event is over: Discord allows it no change.
func finished(status discordgo.GuildScheduledEventStatus) bool {
	return status == eventCompleted || status == eventCanceled
}

// editable refuses a finished event with guild.ErrEventGone.
func editable(status discordgo.GuildScheduledEventStatus) error {
	if finished(status) {
		return fmt.Errorf("%w (status %d)", guild.ErrEventGone, status)
	}
	return nil
}

// patchEvent reads the event, builds the change for it as it is with change and sends it,
// returning the status after. Discord moves an EXTERNAL event on its own at its start and
// end, so the status may change between the read and the write and Discord refuse the
// change (400): the event is then read again and, if its status did move, the change is
// built anew and sent once more.
func (m *Messenger) patchEvent(ctx context.Context, guildID, eventID string, change func(*discordgo.GuildScheduledEvent) (map[string]any, error)) (discordgo.GuildScheduledEventStatus, error) {
	current, err := m.event(ctx, guildID, eventID)
	if err != nil {
		return 0, err
	}
	for attempt := 0; ; attempt++ {
		body, err := change(current)
		if err != nil {
			return 0, err
		}
		var updated discordgo.GuildScheduledEvent
		err = m.eventCall(ctx, func() error {
			// By hand rather than GuildScheduledEventEdit, whose params cannot send a null
			// description.
			endpoint := discordgo.EndpointGuildScheduledEvent(guildID, eventID)
			resp, err := m.session.RequestWithBucketID(http.MethodPatch, endpoint, body, endpoint, discordgo.WithContext(ctx))
			if err != nil {
				return err
			}
			return json.Unmarshal(resp, &updated)
		})
		if err == nil {
			return updated.Status, nil
		}
		if httpStatus, _ := restErrorCode(err); httpStatus != http.StatusBadRequest || errors.Is(err, guild.ErrEventGone) || attempt > 0 {
			return 0, err
		}
		refused, was := err, current.Status
		if current, err = m.event(ctx, guildID, eventID); err != nil {
			return 0, err
		}
		if current.Status == was {
			return 0, refused
		}
	}
}

// event reads the event as Discord has it now.
func (m *Messenger) event(ctx context.Context, guildID, eventID string) (*discordgo.GuildScheduledEvent, error) {
	var ev *discordgo.GuildScheduledEvent
	err := m.eventCall(ctx, func() (err error) {
		ev, err = m.session.GuildScheduledEvent(guildID, eventID, false, discordgo.WithContext(ctx))
		return err
	})
	return ev, err
}

// eventCall runs one scheduled-event request through the shared limiter and 5xx retries,
// and wraps Discord's refusals in the guild errors they mean.
func (m *Messenger) eventCall(ctx context.Context, call func() error) error {
	_, err := m.do(ctx, func() (*discordgo.Message, error) { return nil, call() })
	status, code := restErrorCode(err)
	switch {
	case status == http.StatusForbidden || code == codeMissingPerms:
		return fmt.Errorf("%w: %w", guild.ErrNoEventPermission, err)
	case status == http.StatusNotFound || code == codeUnknownEvent || code == codeEventFinished:
		return fmt.Errorf("%w: %w", guild.ErrEventGone, err)
	}
	return err
}
