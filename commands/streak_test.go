package commands

import (
	"bytes"
	"context"
	"image/png"
	"io"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // every listed zone must load without the host's zoneinfo

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/storage"
	"github.com/stretchbot/stretchbot/streak"
)

// fakeActivity serves every streak interface from fields and records what changed.
type fakeActivity struct {
	view       storage.StreakView
	stats      storage.StatsView
	board      storage.Board
	gotRanking storage.Ranking
	guild      storage.GuildSettings
	member     storage.MemberSettings
	credited   storage.Credited
	credits    []storage.ActivityCredit
	forgotten  storage.Forgotten
	forgot     string
	recomputed int
}

func (f *fakeActivity) StreakOf(context.Context, string, string, time.Time) (storage.StreakView, error) {
	return f.view, nil
}

func (f *fakeActivity) Stats(context.Context, string, string, time.Time) (storage.StatsView, error) {
	return f.stats, nil
}

func (f *fakeActivity) Leaderboard(_ context.Context, _ string, by storage.Ranking, _ string, _ int, _ time.Time) (storage.Board, error) {
	f.gotRanking = by
	return f.board, nil
}

func (f *fakeActivity) ServerStreak(context.Context, string, time.Time) (int, error) { return 4, nil }

func (f *fakeActivity) GuildSettings(context.Context, string) (storage.GuildSettings, error) {
	return f.guild, nil
}

func (f *fakeActivity) UpdateGuildSettings(_ context.Context, _ string, change func(*storage.GuildSettings)) (storage.GuildSettings, error) {
	change(&f.guild)
	return f.guild, nil
}

func (f *fakeActivity) RecomputeSummaries(context.Context, string) (int, error) {
	f.recomputed++
	return 1, nil
}

func (f *fakeActivity) UpdateMemberSettings(_ context.Context, _, _ string, change func(*storage.MemberSettings)) (storage.MemberSettings, error) {
	change(&f.member)
	return f.member, nil
}

func (f *fakeActivity) CreditActivity(_ context.Context, _ string, credits []storage.ActivityCredit, _ time.Time) ([]storage.Credited, error) {
	f.credits = append(f.credits, credits...)
	return []storage.Credited{f.credited}, nil
}

func (f *fakeActivity) ForgetMember(_ context.Context, _, userID string) (storage.Forgotten, error) {
	f.forgot = userID
	return f.forgotten, nil
}

func newFake() *fakeActivity {
	return &fakeActivity{guild: storage.DefaultGuildSettings("g1")}
}

func day(t *testing.T, s string) streak.Day {
	t.Helper()
	d, err := streak.ParseDay(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func userOption(name string, u *discordgo.User) (*option, *discordgo.ApplicationCommandInteractionDataResolved) {
	return &option{Name: name, Type: discordgo.ApplicationCommandOptionUser, Value: u.ID},
		&discordgo.ApplicationCommandInteractionDataResolved{Users: map[string]*discordgo.User{u.ID: u}}
}

func TestStreakShows(t *testing.T) {
	ends := time.Date(2024, 6, 15, 22, 0, 0, 0, time.UTC)
	alive := storage.StreakView{
		Standing: storage.Standing{
			Status: streak.Status{Current: 3, Best: 9, FreezesHeld: 1, TotalDays: 12, FrozenDays: []streak.Day{day(t, "2024-06-13")}},
			Today:  day(t, "2024-06-15"), TodayEnds: ends, Zone: time.UTC,
		},
		Recent: []storage.DayActivity{{Day: day(t, "2024-06-14"), Sessions: 2, Minutes: 30}, {Day: day(t, "2024-06-12"), Solo: 1}},
	}
	bot, resolved := userOption("member", &discordgo.User{ID: "b1", Username: "helper", Bot: true})
	tests := []struct {
		name      string
		view      storage.StreakView
		opts      []*option
		want      []string
		wantError string
	}{
		{"alive", alive, nil, []string{"Current:** 3 days", "Best:** 9 days", "Freezes held:** 1", "not yet",
			"<t:1718488800:R>", "2024-06-14 · 2 sessions, 30 min", "2024-06-12 · solo", "Covered by freezes: 2024-06-13"}, ""},
		{"nothing yet", storage.StreakView{}, nil, []string{"No counted days yet", "/done"}, ""},
		{"a bot", alive, []*option{bot}, nil, "Bots don't stretch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			f.view = tt.view
			req := request("", tt.opts...)
			req.Resolved = resolved
			r, err := streakCommand(f).Handle(context.Background(), req)
			if !checkAnswer(t, err, tt.wantError) {
				return
			}
			text := replyText(r)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("reply lacks %q:\n%s", w, text)
				}
			}
		})
	}
}

func TestStreakRefusesDirectMessages(t *testing.T) {
	_, err := streakCommand(newFake()).Handle(context.Background(), outsideServer(request("")))
	checkAnswer(t, err, "Streaks belong to a server")
}

func TestStatsAttachesAHeatmap(t *testing.T) {
	f := newFake()
	today := day(t, "2024-06-15")
	f.stats = storage.StatsView{
		Standing: storage.Standing{Status: streak.Status{Current: 2, Best: 5, TotalDays: 7}, Today: today, Zone: time.UTC, Sessions: 6, Minutes: 95},
		SoloDays: 1,
		Days:     []storage.DayActivity{{Day: today - 1, Sessions: 1}, {Day: today, Sessions: 2, Solo: 1}},
	}
	r, err := statsCommand(f).Handle(context.Background(), request(""))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Files) != 1 || r.Files[0].Name != "heatmap.png" || r.Embeds[0].Image.URL != "attachment://heatmap.png" {
		t.Fatalf("files %+v, image %+v: want heatmap.png shown in the embed", r.Files, r.Embeds[0].Image)
	}
	data, _ := io.ReadAll(r.Files[0].Reader)
	if _, err := png.Decode(bytes.NewReader(data)); err != nil {
		t.Errorf("attachment is not a PNG: %v", err)
	}
	text := replyText(r)
	for _, w := range []string{"Group sessions: 6", "Minutes: 95", "Solo days: 1", "Days counted: 7"} {
		if !strings.Contains(text, w) {
			t.Errorf("stats lack %q:\n%s", w, text)
		}
	}
}

func TestLeaderboard(t *testing.T) {
	top := []storage.Ranked{{Rank: 1, UserID: "u2", Name: "@everyone *bold*", Value: 7}, {Rank: 1, UserID: "u3", Name: "Bo", Value: 7}}
	tests := []struct {
		name      string
		by        string
		board     storage.Board
		want      []string
		wantError string
	}{
		{"default is current", "", storage.Board{Top: top, Caller: &storage.Ranked{Rank: 14, Value: 2}},
			[]string{"current streak", "**1.** @\u200beveryone \\*bold\\* · 7 days", "**1.** Bo · 7 days", "You: #14 · 2 days", "Server streak: 4 days with at least 3 members"}, ""},
		{"best, caller opted out", "best", storage.Board{Top: top, CallerOptedOut: true}, []string{"best streak", "Hidden", "/privacy"}, ""},
		{"total, nobody yet", "total", storage.Board{}, []string{"total days", "Nobody yet", "You: Not ranked yet"}, ""},
		{"unknown ranking", "fastest", storage.Board{}, nil, "Rank by current, best or total"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			f.board = tt.board
			r, err := leaderboardCommand(f).Handle(context.Background(), request("", str("by", tt.by)))
			if !checkAnswer(t, err, tt.wantError) {
				return
			}
			if r.Ephemeral {
				t.Error("the leaderboard is for the channel")
			}
			text := replyText(r) + "\n" + r.Embeds[0].Footer.Text
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("leaderboard lacks %q:\n%s", w, text)
				}
			}
		})
	}
}

func TestDone(t *testing.T) {
	cat := loadCatalog(t)
	tests := []struct {
		name      string
		soloOff   bool
		credited  storage.Credited
		opts      []*option
		want      string
		ephemeral bool
		wantError string
	}{
		{"a new day", false, storage.Credited{NewDay: true, Status: streak.Status{Current: 2, Best: 4}}, nil,
			"✅ Ann logged solo practice. 🔥 Streak: 2 days (best 4 days).", false, ""},
		{"with an exercise", false, storage.Credited{NewDay: true, Status: streak.Status{Current: 1, Best: 1}},
			[]*option{str("exercise", "cat-stretch")}, "logged solo practice (Cat stretch)", false, ""},
		{"the same day again", false, storage.Credited{Status: streak.Status{Current: 2}}, nil,
			"Today already counts: a day counts once. Your streak is 2 days.", true, ""},
		{"solo logs off", true, storage.Credited{}, nil, "", false, "This server counts group sessions only"},
		{"unknown exercise", false, storage.Credited{}, []*option{str("exercise", "cat strech")}, "", false, `No exercise called "cat strech". Did you mean: Cat stretch`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			f.guild.SoloLogs, f.credited = !tt.soloOff, tt.credited
			r, err := doneCommand(cat, f).Handle(context.Background(), request("", tt.opts...))
			if !checkAnswer(t, err, tt.wantError) {
				if len(f.credits) != 0 {
					t.Errorf("refused, yet credited %+v", f.credits)
				}
				return
			}
			if !strings.Contains(r.Content, tt.want) || r.Ephemeral != tt.ephemeral {
				t.Errorf("reply %q (ephemeral %v), want %q (ephemeral %v)", r.Content, r.Ephemeral, tt.want, tt.ephemeral)
			}
			want := storage.ActivityCredit{UserID: "u1", Name: "Ann", Source: storage.SourceSolo}
			if len(f.credits) != 1 || f.credits[0] != want {
				t.Errorf("credited %+v, want %+v", f.credits, want)
			}
		})
	}
}

func TestTimezone(t *testing.T) {
	tests := []struct {
		typed     string
		want      string
		wantError string
	}{
		{"Europe/Berlin", "Europe/Berlin", ""},
		{"  america/new york ", "America/New_York", ""},
		{"Asia/Calcutta", "Asia/Calcutta", ""}, // an old link: valid, though not listed
		{"UTC", "UTC", ""},
		{"Berlin", "", `No time zone called "Berlin". Did you mean: Europe/Berlin`},
		{"Europe/Berln", "", "No time zone called \"Europe/Berln\". Did you mean: Europe/Berlin"},
		{"Local", "", `No time zone called "Local"`},
		{"@everyone", "", "No time zone called \"@\u200beveryone\""},
	}
	for _, tt := range tests {
		t.Run(tt.typed, func(t *testing.T) {
			f := newFake()
			req := request("", str("zone", tt.typed))
			req.Received = time.Date(2024, 6, 15, 12, 0, 0, 0, time.UTC)
			r, err := timezoneCommand(f).Handle(context.Background(), req)
			if !checkAnswer(t, err, tt.wantError) {
				return
			}
			if f.member.Timezone != tt.want || !strings.Contains(r.Content, tt.want) {
				t.Errorf("stored %q, answered %q; want %q", f.member.Timezone, r.Content, tt.want)
			}
		})
	}
}

func TestZoneAutocomplete(t *testing.T) {
	tests := []struct {
		typed string
		first string
	}{{"berl", "Europe/Berlin"}, {"new y", "America/New_York"}, {"kolk", "Asia/Kolkata"}, {"europe/", "Europe/Amsterdam"}, {"", "Africa/Abidjan"}}
	for _, tt := range tests {
		choices, err := timezoneCommand(newFake()).Complete(context.Background(), autocompleteRequest("", "zone", tt.typed))
		if err != nil || len(choices) == 0 || choices[0].Value != tt.first || len(choices) > 25 {
			t.Errorf("%q: %d choices, first %+v; want %s first, at most 25", tt.typed, len(choices), choices, tt.first)
		}
	}
}

func TestEveryListedZoneLoads(t *testing.T) {
	names := zoneNames()
	if len(names) < 300 {
		t.Fatalf("only %d zones listed", len(names))
	}
	for _, name := range names {
		if _, err := streak.ResolveZone(name, "", ""); err != nil {
			t.Errorf("listed zone %s: %v", name, err)
		}
	}
}

func TestPrivacy(t *testing.T) {
	f := newFake()
	cmd := privacyCommand(f)
	for _, tt := range []struct {
		value   string
		optOut  bool
		answers string
	}{{"off", true, "left out"}, {"on", false, "appear"}} {
		r, err := cmd.Handle(context.Background(), request("", str("leaderboard", tt.value)))
		if err != nil || f.member.LeaderboardOptOut != tt.optOut || !strings.Contains(r.Content, tt.answers) {
			t.Errorf("leaderboard:%s: opt-out %v, reply %+v, %v", tt.value, f.member.LeaderboardOptOut, r, err)
		}
	}
}

func TestForgetMe(t *testing.T) {
	f := newFake()
	f.forgotten = storage.Forgotten{Days: 12, Streak: true, SessionCredits: 3, Participations: 1}
	cmd := forgetMeCommand(f)
	r, err := cmd.Handle(context.Background(), request(""))
	if err != nil {
		t.Fatal(err)
	}
	row := r.Components[0].(discordgo.ActionsRow)
	id := row.Components[0].(discordgo.Button).CustomID
	if id != "forget/u1/confirm" || !r.Ephemeral {
		t.Fatalf("confirm button %q (ephemeral %v), want forget/u1/confirm, ephemeral", id, r.Ephemeral)
	}
	click := request("")
	click.CustomID, click.Params = id, map[string]string{"user": "u1"}
	click.Member.ID = "u2"
	_, err = cmd.Components[0].Handle(context.Background(), click)
	checkAnswer(t, err, "Only the member who asked can confirm")
	if f.forgot != "" {
		t.Fatalf("someone else's click deleted %s", f.forgot)
	}
	click.Member.ID = "u1"
	r, err = cmd.Components[0].Handle(context.Background(), click)
	if err != nil {
		t.Fatal(err)
	}
	want := "Deleted: 12 counted days, streak, no settings, 3 session credits and 1 session place."
	if f.forgot != "u1" || !strings.Contains(r.Content, want) || !r.Update || len(r.Components) != 0 {
		t.Errorf("forgot %q, reply %+v; want u1 forgotten and the message replaced by %q", f.forgot, r, want)
	}
}

func integer(name string, v int64) *option {
	return &option{Name: name, Type: discordgo.ApplicationCommandOptionInteger, Value: float64(v)}
}

func TestSettings(t *testing.T) {
	tests := []struct {
		name       string
		manager    bool
		opts       []*option
		want       []string
		recomputes int
		wantError  string
	}{
		{"shows everything", true, nil, []string{"Server settings", "timezone:** not set", "day-start-hour:** 00:00",
			"solo-logs:** on", "freezes:** on", "host-role:** none", "server-streak-threshold:** 3 members"}, 0, ""},
		{"changes some", true, []*option{integer("day-start-hour", 4), str("timezone", "europe/berlin"), boolean("solo-logs", false)},
			[]string{"Settings changed", "timezone:** Europe/Berlin", "day-start-hour:** 04:00", "solo-logs:** off"}, 0, ""},
		{"freezes recompute streaks", true, []*option{boolean("freezes", false)}, []string{"freezes:** off"}, 1, ""},
		{"a role", true, []*option{{Name: "host-role", Type: discordgo.ApplicationCommandOptionRole, Value: "42"}},
			[]string{"host-role:** <@&42>"}, 0, ""},
		{"threshold", true, []*option{integer("server-streak-threshold", 1)}, []string{"server-streak-threshold:** 1 member"}, 0, ""},
		{"threshold out of range", true, []*option{integer("server-streak-threshold", 101)}, nil, 0, "server-streak-threshold must be between 1 and 100"},
		{"bad zone", true, []*option{str("timezone", "Mars/Base")}, nil, 0, `No time zone called "Mars/Base"`},
		{"not a manager", false, []*option{integer("day-start-hour", 4)}, nil, 0, "Only members with Manage Server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			req := request("", tt.opts...)
			if tt.manager {
				asManager(req)
			}
			before := f.guild
			r, err := settingsCommand(f).Handle(context.Background(), req)
			if !checkAnswer(t, err, tt.wantError) {
				if f.guild != before {
					t.Errorf("refused, yet changed %+v", f.guild)
				}
				return
			}
			text := replyText(r)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("reply lacks %q:\n%s", w, text)
				}
			}
			if f.recomputed != tt.recomputes {
				t.Errorf("recomputed %d times, want %d", f.recomputed, tt.recomputes)
			}
		})
	}
	if got := settingsCommand(newFake()).Definition.DefaultMemberPermissions; got == nil || *got != discordgo.PermissionManageGuild {
		t.Errorf("default member permissions %v, want Manage Server", got)
	}
}
