package session

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/stretchbot/stretchbot/clock"
)

// The overload benchmark runs N sessions at once against a Discord that takes 50 writes a
// second, with writes that wait for their turn (Turner) as the bot's do, and measures what
// members see: how stale a live message is when its next write lands.
//
// Waiting turns need a clock that moves while writers wait, which the fake clock cannot do
// (it runs timers in the goroutine that moves it), so the run is on the real clock, time-
// scaled: every duration of the routine is divided by scale and Discord's rate multiplied
// by it, which is the same run with time passing scale times faster. Figures are given back
// in Discord time (real time × scale). OVERLOAD_SCALE (default 20) sets the scale.

// overloadRoutine is 10 minutes: four exercises of 2 × 60 s holds with 15 s rests, and 10 s
// get-ready steps: 15 steps.
func overloadRoutine(scale time.Duration) []RoutineItem {
	var items []RoutineItem
	for i := range 4 {
		items = append(items, RoutineItem{ExerciseID: fmt.Sprintf("ex-%d", i), Name: "Seated twist",
			Instructions: "Sit tall.", Hold: 60 * time.Second / scale, Reps: 2, Rest: 15 * time.Second / scale})
	}
	return items
}

// turnedPoster paces every write with one limiter at Discord's 50 writes a second
// (scaled), as bot.Messenger does, and has turns (Turner): a write made with the context
// of a Turn uses the slot Turn waited for.
type turnedPoster struct {
	limiter *rate.Limiter
	nextID  atomic.Int64

	mu       sync.Mutex
	sentAt   []time.Time
	shown    map[int64]int   // session id -> step its live message shows
	stale    []time.Duration // per step write that moved a message on: how long it had shown a past step
	steps    int             // writes of a running or ended session's live message
	lobbies  int             // lobby posts
	pointers int             // old messages pointed to the new one
}

// turnSlot is the slot a Turn waited for: the time the limiter gave it, used once.
type turnSlot struct {
	at   time.Time
	used atomic.Bool
}

type turnKey struct{}

func (p *turnedPoster) Turn(ctx context.Context) (context.Context, error) {
	return context.WithValue(ctx, turnKey{}, &turnSlot{at: p.slot()}), nil
}

// slot reserves the limiter's next slot, waits for it and returns its time: the moment the
// write reaches Discord, measured by the limiter rather than by when this goroutine next
// runs (with 50,000 goroutines on two cores, that can be much later).
func (p *turnedPoster) slot() time.Time {
	r := p.limiter.Reserve()
	ref := time.Now()
	at := ref.Add(r.DelayFrom(ref)) // the slot's own time, however late this goroutine runs
	time.Sleep(time.Until(at))
	return at
}

// pace is the slot of a write: the one from Turn if ctx holds it unused, else a new one.
func (p *turnedPoster) pace(ctx context.Context) time.Time {
	if slot, ok := ctx.Value(turnKey{}).(*turnSlot); ok && !slot.used.Swap(true) {
		return slot.at
	}
	return p.slot()
}

func (p *turnedPoster) Post(ctx context.Context, _ string, v View) (string, error) {
	p.record(v, p.pace(ctx))
	return strconv.FormatInt(p.nextID.Add(1), 10), nil
}

func (p *turnedPoster) Edit(ctx context.Context, _, _ string, v View) error {
	p.record(v, p.pace(ctx))
	return nil
}

// record notes a write of v landing at now: and, when it moves the message on from a step
// that had already ended, for how long members had been looking at that past step.
func (p *turnedPoster) record(v View, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sentAt = append(p.sentAt, now)
	switch {
	case v.MovedTo != "":
		p.pointers++
		return
	case v.Session.Status == Lobby:
		p.lobbies++
		return
	}
	p.steps++
	s := &v.Session
	shown, seen := p.shown[s.ID]
	if seen && v.Step > shown && !s.StartedAt.IsZero() && shown >= 0 {
		var ended time.Duration // the end of the step the message showed, as planned
		for _, st := range s.Plan[:min(shown+1, len(s.Plan))] {
			ended += st.Duration
		}
		if late := now.Sub(s.StartedAt.Add(ended)); late > 0 {
			p.stale = append(p.stale, late)
		} else {
			p.stale = append(p.stale, 0)
		}
	}
	p.shown[s.ID] = v.Step
}

// lateClock is the real clock whose timers record how late they fire: the engine's own
// lateness, apart from Discord's pace.
type lateClock struct {
	clock.Clock
	mu   sync.Mutex
	late []time.Duration
}

func (c *lateClock) AfterFunc(d time.Duration, f func()) clock.Timer {
	due := time.Now().Add(d)
	return c.Clock.AfterFunc(d, func() {
		late := max(time.Since(due), 0)
		c.mu.Lock()
		c.late = append(c.late, late)
		c.mu.Unlock()
		f()
	})
}

// BenchmarkSessionsUnderOverload runs 1,000, 10,000 and 50,000 concurrent sessions of a
// 10-minute routine, opened over the first 2 minutes, against 50 writes a second. Reported
// in Discord time: writes per transition (1.0 is one write per step; under overload fewer,
// as steps that passed while a write waited are skipped), the peak writes in any second,
// how long a message had shown a step that was over when its next write landed
// (stale-p50/p99/max-s; members follow the timeline meanwhile), the engine's own timer
// lateness (late-p99-ms), CPU per write and heap per session. Run with -benchtime=1x.
func BenchmarkSessionsUnderOverload(b *testing.B) {
	scale := time.Duration(envScale(b))
	for _, n := range []int{1_000, 10_000, 50_000} {
		b.Run(fmt.Sprintf("sessions=%d", n), func(b *testing.B) {
			for b.Loop() {
				runOverload(b, n, scale)
			}
		})
	}
}

func envScale(b *testing.B) int {
	v := os.Getenv("OVERLOAD_SCALE")
	if v == "" {
		return 20
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		b.Fatalf("OVERLOAD_SCALE=%q is not a positive integer", v)
	}
	return n
}

func runOverload(b *testing.B, n int, scale time.Duration) {
	store := &benchStore{}
	poster := &turnedPoster{limiter: rate.NewLimiter(rate.Limit(50*float64(scale)), 1), shown: map[int64]int{}}
	clk := &lateClock{Clock: clock.Real()}
	eng := New(Config{PrepGap: 10 * time.Second / scale, LateCutoff: time.Hour, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
		store, poster, clk)
	routine := overloadRoutine(scale)
	plan, err := BuildPlan(routine, 10*time.Second/scale, 0)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(4, 2))
	cpu := cpuTime()
	before := heapAlloc()
	began := time.Now()
	var starting sync.WaitGroup
	for i := range n {
		delay := time.Duration(rng.Int64N(int64(2 * time.Minute / scale)))
		starting.Add(1)
		go func() { // Start waits for its lobby post's turn, as /session start does
			defer starting.Done()
			if _, err := eng.Start(context.Background(), StartRequest{GuildID: "g", ChannelID: fmt.Sprintf("c%d", i),
				Host: Actor{UserID: fmt.Sprintf("u%d", i)}, RoutineName: "bench", Routine: routine, Delay: delay}); err != nil {
				b.Error(err)
			}
		}()
	}
	starting.Wait()
	heap := heapAlloc() - before
	for store.ended.Load() < int64(n) {
		time.Sleep(10 * time.Millisecond)
	}
	if err := eng.Shutdown(context.Background()); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(began)
	cpu = cpuTime() - cpu

	p := poster
	p.mu.Lock()
	defer p.mu.Unlock()
	transitions := n * (len(plan) + 1)
	slices.Sort(p.stale)
	slices.Sort(clk.late)
	back := func(d time.Duration) float64 { return (d * scale).Seconds() }
	writes := p.steps + p.lobbies + p.pointers
	b.ReportMetric(float64(p.steps)/float64(transitions), "writes/transition")
	b.ReportMetric(float64(peakPerSecond(scaledBack(p.sentAt, scale))), "peak-writes/s")
	b.ReportMetric(back(pct(p.stale, 0.50)), "stale-p50-s")
	b.ReportMetric(back(pct(p.stale, 0.99)), "stale-p99-s")
	if len(p.stale) > 0 {
		b.ReportMetric(back(p.stale[len(p.stale)-1]), "stale-max-s")
	}
	b.ReportMetric(float64((pct(clk.late, 0.99) * scale).Milliseconds()), "late-p99-ms")
	b.ReportMetric(float64(cpu.Microseconds())/float64(writes), "cpu-µs/write")
	b.ReportMetric(float64(heap)/float64(n), "heap-B/session")
	b.Logf("%d sessions, %d transitions: %d step writes, %d lobby posts, %d pointers; %v real (%v Discord time)", n,
		transitions, p.steps, p.lobbies, p.pointers, elapsed.Round(time.Millisecond), (elapsed * scale).Round(time.Second))
}

// scaledBack maps real send times onto Discord time around the first.
func scaledBack(at []time.Time, scale time.Duration) []time.Time {
	out := make([]time.Time, len(at))
	for i, t := range at {
		out[i] = at[0].Add(t.Sub(at[0]) * scale)
	}
	return out
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

var _ Turner = (*turnedPoster)(nil)
