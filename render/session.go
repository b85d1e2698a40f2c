package render

import (
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/session"
)

// Session button actions: the last segment of the custom ID session/{id}/{action}. The ID
// carries everything the handler needs, so buttons on old messages keep working after a
// restart.
const (
	SessionJoin   = "join"
	SessionLeave  = "leave"
	SessionStart  = "start"
	SessionCancel = "cancel"
	SessionPause  = "pause"
	SessionResume = "resume"
	SessionSkip   = "skip"
	SessionStop   = "stop"
)

// Accent colours of session messages, by phase.
const (
	colorSessionLobby   = 0x5865F2
	colorSessionRunning = 0x57F287
	colorSessionPaused  = 0xFEE75C
	colorSessionEnded   = 0x99AAB5
)

// SessionCustomID is the custom ID of a session button.
func SessionCustomID(sessionID int64, action string) string {
	return fmt.Sprintf("session/%d/%s", sessionID, action)
}

// CreditStreak is a credited member's streak right after the session.
type CreditStreak struct {
	Days int
	// Grew is true when the session added a counted day (shown with 🔥), false when the
	// member had already stretched that day.
	Grew bool
}

// SessionMessage renders v as the whole session message, one embed and its buttons, so it
// can be posted, edited in, or sent as a type-7 update alike. streaks maps a credited
// member to their streak after this session; a member missing from it (or a nil map) is
// shown with the minutes credited instead. Ended sessions have no buttons.
func SessionMessage(v session.View, streaks map[string]CreditStreak) (*discordgo.MessageEmbed, []discordgo.MessageComponent) {
	s := v.Session
	if s.Status.Active() && s.Status != session.Lobby && (v.Step < 0 || v.Step >= len(s.Plan)) {
		// The plan is over but the engine has not recorded the end yet (a snapshot taken in
		// the moment between the last deadline and its transition).
		return fitEmbed(finishingEmbed(v)), sessionButtons(s.ID, SessionJoin, SessionLeave)
	}
	switch s.Status {
	case session.Lobby:
		return fitEmbed(lobbyEmbed(v)), sessionButtons(s.ID, SessionJoin, SessionLeave, SessionStart, SessionCancel)
	case session.Running:
		return fitEmbed(stepEmbed(v)), sessionButtons(s.ID, SessionJoin, SessionLeave, SessionPause, SessionSkip, SessionStop)
	case session.Paused:
		return fitEmbed(pausedEmbed(v)), sessionButtons(s.ID, SessionJoin, SessionLeave, SessionResume, SessionSkip, SessionStop)
	}
	return fitEmbed(endedEmbed(v, streaks)), []discordgo.MessageComponent{}
}

func lobbyEmbed(v session.View) *discordgo.MessageEmbed {
	s := v.Session
	return &discordgo.MessageEmbed{
		Title: "Group session: " + RoutineName(s.RoutineName),
		Description: fmt.Sprintf("Starts <t:%d:R>. Press **Join** to stretch along; the host can start now or cancel.",
			s.StartAt.Unix()),
		Color: colorSessionLobby,
		Fields: []*discordgo.MessageEmbedField{
			field("Routine · "+human(s.Plan.Total()), linesWithin(routineLines(s.Plan), EmbedFieldValueMax)),
			presentField("Joined", s.Participants),
		},
	}
}

func finishingEmbed(v session.View) *discordgo.MessageEmbed {
	s := v.Session
	return &discordgo.MessageEmbed{Title: "Finishing: " + RoutineName(s.RoutineName), Color: colorSessionRunning,
		Description: "That was the last step; the summary follows in a moment.",
		Fields:      []*discordgo.MessageEmbedField{presentField("Taking part", s.Participants)}}
}

func stepEmbed(v session.View) *discordgo.MessageEmbed {
	step := v.Session.Plan[v.Step]
	timing := fmt.Sprintf("%s, ends <t:%d:R>", human(step.Duration), v.StepEnd.Unix())
	return currentStepEmbed(v, stepTitle(step), colorSessionRunning, timing)
}

func pausedEmbed(v session.View) *discordgo.MessageEmbed {
	step := v.Session.Plan[v.Step]
	timing := fmt.Sprintf("Paused with %s left in this step.", human(v.Remaining.Round(time.Second)))
	return currentStepEmbed(v, "Paused: "+stepTitle(step), colorSessionPaused, timing)
}

// currentStepEmbed lays out a running or paused step: what to do, how long, what's next.
func currentStepEmbed(v session.View, title string, color int, timing string) *discordgo.MessageEmbed {
	s := v.Session
	step := s.Plan[v.Step]
	fields := []*discordgo.MessageEmbedField{field(stepAction(step), strings.Join(append(stepDetails(step), timing), "\n"))}
	if v.Next != nil {
		fields = append(fields, field("Next up", stepTitle(*v.Next)))
	}
	fields = append(fields, presentField("Taking part", s.Participants))
	return &discordgo.MessageEmbed{
		Title:       title,
		Description: step.Instructions,
		Color:       color,
		Fields:      fields,
		Footer:      footer(fmt.Sprintf("step %d of %d · %s", v.Step+1, len(s.Plan), Truncate(s.RoutineName, routineNameMax))),
	}
}

func endedEmbed(v session.View, streaks map[string]CreditStreak) *discordgo.MessageEmbed {
	s := v.Session
	e := &discordgo.MessageEmbed{Title: endedTitle(s.Status) + ": " + RoutineName(s.RoutineName), Description: v.Note, Color: colorSessionEnded}
	if s.StartedAt.IsZero() {
		return e // cancelled or closed in the lobby: nothing ran
	}
	e.Fields = []*discordgo.MessageEmbedField{
		field("Duration", human(v.RealDuration.Round(time.Second))),
		field("Took part", creditLines(v.Credits, streaks)),
	}
	return e
}

func endedTitle(st session.Status) string {
	switch st {
	case session.Finished:
		return "Session complete"
	case session.Stopped:
		return "Session stopped"
	case session.Cancelled:
		return "Session cancelled"
	}
	return "Session closed"
}

// creditLines lists the credited members with their streak, or the minutes credited
// until a streak is known.
func creditLines(credits []session.Credit, streaks map[string]CreditStreak) string {
	if len(credits) == 0 {
		return "Nobody is credited: a session counts once it has run at least half of its planned time."
	}
	lines := make([]string, len(credits))
	for i, c := range credits {
		if st, ok := streaks[c.UserID]; ok {
			lines[i] = fmt.Sprintf("%s: streak %s", memberName(c.Name), plural(st.Days, "day"))
			if st.Grew {
				lines[i] += " 🔥"
			}
		} else {
			lines[i] = fmt.Sprintf("%s: %s", memberName(c.Name), plural(c.Minutes(), "minute"))
		}
	}
	return linesWithin(lines, EmbedFieldValueMax)
}

// presentField lists the members present, one a line, cut with "… and N more".
func presentField(label string, participants []session.Participant) *discordgo.MessageEmbedField {
	var names []string
	for _, p := range participants {
		if p.Present() {
			names = append(names, memberName(p.Name))
		}
	}
	if len(names) == 0 {
		return field(label, "Nobody yet.")
	}
	return field(fmt.Sprintf("%s (%d)", label, len(names)), linesWithin(names, EmbedFieldValueMax))
}

// routineLines describes each exercise of a plan in one line: "2. Cat stretch, 2 × 20 s,
// rest 10 s". An exercise starts at its first hold (Rep 1); the rest that follows a hold is
// the exercise's rest between repetitions.
func routineLines(plan session.Plan) []string {
	var lines []string
	for i, st := range plan {
		if st.Kind != session.Exercise || st.Rep > 1 {
			continue
		}
		line := fmt.Sprintf("%d. %s, %d × %s", len(lines)+1, sideName(st), st.Reps, human(st.Duration))
		if i+1 < len(plan) && plan[i+1].Kind == session.Rest {
			line += ", rest " + human(plan[i+1].Duration)
		}
		lines = append(lines, line)
	}
	return lines
}

func stepTitle(st session.Step) string {
	switch st.Kind {
	case session.Rest:
		return "Rest: " + sideName(st)
	case session.Prep:
		return "Get ready: " + sideName(st)
	}
	return sideName(st)
}

// stepAction names what members do now, as the heading of the timing field.
func stepAction(st session.Step) string {
	switch st.Kind {
	case session.Rest:
		return "Rest"
	case session.Prep:
		return "Get into position"
	}
	return "Hold"
}

// stepDetails are the side and repetition lines of a step, when it has them.
func stepDetails(st session.Step) []string {
	var lines []string
	if st.Side != "" {
		lines = append(lines, st.Side+" side")
	}
	if st.Reps > 1 {
		lines = append(lines, fmt.Sprintf("rep %d of %d", st.Rep, st.Reps))
	}
	return lines
}

func sideName(st session.Step) string {
	if st.Side == "" {
		return st.Name
	}
	return fmt.Sprintf("%s (%s)", st.Name, st.Side)
}

// memberName makes a member's display name safe to show: it cannot format or mention.
func memberName(name string) string {
	return Escape(Truncate(strings.Join(strings.Fields(name), " "), 80))
}

// sessionButtons is one row of buttons (at most ButtonsPerRow) for the given actions.
func sessionButtons(sessionID int64, actions ...string) []discordgo.MessageComponent {
	row := discordgo.ActionsRow{}
	for _, a := range actions {
		label, style := sessionButtonLook(a)
		row.Components = append(row.Components, discordgo.Button{Label: label, Style: style, CustomID: SessionCustomID(sessionID, a)})
	}
	return []discordgo.MessageComponent{row}
}

// sessionButtonLook is the label and colour of an action's button: green to join, red for
// the actions that end a session.
func sessionButtonLook(action string) (string, discordgo.ButtonStyle) {
	switch action {
	case SessionJoin:
		return "Join", discordgo.SuccessButton
	case SessionStart:
		return "Start now", discordgo.PrimaryButton
	case SessionResume:
		return "Resume", discordgo.PrimaryButton
	case SessionCancel:
		return "Cancel", discordgo.DangerButton
	case SessionStop:
		return "Stop", discordgo.DangerButton
	case SessionPause:
		return "Pause", discordgo.SecondaryButton
	case SessionSkip:
		return "Skip", discordgo.SecondaryButton
	}
	return "Leave", discordgo.SecondaryButton
}
