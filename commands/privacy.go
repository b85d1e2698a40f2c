package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/guild"
	"github.com/stretchbot/stretchbot/render"
	"github.com/stretchbot/stretchbot/session"
	"github.com/stretchbot/stretchbot/storage"
)

// privacyCommand is /privacy leaderboard:<on|off>: whether other members see the member's
// figures: on this server's leaderboards, and through /streak and /stats with member: (see
// lookAt; moderators with Manage Server still can). Their streak still counts either way,
// and their time zone is never shown to anyone else.
func privacyCommand(store memberSettingsStore) Command {
	return inServer(Command{
		Definition: &discordgo.ApplicationCommand{
			Name:        "privacy",
			Description: "Choose whether other members see your streak: leaderboards, /streak and /stats",
			Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionString, Name: "leaderboard",
				Description: "on: show me; off: keep my streak to myself", Required: true,
				Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "on", Value: "on"}, {Name: "off", Value: "off"}}}},
		},
		Handle: func(ctx context.Context, req *Request) (*Reply, error) {
			hide := req.String("leaderboard") == "off"
			if _, err := store.UpdateMemberSettings(ctx, req.GuildID, req.Member.ID, func(m *guild.MemberSettings) { m.LeaderboardOptOut = hide }); err != nil {
				return nil, err
			}
			if hide {
				return Message(true, "You are left out of this server's leaderboards, and other members' /streak and /stats "+
					"no longer show yours (moderators with Manage Server still can). Your streak still counts; /streak and /stats "+
					"show it to you."), nil
			}
			return Message(true, "You appear on this server's leaderboards again, and other members can look at your streak "+
				"with /streak and /stats. Your time zone stays yours: nobody else sees it."), nil
		},
		Private: true,
	})
}

// forgetter deletes a member's data in one server.
type forgetter interface {
	ForgetMember(ctx context.Context, guildID, userID string) (storage.Forgotten, error)
}

var _ forgetter = (*storage.DB)(nil)

// forgetPattern is the confirm button of /forget-me. The ID names the server, so that a
// confirm from one server never deletes in another, and the member, so that only they can
// confirm, even after a restart.
const forgetPattern = "forget/{guild}/{user}/confirm"

// forgetID is the custom ID of req's member's confirm button.
func forgetID(req *Request) string {
	return render.FillID(forgetPattern, req.GuildID, req.Member.ID)
}

// forgetOwner places a confirm button in the server its ID names, in the channel of the
// message it is on.
func forgetOwner(_ context.Context, req *Request) (Place, error) {
	return Place{GuildID: req.Params["guild"], ChannelID: req.MessageChannelID}, nil
}

// sessionForgetter takes a member out of a server's running sessions.
type sessionForgetter interface {
	Forget(ctx context.Context, guildID, userID string) (int, error)
}

var _ sessionForgetter = (*session.Engine)(nil)

// forgetMeCommand is /forget-me: after a confirm button only the caller may press, it
// takes them out of the server's running sessions, deletes everything kept about them in
// this server, and says what was deleted.
func forgetMeCommand(store forgetter, sessions sessionForgetter) Command {
	return inServer(Command{
		Definition: &discordgo.ApplicationCommand{
			Name:        "forget-me",
			Description: "Delete everything stretchbot keeps about you in this server",
		},
		Handle: func(_ context.Context, req *Request) (*Reply, error) {
			return &Reply{
				Content: "This deletes your streak and freezes, your counted days, your settings, your reminders and your group-session history " +
					"in this server, for good, and takes you out of any group session still running or waiting here, so it " +
					"won't credit you when it ends. Other servers are not affected.",
				Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
					discordgo.Button{Label: "Delete my data", Style: discordgo.DangerButton,
						CustomID: forgetID(req)},
				}}},
				Ephemeral: true,
			}, nil
		},
		Components: []Component{{Pattern: forgetPattern, Owner: forgetOwner, Handle: func(ctx context.Context, req *Request) (*Reply, error) {
			if req.Params["user"] != req.Member.ID {
				return nil, Userf("Only the member who asked can confirm this. Use /forget-me to delete your own data.")
			}
			// Sessions first: one ending in between would otherwise credit them again.
			left, err := sessions.Forget(ctx, req.GuildID, req.Member.ID)
			if err != nil {
				return nil, err
			}
			f, err := store.ForgetMember(ctx, req.GuildID, req.Member.ID)
			if err != nil {
				return nil, err
			}
			return &Reply{Content: forgottenText(f, left), Ephemeral: true, Update: true}, nil
		}}},
		Private: true,
	})
}

// forgottenText says, in words, what ForgetMember deleted and how many running sessions
// the member was taken out of.
func forgottenText(f storage.Forgotten, sessionsLeft int) string {
	had := func(deleted bool, what string) string {
		if deleted {
			return "your " + what
		}
		return "no " + what + " (there were none)"
	}
	deleted := []string{render.Plural(f.Days, "counted day"), had(f.Streak, "streak and freezes"), had(f.Settings, "settings"),
		render.Plural(f.SessionCredits, "session credit")}
	if f.Reminders > 0 {
		deleted = append(deleted, render.Plural(f.Reminders, "reminder"))
	}
	if f.Notices > 0 {
		deleted = append(deleted, fmt.Sprintf("your Notify me on %s", render.Plural(f.Notices, "schedule")))
	}
	text := fmt.Sprintf("Done. Deleted: %s and %s.", strings.Join(deleted[:len(deleted)-1], ", "), deleted[len(deleted)-1])
	if sessionsLeft > 0 {
		pronoun := "they"
		if sessionsLeft == 1 {
			pronoun = "it"
		}
		text += fmt.Sprintf(" You were taken out of %s still running here, so %s won't credit you.",
			render.Plural(sessionsLeft, "session"), pronoun)
	}
	return text + " Anything you do from now on starts afresh."
}
