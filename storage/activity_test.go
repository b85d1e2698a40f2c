package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // zones must not depend on the host

	"github.com/stretchbot/stretchbot/guild"
	"github.com/stretchbot/stretchbot/streak"
)

const testGuild, otherGuild = "g1", "g2"

func mustTime(t testing.TB, rfc3339 string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, rfc3339)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// creditOne credits one member and returns their streak afterwards.
func creditOne(t testing.TB, db *DB, guild, user string, src Source, minutes int, at time.Time) Credited {
	t.Helper()
	out, err := db.CreditActivity(context.Background(), guild, []ActivityCredit{{UserID: user, Name: "name-" + user, Minutes: minutes, Source: src}}, at)
	if err != nil {
		t.Fatal(err)
	}
	return out[0]
}

func setMemberZone(t testing.TB, db *DB, guildID, user, zone string) {
	t.Helper()
	if _, err := db.UpdateMemberSettings(context.Background(), guildID, user, func(m *guild.MemberSettings) { m.Timezone = zone }); err != nil {
		t.Fatal(err)
	}
}

func updateGuild(t testing.TB, db *DB, guildID string, change func(*guild.Settings)) {
	t.Helper()
	if _, err := db.UpdateGuildSettings(context.Background(), guildID, change); err != nil {
		t.Fatal(err)
	}
}

func TestCreditCountsADayOnce(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	at := mustTime(t, "2024-06-15T10:00:00Z")

	first := creditOne(t, db, testGuild, "u1", SourceSession, 12, at)
	second := creditOne(t, db, testGuild, "u1", SourceSolo, 5, at.Add(time.Hour)) // records nothing
	third := creditOne(t, db, testGuild, "u1", SourceSession, 20, at.Add(2*time.Hour))
	if !first.NewDay || second.NewDay || third.NewDay {
		t.Errorf("new day flags %v %v %v, want true false false", first.NewDay, second.NewDay, third.NewDay)
	}
	if !first.Recorded || second.Recorded || !third.Recorded {
		t.Errorf("recorded %v %v %v, want true false true", first.Recorded, second.Recorded, third.Recorded)
	}
	if third.Status.Current != 1 || !third.Status.TodayDone || third.Credit.Day.String() != "2024-06-15" {
		t.Errorf("after three credits on one day: %+v", third)
	}
	v, err := db.StreakOf(ctx, testGuild, "u1", at.Add(3*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := []streak.DayActivity{{Day: first.Credit.Day, Sessions: 2, Minutes: 32, Active: 32 * time.Minute}}
	if !reflect.DeepEqual(v.Recent, want) || v.Sessions != 2 || v.Minutes != 32 || v.Status.TotalDays != 1 {
		t.Errorf("StreakOf = %+v, want one day %+v and totals 2 sessions, 32 minutes", v, want)
	}
}

func TestCreditDayFollowsTheMembersZone(t *testing.T) {
	tests := []struct {
		name               string
		fallback           string
		guildZone, ownZone string
		dayStart           int
		at                 string
		want               string
	}{
		{"nothing set is UTC", "", "", "", 0, "2024-06-15T23:30:00Z", "2024-06-15"},
		{"the configured default", "Pacific/Kiritimati", "", "", 0, "2024-06-15T23:30:00Z", "2024-06-16"},
		{"the server's zone beats the default", "Pacific/Kiritimati", "America/New_York", "", 0, "2024-06-15T23:30:00Z", "2024-06-15"},
		{"the member's zone beats the server's", "", "America/New_York", "Asia/Tokyo", 0, "2024-06-15T23:30:00Z", "2024-06-16"},
		{"UTC-11", "", "", "Pacific/Pago_Pago", 0, "2024-06-15T10:30:00Z", "2024-06-14"},
		{"day start 4: 03:30 counts for the evening before", "", "Europe/Berlin", "", 4, "2024-06-15T01:30:00Z", "2024-06-14"},
		{"day start 4: 04:00 is the new day", "", "Europe/Berlin", "", 4, "2024-06-15T02:00:00Z", "2024-06-15"},
		{"a zone that no longer loads falls back", "", "Europe/Berlin", "Mars/Olympus_Mons", 0, "2024-06-15T22:30:00Z", "2024-06-16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTemp(t, WithDefaultTimezone(tt.fallback))
			updateGuild(t, db, testGuild, func(g *guild.Settings) { g.Timezone, g.DayStartHour = tt.guildZone, tt.dayStart })
			if tt.ownZone != "" {
				setMemberZone(t, db, testGuild, "u1", tt.ownZone)
			}
			got := creditOne(t, db, testGuild, "u1", SourceSolo, 0, mustTime(t, tt.at))
			if got.Credit.Day.String() != tt.want {
				t.Errorf("credited day %s, want %s", got.Credit.Day, tt.want)
			}
		})
	}
}

func TestOpenRejectsBadDefaultTimezone(t *testing.T) {
	for _, name := range []string{"Mars/Olympus_Mons", "Local"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "test.db")
			db, err := Open(context.Background(), path, fixedNow, WithDefaultTimezone(name))
			if err == nil {
				db.Close()
				t.Fatalf("Open with default time zone %q succeeded", name)
			}
			msg := err.Error()
			if !strings.Contains(msg, strconv.Quote(name)) || strings.Contains(msg, "\n") {
				t.Errorf("error %q should be one sentence naming %q", msg, name)
			}
			if _, statErr := os.Stat(path); !errors.Is(statErr, fs.ErrNotExist) {
				t.Errorf("Open created %s before refusing the zone (%v)", path, statErr)
			}
		})
	}
}

func TestStreakGrowsBreaksAndFreezes(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	day := mustTime(t, "2024-06-01T12:00:00Z")
	for i := range 7 { // seven days in a row earn a freeze
		creditOne(t, db, testGuild, "u1", SourceSolo, 0, day.AddDate(0, 0, i))
	}
	// Day 8 missed; day 9: the freeze covers day 8.
	got := creditOne(t, db, testGuild, "u1", SourceSolo, 0, day.AddDate(0, 0, 8))
	if got.Status.Current != 8 || got.Status.FreezesHeld != 0 || len(got.Status.FrozenDays) != 1 {
		t.Fatalf("after a frozen day: %+v, want current 8, no freeze left, one frozen day", got.Status)
	}
	// With freezes off the same log has a broken streak.
	updateGuild(t, db, testGuild, func(g *guild.Settings) { g.Freezes = false })
	if n, err := db.RecomputeSummaries(ctx, testGuild); err != nil || n != 1 {
		t.Fatalf("RecomputeSummaries = %d, %v", n, err)
	}
	v, err := db.StreakOf(ctx, testGuild, "u1", day.AddDate(0, 0, 8))
	if err != nil {
		t.Fatal(err)
	}
	if v.Status.Current != 1 || v.Status.Best != 7 {
		t.Errorf("freezes off: %+v, want current 1, best 7", v.Status)
	}
	// Two days later without a credit the streak is gone.
	if v, _ = db.StreakOf(ctx, testGuild, "u1", day.AddDate(0, 0, 10)); v.Status.Current != 0 {
		t.Errorf("two days after: current %d, want 0", v.Status.Current)
	}
}

// simZoneNames span UTC−11 to UTC+14 with DST both ways; "" is no zone of one's own.
func simZoneNames() []string {
	return []string{"", "Pacific/Pago_Pago", "America/New_York", "UTC", "Europe/Berlin",
		"Asia/Kathmandu", "Australia/Sydney", "Pacific/Chatham", "Pacific/Kiritimati"}
}

// TestSummaryEqualsRecomputation credits random members at random times while members and
// the server change zones, the day-start hour and freezes, and checks after every step
// that each summary row equals a recomputation from the log.
func TestSummaryEqualsRecomputation(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			db := openTemp(t)
			rng := rand.New(rand.NewPCG(seed, 42))
			at := mustTime(t, "2024-01-01T00:00:00Z")
			users, zones := []string{"u1", "u2", "u3"}, simZoneNames()
			credited := 0
			for step := range 400 {
				user := users[rng.IntN(len(users))]
				switch op := rng.IntN(10); {
				case op < 6:
					at = at.Add(time.Duration(rng.IntN(40*60)) * time.Minute)
					creditOne(t, db, testGuild, user, []Source{SourceSession, SourceSolo}[rng.IntN(2)], rng.IntN(30), at)
					credited++
				case op < 8:
					setMemberZone(t, db, testGuild, user, zones[rng.IntN(len(zones))])
				case op == 8:
					updateGuild(t, db, testGuild, func(g *guild.Settings) {
						g.Timezone, g.DayStartHour = zones[rng.IntN(len(zones))], rng.IntN(24)
					})
				default:
					updateGuild(t, db, testGuild, func(g *guild.Settings) { g.Freezes = !g.Freezes })
					if _, err := db.RecomputeSummaries(context.Background(), testGuild); err != nil {
						t.Fatal(err)
					}
				}
				assertSummariesMatchLog(t, db, testGuild, fmt.Sprintf("step %d", step))
			}
			if credited < 200 {
				t.Fatalf("only %d credits: the sequence tested too little", credited)
			}
		})
	}
}

// assertSummariesMatchLog compares every stored summary row of guild with one rebuilt
// from the log under the server's current rules.
func assertSummariesMatchLog(t *testing.T, db *DB, guild, when string) {
	t.Helper()
	ctx := context.Background()
	err := db.inReadTx(ctx, func(tx *sql.Tx) error {
		g, err := guildSettings(ctx, tx, guild)
		if err != nil {
			return err
		}
		return eachRow(ctx, tx, `SELECT `+summaryColumns+` FROM member_streaks s WHERE guild_id = ?`, []any{guild}, func(r *sql.Rows) error {
			stored, err := scanSummary(r)
			if err != nil {
				return err
			}
			rebuilt, err := rebuildMember(ctx, tx, guild, stored.UserID, rulesOf(g))
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(stored.stateArgs(), rebuilt.stateArgs()) {
				t.Fatalf("%s: %s stored %v, log says %v", when, stored.UserID, stored.stateArgs(), rebuilt.stateArgs())
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestLeaderboardMatchesEachStreak builds a server of members in many zones with streaks
// that are alive, frozen and broken, and checks every board and every caller's rank
// against the members' own /streak figures, at instants around the day boundaries.
func TestLeaderboardMatchesEachStreak(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 7))
	start := mustTime(t, "2024-03-01T00:00:00Z")
	zones := simZoneNames()
	var users []string
	for i := range 40 {
		user := fmt.Sprintf("u%02d", i)
		users = append(users, user)
		setMemberZone(t, db, testGuild, user, zones[i%len(zones)])
		at := start
		spread := 50 // hours; every other member stretches about daily and earns freezes
		if i%2 == 0 {
			spread = 14
		}
		for range 5 + rng.IntN(25) {
			at = at.Add(time.Duration(18+rng.IntN(spread)) * time.Hour)
			creditOne(t, db, testGuild, user, SourceSolo, 1, at)
		}
	}
	for _, u := range users[:len(zones)] { // travellers: their last credit was elsewhere
		setMemberZone(t, db, testGuild, u, zones[(slices.Index(users, u)+4)%len(zones)])
	}
	optOut := users[3]
	if _, err := db.UpdateMemberSettings(ctx, testGuild, optOut, func(m *guild.MemberSettings) { m.LeaderboardOptOut = true }); err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{start.AddDate(0, 0, 30), start.AddDate(0, 0, 31).Add(11 * time.Hour), start.AddDate(0, 0, 33).Add(23 * time.Hour)} {
		want := expectedValues(t, db, users, optOut, at)
		for _, by := range []streak.Ranking{streak.RankCurrent, streak.RankBest, streak.RankTotal} {
			for _, caller := range users {
				b, err := db.Leaderboard(ctx, testGuild, by, caller, 10, at)
				if err != nil {
					t.Fatal(err)
				}
				assertBoard(t, b, want[by], caller, caller == optOut, fmt.Sprintf("%s at %s for %s", by, at.Format(time.RFC3339), caller))
			}
		}
	}
}

// expectedValues are each shown member's value per ranking, from StreakOf.
func expectedValues(t *testing.T, db *DB, users []string, optOut string, at time.Time) map[streak.Ranking]map[string]int {
	t.Helper()
	want := map[streak.Ranking]map[string]int{streak.RankCurrent: {}, streak.RankBest: {}, streak.RankTotal: {}}
	alive := 0
	for _, u := range users {
		v, err := db.StreakOf(context.Background(), testGuild, u, at)
		if err != nil {
			t.Fatal(err)
		}
		if u == optOut {
			continue
		}
		want[streak.RankCurrent][u], want[streak.RankBest][u], want[streak.RankTotal][u] = v.Status.Current, v.Status.Best, v.Status.TotalDays
		if v.Status.Current > 0 {
			alive++
		}
	}
	if alive < 3 || alive == len(users)-1 {
		t.Fatalf("%d of %d streaks alive at %s: the fixture tests too little", alive, len(users), at)
	}
	return want
}

func assertBoard(t *testing.T, b streak.Board, values map[string]int, caller string, callerOptedOut bool, what string) {
	t.Helper()
	var ranked []string
	for u, v := range values {
		if v > 0 {
			ranked = append(ranked, u)
		}
	}
	slices.SortFunc(ranked, func(a, b string) int {
		if values[a] != values[b] {
			return values[b] - values[a]
		}
		return strings.Compare(a, b)
	})
	rankOf := func(u string) int {
		n := 1
		for _, v := range values {
			if v > values[u] {
				n++
			}
		}
		return n
	}
	wantTop := ranked[:min(10, len(ranked))]
	var gotTop []string
	for _, r := range b.Top {
		gotTop = append(gotTop, r.UserID)
		if r.Value != values[r.UserID] || r.Rank != rankOf(r.UserID) {
			t.Fatalf("%s: %+v, want value %d rank %d", what, r, values[r.UserID], rankOf(r.UserID))
		}
	}
	if !slices.Equal(gotTop, wantTop) {
		t.Fatalf("%s: top %v, want %v", what, gotTop, wantTop)
	}
	switch {
	case callerOptedOut:
		if !b.CallerOptedOut || b.Caller != nil {
			t.Fatalf("%s: opted-out caller shown as %+v", what, b.Caller)
		}
	case values[caller] == 0:
		if b.Caller != nil {
			t.Fatalf("%s: caller with nothing ranked as %+v", what, b.Caller)
		}
	case b.Caller == nil || b.Caller.Rank != rankOf(caller) || b.Caller.Value != values[caller]:
		t.Fatalf("%s: caller %+v, want rank %d value %d", what, b.Caller, rankOf(caller), values[caller])
	}
}

func TestStatsWindowAndSoloDays(t *testing.T) {
	db := openTemp(t)
	today := mustTime(t, "2024-12-31T12:00:00Z")
	creditOne(t, db, testGuild, "u1", SourceSession, 10, today.AddDate(0, 0, -7*streak.StatsWeeks)) // just outside
	creditOne(t, db, testGuild, "u1", SourceSolo, 0, today.AddDate(0, 0, -7*streak.StatsWeeks+1))
	creditOne(t, db, testGuild, "u1", SourceSolo, 0, today)
	creditOne(t, db, testGuild, "u1", SourceSession, 15, today)
	v, err := db.Stats(context.Background(), testGuild, "u1", today)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Days) != 2 || v.Days[0].Day != v.Today.AddDays(-7*streak.StatsWeeks+1) || v.Days[1].Day != v.Today {
		t.Errorf("days %+v, want the solo day inside the window and today", v.Days)
	}
	if v.SoloDays != 2 || v.Sessions != 2 || v.Minutes != 25 || v.Status.TotalDays != 3 {
		t.Errorf("totals %+v solo days %d, want 2 sessions, 25 minutes, 3 days, 2 solo days", v.Standing, v.SoloDays)
	}
}

func TestServerStreak(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	updateGuild(t, db, testGuild, func(g *guild.Settings) { g.ServerStreakThreshold = 2 })
	day := mustTime(t, "2024-06-01T12:00:00Z")
	group := func(offset int, users ...string) {
		var credits []ActivityCredit
		for _, u := range users {
			credits = append(credits, ActivityCredit{UserID: u, Minutes: 10, Source: SourceSession})
		}
		if _, err := db.CreditActivity(ctx, testGuild, credits, day.AddDate(0, 0, offset)); err != nil {
			t.Fatal(err)
		}
	}
	group(0, "a", "b", "c")
	group(1, "a") // below the threshold: breaks
	group(2, "a", "b")
	group(3, "a", "c")
	creditOne(t, db, testGuild, "b", SourceSolo, 0, day.AddDate(0, 0, 4)) // solo days do not count
	group(4, "a")
	tests := []struct {
		offset int
		want   int
	}{{0, 1}, {1, 1}, {2, 1}, {3, 2}, {4, 2}, {5, 0}}
	for _, tt := range tests {
		if got, err := db.ServerStreak(ctx, testGuild, day.AddDate(0, 0, tt.offset)); err != nil || got != tt.want {
			t.Errorf("day %d: server streak %d, %v; want %d", tt.offset, got, err, tt.want)
		}
	}
}

func TestForgetMember(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	at := mustTime(t, "2024-06-01T12:00:00Z")
	for _, g := range []string{testGuild, otherGuild} {
		creditOne(t, db, g, "u1", SourceSession, 10, at)
		creditOne(t, db, g, "u1", SourceSolo, 0, at.AddDate(0, 0, 1))
		creditOne(t, db, g, "u2", SourceSolo, 0, at)
		setMemberZone(t, db, g, "u1", "Europe/Berlin")
	}
	ended := insertSession(t, db, testGuild, "finished", "u1", "u2")
	running := insertSession(t, db, testGuild, "running", "u1")
	if _, err := db.write.Exec(`UPDATE sessions SET host_id = 'u1' WHERE id = ?`, running); err != nil {
		t.Fatal(err)
	}

	sched := createTestSchedule(t, db)
	for _, user := range []string{"u1", "u2"} {
		if _, err := db.ToggleScheduleNotify(ctx, testGuild, sched.ID, user); err != nil {
			t.Fatal(err)
		}
	}

	got, err := db.ForgetMember(ctx, testGuild, "u1")
	if err != nil {
		t.Fatal(err)
	}
	want := Forgotten{Days: 2, Streak: true, Settings: true, SessionCredits: 1, Participations: 2, Hosted: 1, Notices: 1}
	if got != want {
		t.Errorf("ForgetMember = %+v, want %+v", got, want)
	}
	counts := map[string]int{
		"u1's log here":           countRows(t, db, `SELECT COUNT(*) FROM activity WHERE guild_id = ? AND user_id = 'u1'`, testGuild),
		"u1's log elsewhere":      countRows(t, db, `SELECT COUNT(*) FROM activity WHERE guild_id = ? AND user_id = 'u1'`, otherGuild),
		"u2's streak":             countRows(t, db, `SELECT COUNT(*) FROM member_streaks WHERE guild_id = ? AND user_id = 'u2'`, testGuild),
		"u2's credit":             countRows(t, db, `SELECT COUNT(*) FROM session_credits WHERE session_id = ? AND user_id = 'u2'`, ended),
		"u1 in a running session": countRows(t, db, `SELECT COUNT(*) FROM session_participants WHERE session_id = ? AND user_id = 'u1'`, running),
		"Notify me presses":       countRows(t, db, `SELECT COUNT(*) FROM schedule_notify WHERE schedule_id = ?`, sched.ID),
	}
	wantCounts := map[string]int{"u1's log here": 0, "u1's log elsewhere": 2, "u2's streak": 1, "u2's credit": 1,
		"u1 in a running session": 0, "Notify me presses": 1}
	if !reflect.DeepEqual(counts, wantCounts) {
		t.Errorf("rows left %v, want %v", counts, wantCounts)
	}
	if again, err := db.ForgetMember(ctx, testGuild, "u1"); err != nil || again != (Forgotten{}) {
		t.Errorf("forgetting twice = %+v, %v; want nothing deleted", again, err)
	}
}

// insertSession stores a session with participants, crediting them if it ended.
func insertSession(t *testing.T, db *DB, guild, status string, users ...string) int64 {
	t.Helper()
	res, err := db.write.Exec(`INSERT INTO sessions (guild_id, channel_id, host_id, routine_name, plan_json, status, created_at, start_at)
		VALUES (?, 'c-'||?, 'host', 'r', '{}', ?, 'x', 'x')`, guild, status, status)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := res.LastInsertId()
	for i, u := range users {
		if _, err := db.write.Exec(`INSERT INTO session_participants (session_id, seq, user_id, name, joined_at, joined_step, joined_active_ns)
			VALUES (?, ?, ?, ?, 'x', 0, 0)`, id, i, u, u); err != nil {
			t.Fatal(err)
		}
		if status == "finished" {
			if _, err := db.write.Exec(`INSERT INTO session_credits (session_id, guild_id, user_id, minutes, active_ns, credited_at)
				VALUES (?, ?, ?, 10, 0, 'x')`, id, guild, u); err != nil {
				t.Fatal(err)
			}
		}
	}
	return id
}

func countRows(t *testing.T, db *DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.read.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCreditManyAtOnce credits a whole session in one call, a member twice among them.
func TestCreditManyAtOnce(t *testing.T) {
	db := openTemp(t)
	at := mustTime(t, "2024-06-01T12:00:00Z")
	creditOne(t, db, testGuild, "b", SourceSolo, 0, at.AddDate(0, 0, -1))
	out, err := db.CreditActivity(context.Background(), testGuild, []ActivityCredit{
		{UserID: "a", Minutes: 10}, {UserID: "b", Minutes: 10}, {UserID: "a", Minutes: 5},
	}, at)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, c := range out {
		got = append(got, fmt.Sprintf("%s:%d:%v", c.UserID, c.Status.Current, c.NewDay))
	}
	if want := []string{"a:1:true", "b:2:true", "a:1:false"}; !slices.Equal(got, want) {
		t.Errorf("credited %v, want %v", got, want)
	}
	assertSummariesMatchLog(t, db, testGuild, "after a batch")
}

// TestLeaderboardKeepsATravellersStreak checks the one case SQL cannot settle: a member
// who flew east over the date line keeps their streak until the old zone's next day ends.
func TestLeaderboardKeepsATravellersStreak(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	setMemberZone(t, db, testGuild, "traveller", "Pacific/Pago_Pago")
	last := mustTime(t, "2024-06-15T07:00:00Z") // 06-14 20:00 in Pago Pago
	for i := 2; i >= 0; i-- {
		creditOne(t, db, testGuild, "traveller", SourceSolo, 0, last.AddDate(0, 0, -i))
	}
	creditOne(t, db, testGuild, "homebody", SourceSolo, 0, mustTime(t, "2024-06-15T12:00:00Z"))
	setMemberZone(t, db, testGuild, "traveller", "Pacific/Kiritimati")

	landed := mustTime(t, "2024-06-15T19:00:00Z") // 06-16 09:00 in Kiritimati; Pago Pago's 06-15 runs on
	for _, caller := range []string{"traveller", "homebody"} {
		b, err := db.Leaderboard(ctx, testGuild, streak.RankCurrent, caller, 10, landed)
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Top) != 2 || b.Top[0].UserID != "traveller" || b.Top[0].Value != 3 || b.Caller == nil {
			t.Fatalf("board for %s after landing: %+v, want the traveller first with 3", caller, b)
		}
	}
	b, err := db.Leaderboard(ctx, testGuild, streak.RankCurrent, "homebody", 10, mustTime(t, "2024-06-16T12:00:00Z"))
	if err != nil || len(b.Top) != 1 || b.Top[0].UserID != "homebody" {
		t.Fatalf("board once Pago Pago's 06-15 ended: %+v, %v; want the traveller gone", b, err)
	}
}

// The checkpointer, not the commit, copies a credit from the WAL into the database file,
// and it does so promptly: the file alone, without its WAL, soon holds the credit.
func TestCheckpointerCopiesCommitsIntoTheFile(t *testing.T) {
	db := openTemp(t)
	var backstop int
	if err := db.write.QueryRow(`PRAGMA wal_autocheckpoint`).Scan(&backstop); err != nil || backstop != walBackstop {
		t.Fatalf("writer's wal_autocheckpoint = %d, %v; want %d", backstop, err, walBackstop)
	}
	creditOne(t, db, testGuild, "u1", SourceSession, 10, mustTime(t, "2024-06-15T10:00:00Z"))
	copied := filepath.Join(t.TempDir(), "copy.db")
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if err := copyFile(db.Path(), copied); err != nil {
			t.Fatal(err)
		}
		n, err := countIn(copied, `SELECT COUNT(*) FROM activity WHERE user_id = 'u1'`)
		if err == nil && n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the database file without its WAL holds %d credits (%v) 10 s after the commit; want 1", n, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-db.ckpt.done:
	default:
		t.Fatal("Close returned before the checkpointer stopped")
	}
	db.ckpt.poke() // a late wake neither blocks nor panics
	if err := db.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

// countIn runs a COUNT query on the database file at path, on a connection of its own.
func countIn(path, query string) (int, error) {
	conn, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var n int
	err = conn.QueryRow(query).Scan(&n)
	return n, err
}

// dumpActivity is every stored row of the activity log and the summaries, as text.
func dumpActivity(t *testing.T, db *DB) string {
	t.Helper()
	var b strings.Builder
	for _, query := range []string{`SELECT * FROM activity ORDER BY guild_id, user_id, day`,
		`SELECT * FROM member_streaks ORDER BY guild_id, user_id`} {
		b.WriteString(dumpRows(t, db, query))
	}
	return b.String()
}

// TestSoloLogOnACountedDayRecordsNothing checks that a second /done the same day, or a
// /done after a group session counted the day, changes no stored value, and says so.
func TestSoloLogOnACountedDayRecordsNothing(t *testing.T) {
	for _, first := range []Source{SourceSolo, SourceSession} {
		t.Run(string(first), func(t *testing.T) {
			db := openTemp(t)
			at := mustTime(t, "2024-06-15T10:00:00Z")
			creditOne(t, db, testGuild, "u1", SourceSolo, 0, at.AddDate(0, 0, -1))
			creditOne(t, db, testGuild, "u1", first, 10, at)
			before := dumpActivity(t, db)
			again := creditOne(t, db, testGuild, "u1", SourceSolo, 0, at.Add(3*time.Hour))
			if after := dumpActivity(t, db); after != before {
				t.Errorf("a solo log on a counted day changed the database:\nbefore %s\nafter  %s", before, after)
			}
			if again.Recorded || again.NewDay || again.Status.Current != 2 || !again.Status.TodayDone ||
				again.Credit.Day.String() != "2024-06-15" {
				t.Errorf("second log: %+v; want nothing recorded, today done, a streak of 2", again)
			}
			// The next day counts again.
			if next := creditOne(t, db, testGuild, "u1", SourceSolo, 0, at.AddDate(0, 0, 1)); !next.Recorded || !next.NewDay || next.Status.Current != 3 {
				t.Errorf("the next day: %+v; want a new day and a streak of 3", next)
			}
		})
	}
}

// TestActiveTimeIsSummedThenRoundedOnce credits sessions of 1 min 40 s: rounding each to
// 2 minutes would show 6 minutes for three of them and 8 for four; the log keeps seconds.
func TestActiveTimeIsSummedThenRoundedOnce(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	at := mustTime(t, "2024-06-15T10:00:00Z")
	credit := func(at time.Time, active time.Duration) {
		t.Helper()
		if _, err := db.CreditActivity(ctx, testGuild, []ActivityCredit{{UserID: "u1", Active: active, Source: SourceSession}}, at); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		credit(at.Add(time.Duration(i)*time.Hour), 100*time.Second)
	}
	credit(at.AddDate(0, 0, 1), 80*time.Second+400*time.Millisecond)
	v, err := db.StreakOf(ctx, testGuild, "u1", at.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Recent) != 2 || v.Recent[1].Minutes != 5 || v.Recent[1].Active != 300*time.Second ||
		v.Recent[0].Minutes != 1 || v.Recent[0].Active != 80*time.Second {
		t.Errorf("days %+v, want 5 min (300 s), then 1 min (80 s)", v.Recent)
	}
	if v.Minutes != 6 || v.Active != 380*time.Second || v.Sessions != 4 {
		t.Errorf("totals %d min (%v), %d sessions; want 6 min (6m20s), 4 sessions", v.Minutes, v.Active, v.Sessions)
	}
	assertSummariesMatchLog(t, db, testGuild, "after the credits")
	if _, err := db.RecomputeSummaries(ctx, testGuild); err != nil {
		t.Fatal(err)
	}
	if again, err := db.StreakOf(ctx, testGuild, "u1", at.AddDate(0, 0, 1)); err != nil || again.Active != v.Active || again.Minutes != 6 {
		t.Errorf("after a recomputation: %v (%d min), %v; want the same totals", again.Active, again.Minutes, err)
	}
	// Minutes still reads: whole minutes for callers that do not know Active.
	if _, err := db.CreditActivity(ctx, testGuild, []ActivityCredit{{UserID: "u1", Minutes: 3, Source: SourceSession}}, at.AddDate(0, 0, 2)); err != nil {
		t.Fatal(err)
	}
	if v, err := db.StreakOf(ctx, testGuild, "u1", at.AddDate(0, 0, 2)); err != nil || v.Active != 560*time.Second || v.Minutes != 9 {
		t.Errorf("with a credit of 3 whole minutes: %v (%d min), %v; want 9m20s (9 min)", v.Active, v.Minutes, err)
	}
}

// migratedTo creates a database at path with the migrations up to version applied, as a
// stretchbot of that version left it, and returns it open without the DB around it.
func migratedTo(t *testing.T, path string, version int) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	migrations, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range migrations {
		if m.version > version {
			break
		}
		if _, err := raw.Exec(m.sql); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		if _, err := raw.Exec(`INSERT INTO schema_migrations VALUES (?, ?, 'then')`, m.version, m.name); err != nil {
			t.Fatal(err)
		}
	}
	return raw
}

// TestMigrationKeepsMinutesAsSeconds opens a database written before active time was
// kept in seconds: its figures stay what they were.
func TestMigrationKeepsMinutesAsSeconds(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	raw := migratedTo(t, path, 4)
	for _, q := range []string{
		`INSERT INTO activity (guild_id, user_id, day, sessions, solo, minutes, bridged, zone, updated_at)
			VALUES ('g1', 'u1', '2024-06-14', 1, 0, 12, 0, 'UTC', 'then'), ('g1', 'u1', '2024-06-15', 2, 1, 25, 0, 'UTC', 'then')`,
		`INSERT INTO member_streaks (guild_id, user_id, name, last_day, run, best, total_days, freezes_held, frozen_days,
			total_sessions, total_minutes, last_zone) VALUES ('g1', 'u1', 'Ann', '2024-06-15', 2, 2, 2, 0, '', 3, 37, 'UTC')`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()

	db := openAt(t, path)
	defer db.Close()
	v, err := db.StreakOf(ctx, testGuild, "u1", mustTime(t, "2024-06-15T12:00:00Z"))
	if err != nil {
		t.Fatal(err)
	}
	if v.Minutes != 37 || v.Active != 37*time.Minute || len(v.Recent) != 2 || v.Recent[0].Minutes != 25 || v.Recent[1].Minutes != 12 {
		t.Errorf("after the migration: %d min (%v), days %+v; want 37 min, days of 25 and 12", v.Minutes, v.Active, v.Recent)
	}
	assertSummariesMatchLog(t, db, testGuild, "after the migration")
	if _, err := db.CreditActivity(ctx, testGuild, []ActivityCredit{{UserID: "u1", Active: 90 * time.Second, Source: SourceSession}},
		mustTime(t, "2024-06-15T13:00:00Z")); err != nil {
		t.Fatal(err)
	}
	var minutes, totalMinutes int
	if err := db.read.QueryRow(`SELECT a.minutes, m.total_minutes FROM activity a JOIN member_streaks m USING (guild_id, user_id)
		WHERE a.day = '2024-06-15'`).Scan(&minutes, &totalMinutes); err != nil || minutes != 27 || totalMinutes != 39 {
		t.Errorf("the rounded columns read %d and %d, %v; want the day's 26.5 min as 27, the total's 38.5 min as 39", minutes, totalMinutes, err)
	}
}
