package render

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/session"
)

var sessionT0 = time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC)

// testSession has a plan of: Cat stretch rep 1, rest, rep 2, rest, rep 3, prep, Dead hang
// (left) = 7 steps.
func testSession(t *testing.T, status session.Status) session.Session {
	t.Helper()
	plan, err := session.BuildPlan([]session.RoutineItem{
		{ExerciseID: "cat-stretch", Name: "Cat stretch", Instructions: "Round your back.", Hold: 20 * time.Second, Reps: 3, Rest: 10 * time.Second},
		{ExerciseID: "dead-hang", Name: "Dead hang", Instructions: "Hang loosely.", Hold: time.Minute, Reps: 1, Side: "left"},
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
	text := messageText(SessionMessage(session.View{Session: s, Step: -1, Now: sessionT0}, nil))
	assertContains(t, text, `Group session: Floor \*flow\*`,
		fmt.Sprintf("<t:%d:R>", s.StartAt.Unix()),
		"1. Cat stretch, 3 × 20 s, rest 10 s", "2. Dead hang (left), 1 × 1 min",
		"Joined (2)", "Hana\nMo",
		"[Join session/42/join][Leave session/42/leave][Start now session/42/start][Cancel session/42/cancel]")
}

func TestSessionMessageRunningStep(t *testing.T) {
	s := testSession(t, session.Running)
	s.StartedAt = sessionT0
	start := sessionT0.Add(60 * time.Second)
	v := session.View{Session: s, Now: start, Step: 4, StepStart: start, StepEnd: start.Add(20 * time.Second), Next: &s.Plan[5]}
	text := messageText(SessionMessage(v, nil))
	assertContains(t, text, "Cat stretch", "Round your back.", "rep 3 of 3",
		fmt.Sprintf("ends <t:%d:R>", v.StepEnd.Unix()), "step 5 of 7", "Next up: Get ready: Dead hang (left)",
		"Taking part (2)",
		"[Join session/42/join][Leave session/42/leave][Pause session/42/pause][Skip session/42/skip][Stop session/42/stop]")

	rest := v
	rest.Step, rest.Next = 1, &s.Plan[2]
	assertContains(t, messageText(SessionMessage(rest, nil)), "Rest: Cat stretch", "Rest: rep 1 of 3", "Next up: Cat stretch")
}

func TestSessionMessagePaused(t *testing.T) {
	s := testSession(t, session.Paused)
	v := session.View{Session: s, Step: 6, Remaining: 42*time.Second + 300*time.Millisecond}
	text := messageText(SessionMessage(v, nil))
	assertContains(t, text, "Paused: Dead hang (left)", "left side", "Paused with 42 s left", "step 7 of 7",
		"[Resume session/42/resume]")
	if strings.Contains(text, "Next up") || strings.Contains(text, "[Pause") {
		t.Errorf("last step, paused: no next step and no Pause button expected:\n%s", text)
	}
}

func TestSessionMessageSummary(t *testing.T) {
	s := testSession(t, session.Finished)
	s.StartedAt, s.EndedAt = sessionT0, sessionT0.Add(3*time.Minute+10*time.Second)
	credits := []session.Credit{{UserID: "h", Name: "Hana", Active: 190 * time.Second}, {UserID: "u2", Name: "Mo", Active: 50 * time.Second}}
	v := session.View{Session: s, Step: len(s.Plan), Credits: credits, RealDuration: s.EndedAt.Sub(s.StartedAt)}

	embed, comps := SessionMessage(v, nil)
	if len(comps) != 0 {
		t.Errorf("an ended session has buttons: %v", comps)
	}
	assertContains(t, messageText(embed, comps), `Session complete: Floor \*flow\*`, "Duration: 3 min 10 s",
		"Hana: 3 minutes\nMo: 1 minute")

	withStreaks := messageText(SessionMessage(v, map[string]CreditStreak{"h": {Days: 4, Grew: true}, "u2": {Days: 1}}))
	assertContains(t, withStreaks, "Hana: streak 4 days 🔥\nMo: streak 1 day\n")
}

func TestSessionMessageUnusualEnds(t *testing.T) {
	tests := []struct {
		status  session.Status
		started bool
		want    []string
	}{
		{session.Cancelled, false, []string{"Session cancelled"}},
		{session.Expired, true, []string{"Session closed", "the bot was offline", "Nobody is credited"}},
		{session.Aborted, true, []string{"Session closed", "the bot was offline"}},
		{session.Stopped, true, []string{"Session stopped", "Nobody is credited"}},
	}
	for _, tt := range tests {
		t.Run(tt.status.String(), func(t *testing.T) {
			s := testSession(t, tt.status)
			if tt.started {
				s.StartedAt, s.EndedAt = sessionT0, sessionT0.Add(time.Minute)
			}
			v := session.View{Session: s, Step: len(s.Plan), Note: "Closed: the bot was offline."}
			assertContains(t, messageText(SessionMessage(v, nil)), tt.want...)
		})
	}
}

func TestSessionMessageNeutralizesMemberNames(t *testing.T) {
	s := testSession(t, session.Lobby)
	s.Participants = []session.Participant{{UserID: "x", Name: "@everyone **loud**\n<@123>"}}
	embed, _ := SessionMessage(session.View{Session: s, Step: -1}, nil)
	got := embed.Fields[1].Value
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
		{Session: s, Step: 0, Next: &s.Plan[1]},
		{Session: withStatus(s, session.Lobby), Step: -1},
	} {
		embed, comps := SessionMessage(v, nil)
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
		if len(comps[0].(discordgo.ActionsRow).Components) > ButtonsPerRow {
			t.Errorf("%v: more than %d buttons in a row", v.Session.Status, ButtonsPerRow)
		}
	}
}

func withStatus(s session.Session, st session.Status) session.Session {
	s.Status = st
	return s
}

func TestSessionMessageBetweenLastDeadlineAndEnd(t *testing.T) {
	s := testSession(t, session.Running)
	text := messageText(SessionMessage(session.View{Session: s, Step: len(s.Plan)}, nil))
	assertContains(t, text, "Finishing: Floor", "summary follows", "[Join session/42/join][Leave session/42/leave]")
}
