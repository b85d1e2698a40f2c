package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/guild"
)

// fakeRoutineStore is a routineStore whose methods are the function fields.
type fakeRoutineStore struct {
	routines func(ctx context.Context, guildID string) ([]guild.Routine, error)
	create   func(ctx context.Context, r guild.Routine, limit int) (guild.Routine, error)
	delete   func(ctx context.Context, guildID, name string) error
	settings func(ctx context.Context, guildID string) (guild.Settings, error)
}

func (f *fakeRoutineStore) Routines(ctx context.Context, guildID string) ([]guild.Routine, error) {
	return f.routines(ctx, guildID)
}

func (f *fakeRoutineStore) CreateRoutine(ctx context.Context, r guild.Routine, limit int) (guild.Routine, error) {
	return f.create(ctx, r, limit)
}

func (f *fakeRoutineStore) DeleteRoutine(ctx context.Context, guildID, name string) error {
	return f.delete(ctx, guildID, name)
}

func (f *fakeRoutineStore) GuildSettings(ctx context.Context, guildID string) (guild.Settings, error) {
	return f.settings(ctx, guildID)
}

// memoryStore is a fakeRoutineStore over a slice, holding stored at first, with the
// host role hostRole. Calls record what was created and deleted.
type memoryStore struct {
	fakeRoutineStore
	stored  []guild.Routine
	deleted []string
}

func newMemoryStore(hostRole string, stored ...guild.Routine) *memoryStore {
	m := &memoryStore{stored: stored}
	m.routines = func(_ context.Context, guildID string) ([]guild.Routine, error) {
		var out []guild.Routine
		for _, r := range m.stored {
			if r.GuildID == guildID {
				out = append(out, r)
			}
		}
		return out, nil
	}
	m.create = func(_ context.Context, r guild.Routine, _ int) (guild.Routine, error) {
		r.ID = int64(len(m.stored) + 1)
		m.stored = append(m.stored, r)
		return r, nil
	}
	m.delete = func(_ context.Context, _, name string) error {
		m.deleted = append(m.deleted, name)
		return nil
	}
	m.settings = func(_ context.Context, guildID string) (guild.Settings, error) {
		s := guild.Defaults(guildID)
		s.HostRoleID = hostRole
		return s, nil
	}
	return m
}

func morningFlow() guild.Routine {
	return guild.Routine{GuildID: "g1", Name: "Morning Flow", Steps: "childs-pose 30s, cat-stretch 20s"}
}

// asManager gives the member Manage Server, which may change routines.
func asManager(req *Request) *Request {
	req.Member.Permissions = discordgo.PermissionManageGuild
	return req
}

// outsideServer makes req come from a DM with the bot.
func outsideServer(req *Request) *Request {
	req.GuildID = ""
	return req
}

func TestRoutineListAndShow(t *testing.T) {
	cat := loadCatalog(t)
	broken := guild.Routine{GuildID: "g1", Name: "Old one", Steps: "moon-walk 30s"}
	store := newMemoryStore("", morningFlow(), broken)
	cmd := routineCommand(cat, store, 10*time.Second)
	tests := []struct {
		name      string
		req       *Request
		contains  []string
		wantError string
	}{
		{name: "list", req: request("list"),
			contains: []string{"**Desk break**", "**Morning Flow** — 2 exercises, 1 min 10 s", "**Old one** — Cannot be used any more"}},
		{name: "show built-in", req: request("show", str("name", "desk-break")), contains: []string{"Desk break", "1. Overhead stretch · 4 × 20 s", "with 10 s to get ready before each exercise"}},
		{name: "show custom by its key", req: request("show", str("name", "morning flow")),
			contains: []string{"Morning Flow", "1. Child's pose · 30 s\n2. Cat stretch · 20 s", "1 min 10 s, with 10 s to get ready before each exercise"}},
		{name: "show typo", req: request("show", str("name", "mornig flow")),
			wantError: `No routine called "mornig flow". Did you mean: Morning Flow`},
		{name: "outside a server only built-ins", req: outsideServer(request("show", str("name", "morning flow"))),
			wantError: `No routine called "morning flow".`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reply, err := cmd.Handle(context.Background(), tt.req)
			if !checkAnswer(t, err, tt.wantError) {
				return
			}
			e := reply.Embeds[0]
			text := e.Title + "\n" + e.Description
			for _, f := range e.Fields {
				text += "\n" + f.Value
			}
			for _, want := range tt.contains {
				if !strings.Contains(text, want) {
					t.Errorf("lacks %q:\n%s", want, text)
				}
			}
		})
	}
}

func TestRoutineCreate(t *testing.T) {
	cat := loadCatalog(t)
	tests := []struct {
		name      string
		req       *Request
		hostRole  string
		wantSteps string // stored steps; "" when refused
		wantError string
	}{
		{name: "manager, canonical steps", req: asManager(request("create", str("name", "  Wake   up "),
			str("steps", "Child's pose 30 s, overhead stretch x3 rest 10s"))),
			wantSteps: "childs-pose 30s, overhead-stretch 20s x3 rest 10s"},
		{name: "administrator", req: func() *Request {
			r := request("create", str("name", "Wake up"), str("steps", "cat-stretch"))
			r.Member.Permissions = discordgo.PermissionAdministrator
			return r
		}(), wantSteps: "cat-stretch 20s"},
		{name: "host role", hostRole: "r-host", req: func() *Request {
			r := request("create", str("name", "Wake up"), str("steps", "cat-stretch"))
			r.Member.Roles = []string{"r-other", "r-host"}
			return r
		}(), wantSteps: "cat-stretch 20s"},
		{name: "no permission", req: request("create", str("name", "Wake up"), str("steps", "cat-stretch")),
			wantError: "Only members with Manage Server can"},
		{name: "no permission, host role named", hostRole: "r-host", req: request("create", str("name", "Wake up"), str("steps", "cat-stretch")),
			wantError: "Only members with Manage Server or the <@&r-host> role can"},
		{name: "outside a server", req: outsideServer(asManager(request("create", str("name", "x"), str("steps", "cat-stretch")))),
			wantError: "Routines belong to a server"},
		{name: "bad step", req: asManager(request("create", str("name", "Wake up"), str("steps", "overhead-stretch 30s, cat-strech 20s"))),
			wantError: `step 2: unknown exercise "cat-strech" — did you mean cat-stretch?`},
		{name: "hold too long", req: asManager(request("create", str("name", "Wake up"), str("steps", "cat-stretch 11m"))),
			wantError: "step 1: cat-stretch holds 20 s in the articles; 11m is longer."},
		{name: "shadows a built-in name", req: asManager(request("create", str("name", "DESK BREAK"), str("steps", "cat-stretch"))),
			wantError: "Desk break is a built-in routine"},
		{name: "shadows a built-in id", req: asManager(request("create", str("name", "desk-break"), str("steps", "cat-stretch"))),
			wantError: "Desk break is a built-in routine"},
		{name: "duplicate with other punctuation", req: asManager(request("create", str("name", "morning-flow!"), str("steps", "cat-stretch"))),
			wantError: "This server already has a routine called Morning Flow."},
		{name: "name too long", req: asManager(request("create", str("name", strings.Repeat("a", 51)), str("steps", "cat-stretch"))),
			wantError: "A routine name has 1 to 50 characters; that one has 51."},
		{name: "blank name", req: asManager(request("create", str("name", "   "), str("steps", "cat-stretch"))),
			wantError: "A routine name has 1 to 50 characters; that one has 0."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newMemoryStore(tt.hostRole, morningFlow())
			reply, err := routineCommand(cat, store, 0).Handle(context.Background(), tt.req)
			if !checkAnswer(t, err, tt.wantError) {
				if len(store.stored) != 1 {
					t.Fatalf("a refused create stored %+v", store.stored[1:])
				}
				return
			}
			got := store.stored[len(store.stored)-1]
			if got.Steps != tt.wantSteps || got.Name != "Wake up" || got.CreatedBy != "u1" || got.GuildID != "g1" {
				t.Fatalf("stored %+v; want name %q, steps %q", got, "Wake up", tt.wantSteps)
			}
			if reply.Ephemeral || !strings.Contains(reply.Content, "Wake up") || reply.Embeds[0].Title != "Wake up" {
				t.Fatalf("reply = %+v", reply)
			}
		})
	}
}

func TestRoutineCreateExplainsStorageRefusals(t *testing.T) {
	cat := loadCatalog(t)
	tests := []struct {
		err  error
		want string
	}{
		{&guild.RoutineExistsError{Name: "Wake Up"}, "This server already has a routine called Wake Up."},
		{&guild.RoutineLimitError{Limit: 50}, "This server already has 50 routines"},
	}
	for _, tt := range tests {
		store := newMemoryStore("")
		store.create = func(context.Context, guild.Routine, int) (guild.Routine, error) { return guild.Routine{}, tt.err }
		_, err := routineCommand(cat, store, 0).Handle(context.Background(),
			asManager(request("create", str("name", "Wake up"), str("steps", "cat-stretch"))))
		if msg := userErrorText(t, err); !strings.HasPrefix(msg, tt.want) {
			t.Errorf("error = %q, want %q", msg, tt.want)
		}
	}
	store := newMemoryStore("")
	store.create = func(_ context.Context, _ guild.Routine, limit int) (guild.Routine, error) {
		return guild.Routine{}, fmt.Errorf("disk on fire (limit %d)", limit)
	}
	_, err := routineCommand(cat, store, 0).Handle(context.Background(),
		asManager(request("create", str("name", "Wake up"), str("steps", "cat-stretch"))))
	if _, isUser := AsUserError(err); err == nil || isUser || !strings.Contains(err.Error(), "limit 50") {
		t.Errorf("an internal failure must pass through as an internal error with the limit 50, got %v", err)
	}
}

func TestRoutineDelete(t *testing.T) {
	cat := loadCatalog(t)
	tests := []struct {
		name        string
		req         *Request
		wantDeleted string
		wantError   string
	}{
		{name: "by key from autocomplete", req: asManager(request("delete", str("name", "morning flow"))), wantDeleted: "Morning Flow"},
		{name: "built-in", req: asManager(request("delete", str("name", "desk-break"))), wantError: "Desk break is built in"},
		{name: "typo", req: asManager(request("delete", str("name", "morning flw"))),
			wantError: `No routine of this server called "morning flw". Did you mean: Morning Flow?`},
		{name: "no permission", req: request("delete", str("name", "morning flow")), wantError: "Only members with Manage Server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newMemoryStore("", morningFlow())
			reply, err := routineCommand(cat, store, 0).Handle(context.Background(), tt.req)
			if !checkAnswer(t, err, tt.wantError) {
				if len(store.deleted) != 0 {
					t.Fatalf("deleted %v", store.deleted)
				}
				return
			}
			if len(store.deleted) != 1 || store.deleted[0] != tt.wantDeleted || !strings.Contains(reply.Content, tt.wantDeleted) {
				t.Fatalf("deleted %v, reply %q; want %q", store.deleted, reply.Content, tt.wantDeleted)
			}
		})
	}
	store := newMemoryStore("", morningFlow())
	store.delete = func(context.Context, string, string) error { return guild.ErrRoutineNotFound }
	_, err := routineCommand(cat, store, 0).Handle(context.Background(), asManager(request("delete", str("name", "Morning Flow"))))
	if msg := userErrorText(t, err); msg != "Morning Flow was already deleted." {
		t.Errorf("a delete that lost a race: %q", msg)
	}
}

func TestRoutineAutocomplete(t *testing.T) {
	cat := loadCatalog(t)
	store := newMemoryStore("", morningFlow())
	cmd := routineCommand(cat, store, 0)
	tests := []struct {
		subcommand, typed string
		want              []string // values, in order
	}{
		{"show", "", []string{"morning flow", "desk-break", "bedtime-unwind", "floor-flow", "hang-progression"}},
		{"show", "mo", []string{"morning flow"}},
		{"delete", "", []string{"morning flow"}},
		{"delete", "desk", nil},
	}
	for _, tt := range tests {
		choices, err := cmd.Complete(context.Background(), autocompleteRequest(tt.subcommand, "name", tt.typed))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range choices {
			got = append(got, c.Value.(string))
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("%s %q = %v, want %v", tt.subcommand, tt.typed, got, tt.want)
		}
	}
	store.routines = func(context.Context, string) ([]guild.Routine, error) { return nil, errors.New("locked") }
	if _, err := cmd.Complete(context.Background(), autocompleteRequest("show", "name", "d")); err == nil {
		t.Error("a storage failure must surface, so the adapter logs it")
	}
}

// BenchmarkRoutineAutocomplete is one /routine show autocomplete answer through the Complete
// handler for a server holding the most custom routines (storage faked in memory, so this is
// the catalog and command cost alone).
func BenchmarkRoutineAutocomplete(b *testing.B) {
	cat := loadCatalog(b)
	var stored []guild.Routine
	for i := range maxCustomRoutines {
		stored = append(stored, guild.Routine{GuildID: "g1", Name: fmt.Sprintf("Flow number %d", i),
			Steps: "overhead-stretch 30s x3 rest 10s, childs-pose 30s, cat-stretch 20s"})
	}
	cmd := routineCommand(cat, newMemoryStore("", stored...), 0)
	queries := []string{"", "fl", "desk", "flow numbr 4", "zzqqxx"}
	i := 0
	for b.Loop() {
		if _, err := cmd.Complete(context.Background(), autocompleteRequest("show", "name", queries[i%len(queries)])); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
