package render

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/catalog"
	"github.com/stretchbot/stretchbot/session"
)

var sessionT0 = time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC)

// generalRule stands for the catalog's short general rule, which every step carries.
const generalRule = "Only with your professional's go-ahead."

// testSession has a plan of: get ready, Cat stretch rep 1, rest, rep 2, rest, rep 3, get
// ready, Dead hang (left) = 8 steps in 2 exercises.
func testSession(t *testing.T, status session.Status) session.Session {
	t.Helper()
	plan, err := session.BuildPlan([]session.RoutineItem{
		{ExerciseID: "cat-stretch", Name: "Cat stretch", Instructions: "Kneel on all fours.\nRound your back.", Hold: 20 * time.Second,
			Reps: 3, Rest: 10 * time.Second, Cautions: []string{"Move slowly.", generalRule}},
		{ExerciseID: "dead-hang", Name: "Dead hang", Instructions: "Hang loosely.", Hold: time.Minute, Reps: 1, Side: "left",
			Cautions: []string{"Not with a shoulder injury.", generalRule}},
	}, 10*time.Second, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return session.Session{ID: 42, GuildID: "g", ChannelID: "c", HostID: "h", RoutineName: "Floor *flow*", Plan: plan,
		Status: status, CreatedAt: sessionT0, StartAt: sessionT0.Add(time.Minute),
		Participants: []session.Participant{{UserID: "h", Name: "Hana", JoinedStep: -1}, {UserID: "u2", Name: "Mo", JoinedStep: -1}}}
}

// messageText flattens an embed and its buttons for assertions.
func messageText(e *discordgo.MessageEmbed, comps []discordgo.MessageComponent) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n%s\n", e.Title, e.Description)
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "%s: %s\n", f.Name, f.Value)
	}
	if e.Footer != nil {
		b.WriteString(e.Footer.Text + "\n")
	}
	for _, row := range comps {
		for _, c := range row.(discordgo.ActionsRow).Components {
			btn := c.(discordgo.Button)
			fmt.Fprintf(&b, "[%s %s]", btn.Label, btn.CustomID)
		}
	}
	return b.String()
}

func assertContains(t *testing.T, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("message lacks %q:\n%s", w, text)
		}
	}
}

func TestSessionMessageLobby(t *testing.T) {
	s := testSession(t, session.Lobby)
	text := messageText(SessionMessage(session.View{Session: s, Step: -1, Now: sessionT0}))
	assertContains(t, text, `Group session: Floor \*flow\*`,
		fmt.Sprintf("<t:%d:R>", s.StartAt.Unix()), "Hosted by **Hana**, who can start it now or cancel it.",
		"1. Cat stretch · 3 × 20 s, 10 s rest between", "2. Dead hang, left side · 1 min",
		"Before you start: • Move slowly.\n• Only with your professional's go-ahead.\n• Not with a shoulder injury.\n",
		"Joined (2)", "Hana\nMo",
		"[Join session/42/join][Leave session/42/leave][Start now session/42/start][Cancel session/42/cancel]")

	scheduled := s
	scheduled.Occurrence = session.Occurrence{ScheduleID: 7, Start: s.StartAt}
	assertContains(t, messageText(SessionMessage(session.View{Session: scheduled, Step: -1, Now: sessionT0})),
		"[Cancel session/42/cancel][Notify me schedule/7/notify]")
	scheduled.Status, scheduled.StartedAt = session.Running, s.StartAt
	if text := messageText(SessionMessage(session.View{Session: scheduled, Step: 0, Now: s.StartAt})); strings.Contains(text, "Notify me") {
		t.Errorf("a running scheduled session offers Notify me:\n%s", text)
	}

	s.Participants[0].LeftAt = sessionT0.Add(time.Second)
	left := messageText(SessionMessage(session.View{Session: s, Step: -1, Now: sessionT0}))
	assertContains(t, left, "The host has left: members with Manage Messages or the server's host role can start it now or cancel it.")
}

func TestSessionMessageSteps(t *testing.T) {
	s := testSession(t, session.Running)
	s.StartedAt = sessionT0
	at := func(step int) session.View {
		start := sessionT0.Add(time.Duration(step) * 10 * time.Second)
		return session.View{Session: s, Now: start, Step: step, StepStart: start, StepEnd: start.Add(s.Plan[step].Duration)}
	}
	tests := []struct {
		name  string
		step  int
		wants []string
		lacks []string
	}{
		{"get ready for the first", 0, []string{"Get ready: Cat stretch", "1. Kneel on all fours.\n2. Round your back.",
			"Now: Get into position: 10 s, ends <t:", "Take care: • Move slowly.\n• Only with your professional's go-ahead.",
			"Next: Cat stretch · hold 20 s", "exercise 1 of 2 · Floor"}, nil},
		{"a hold", 1, []string{"Cat stretch\n1. Kneel on all fours.", "Now: Hold 20 s, rep 1 of 3, ends <t:",
			"Take care: • Move slowly.", "Next: Rest 10 s, then rep 2 of 3", "exercise 1 of 2 · rep 1 of 3 · Floor",
			"Taking part (2)",
			"[Join session/42/join][Leave session/42/leave][Pause session/42/pause][Skip session/42/skip][Stop session/42/stop]"}, nil},
		{"a rest", 2, []string{"Rest\nLet go and breathe. Rep 2 of 3 comes next.", "Now: Rest 10 s, ends", "Next: Rep 2 of 3"},
			[]string{"Kneel on all fours", "Take care"}},
		{"the last rep", 5, []string{"Next: Get ready for Dead hang, left side (exercise 2 of 2)"}, nil},
		{"the last hold", 7, []string{"Dead hang, left side\n1. Hang loosely.", "Now: Hold 1 min, left side, ends",
			"Take care: • Not with a shoulder injury.", "Next: Nothing: this is the last one.", "exercise 2 of 2 · Floor"},
			[]string{"left side, left side", "(left)", "step "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := messageText(SessionMessage(at(tt.step)))
			assertContains(t, text, tt.wants...)
			for _, l := range tt.lacks {
				if strings.Contains(text, l) {
					t.Errorf("message has %q:\n%s", l, text)
				}
			}
		})
	}

	timed := s
	timed.Plan = slices.Clone(s.Plan)
	timed.Plan[1].ServerTimed = true
	v := at(1)
	v.Session = timed
	assertContains(t, messageText(SessionMessage(v)), "The articles give no time for this one; this hold is the server's choice.")
}

func TestSessionMessagePaused(t *testing.T) {
	s := testSession(t, session.Paused)
	v := session.View{Session: s, Step: 7, Remaining: 42*time.Second + 300*time.Millisecond}
	text := messageText(SessionMessage(v))
	assertContains(t, text, "Paused: Dead hang, left side", "Hold 1 min, left side: paused with 42 s left.", "exercise 2 of 2",
		"[Resume session/42/resume]")
	if strings.Contains(text, "[Pause") {
		t.Errorf("paused: no Pause button expected:\n%s", text)
	}
}

func TestSessionStartPingAndMovedLobby(t *testing.T) {
	content, pinged := StartPing([]string{"1", "2"})
	if content != "<@1> <@2>: we're starting. Get into position!" || !slices.Equal(pinged, []string{"1", "2"}) {
		t.Errorf("StartPing = %q, %v", content, pinged)
	}
	many := make([]string, 150)
	for i := range many {
		many[i] = fmt.Sprintf("%018d", i+1)
	}
	content, pinged = StartPing(many)
	if len(pinged) != maxStartPings || utf8.RuneCountInString(content) > ContentMax || !strings.Contains(content, "and 70 more") {
		t.Errorf("150 members: %d pinged, %d characters: %q", len(pinged), utf8.RuneCountInString(content), content[len(content)-60:])
	}

	s := testSession(t, session.Running)
	embed, comps := SessionMessage(session.View{Session: s, Step: 1, MovedTo: "99"})
	assertContains(t, messageText(embed, comps), `Floor \*flow\*: continued below ↓`, "continues in the message below ↓", "https://discord.com/channels/g/c/99")
	if len(comps) != 0 {
		t.Errorf("the old lobby keeps buttons: %v", comps)
	}
}

func TestSessionMessageSummary(t *testing.T) {
	s := testSession(t, session.Finished)
	s.StartedAt, s.EndedAt = sessionT0, sessionT0.Add(3*time.Minute+10*time.Second)
	credits := []session.Credit{{UserID: "h", Name: "Hana", Active: 190 * time.Second}, {UserID: "u2", Name: "Mo", Active: 50 * time.Second}}
	missed := []session.Miss{{UserID: "u3", Name: "Oz", Reason: session.MissLeft}, {UserID: "u4", Name: "Lu", Reason: session.MissLateJoin}}
	v := session.View{Session: s, Step: len(s.Plan), Credits: credits, Missed: missed, Reached: 2, RealDuration: s.EndedAt.Sub(s.StartedAt)}

	embed, comps := SessionMessage(v)
	if len(comps) != 0 {
		t.Errorf("an ended session has buttons: %v", comps)
	}
	text := messageText(embed, comps)
	assertContains(t, text, `Session complete: Floor \*flow\*`, "Duration: 3 min 10 s",
		"Hana: 3 minutes\nMo: 1 minute", "Not counted: Oz: left before the end\nLu: joined during the last step")
	if strings.Contains(text, "Stopped after") || strings.Contains(text, "🔥") {
		t.Errorf("a complete session without streaks says:\n%s", text)
	}

	v.Credits = []session.Credit{
		{UserID: "h", Name: "Hana", Active: 190 * time.Second, Streak: &session.StreakAfter{Days: 4, Grew: true}},
		{UserID: "u2", Name: "Mo", Active: 50 * time.Second, Streak: &session.StreakAfter{Days: 1}},
		{UserID: "u5", Name: "Pia", Active: 190 * time.Second, Streak: &session.StreakAfter{Days: 9, Grew: true, Private: true}},
	}
	withStreaks := messageText(SessionMessage(v))
	assertContains(t, withStreaks, "Hana: streak 4 days 🔥\nMo: streak 1 day\nPia: 3 minutes\n",
		"🔥 this session added a day to that member's streak.")
}

func TestSessionMessageUnusualEnds(t *testing.T) {
	tests := []struct {
		status  session.Status
		started bool
		reached int
		want    []string
	}{
		{session.Cancelled, false, 0, []string{"Session cancelled"}},
		{session.Expired, true, 1, []string{"Session closed", "the bot was offline", "Nobody is credited"}},
		{session.Aborted, true, 1, []string{"Session closed", "the bot was offline"}},
		{session.Stopped, true, 1, []string{"Session stopped", "Stopped after 1 of 2 exercises.", "Nobody is credited"}},
	}
	for _, tt := range tests {
		t.Run(tt.status.String(), func(t *testing.T) {
			s := testSession(t, tt.status)
			if tt.started {
				s.StartedAt, s.EndedAt = sessionT0, sessionT0.Add(time.Minute)
			}
			v := session.View{Session: s, Step: len(s.Plan), Reached: tt.reached, Note: "Closed: the bot was offline."}
			assertContains(t, messageText(SessionMessage(v)), tt.want...)
		})
	}
}

func TestSessionMessageNeutralizesMemberNames(t *testing.T) {
	s := testSession(t, session.Lobby)
	s.Participants = []session.Participant{{UserID: "x", Name: "@everyone **loud**\n<@123>"}}
	embed, _ := SessionMessage(session.View{Session: s, Step: -1})
	got := embed.Fields[len(embed.Fields)-1].Value
	if want := "@\u200beveryone \\*\\*loud\\*\\* <\u200b@\u200b123\\>"; got != want {
		t.Fatalf("name shown as %q, want %q", got, want)
	}
}

func TestSessionMessageStaysWithinDiscordLimits(t *testing.T) {
	s := testSession(t, session.Running)
	s.RoutineName = strings.Repeat("r", 300)
	for i := range 500 {
		s.Participants = append(s.Participants, session.Participant{UserID: fmt.Sprint(i), Name: strings.Repeat("n", 70) + fmt.Sprint(i)})
	}
	for _, v := range []session.View{
		{Session: s, Step: 1, Next: &s.Plan[2]},
		{Session: withStatus(s, session.Lobby), Step: -1},
	} {
		embed, comps := SessionMessage(v)
		if n := embedLength(embed); n > EmbedsTotalMax {
			t.Errorf("%v: embed is %d characters, limit %d", v.Session.Status, n, EmbedsTotalMax)
		}
		if utf8.RuneCountInString(embed.Title) > EmbedTitleMax {
			t.Errorf("%v: title too long", v.Session.Status)
		}
		members := embed.Fields[len(embed.Fields)-1]
		if utf8.RuneCountInString(members.Value) > EmbedFieldValueMax || !strings.Contains(members.Value, "more") {
			t.Errorf("%v: member list not cut with \"and N more\" (%d characters)", v.Session.Status, utf8.RuneCountInString(members.Value))
		}
		for _, row := range comps {
			if n := len(row.(discordgo.ActionsRow).Components); n > ButtonsPerRow || n == 0 {
				t.Errorf("%v: a row of %d buttons; rows hold 1 to %d", v.Session.Status, n, ButtonsPerRow)
			}
		}
	}
}

func withStatus(s session.Session, st session.Status) session.Session {
	s.Status = st
	return s
}

func TestSessionMessageBetweenLastDeadlineAndEnd(t *testing.T) {
	s := testSession(t, session.Running)
	text := messageText(SessionMessage(session.View{Session: s, Step: len(s.Plan)}))
	assertContains(t, text, "Finishing: Floor", "summary follows", "[Join session/42/join][Leave session/42/leave]")
}

// catalogItem is a routine step of the catalog as a session runs it: the whole how-to, the
// exercise's cautions and the general rule (as commands' routineItems builds it).
func catalogItem(cat *catalog.Catalog, st catalog.RoutineStep) session.RoutineItem {
	ex, _ := cat.Exercise(st.Exercise)
	return session.RoutineItem{ExerciseID: ex.ID, Name: ex.Name, Instructions: strings.Join(ex.Steps, "\n"),
		Cautions: append(slices.Clone(ex.Cautions), cat.GeneralRule()), Hold: st.Hold, Reps: st.Reps, Rest: st.Rest,
		Side: string(st.Side), ServerTimed: !ex.Limits().FromArticles}
}

// TestEveryCatalogStepFitsWithItsCautions renders every built-in routine, and every timed
// exercise on its own, at every step of a session, and checks that each fits Discord's
// limits with the whole how-to and every caution shown, nothing cut.
func TestEveryCatalogStepFitsWithItsCautions(t *testing.T) {
	cat := loadCatalog(t)
	routines := slices.Clone(cat.Routines())
	for _, ex := range cat.Exercises() {
		if ex.Timed {
			routines = append(routines, &catalog.Routine{Name: ex.Name, Steps: []catalog.RoutineStep{{Exercise: ex.ID, Hold: ex.Limits().Hold.Max, Reps: 1}}})
		}
	}
	for _, r := range routines {
		items := make([]session.RoutineItem, len(r.Steps))
		for i, st := range r.Steps {
			items[i] = catalogItem(cat, st)
		}
		plan, err := session.BuildPlan(items, 10*time.Second, 10*time.Second)
		if err != nil {
			t.Fatalf("%s: %v", r.Name, err)
		}
		s := session.Session{ID: 1, GuildID: "g", ChannelID: "c", HostID: "h", RoutineName: r.Name, Plan: plan,
			Status: session.Running, StartedAt: sessionT0, Participants: []session.Participant{{UserID: "h", Name: "Hana"}}}
		views := []session.View{{Session: withStatus(s, session.Lobby), Step: -1}}
		for i := range plan {
			views = append(views, session.View{Session: s, Step: i, StepEnd: sessionT0})
		}
		for _, v := range views {
			embed, _ := SessionMessage(v)
			text := messageText(embed, nil)
			if n := embedLength(embed); n > EmbedsTotalMax || utf8.RuneCountInString(embed.Description) > EmbedDescriptionMax {
				t.Errorf("%s step %d: %d characters", r.Name, v.Step, n)
			}
			for _, f := range embed.Fields {
				if utf8.RuneCountInString(f.Value) > EmbedFieldValueMax || strings.Contains(f.Value, "…") {
					t.Errorf("%s step %d: field %q is cut:\n%s", r.Name, v.Step, f.Name, f.Value)
				}
			}
			if v.Step < 0 {
				for _, c := range planCautions(plan) {
					if !strings.Contains(text, c) {
						t.Errorf("%s lobby lacks the caution %q", r.Name, c)
					}
				}
				continue
			}
			st := plan[v.Step]
			if st.Kind == session.Rest {
				continue
			}
			for _, line := range append(strings.Split(st.Instructions, "\n"), st.Cautions...) {
				if !strings.Contains(text, line) {
					t.Errorf("%s step %d (%s) lacks %q", r.Name, v.Step, st.Name, line)
				}
			}
		}
	}
}

func TestScheduledLobbyPingAndNoHost(t *testing.T) {
	start := sessionT0.Add(10 * time.Minute)
	if got, want := LobbyPing("77", start), fmt.Sprintf("<@&77> A group session starts <t:%d:R>", start.Unix()); !strings.HasPrefix(got, want) {
		t.Errorf("LobbyPing = %q, want it to start with %q", got, want)
	}
	s := testSession(t, session.Lobby)
	s.HostID = ""
	text := messageText(SessionMessage(session.View{Session: s, Step: -1}))
	assertContains(t, text, "Members with Manage Messages or the server's host role can start it now or cancel it.")
	if strings.Contains(text, "Hosted by") || strings.Contains(text, "has left") {
		t.Errorf("a hostless lobby names a host:\n%s", text)
	}
}

// TestSessionMessageTimeline: a running step lists the exercises still to come with when
// each begins and when the routine ends, computed from the current step's end; paused,
// the list has no times; the last exercise has no timeline.
func TestSessionMessageTimeline(t *testing.T) {
	s := testSession(t, session.Running)
	s.StartedAt = sessionT0
	stepEnd := sessionT0.Add(20 * time.Second) // step 1: the first 20 s hold of Cat stretch
	stamp := func(d time.Duration) string {
		u := stepEnd.Add(d).Unix()
		return fmt.Sprintf("<t:%d:t> (<t:%d:R>)", u, u)
	}
	paused := s
	paused.Status, paused.PausedAt = session.Paused, sessionT0.Add(5*time.Second)
	tests := []struct {
		name  string
		view  session.View
		wants []string
		lacks []string
	}{
		{"running", session.View{Session: s, Step: 1, StepStart: sessionT0, StepEnd: stepEnd},
			// rest, rep 2, rest, rep 3 (60 s), then Dead hang's get-ready (10 s) and hold (60 s)
			[]string{"Coming up: 2/2 Dead hang, left side " + stamp(60*time.Second), "Ends " + stamp(130*time.Second)}, nil},
		{"paused", session.View{Session: paused, Step: 1, Remaining: 15 * time.Second},
			[]string{"Coming up: 2/2 Dead hang, left side\nTimes follow when the session resumes."}, []string{"Ends <t:"}},
		{"the last exercise", session.View{Session: s, Step: 7, StepStart: sessionT0, StepEnd: stepEnd},
			nil, []string{"Coming up"}},
	}
	for _, tt := range tests {
		text := messageText(SessionMessage(tt.view))
		assertContains(t, text, tt.wants...)
		for _, l := range tt.lacks {
			if strings.Contains(text, l) {
				t.Errorf("%s: message has %q:\n%s", tt.name, l, text)
			}
		}
	}
}
