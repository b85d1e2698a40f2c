package render

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/session"
)

// SessionButton is one button of session messages: what it does and looks like, when it
// shows, and the engine call behind it. SessionButtons is the one table that both the
// messages (which buttons, in which status) and the router (which handler) read, so adding
// a button is one row there and one engine method.
type SessionButton struct {
	Action string // the last segment of its custom ID: session/{id}/{Action}
	Label  string
	Style  discordgo.ButtonStyle
	// Verb names the action in refusals: "You can't <Verb> this session now".
	Verb string
	// Host marks a host control: the host, Manage Messages or the server's host role.
	Host  bool
	Shown []session.Status
	Do    func(e *session.Engine, ctx context.Context, id int64, a session.Actor) (session.View, error)
}

// Pattern is the custom-ID pattern that routes the button; SessionCustomID fills it.
func (b SessionButton) Pattern() string { return "session/{id}/" + b.Action }

// SessionButtons lists the buttons in the order messages show them.
func SessionButtons() []SessionButton {
	active := []session.Status{session.Lobby, session.Running, session.Paused}
	started := []session.Status{session.Running, session.Paused}
	return []SessionButton{
		{"join", "Join", discordgo.SuccessButton, "join", false, active, (*session.Engine).Join},
		{"leave", "Leave", discordgo.SecondaryButton, "leave", false, active, (*session.Engine).Leave},
		{"start", "Start now", discordgo.PrimaryButton, "start", true, []session.Status{session.Lobby}, (*session.Engine).StartNow},
		{"cancel", "Cancel", discordgo.DangerButton, "cancel", true, []session.Status{session.Lobby}, (*session.Engine).Cancel},
		{"pause", "Pause", discordgo.SecondaryButton, "pause", true, []session.Status{session.Running}, (*session.Engine).Pause},
		{"resume", "Resume", discordgo.PrimaryButton, "resume", true, []session.Status{session.Paused}, (*session.Engine).Resume},
		{"skip", "Skip", discordgo.SecondaryButton, "skip a step of", true, started, (*session.Engine).Skip},
		{"stop", "Stop", discordgo.DangerButton, "stop", true, started, (*session.Engine).Stop},
	}
}

// SessionCustomID is the custom ID of button b of session sessionID.
func SessionCustomID(sessionID int64, b SessionButton) string {
	return FillID(b.Pattern(), strconv.FormatInt(sessionID, 10))
}

// Accent colours of session messages, by phase, from the palette.
const (
	colorSessionLobby   = colorBlurple
	colorSessionRunning = colorGreen
	colorSessionPaused  = colorYellow
	colorSessionEnded   = colorGrey
)

// SessionMessage renders v as the whole session message, one embed and its buttons, so it
// can be posted, edited in, or sent as a type-7 update alike. A summary shows each credited
// member's streak after the session, or their minutes when the streak is private or not
// recorded. Ended sessions have no buttons.
func SessionMessage(v session.View) (*discordgo.MessageEmbed, []discordgo.MessageComponent) {
	s := v.Session
	if v.MovedTo != "" {
		return fitEmbed(movedEmbed(v)), []discordgo.MessageComponent{}
	}
	if s.Status.Active() && s.Status != session.Lobby && (v.Step < 0 || v.Step >= len(s.Plan)) {
		// The plan is over but the engine has not recorded the end yet (a snapshot taken in
		// the moment between the last deadline and its transition): no host controls.
		return fitEmbed(finishingEmbed(v)), sessionButtons(s, false)
	}
	switch s.Status {
	case session.Lobby:
		return fitEmbed(lobbyEmbed(v)), sessionButtons(s, true)
	case session.Running:
		return fitEmbed(stepEmbed(v)), sessionButtons(s, true)
	case session.Paused:
		return fitEmbed(pausedEmbed(v)), sessionButtons(s, true)
	}
	return fitEmbed(endedEmbed(v)), []discordgo.MessageComponent{}
}

// maxStartPings is how many members the start message mentions: Discord takes at most 100
// users in allowed_mentions, and the mentions must fit in the 2,000-character content.
const maxStartPings = 80

// StartPing is the content of the message that announces a session's start, mentioning the
// members who joined so that Discord notifies them, and the ids it mentions (the first
// maxStartPings), which are exactly the users the message may ping.
func StartPing(userIDs []string) (content string, pinged []string) {
	pinged = userIDs[:min(len(userIDs), maxStartPings)]
	mentions := make([]string, len(pinged))
	for i, id := range pinged {
		mentions[i] = "<@" + id + ">"
	}
	content = strings.Join(mentions, " ")
	if more := len(userIDs) - len(pinged); more > 0 {
		content += fmt.Sprintf(" and %d more", more)
	}
	return content + ": we're starting. Get into position!", pinged
}

// LobbyPing is the content of a scheduled lobby's first message, mentioning the schedule's
// ping role, whose members asked to be told.
func LobbyPing(roleID string, startAt time.Time) string {
	return fmt.Sprintf("<@&%s> A group session starts <t:%d:R>: press **Join** to stretch along.", roleID, startAt.Unix())
}

// movedEmbed is what an old session message says once the session goes on in a new one:
// the lobby after the start, or a live message Discord would no longer let the bot edit
// (an hour old). Its title fits both; the message has no buttons.
func movedEmbed(v session.View) *discordgo.MessageEmbed {
	s := v.Session
	return &discordgo.MessageEmbed{Title: RoutineName(s.RoutineName) + ": continued below ↓", Color: colorSessionEnded,
		Description: fmt.Sprintf("The session continues in the message below ↓\nhttps://discord.com/channels/%s/%s/%s",
			s.GuildID, s.ChannelID, v.MovedTo)}
}

func lobbyEmbed(v session.View) *discordgo.MessageEmbed {
	s := v.Session
	fields := []*discordgo.MessageEmbedField{
		field("Routine · "+human(s.Plan.Total()), linesWithin(routineLines(s.Plan), EmbedFieldValueMax)),
	}
	if cautions := planCautions(s.Plan); len(cautions) > 0 {
		fields = append(fields, field("Before you start", bullets(cautions)))
	}
	fields = append(fields, presentField("Joined", s.Participants))
	return &discordgo.MessageEmbed{
		Title: "Group session: " + RoutineName(s.RoutineName),
		Description: fmt.Sprintf("Starts <t:%d:R>. Press **Join** to stretch along.\n%s",
			s.StartAt.Unix(), hostLine(s)),
		Color:  colorSessionLobby,
		Fields: fields,
	}
}

// hostLine says who hosts the lobby and who may start or cancel it.
func hostLine(s session.Session) string {
	for _, p := range s.Participants {
		if p.UserID == s.HostID && s.HostID != "" && p.Present() {
			return fmt.Sprintf("Hosted by **%s**, who can start it now or cancel it.", MemberName(p.Name))
		}
	}
	if s.HostID == "" {
		return "Members with Manage Messages or the server's host role can start it now or cancel it."
	}
	return "The host has left: members with Manage Messages or the server's host role can start it now or cancel it."
}

// planCautions gathers the cautions of every exercise of the plan, each once, in order.
func planCautions(plan session.Plan) []string {
	var out []string
	for _, st := range plan {
		for _, c := range st.Cautions {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

func finishingEmbed(v session.View) *discordgo.MessageEmbed {
	s := v.Session
	return &discordgo.MessageEmbed{Title: "Finishing: " + RoutineName(s.RoutineName), Color: colorSessionRunning,
		Description: "That was the last step; the summary follows in a moment.",
		Fields:      []*discordgo.MessageEmbedField{presentField("Taking part", s.Participants)}}
}

func stepEmbed(v session.View) *discordgo.MessageEmbed {
	step := v.Session.Plan[v.Step]
	return currentStepEmbed(v, stepTitle(step), colorSessionRunning,
		fmt.Sprintf("%s, ends <t:%d:R>", nowLine(step), v.StepEnd.Unix()))
}

func pausedEmbed(v session.View) *discordgo.MessageEmbed {
	step := v.Session.Plan[v.Step]
	return currentStepEmbed(v, "Paused: "+stepTitle(step), colorSessionPaused,
		fmt.Sprintf("%s: paused with %s left.", nowLine(step), human(v.Remaining.Round(time.Second))))
}

// currentStepEmbed lays out a running or paused step: what to do and how, how long, what
// to take care of, what comes next.
func currentStepEmbed(v session.View, title string, color int, timing string) *discordgo.MessageEmbed {
	s := v.Session
	step := s.Plan[v.Step]
	now := []string{timing}
	if step.ServerTimed && step.Kind == session.Exercise {
		now = append(now, "The articles give no time for this one; this hold is the server's choice.")
	}
	fields := []*discordgo.MessageEmbedField{field("Now", strings.Join(now, "\n"))}
	if step.Kind != session.Rest && len(step.Cautions) > 0 {
		fields = append(fields, field("Take care", bullets(step.Cautions)))
	}
	fields = append(fields, field("Next", nextText(s.Plan, v.Step)))
	if coming := timeline(v); coming != "" {
		fields = append(fields, field("Coming up", coming))
	}
	fields = append(fields, presentField("Taking part", s.Participants))
	n, total := exerciseNumber(s.Plan, v.Step)
	return &discordgo.MessageEmbed{
		Title:       title,
		Description: stepDescription(s.Plan, v.Step),
		Color:       color,
		Fields:      fields,
		Footer: footer(fmt.Sprintf("exercise %d of %d%s · %s", n, total, repText(step, " · "),
			Truncate(s.RoutineName, routineNameMax))),
	}
}

// timelineLines bounds the Coming up field: the next exercises, then how many more.
const timelineLines = 6

// timeline lists the exercises after the current one with when each begins (its get-ready
// step, if it has one) as Discord timestamps, and when the routine ends, so members can
// follow the routine from the message even when its next edit is late. The times are
// computed from the current step's end, so every rendering after a pause or a skip
// rewrites them. While paused there are no times yet: the exercises are listed without
// them. Empty when the current exercise is the last.
func timeline(v session.View) string {
	plan := v.Session.Plan
	at := v.StepEnd
	var lines []string
	more := 0
	current, _ := exerciseNumber(plan, v.Step)
	for i := v.Step + 1; i < len(plan); i++ {
		n, total := exerciseNumber(plan, i)
		if n != current && beginsExercise(plan, i) {
			current = n
			if len(lines) == timelineLines {
				more++
			} else {
				lines = append(lines, timelineLine(n, total, exerciseName(plan[i]), at, v.Session.Status))
			}
		}
		at = at.Add(plan[i].Duration)
	}
	if len(lines) == 0 {
		return ""
	}
	if more > 0 {
		lines = append(lines, fmt.Sprintf("… and %s more", Plural(more, "exercise")))
	}
	if v.Session.Status == session.Running {
		lines = append(lines, fmt.Sprintf("Ends <t:%d:t> (<t:%d:R>)", at.Unix(), at.Unix()))
	} else {
		lines = append(lines, "Times follow when the session resumes.")
	}
	return strings.Join(lines, "\n")
}

// beginsExercise reports whether step i is the first step of its exercise: its get-ready
// step, or its first hold when it has none.
func beginsExercise(plan session.Plan, i int) bool {
	switch st := plan[i]; st.Kind {
	case session.Prep:
		return true
	case session.Exercise:
		return st.Rep <= 1 && (i == 0 || plan[i-1].Kind != session.Prep)
	}
	return false
}

func timelineLine(n, total int, name string, at time.Time, status session.Status) string {
	if status != session.Running {
		return fmt.Sprintf("%d/%d %s", n, total, name)
	}
	return fmt.Sprintf("%d/%d %s <t:%d:t> (<t:%d:R>)", n, total, name, at.Unix(), at.Unix())
}

// stepDescription is the whole how-to while preparing or holding; a rest says what it is.
func stepDescription(plan session.Plan, i int) string {
	st := plan[i]
	if st.Kind == session.Rest && i+1 < len(plan) {
		return fmt.Sprintf("Let go and breathe. %s comes next.", upperFirst(holdText(plan[i+1])))
	}
	lines := strings.Split(st.Instructions, "\n")
	for k, l := range lines {
		lines[k] = fmt.Sprintf("%d. %s", k+1, l)
	}
	if st.Instructions == "" {
		return ""
	}
	return strings.Join(lines, "\n")
}

// nowLine says what this step asks for: "Hold 20 s, rep 1 of 3, left side", "Rest 10 s",
// "Get into position: 10 s".
func nowLine(st session.Step) string {
	switch st.Kind {
	case session.Rest:
		return "Rest " + human(st.Duration)
	case session.Prep:
		return "Get into position: " + human(st.Duration)
	}
	return "Hold " + human(st.Duration) + repText(st, ", ") + sideText(st, ", ")
}

// nextText reads what follows step i: "rest 10 s, then rep 2 of 3", "get ready for Child's
// pose (exercise 3 of 5)".
func nextText(plan session.Plan, i int) string {
	if i+1 >= len(plan) {
		return "Nothing: this is the last one."
	}
	next := plan[i+1]
	switch next.Kind {
	case session.Rest:
		if i+2 < len(plan) {
			return fmt.Sprintf("Rest %s, then %s", human(next.Duration), holdText(plan[i+2]))
		}
		return "Rest " + human(next.Duration)
	case session.Prep:
		n, total := exerciseNumber(plan, i+1)
		return fmt.Sprintf("Get ready for %s (exercise %d of %d)", exerciseName(next), n, total)
	}
	return upperFirst(holdText(next))
}

// holdText names a hold as "next" lines do: the rep when it continues the same exercise,
// else the exercise.
func holdText(st session.Step) string {
	if st.Kind == session.Exercise && st.Rep > 1 {
		return fmt.Sprintf("rep %d of %d", st.Rep, st.Reps)
	}
	return fmt.Sprintf("%s · hold %s", exerciseName(st), human(st.Duration))
}

// exerciseNumber is the place of step i's exercise among the plan's exercises, counted as
// members count a routine (a Prep step belongs to the exercise it prepares).
func exerciseNumber(plan session.Plan, i int) (n, total int) {
	for k, st := range plan {
		if st.Kind == session.Exercise && st.Rep <= 1 {
			total++
			if k <= i || (plan[i].Kind == session.Prep && k == i+1) {
				n = total
			}
		}
	}
	return n, total
}

// presentField lists the members present, one a line, cut with "… and N more".
func presentField(label string, participants []session.Participant) *discordgo.MessageEmbedField {
	var names []string
	for _, p := range participants {
		if p.Present() {
			names = append(names, MemberName(p.Name))
		}
	}
	if len(names) == 0 {
		return field(label, "Nobody yet.")
	}
	return field(fmt.Sprintf("%s (%d)", label, len(names)), linesWithin(names, EmbedFieldValueMax))
}

// routineLines writes each exercise of a plan the one way steps are written (StepText),
// numbered: "2. Cat stretch · 2 × 20 s, 10 s rest between".
func routineLines(plan session.Plan) []string {
	var lines []string
	for _, st := range plan {
		if st.Kind != session.Exercise || st.Rep > 1 {
			continue
		}
		lines = append(lines, fmt.Sprintf("%d. %s", len(lines)+1, StepText(st.Name, st.Side, st.Duration, st.Reps, st.Rest)))
	}
	return lines
}

// StepText is the one way a routine step is written, in every view: "Cat stretch · 20 s",
// "Overhead stretch · 4 × 20 s, 10 s rest between", "Child's pose, left side · 30 s".
func StepText(name, side string, hold time.Duration, reps int, rest time.Duration) string {
	if side != "" {
		name += ", " + side + " side"
	}
	dose := human(hold)
	if reps > 1 {
		dose = fmt.Sprintf("%d × %s", reps, dose)
		if rest > 0 {
			dose += ", " + human(rest) + " rest between"
		}
	}
	return name + " · " + dose
}

func stepTitle(st session.Step) string {
	switch st.Kind {
	case session.Rest:
		return "Rest"
	case session.Prep:
		return "Get ready: " + exerciseName(st)
	}
	return exerciseName(st)
}

// exerciseName is the step's exercise with its side: "Child's pose, left side".
func exerciseName(st session.Step) string {
	return st.Name + sideText(st, ", ")
}

func sideText(st session.Step, sep string) string {
	if st.Side == "" {
		return ""
	}
	return sep + st.Side + " side"
}

// repText is "rep 2 of 3" after sep, for exercises held more than once.
func repText(st session.Step, sep string) string {
	if st.Kind != session.Exercise || st.Reps < 2 {
		return ""
	}
	return fmt.Sprintf("%srep %d of %d", sep, st.Rep, st.Reps)
}

// upperFirst capitalizes the first letter of s.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

// sessionButtons lays out the buttons SessionButtons shows in the session's status, host
// controls included or not, in rows of at most ButtonsPerRow; a scheduled session's lobby
// also offers its schedule's Notify me.
func sessionButtons(s session.Session, hostControls bool) []discordgo.MessageComponent {
	var buttons []discordgo.MessageComponent
	for _, b := range SessionButtons() {
		if slices.Contains(b.Shown, s.Status) && (hostControls || !b.Host) {
			buttons = append(buttons, discordgo.Button{Label: b.Label, Style: b.Style, CustomID: SessionCustomID(s.ID, b)})
		}
	}
	if s.Status == session.Lobby && s.Occurrence.Scheduled() {
		buttons = append(buttons, NotifyButton(s.Occurrence.ScheduleID))
	}
	var rows []discordgo.MessageComponent
	for chunk := range slices.Chunk(buttons, ButtonsPerRow) {
		rows = append(rows, discordgo.ActionsRow{Components: chunk})
	}
	return rows
}
