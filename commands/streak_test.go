package commands

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // every listed zone must load without the host's zoneinfo

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/guild"
	"github.com/stretchbot/stretchbot/storage"
	"github.com/stretchbot/stretchbot/streak"
)

// fakeActivity serves every streak interface from fields and records what changed.
type fakeActivity struct {
	view       streak.View
	stats      streak.StatsView
	board      streak.Board
	gotRanking streak.Ranking
	guild      guild.Settings
	member     guild.MemberSettings
	credited   storage.Credited
	credits    []storage.ActivityCredit
	forgotten  storage.Forgotten
	forgot     string
	recomputed int
	// settingsOf answers MemberSettings; nil means nobody set anything.
	settingsOf func(userID string) (guild.MemberSettings, error)
	// read lists the members whose figures were read.
	read []string
}

func (f *fakeActivity) StreakOf(_ context.Context, _, userID string, _ time.Time) (streak.View, error) {
	f.read = append(f.read, userID)
	return f.view, nil
}

func (f *fakeActivity) Stats(_ context.Context, _, userID string, _ time.Time) (streak.StatsView, error) {
	f.read = append(f.read, userID)
	return f.stats, nil
}

func (f *fakeActivity) MemberSettings(_ context.Context, _, userID string) (guild.MemberSettings, error) {
	if f.settingsOf == nil {
		return guild.MemberSettings{}, nil
	}
	return f.settingsOf(userID)
}

// optedOut makes the members ids hide their figures (/privacy leaderboard:off).
func optedOut(ids ...string) func(string) (guild.MemberSettings, error) {
	return func(id string) (guild.MemberSettings, error) {
		return guild.MemberSettings{Timezone: "Asia/Tokyo", LeaderboardOptOut: slices.Contains(ids, id)}, nil
	}
}

func (f *fakeActivity) Leaderboard(_ context.Context, _ string, by streak.Ranking, _ string, _ int, _ time.Time) (streak.Board, error) {
	f.gotRanking = by
	return f.board, nil
}

func (f *fakeActivity) ServerStreak(context.Context, string, time.Time) (int, error) { return 4, nil }

func (f *fakeActivity) GuildSettings(context.Context, string) (guild.Settings, error) {
	return f.guild, nil
}

func (f *fakeActivity) UpdateGuildSettings(_ context.Context, _ string, change func(*guild.Settings)) (guild.Settings, error) {
	change(&f.guild)
	return f.guild, nil
}

func (f *fakeActivity) RecomputeSummaries(context.Context, string) (int, error) {
	f.recomputed++
	return 1, nil
}

func (f *fakeActivity) UpdateMemberSettings(_ context.Context, _, _ string, change func(*guild.MemberSettings)) (guild.MemberSettings, error) {
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
	return &fakeActivity{guild: guild.Defaults("g1")}
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

// embedText is everything an embed reply shows, footers included.
func embedText(r *Reply) string {
	text := replyText(r)
	for _, e := range r.Embeds {
		if e.Footer != nil {
			text += "\n" + e.Footer.Text
		}
	}
	return text
}

// checkText checks that text has every want and none of avoid.
func checkText(t *testing.T, text string, want, avoid []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("reply lacks %q:\n%s", w, text)
		}
	}
	for _, a := range avoid {
		if strings.Contains(text, a) {
			t.Errorf("reply shows %q:\n%s", a, text)
		}
	}
}

// looking builds a request by Ann (u1) about the member u, with the given permissions.
func looking(u *discordgo.User, permissions int64) *Request {
	var opts []*option
	var resolved *discordgo.ApplicationCommandInteractionDataResolved
	if u != nil {
		var o *option
		o, resolved = userOption("member", u)
		opts = append(opts, o)
	}
	req := request("", opts...)
	req.Resolved, req.Member.Permissions = resolved, permissions
	return req
}

var (
	annUser = &discordgo.User{ID: "u1", Username: "ann", GlobalName: "Ann"}
	samUser = &discordgo.User{ID: "u2", Username: "sam", GlobalName: "*Sam*"}
)

func TestStreakShows(t *testing.T) {
	ends := time.Date(2024, 6, 15, 22, 0, 0, 0, time.UTC)
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	alive := streak.View{
		Standing: streak.Standing{
			Status: streak.Status{Current: 3, Best: 9, FreezesHeld: 1, TotalDays: 12, FrozenDays: []streak.Day{day(t, "2024-06-13")}},
			Today:  day(t, "2024-06-16"), TodayEnds: ends, Zone: tokyo,
		},
		Recent: []streak.DayActivity{{Day: day(t, "2024-06-14"), Sessions: 2, Minutes: 30}, {Day: day(t, "2024-06-12"), Solo: 1}},
	}
	figures := []string{"Current:** 3 days", "Best:** 9 days", "Freezes held:** 1",
		"2024-06-14 · 2 sessions, 30 min", "2024-06-12 · solo", "Covered by freezes: 2024-06-13"}
	own := append([]string{"**Today** (2024-06-16, Asia/Tokyo): not yet; it ends <t:1718488800:R>"}, figures...)
	theirs := append([]string{"**Their today:** not yet"}, figures...)
	// Where Sam lives: the zone, their local date, the instant their day ends.
	zone := []string{"Asia/Tokyo", "Tokyo", "2024-06-16", "<t:", "1718488800"}
	helper := &discordgo.User{ID: "b1", Username: "helper", Bot: true}
	tests := []struct {
		name        string
		view        streak.View
		about       *discordgo.User // nil: the caller
		permissions int64
		settingsOf  func(string) (guild.MemberSettings, error)
		want, avoid []string
		wantError   string
	}{
		{"yours", alive, nil, 0, nil, own, []string{"Their today", "Kept private"}, ""},
		{"yours, named", alive, annUser, 0, nil, own, []string{"Their today"}, ""},
		{"yours, opted out", alive, nil, 0, optedOut("u1"), own, []string{"Kept private"}, ""},
		{"yours, opted out, named", alive, annUser, 0, optedOut("u1"), own, nil, ""},
		{"nothing yet", streak.View{}, nil, 0, nil, []string{"No counted days yet", "/done"}, nil, ""},
		{"another member", alive, samUser, 0, optedOut("u1"), append(theirs, `Streak of \*Sam\*`), append(zone, "Kept private"), ""},
		{"another member, to a moderator", alive, samUser, discordgo.PermissionManageGuild, nil, theirs, append(zone, "Kept private"), ""},
		{"a private member", alive, samUser, 0, optedOut("u2"), nil, nil, `\*Sam\* keeps their streak private.`},
		{"a private member, to Manage Messages", alive, samUser, discordgo.PermissionManageMessages, optedOut("u2"), nil, nil, `\*Sam\* keeps their streak private.`},
		{"a private member, to a moderator", alive, samUser, discordgo.PermissionManageGuild, optedOut("u2"),
			append(theirs, "Kept private (/privacy)"), zone, ""},
		{"a private member, to an administrator", alive, samUser, discordgo.PermissionAdministrator, optedOut("u2"),
			append(theirs, "Kept private (/privacy)"), zone, ""},
		{"a bot", alive, helper, 0, nil, nil, nil, "Bots don't stretch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			f.view, f.settingsOf = tt.view, tt.settingsOf
			r, err := streakCommand(f).Handle(context.Background(), looking(tt.about, tt.permissions))
			if !checkAnswer(t, err, tt.wantError) {
				if len(f.read) != 0 {
					t.Errorf("refused, yet read the streak of %v", f.read)
				}
				return
			}
			if !r.Ephemeral {
				t.Error("a streak is shown to the caller only")
			}
			checkText(t, embedText(r), tt.want, tt.avoid)
		})
	}
}

// TestPrivacyFailsClosed checks that a member's figures stay hidden when their privacy
// choice cannot be read.
func TestPrivacyFailsClosed(t *testing.T) {
	f := newFake()
	f.settingsOf = func(string) (guild.MemberSettings, error) {
		return guild.MemberSettings{}, errors.New("disk I/O error")
	}
	for name, cmd := range map[string]Command{"streak": streakCommand(f), "stats": statsCommand(f)} {
		r, err := cmd.Handle(context.Background(), looking(samUser, discordgo.PermissionManageGuild))
		if _, user := AsUserError(err); err == nil || user || r != nil {
			t.Errorf("/%s: reply %+v, error %v; want an internal error and no reply", name, r, err)
		}
	}
	if len(f.read) != 0 {
		t.Errorf("read the figures of %v", f.read)
	}
}

func TestStreakRefusesDirectMessages(t *testing.T) {
	_, err := streakCommand(newFake()).Handle(context.Background(), outsideServer(request("")))
	checkAnswer(t, err, "Streaks belong to a server")
}

func TestStatsAttachesAHeatmap(t *testing.T) {
	f := newFake()
	today := day(t, "2024-06-15")
	f.stats = streak.StatsView{
		Standing: streak.Standing{Status: streak.Status{Current: 2, Best: 5, TotalDays: 7}, Today: today, Zone: time.UTC, Sessions: 6, Minutes: 95},
		SoloDays: 1,
		Days:     []streak.DayActivity{{Day: today - 1, Sessions: 1}, {Day: today, Sessions: 2, Solo: 1}},
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
	for _, w := range []string{"Group sessions: 6", "Time stretched: 1 h 35 min", "Solo days: 1", "Days counted: 7"} {
		if !strings.Contains(text, w) {
			t.Errorf("stats lack %q:\n%s", w, text)
		}
	}
}

func TestStatsRespectsPrivacy(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	today := day(t, "2024-06-16")
	stats := streak.StatsView{
		Standing: streak.Standing{Status: streak.Status{Current: 2, Best: 5, TotalDays: 7}, Today: today, Zone: tokyo, Sessions: 6, Minutes: 95},
		Days:     []streak.DayActivity{{Day: today, Sessions: 2}},
	}
	figures := []string{"Current streak: 2 days", "Days counted: 7", "Time stretched: 1 h 35 min"}
	tests := []struct {
		name        string
		about       *discordgo.User
		permissions int64
		settingsOf  func(string) (guild.MemberSettings, error)
		want, avoid []string
		wantError   string
	}{
		{"yours, opted out", nil, 0, optedOut("u1"), append(figures, "Stats of Ann"), []string{"Kept private"}, ""},
		{"another member", samUser, 0, optedOut("u1"), append(figures, `Stats of \*Sam\*`), []string{"Kept private"}, ""},
		{"a private member", samUser, 0, optedOut("u2"), nil, nil, `\*Sam\* keeps their streak private.`},
		{"a private member, to a moderator", samUser, discordgo.PermissionManageGuild, optedOut("u2"),
			append(figures, "Kept private (/privacy)"), nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			f.stats, f.settingsOf = stats, tt.settingsOf
			r, err := statsCommand(f).Handle(context.Background(), looking(tt.about, tt.permissions))
			if !checkAnswer(t, err, tt.wantError) {
				if len(f.read) != 0 {
					t.Errorf("refused, yet read the stats of %v", f.read)
				}
				return
			}
			text := embedText(r)
			checkText(t, text, tt.want, append(tt.avoid, "Asia/Tokyo", "Tokyo"))
			if !strings.Contains(text, "the brightest green is your busiest day") {
				t.Errorf("the heatmap's footer is gone:\n%s", text)
			}
		})
	}
}

func TestLeaderboard(t *testing.T) {
	top := []streak.Ranked{{Rank: 1, UserID: "u2", Name: "@everyone *bold*", Value: 7}, {Rank: 1, UserID: "u3", Name: "Bo", Value: 7}}
	tests := []struct {
		name       string
		by         string
		board      streak.Board
		want       []string
		wantCaller string
		wantError  string
	}{
		{"default is current", "", streak.Board{Top: top, Caller: &streak.Ranked{Rank: 14, Value: 2}},
			[]string{"current streak", "**1.** @\u200beveryone \\*bold\\* · 7 days", "**1.** Bo · 7 days", "Server streak: 4 days with at least 3 members"},
			"You are #14 by current streak · 2 days.", ""},
		{"best, caller opted out", "best", streak.Board{Top: top, CallerOptedOut: true}, []string{"best streak", "**1.** Bo"},
			"You are hidden from leaderboards: you opted out (/privacy leaderboard:on shows you again).", ""},
		{"total, nobody yet", "total", streak.Board{}, []string{"total days", "Nobody yet"},
			"You are not ranked by total days yet", ""},
		{"unknown ranking", "fastest", streak.Board{}, nil, "", "Rank by current, best or total"},
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
			// The channel sees the board and nothing about the caller.
			checkText(t, embedText(r), tt.want, []string{"You", "you", "#14", "Hidden", "hidden", "opted out", "/privacy"})
			if len(r.Embeds[0].Fields) != 0 {
				t.Errorf("public fields %+v, want none", r.Embeds[0].Fields)
			}
			fu := r.FollowUp
			if fu == nil || !fu.Ephemeral || !strings.Contains(fu.Content, tt.wantCaller) || fu.FollowUp != nil {
				t.Fatalf("follow-up %+v; want an ephemeral %q", fu, tt.wantCaller)
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
		private   bool // the member keeps their streak private
	}{
		{"a new day", false, storage.Credited{NewDay: true, Status: streak.Status{Current: 2, Best: 4}}, nil,
			"✅ Ann logged solo practice. 🔥 Streak: 2 days (best 4 days).", false, "", false},
		{"with an exercise", false, storage.Credited{NewDay: true, Status: streak.Status{Current: 1, Best: 1}},
			[]*option{str("exercise", "cat-stretch")}, "logged solo practice (Cat stretch)", false, "", false},
		{"the same day again", false, storage.Credited{Status: streak.Status{Current: 2}}, nil,
			"Today already counts, so nothing more was logged: a day counts once. Your streak is 2 days.", true, "", false},
		{"solo logs off", true, storage.Credited{}, nil, "", false, "This server counts group sessions only", false},
		{"unknown exercise", false, storage.Credited{}, []*option{str("exercise", "cat strech")}, "", false, `No exercise called "cat strech". Did you mean: Cat stretch`, false},
		{"a private streak", false, storage.Credited{NewDay: true, Status: streak.Status{Current: 2, Best: 4}}, nil,
			"✅ Ann logged solo practice.", false, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			f.guild.SoloLogs, f.credited = !tt.soloOff, tt.credited
			f.settingsOf = func(string) (guild.MemberSettings, error) {
				return guild.MemberSettings{LeaderboardOptOut: tt.private}, nil
			}
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
			if tt.private && (strings.Contains(r.Content, "Streak") || r.FollowUp == nil || !r.FollowUp.Ephemeral ||
				!strings.Contains(r.FollowUp.Content, "Streak: 2 days (best 4 days)")) {
				t.Errorf("a private streak: public %q, follow-up %+v; want the streak in a private follow-up only", r.Content, r.FollowUp)
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
		{"Berlin", "Europe/Berlin", ""}, // a city: see TestResolveTypedZones
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
	}{{"off", true, "left out of this server's leaderboards, and other members' /streak and /stats no longer show yours"},
		{"on", false, "appear on this server's leaderboards again, and other members can look at your streak"}} {
		r, err := cmd.Handle(context.Background(), request("", str("leaderboard", tt.value)))
		if err != nil || f.member.LeaderboardOptOut != tt.optOut || !strings.Contains(r.Content, tt.answers) {
			t.Errorf("leaderboard:%s: opt-out %v, reply %+v, %v", tt.value, f.member.LeaderboardOptOut, r, err)
		}
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
