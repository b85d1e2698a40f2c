package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"golang.org/x/time/rate"

	"github.com/stretchbot/stretchbot/internal/fakediscord"
)

const (
	openDMRoute = "POST /users/@me/channels"
	dmSendRoute = "POST /channels/{channel}/messages"
)

// startDMFixture returns a Messenger of a real Bot whose REST calls go to a fake Discord.
// DMs need no gateway, so the Bot is not opened. Backoffs are shortened for the tests.
func startDMFixture(tb testing.TB) (*Messenger, *fakediscord.Server) {
	tb.Helper()
	fake, err := fakediscord.Start(fakediscord.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(fake.Close)
	b, err := New(Options{Token: "test-token-not-real", APIURL: fake.URL(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatal(err)
	}
	m := b.NewMessenger()
	m.backoff = func(int) time.Duration { return time.Millisecond }
	return m, fake
}

func dmRouteCount(fake *fakediscord.Server, route string) int { return fake.RouteCounts()[route] }

func TestDMOpensTheChannelOnceAndReusesIt(t *testing.T) {
	m, fake := startDMFixture(t)
	ctx := context.Background()
	first, err := m.DM(ctx, "200000000000000001", &discordgo.MessageSend{Content: "Time to move @everyone <@200000000000000009>"})
	if err != nil {
		t.Fatal(err)
	}
	second, err := m.DM(ctx, "200000000000000001", &discordgo.MessageSend{Content: "Time to move again"})
	if err != nil {
		t.Fatal(err)
	}
	if n := dmRouteCount(fake, openDMRoute); n != 1 {
		t.Fatalf("%d DM channel opens for two DMs to one member, want 1", n)
	}
	if first.ChannelID != second.ChannelID {
		t.Fatalf("DMs went to channels %s and %s", first.ChannelID, second.ChannelID)
	}
	msgs := fake.Messages(first.ChannelID)
	if len(msgs) != 2 {
		t.Fatalf("%d messages in the DM channel, want 2", len(msgs))
	}
	for _, msg := range msgs {
		am := msg.AllowedMentions
		if am == nil || am.Parse == nil || len(am.Parse) != 0 || len(am.Users) != 0 || len(am.Roles) != 0 {
			t.Errorf("allowed_mentions = %+v, want an empty parse list and nobody else", am)
		}
	}
	// The wire body says so explicitly: {"parse": []}.
	call, err := fake.WaitForCall(func(c fakediscord.Call) bool { return c.Route == dmSendRoute }, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := call.Body.(map[string]any)
	am, _ := body["allowed_mentions"].(map[string]any)
	if parse, ok := am["parse"].([]any); !ok || len(parse) != 0 {
		t.Fatalf("allowed_mentions on the wire: %v", body["allowed_mentions"])
	}
	if _, err := m.DM(ctx, "200000000000000002", &discordgo.MessageSend{Content: "hi"}); err != nil {
		t.Fatal(err)
	}
	if n := dmRouteCount(fake, openDMRoute); n != 2 {
		t.Fatalf("%d opens after a second member, want 2", n)
	}
}

func TestDMToClosedMemberAsksOnceUntilReopened(t *testing.T) {
	m, fake := startDMFixture(t)
	ctx := context.Background()
	const sam = "200000000000000001"
	fake.CloseDMs(sam)
	_, err := m.DM(ctx, sam, &discordgo.MessageSend{Content: "Time to move"})
	if !errors.Is(err, ErrDMClosed) {
		t.Fatalf("DM to closed member: %v, want ErrDMClosed", err)
	}
	if status, code := restErrorCode(err); status != http.StatusForbidden || code != codeDMClosed {
		t.Fatalf("the Discord error is not kept in the chain: %v", err)
	}
	if !m.DMClosed(sam) {
		t.Fatal("the Messenger does not remember the closed member")
	}
	if sends, opens := dmRouteCount(fake, dmSendRoute), dmRouteCount(fake, openDMRoute); sends != 1 || opens != 1 {
		t.Fatalf("%d sends and %d opens, want exactly one send (and the one open it needs)", sends, opens)
	}
	before := len(fake.Calls())
	for range 3 {
		if _, err := m.DM(ctx, sam, &discordgo.MessageSend{Content: "Time to move"}); err != ErrDMClosed {
			t.Fatalf("later DM: %v, want ErrDMClosed itself", err)
		}
	}
	if after := len(fake.Calls()); after != before {
		t.Fatalf("%d requests for a member known to have closed DMs, want none", after-before)
	}

	// The member runs a command again, having opened their DMs.
	fake.OpenDMs(sam)
	m.ReopenDM(sam)
	if m.DMClosed(sam) {
		t.Fatal("still closed after ReopenDM")
	}
	if _, err := m.DM(ctx, sam, &discordgo.MessageSend{Content: "Time to move"}); err != nil {
		t.Fatalf("after ReopenDM: %v", err)
	}
	if got := len(fake.Calls()) - before; got != 1 {
		t.Fatalf("%d requests after ReopenDM, want 1 (the channel stays cached)", got)
	}
}

func TestDMRetriesOpeningTooFast(t *testing.T) {
	m, fake := startDMFixture(t)
	ctx := context.Background()
	fake.ThrottleDMOpens(2)
	if _, err := m.DM(ctx, "200000000000000001", &discordgo.MessageSend{Content: "hi"}); err != nil {
		t.Fatalf("after two 40003: %v", err)
	}
	if n := dmRouteCount(fake, openDMRoute); n != 3 {
		t.Fatalf("%d opens, want 3 (two refused)", n)
	}
	fake.ThrottleDMOpens(dmTooFastRetries + 5)
	_, err := m.DM(ctx, "200000000000000002", &discordgo.MessageSend{Content: "hi"})
	if _, code := restErrorCode(err); code != codeDMTooFast {
		t.Fatalf("a persistent 40003: %v", err)
	}
	if n := dmRouteCount(fake, openDMRoute) - 3; n != dmTooFastRetries+1 {
		t.Fatalf("%d opens for a persistent 40003, want %d", n, dmTooFastRetries+1)
	}
}

func TestDMBackoffHoldsEveryDM(t *testing.T) {
	m, fake := startDMFixture(t)
	m.backoff = func(int) time.Duration { return 300 * time.Millisecond }
	fake.ThrottleDMOpens(1)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i == 1 {
				time.Sleep(50 * time.Millisecond) // start after the first met the 40003
			}
			if _, err := m.DM(context.Background(), fmt.Sprint(200000000000000001+i), &discordgo.MessageSend{Content: "hi"}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if dmRouteCount(fake, openDMRoute) != 3 {
		t.Fatalf("%d opens, want 3", dmRouteCount(fake, openDMRoute))
	}
	// Every successful open came after the pause.
	for _, c := range fake.Calls() {
		if c.Route == openDMRoute && c.Status == http.StatusOK && c.Time.Sub(start) < 250*time.Millisecond {
			t.Fatalf("a DM opened %v after the start, inside the 300 ms pause", c.Time.Sub(start))
		}
	}
}

func TestLRUDropsLeastRecentlyUsed(t *testing.T) {
	c := newLRU(2)
	c.put("a", "1")
	c.put("b", "2")
	c.get("a")
	c.put("c", "3")
	if _, ok := c.get("b"); ok {
		t.Fatal("b, the least recently used, was kept")
	}
	if v, ok := c.get("a"); !ok || v != "1" || c.len() != 2 {
		t.Fatalf("a = %q %v, len %d", v, ok, c.len())
	}
	c.remove("a")
	if _, ok := c.get("a"); ok || c.len() != 1 {
		t.Fatal("remove kept a")
	}
}

// TestDMPacingOnVirtualClock plays 10,000 DMs due at once (20,000 requests: an open and a
// send each, cold cache) through the Messenger's own limiter on a virtual clock, by
// reserving at explicit times: no request may fall in a one-second window with 50 others.
func TestDMPacingOnVirtualClock(t *testing.T) {
	m, _ := startDMFixture(t)
	t0 := time.Date(2026, 1, 5, 15, 0, 0, 0, time.UTC)
	at := make([]time.Time, 20_000)
	for i := range at {
		r := m.limiter.ReserveN(t0, 1)
		at[i] = t0.Add(r.DelayFrom(t0))
	}
	peak := dmPeakPerWindow(at, time.Second)
	spread := at[len(at)-1].Sub(at[0])
	t.Logf("20,000 requests due at once: peak %d in any 1 s, spread %v", peak, spread)
	if peak >= 50 {
		t.Fatalf("peak %d requests in one second, Discord allows 50", peak)
	}
}

// dmPeakPerWindow returns the most times (sorted) within any window of length w.
func dmPeakPerWindow(at []time.Time, w time.Duration) int {
	peak, lo := 0, 0
	for hi := range at {
		for at[hi].Sub(at[lo]) >= w {
			lo++
		}
		peak = max(peak, hi-lo+1)
	}
	return peak
}

// BenchmarkDM10000 sends 10,000 DMs due at the same moment, each in its own goroutine, through
// the real DM path (discordgo, loopback HTTP, the fake Discord), twice: with a cold cache
// (an open and a send per member) and a warm one (a send only).
//
// The Messenger's limiter runs on the real clock, so the run is time-scaled: the limiter
// gets globalRate×scale per second with the same burst, which is the production
// limiter with time running scale times faster. Figures are converted back to
// Bot time: requests are counted in windows of 1/scale s of real time (one second
// of Bot time) and spreads multiplied by scale. Run with -benchtime=1x (about 40 s).
// Scaling magnifies every stall after the limiter (discordgo's per-route bucket lock, GC,
// loopback) scale times, so the scaled peak reads above the limiter's true 45/s (about 60
// at scale 20); TestDMPacingOnVirtualClock gives the limiter's exact schedule, and
// DM_BENCH_SCALE=1 DM_BENCH_N=1000 (75 s) measures unscaled on the real clock.
//
// DM_BENCH_SCALE and DM_BENCH_N override the scale (20) and the number of DMs (10,000);
// DM_BENCH_SCALE=1 runs on the real clock unscaled.
func BenchmarkDM10000(b *testing.B) {
	scale, n := envInt(b, "DM_BENCH_SCALE", 20), envInt(b, "DM_BENCH_N", 10_000)
	for range b.N {
		m, fake := startDMFixture(b)
		m.limiter = rate.NewLimiter(rate.Limit(globalRate*scale), globalBurst)
		cold := dmBurst(b, m, fake, n, scale, "cold")
		warm := dmBurst(b, m, fake, n, scale, "warm")
		b.ReportMetric(cold.peak, "cold-peak-req/s")
		b.ReportMetric(cold.mean, "cold-mean-req/s")
		b.ReportMetric(cold.spread.Seconds(), "cold-spread-s")
		b.ReportMetric(warm.peak, "warm-peak-req/s")
		b.ReportMetric(warm.mean, "warm-mean-req/s")
		b.ReportMetric(warm.spread.Seconds(), "warm-spread-s")
	}
}

func envInt(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		b.Fatalf("%s=%q is not a positive integer", name, v)
	}
	return n
}

type burstFigures struct {
	peak, mean float64
	spread     time.Duration // first delivery to last, in Bot time
}

func dmBurst(b *testing.B, m *Messenger, fake *fakediscord.Server, n, scale int, name string) burstFigures {
	b.Helper()
	seen := len(fake.Calls())
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := m.DM(context.Background(), fmt.Sprint(300000000000000000+i), &discordgo.MessageSend{Content: "Time to move"}); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatalf("%s: %v", name, err)
	}
	elapsed := time.Since(start)
	var at, delivered []time.Time
	limited := 0
	for _, c := range fake.Calls()[seen:] {
		at = append(at, c.Time)
		if c.Status == http.StatusTooManyRequests {
			limited++
		}
		if c.Route == dmSendRoute && c.Status == http.StatusOK {
			delivered = append(delivered, c.Time)
		}
	}
	slices.SortFunc(at, func(x, y time.Time) int { return x.Compare(y) })
	slices.SortFunc(delivered, func(x, y time.Time) int { return x.Compare(y) })
	f := burstFigures{
		peak:   float64(dmPeakPerWindow(at, time.Second/time.Duration(scale))),
		mean:   float64(len(at)) / (elapsed.Seconds() * float64(scale)),
		spread: delivered[len(delivered)-1].Sub(delivered[0]) * time.Duration(scale),
	}
	b.Logf("%s: %d DMs, %d requests, %d answered 429; Bot time: peak %.0f req in any 1 s, mean %.1f req/s, "+
		"first delivery %v after due, last %v (spread %v); real time %v",
		name, n, len(at), limited, f.peak, f.mean, (delivered[0].Sub(start) * time.Duration(scale)).Round(time.Second),
		(delivered[len(delivered)-1].Sub(start) * time.Duration(scale)).Round(time.Second), f.spread.Round(time.Second), elapsed.Round(time.Millisecond))
	return f
}

func TestDMWaitsForASlotOrItsContext(t *testing.T) {
	m, fake := startDMFixture(t)
	for range dmInFlight {
		m.dms.slots <- struct{}{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := m.DM(ctx, "200000000000000001", &discordgo.MessageSend{Content: "hi"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("DM with every slot taken: %v, want the context's error", err)
	}
	if n := len(fake.Calls()); n != 0 {
		t.Fatalf("%d requests while waiting for a slot", n)
	}
	<-m.dms.slots
	if _, err := m.DM(context.Background(), "200000000000000001", &discordgo.MessageSend{Content: "hi"}); err != nil {
		t.Fatalf("with a slot free: %v", err)
	}
}
