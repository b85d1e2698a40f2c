package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/catalog"
	"github.com/stretchbot/stretchbot/guild"
	"github.com/stretchbot/stretchbot/render"
	"github.com/stretchbot/stretchbot/storage"
)

// maxCustomRoutines is how many routines one server may keep: enough for any group, few
// enough that /routine list and autocomplete stay short and fast.
const maxCustomRoutines = 50

// stepsTextMax bounds the steps option; catalog.MaxRoutineSteps steps of a long name each fit.
const stepsTextMax = 2000

// routineStore is what /routine needs from storage.
type routineStore interface {
	Routines(ctx context.Context, guildID string) ([]guild.Routine, error)
	CreateRoutine(ctx context.Context, r guild.Routine, limit int) (guild.Routine, error)
	DeleteRoutine(ctx context.Context, guildID, name string) error
	GuildSettings(ctx context.Context, guildID string) (guild.Settings, error)
}

var _ routineStore = (*storage.DB)(nil)

// routines answers /routine: list, show, create and delete over the built-in routines and
// the server's own.
type routines struct {
	cat     *catalog.Catalog
	store   routineStore
	prepGap time.Duration // session.prep_gap, counted into every total time
}

// routineCommand is /routine. Anyone may list and show; only members with Manage Server or
// the server's host role may create and delete. The bot checks that itself, because
// Discord's command permissions apply to /routine as a whole and a server can change them.
func routineCommand(cat *catalog.Catalog, store routineStore, prepGap time.Duration) Command {
	r := &routines{cat: cat, store: store, prepGap: prepGap}
	handle := bySubcommand("routine", map[string]Handler{"list": r.list, "show": r.show, "create": r.create, "delete": r.delete})
	return Command{Definition: routineDefinition(), Handle: handle, Complete: r.complete}
}

func routineDefinition() *discordgo.ApplicationCommand {
	minName := 1
	newName := requiredString("name", "Its name, up to 50 characters")
	newName.MinLength, newName.MaxLength = &minName, guild.RoutineNameMax
	steps := requiredString("steps", "Like: overhead-stretch 30s x3 rest 10s, childs-pose 30s, cat-stretch 20s")
	steps.MaxLength = stepsTextMax
	return &discordgo.ApplicationCommand{
		Name:        "routine",
		Description: "Built-in routines and this server's own",
		Options: []*discordgo.ApplicationCommandOption{
			subcommand("list", "List the built-in routines and this server's own"),
			subcommand("show", "Show a routine's steps and total time", routineNameOption("The routine; start typing to search")),
			subcommand("create", "Save a routine for this server (Manage Server or the host role)", newName, steps),
			subcommand("delete", "Delete one of this server's routines (Manage Server or the host role)",
				routineNameOption("The routine to delete")),
		},
	}
}

// routineNameOption is the autocompleted name option of show and delete.
func routineNameOption(description string) *discordgo.ApplicationCommandOption {
	o := requiredString("name", description)
	o.Autocomplete, o.MaxLength = true, queryMax
	return o
}

// complete offers built-in and custom routines for show, and only custom ones for delete.
func (r *routines) complete(ctx context.Context, req *Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
	custom, err := r.customNames(ctx, req.GuildID)
	if err != nil {
		return nil, err
	}
	choices := r.cat.CompleteRoutines(req.String(req.Focused), catalog.MaxChoices, custom)
	if req.Subcommand == "delete" {
		choices = choicesAmongCustom(choices, custom)
	}
	return discordChoices(choices), nil
}

// choicesAmongCustom keeps the choices that name one of the server's own routines.
func choicesAmongCustom(choices []catalog.Choice, custom []catalog.Routine) []catalog.Choice {
	var out []catalog.Choice
	for _, c := range choices {
		if slices.ContainsFunc(custom, func(r catalog.Routine) bool { return r.ID == c.Value }) {
			out = append(out, c)
		}
	}
	return out
}

func (r *routines) list(ctx context.Context, req *Request) (*Reply, error) {
	custom, err := r.custom(ctx, req.GuildID)
	if err != nil {
		return nil, err
	}
	return &Reply{Embeds: []*discordgo.MessageEmbed{render.RoutineList(r.cat.Routines(), custom, r.prepGap)}}, nil
}

func (r *routines) show(ctx context.Context, req *Request) (*Reply, error) {
	custom, err := r.custom(ctx, req.GuildID)
	if err != nil {
		return nil, err
	}
	query := req.String("name")
	found, suggestions := r.cat.ResolveRoutine(query, suggestionsShown, custom)
	if found == nil {
		return nil, notFound("routine", query, routineNames(suggestions), "/routine list shows them all.")
	}
	return &Reply{Embeds: []*discordgo.MessageEmbed{render.Routine(r.cat, found, r.prepGap)}}, nil
}

// create validates the name and the steps, then stores the steps in canonical form. A name
// may not match a built-in routine (by id or name) nor another of the server's routines,
// with the catalog's forgiving matching, so every name finds exactly one routine.
func (r *routines) create(ctx context.Context, req *Request) (*Reply, error) {
	if err := r.mayManage(ctx, req); err != nil {
		return nil, err
	}
	name, err := routineName(req.String("name"))
	if err != nil {
		return nil, err
	}
	steps, err := catalog.ParseSteps(req.String("steps"), r.cat)
	if err != nil {
		return nil, stepsError(err)
	}
	if builtIn, ok := r.cat.Routine(name, nil); ok {
		return nil, Userf("%s is a built-in routine; pick another name.", render.RoutineName(builtIn.Name))
	}
	custom, err := r.customNames(ctx, req.GuildID)
	if err != nil {
		return nil, err
	}
	if same, ok := r.cat.Routine(name, custom); ok {
		return nil, alreadyExists(same.Name)
	}
	stored, err := r.store.CreateRoutine(ctx, guild.Routine{GuildID: req.GuildID, Name: name,
		Steps: catalog.FormatSteps(steps), CreatedBy: req.Member.ID}, maxCustomRoutines)
	if err := createError(err); err != nil {
		return nil, err
	}
	saved := catalog.Routine{ID: guild.RoutineKey(stored.Name), Name: stored.Name, Steps: steps}
	return &Reply{
		Content: fmt.Sprintf("Saved the routine %s for this server.", render.RoutineName(saved.Name)),
		Embeds:  []*discordgo.MessageEmbed{render.Routine(r.cat, &saved, r.prepGap)},
	}, nil
}

// createError explains the storage refusals a member can fix; others pass through.
func createError(err error) error {
	var exists *guild.RoutineExistsError
	var full *guild.RoutineLimitError
	switch {
	case errors.As(err, &exists):
		return alreadyExists(exists.Name)
	case errors.As(err, &full):
		return Userf("This server already has %d routines, the most it can keep; delete one with /routine delete first.", full.Limit)
	}
	return err
}

// alreadyExists refuses a second routine whose name matches name.
func alreadyExists(name string) error {
	return Userf("This server already has a routine called %s.", render.RoutineName(name))
}

// stepsError shows a step-syntax mistake as is (it names the bad part); the member's text
// inside it is neutralized like any other user text. Escaping at most doubles the length,
// so cutting to half of ContentMax first keeps the message within Discord's limit.
func stepsError(err error) error {
	var stepErr *catalog.StepError
	if errors.As(err, &stepErr) {
		return Userf("%s", render.Escape(render.Truncate(stepErr.Error(), render.ContentMax/2)))
	}
	return err
}

func (r *routines) delete(ctx context.Context, req *Request) (*Reply, error) {
	if err := r.mayManage(ctx, req); err != nil {
		return nil, err
	}
	query := req.String("name")
	if builtIn, ok := r.cat.Routine(query, nil); ok {
		return nil, Userf("%s is built in and cannot be deleted.", render.RoutineName(builtIn.Name))
	}
	custom, err := r.customNames(ctx, req.GuildID)
	if err != nil {
		return nil, err
	}
	found, ok := r.cat.Routine(query, custom)
	if !ok {
		suggestions := r.cat.SuggestRoutines(query, suggestionsShown, custom)
		return nil, notFound("routine of this server", query, routineNames(withoutBuiltIns(r.cat, suggestions)), "/routine list shows them all.")
	}
	if err := r.store.DeleteRoutine(ctx, req.GuildID, found.Name); errors.Is(err, guild.ErrRoutineNotFound) {
		return nil, Userf("%s was already deleted.", render.RoutineName(found.Name))
	} else if err != nil {
		return nil, err
	}
	return &Reply{Content: fmt.Sprintf("Deleted the routine %s.", render.RoutineName(found.Name))}, nil
}

// withoutBuiltIns drops the built-in routines from rs.
func withoutBuiltIns(cat *catalog.Catalog, rs []*catalog.Routine) []*catalog.Routine {
	var out []*catalog.Routine
	for _, r := range rs {
		if _, builtIn := cat.Routine(r.ID, nil); !builtIn {
			out = append(out, r)
		}
	}
	return out
}

// mayManage lets members with Manage Server, or the server's host role, change its routines.
func (r *routines) mayManage(ctx context.Context, req *Request) error {
	if req.GuildID == "" {
		return Userf("Routines belong to a server; use this command in one.")
	}
	return requireManager(ctx, r.store, req, "this server's routines")
}

// routineName tidies a name (single spaces, no line breaks) and checks its length. A name
// is shown to everyone and matched by what it looks like, so it may not hide anything:
// control and invisible formatting characters left after tidying are refused.
func routineName(raw string) (string, error) {
	name := strings.Join(strings.Fields(raw), " ")
	if n := utf8.RuneCountInString(name); n < 1 || n > guild.RoutineNameMax {
		return "", Userf("A routine name has 1 to %d characters; that one has %d.", guild.RoutineNameMax, n)
	}
	if r, found := invisibleRune(name); found {
		return "", Userf("A routine name can't contain control or invisible formatting characters (found %U).", r)
	}
	return name, nil
}

// customNames returns the server's routines in catalog form with names but no steps (none
// outside a server): enough to find one by name, and cheap enough for every keystroke of
// autocomplete, where parsing every routine's steps would be wasted.
func (r *routines) customNames(ctx context.Context, guildID string) ([]catalog.Routine, error) {
	return r.converted(ctx, guildID, named)
}

// custom is customNames with the steps parsed (see withSteps).
func (r *routines) custom(ctx context.Context, guildID string) ([]catalog.Routine, error) {
	return r.converted(ctx, guildID, r.withSteps)
}

// converted reads the server's routines and converts each with convert.
func (r *routines) converted(ctx context.Context, guildID string, convert func(guild.Routine) catalog.Routine) ([]catalog.Routine, error) {
	stored, err := r.stored(ctx, guildID)
	out := make([]catalog.Routine, len(stored))
	for i, s := range stored {
		out[i] = convert(s)
	}
	return out, err
}

// withSteps is named with the stored steps parsed. A routine whose steps no longer parse,
// because the operator's catalog changed, keeps no steps, and its Description says what is
// wrong, so members can still see and delete it.
func (r *routines) withSteps(s guild.Routine) catalog.Routine {
	out := named(s)
	steps, err := catalog.ParseSteps(s.Steps, r.cat)
	if err != nil {
		out.Description = fmt.Sprintf("Cannot be used any more (%v); delete it and create it again.", err)
	}
	out.Steps = steps
	return out
}

// stored reads the server's routines; outside a server there are none.
func (r *routines) stored(ctx context.Context, guildID string) ([]guild.Routine, error) {
	if guildID == "" {
		return nil, nil
	}
	return r.store.Routines(ctx, guildID)
}

// named is a stored routine as the catalog's lookups see it; its ID is the name's key.
func named(s guild.Routine) catalog.Routine {
	return catalog.Routine{ID: guild.RoutineKey(s.Name), Name: s.Name}
}

func routineNames(rs []*catalog.Routine) []string {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = render.RoutineName(r.Name)
	}
	return names
}
