package commands

import (
	"context"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/catalog"
	"github.com/stretchbot/stretchbot/render"
)

// buttons returns the buttons of a reply's first row.
func buttons(t *testing.T, r *Reply) []discordgo.Button {
	t.Helper()
	if len(r.Components) == 0 {
		return nil
	}
	var out []discordgo.Button
	for _, c := range r.Components[0].(discordgo.ActionsRow).Components {
		out = append(out, c.(discordgo.Button))
	}
	return out
}

func TestExercisesLists(t *testing.T) {
	cat := loadCatalog(t)
	cmd := exercisesCommand(cat)
	all := len(cat.Exercises())
	tests := []struct {
		name        string
		opts        []*option
		contains    []string
		notContains []string
		wantNext    string // custom ID of Next, "" for a single page
	}{
		{name: "everything", contains: []string{"`overhead-stretch`", "Page 1 of 2"},
			wantNext: "exercises/page/2/-/-"},
		{name: "one category", opts: []*option{str("category", "household-furniture")},
			contains: []string{"Category: Household furniture", "`edge-of-bed-stretch`"}, notContains: []string{"`dead-hang`"}},
		{name: "equipment alternative", opts: []*option{str("equipment", "pull-up bar")},
			contains: []string{"Equipment: pull-up bar", "`dead-hang`"}, notContains: []string{"`childs-pose`"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reply, err := cmd.Handle(context.Background(), request("", tt.opts...))
			if err != nil {
				t.Fatal(err)
			}
			e := reply.Embeds[0]
			text := e.Description + "\n" + e.Footer.Text
			for _, want := range tt.contains {
				if !strings.Contains(text, want) {
					t.Errorf("lacks %q:\n%s", want, text)
				}
			}
			for _, unwanted := range tt.notContains {
				if strings.Contains(text, unwanted) {
					t.Errorf("should not show %q:\n%s", unwanted, text)
				}
			}
			bs := buttons(t, reply)
			if tt.wantNext == "" && bs != nil || tt.wantNext != "" && (len(bs) != 2 || bs[1].CustomID != tt.wantNext) {
				t.Errorf("buttons = %+v, want Next %q", bs, tt.wantNext)
			}
			if reply.Ephemeral || reply.Update {
				t.Errorf("a fresh list is public and new: %+v", reply)
			}
		})
	}
	if all <= render.ExercisesPerPage {
		t.Fatalf("the catalog has %d exercises; the paging case above expects more than one page", all)
	}
}

func TestExercisesRefusesWhatMatchesNothing(t *testing.T) {
	cmd := exercisesCommand(loadCatalog(t))
	tests := []struct {
		opts []*option
		want string
	}{
		{[]*option{str("category", "no-equipment"), str("equipment", "inversion table")},
			"No exercise matches Category: No equipment · Equipment: inversion table."},
		{[]*option{str("category", "spaceship")}, `No category called "spaceship". Pick one of the choices.`},
		{[]*option{str("equipment", "@everyone")}, "No exercise matches Equipment: @\u200beveryone."},
	}
	for _, tt := range tests {
		_, err := cmd.Handle(context.Background(), request("", tt.opts...))
		if msg := userErrorText(t, err); !strings.HasPrefix(msg, tt.want) {
			t.Errorf("error = %q, want %q", msg, tt.want)
		}
	}
}

func TestExercisesPageButtons(t *testing.T) {
	cat := loadCatalog(t)
	cmd := exercisesCommand(cat)
	click := cmd.Components[0]
	if click.Pattern != exercisesPagePattern {
		t.Fatalf("pattern = %q", click.Pattern)
	}
	tests := []struct {
		name       string
		params     map[string]string
		wantFooter string
		wantError  bool
	}{
		{"second page", map[string]string{"page": "2", "category": noFilter, "equipment": noFilter}, "Page 2 of 2", false},
		{"past the end shows the last", map[string]string{"page": "7", "category": noFilter, "equipment": noFilter}, "Page 2 of 2", false},
		{"filters", map[string]string{"page": "1", "category": "equipment", "equipment": "pull-up-bar"}, "Page 1 of 1", false},
		{"not a page", map[string]string{"page": "two", "category": noFilter, "equipment": noFilter}, "", true},
		{"unknown category", map[string]string{"page": "1", "category": "gone", "equipment": noFilter}, "", true},
		{"unknown equipment", map[string]string{"page": "1", "category": noFilter, "equipment": "hoverboard"}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := request("")
			req.Params = tt.params
			reply, err := click.Handle(context.Background(), req)
			if tt.wantError {
				if msg := userErrorText(t, err); msg != staleList {
					t.Fatalf("error = %q", msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reply.Update || len(reply.Embeds) != 1 || !strings.HasPrefix(reply.Embeds[0].Footer.Text, tt.wantFooter) {
				t.Fatalf("reply: update %v, footer %q; want an update showing %q", reply.Update, reply.Embeds[0].Footer.Text, tt.wantFooter)
			}
		})
	}
}

// TestPageIDsRoundTrip checks, for every category and equipment choice, that a page ID
// fits Discord's 100 characters, matches the router's pattern (no empty segment) and reads
// back to the same filter.
func TestPageIDsRoundTrip(t *testing.T) {
	cat := loadCatalog(t)
	categories := append([]string{""}, choiceValues(cat.CategoryChoices())...)
	equipment := append([]string{""}, choiceValues(cat.EquipmentChoices())...)
	pattern := strings.Split(exercisesPagePattern, "/")
	for _, c := range categories {
		for _, e := range equipment {
			f := exerciseFilter{category: c, equipment: e}
			id := f.pageID(999)
			segments := strings.Split(id, "/")
			if utf8.RuneCountInString(id) > render.CustomIDMax || len(segments) != len(pattern) || slices.Contains(segments, "") {
				t.Errorf("page ID %q does not fit the pattern %q in %d characters", id, exercisesPagePattern, render.CustomIDMax)
				continue
			}
			got, page, ok := parsePageParams(cat, map[string]string{"page": segments[2], "category": segments[3], "equipment": segments[4]})
			if !ok || got != f || page != 999 {
				t.Errorf("%q read back as %+v page %d (ok %v), want %+v", id, got, page, ok, f)
			}
		}
	}
}

func TestEquipmentSlug(t *testing.T) {
	tests := map[string]string{
		"pull-up bar":               "pull-up-bar",
		"Flexion-distraction Table": "flexion-distraction-table",
		"bench / couch":             "bench-couch",
		"  stool  ":                 "stool",
	}
	for in, want := range tests {
		if got := equipmentSlug(in); got != want {
			t.Errorf("equipmentSlug(%q) = %q, want %q", in, got, want)
		}
	}
	if got := equipmentSlug(strings.Repeat("long ", 40)); utf8.RuneCountInString(got) != equipmentSlugMax {
		t.Errorf("a long name's slug is %d characters, want %d", utf8.RuneCountInString(got), equipmentSlugMax)
	}
}

func choiceValues(choices []catalog.Choice) []string {
	values := make([]string, len(choices))
	for i, c := range choices {
		values[i] = c.Value
	}
	return values
}
