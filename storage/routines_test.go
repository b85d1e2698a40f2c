package storage

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchbot/stretchbot/guild"
)

func morningFlow(guildID string) guild.Routine {
	return guild.Routine{GuildID: guildID, Name: "Morning Flow", Steps: "childs-pose 30s, cat-stretch 20s", CreatedBy: "u1"}
}

func TestCreateRoutineAndReadItBack(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	created, err := db.CreateRoutine(ctx, morningFlow("g1"), 50)
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == 0 || !created.CreatedAt.Equal(fixedNow()) {
		t.Fatalf("created = %+v; want an ID and CreatedAt %v", created, fixedNow())
	}
	for _, name := range []string{"Morning Flow", "morning flow", "  MORNING   flow "} {
		got, err := db.Routine(ctx, "g1", name)
		if err != nil || got != created {
			t.Errorf("Routine(%q) = %+v, %v; want %+v", name, got, err, created)
		}
	}
	if _, err := db.Routine(ctx, "g2", "Morning Flow"); !errors.Is(err, guild.ErrRoutineNotFound) {
		t.Errorf("another server sees the routine: err = %v", err)
	}
	list, err := db.Routines(ctx, "g1")
	if err != nil || len(list) != 1 || list[0] != created {
		t.Errorf("Routines = %+v, %v", list, err)
	}
}

func TestCreateRoutineRefusesDuplicatesPerServer(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	if _, err := db.CreateRoutine(ctx, morningFlow("g1"), 50); err != nil {
		t.Fatal(err)
	}
	dup := morningFlow("g1")
	dup.Name = "morning  FLOW"
	_, err := db.CreateRoutine(ctx, dup, 50)
	var exists *guild.RoutineExistsError
	if !errors.As(err, &exists) || exists.Name != "Morning Flow" {
		t.Fatalf("duplicate: err = %v; want *guild.RoutineExistsError naming %q", err, "Morning Flow")
	}
	if _, err := db.CreateRoutine(ctx, morningFlow("g2"), 50); err != nil {
		t.Fatalf("the same name in another server: %v", err)
	}
}

func TestCreateRoutineEnforcesTheLimit(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	for i := range 3 {
		r := morningFlow("g1")
		r.Name = fmt.Sprintf("Flow %d", i)
		if _, err := db.CreateRoutine(ctx, r, 3); err != nil {
			t.Fatal(err)
		}
	}
	_, err := db.CreateRoutine(ctx, morningFlow("g1"), 3)
	var limit *guild.RoutineLimitError
	if !errors.As(err, &limit) || limit.Limit != 3 {
		t.Fatalf("fourth routine: err = %v; want *guild.RoutineLimitError{3}", err)
	}
	if list, _ := db.Routines(ctx, "g1"); len(list) != 3 {
		t.Fatalf("%d routines stored; want 3", len(list))
	}
}

// TestCreateRoutineConcurrentlyKeepsTheLimit races more creators than the limit allows:
// checks and insert share one write transaction, so exactly limit of them win.
func TestCreateRoutineConcurrentlyKeepsTheLimit(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	const limit, creators = 5, 12
	var wg sync.WaitGroup
	errs := make(chan error, creators)
	for i := range creators {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := morningFlow("g1")
			r.Name = fmt.Sprintf("Flow %d", i)
			_, err := db.CreateRoutine(ctx, r, limit)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	won, refused := 0, 0
	for err := range errs {
		var l *guild.RoutineLimitError
		switch {
		case err == nil:
			won++
		case errors.As(err, &l):
			refused++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if won != limit || refused != creators-limit {
		t.Fatalf("%d created, %d refused; want %d and %d", won, refused, limit, creators-limit)
	}
}

func TestDeleteRoutine(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	if _, err := db.CreateRoutine(ctx, morningFlow("g1"), 50); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteRoutine(ctx, "g2", "Morning Flow"); !errors.Is(err, guild.ErrRoutineNotFound) {
		t.Fatalf("delete from another server: err = %v; want guild.ErrRoutineNotFound", err)
	}
	if err := db.DeleteRoutine(ctx, "g1", "MORNING flow"); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteRoutine(ctx, "g1", "Morning Flow"); !errors.Is(err, guild.ErrRoutineNotFound) {
		t.Fatalf("second delete: err = %v; want guild.ErrRoutineNotFound", err)
	}
	if list, err := db.Routines(ctx, "g1"); err != nil || len(list) != 0 {
		t.Fatalf("after delete: %+v, %v", list, err)
	}
}

func TestRoutineNameIsCheckedByTheSchema(t *testing.T) {
	db := openTemp(t)
	r := morningFlow("g1")
	r.Name = "This name is far too long to be a routine name, by a lot"
	if _, err := db.CreateRoutine(context.Background(), r, 50); err == nil {
		t.Fatal("a 56-character name was stored; the CHECK constraint should refuse it")
	}
}
