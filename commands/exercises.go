package commands

import (
	"context"
	"strconv"
	"strings"
	"unicode"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/catalog"
	"github.com/stretchbot/stretchbot/render"
)

// exercisesPagePattern routes the page buttons of /exercises. The ID carries the page and
// both filters, so a button on a message from before a restart still shows the right page.
const exercisesPagePattern = "exercises/page/{page}/{category}/{equipment}"

// noFilter stands for an unset filter in a custom ID; the router refuses empty segments.
const noFilter = "-"

// equipmentSlugMax keeps the longest ID ("exercises/page/999/professional-or-helper/"
// plus the equipment) within Discord's 100 characters. Two equipment names that share
// their first 50 slug characters would share a button; the catalog has none.
const equipmentSlugMax = 50

// staleList answers a page button whose filter the catalog no longer knows.
const staleList = "That list is out of date; run /exercises again."

// exerciseFilter is what /exercises narrows the list to; empty fields do not filter.
type exerciseFilter struct {
	category  string // a catalog.Category slug
	equipment string // an equipment name as in catalog.EquipmentChoices
}

// exercisesCommand is /exercises [category] [equipment]: the catalog as a list, paged with
// buttons when it is longer than render.ExercisesPerPage.
func exercisesCommand(cat *catalog.Catalog) Command {
	return Command{
		Definition: &discordgo.ApplicationCommand{
			Name:        "exercises",
			Description: "List the exercises, optionally only one category or those using some equipment",
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "category", Description: "Only this category",
					Choices: discordChoices(cat.CategoryChoices())},
				{Type: discordgo.ApplicationCommandOptionString, Name: "equipment", Description: "Only exercises that use this",
					Choices: discordChoices(cat.EquipmentChoices())},
			},
		},
		Handle: func(_ context.Context, req *Request) (*Reply, error) {
			f := exerciseFilter{category: req.String("category"), equipment: req.String("equipment")}
			if f.category != "" && catalog.Category(f.category).Label() == "" {
				return nil, notFound("category", f.category, nil, "Pick one of the choices.")
			}
			return exerciseListReply(cat, f, 1, false)
		},
		Components: []Component{{
			Pattern: exercisesPagePattern,
			Handle: func(_ context.Context, req *Request) (*Reply, error) {
				f, page, ok := parsePageParams(cat, req.Params)
				if !ok {
					return nil, Userf(staleList)
				}
				return exerciseListReply(cat, f, page, true)
			},
		}},
	}
}

// exerciseListReply is the whole /exercises message at page: the embed and its page
// buttons. update answers a button click by replacing the clicked message.
func exerciseListReply(cat *catalog.Catalog, f exerciseFilter, page int, update bool) (*Reply, error) {
	list := cat.List(f.category, f.equipment)
	if len(list) == 0 {
		return nil, Userf("No exercise matches %s. Try /exercises with fewer filters.", f.describe())
	}
	pages := render.PageCount(len(list))
	page = min(max(page, 1), pages)
	return &Reply{
		Embeds:     []*discordgo.MessageEmbed{render.ExerciseList(list, f.describe(), page)},
		Components: render.PageButtons(page, pages, f.pageID),
		Update:     update,
	}, nil
}

// describe names the active filters in words, "" when there are none.
func (f exerciseFilter) describe() string {
	var parts []string
	if f.category != "" {
		parts = append(parts, "Category: "+catalog.Category(f.category).Label())
	}
	if f.equipment != "" {
		// Discord checks the value against the choices, but the interaction is still user input.
		parts = append(parts, "Equipment: "+render.Escape(render.Truncate(f.equipment, queryMax)))
	}
	return strings.Join(parts, " · ")
}

// pageID is the custom ID of the button that shows page of this filtered list.
func (f exerciseFilter) pageID(page int) string {
	return render.FillID(exercisesPagePattern, strconv.Itoa(page), orNoFilter(f.category), orNoFilter(equipmentSlug(f.equipment)))
}

func orNoFilter(s string) string {
	if s == "" {
		return noFilter
	}
	return s
}

// parsePageParams reads a page button's ID back. It fails when the page is not a number
// or a filter names nothing the catalog knows (any more).
func parsePageParams(cat *catalog.Catalog, params map[string]string) (exerciseFilter, int, bool) {
	page, err := strconv.Atoi(params["page"])
	if err != nil {
		return exerciseFilter{}, 0, false
	}
	var f exerciseFilter
	if c := params["category"]; c != noFilter {
		if catalog.Category(c).Label() == "" {
			return exerciseFilter{}, 0, false
		}
		f.category = c
	}
	if slug := params["equipment"]; slug != noFilter {
		if f.equipment = equipmentBySlug(cat, slug); f.equipment == "" {
			return exerciseFilter{}, 0, false
		}
	}
	return f, page, true
}

// equipmentSlug writes an equipment name for a custom ID: lower case letters and digits,
// every other run of characters one hyphen ("pull-up bar" -> "pull-up-bar"), cut to
// equipmentSlugMax. A slash can never appear, so the ID stays one path segment.
func equipmentSlug(name string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
			continue
		}
		hyphen = true
	}
	return render.Truncate(b.String(), equipmentSlugMax)
}

// equipmentBySlug finds the equipment name whose slug is slug, or "".
func equipmentBySlug(cat *catalog.Catalog, slug string) string {
	for _, c := range cat.EquipmentChoices() {
		if equipmentSlug(c.Value) == slug {
			return c.Value
		}
	}
	return ""
}
