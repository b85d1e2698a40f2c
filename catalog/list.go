package catalog

import (
	"slices"
	"strings"
)

// List returns the exercises for /exercises [category] [equipment], in catalog order. An
// empty argument does not filter. equipment matches any one alternative of an exercise's
// needed or optional equipment ("couch" matches "bench, couch or chair"), ignoring case
// and punctuation. Values that match nothing give an empty list.
func (c *Catalog) List(category, equipment string) []*Exercise {
	want := normalize(equipment)
	var out []*Exercise
	for _, ex := range c.exercises {
		if category != "" && string(ex.Category) != category {
			continue
		}
		if want != "" && !slices.Contains(normalizedEquipment(ex), want) {
			continue
		}
		out = append(out, ex)
	}
	return out
}

// CategoryChoices lists the categories as slash-command choices (label, slug), least setup
// first.
func (c *Catalog) CategoryChoices() []Choice {
	var choices []Choice
	for _, cat := range categories() {
		choices = append(choices, Choice{Name: cat.Label(), Value: string(cat)})
	}
	return choices
}

// EquipmentChoices lists every piece of equipment the catalog mentions, one choice per
// alternative, sorted by name, as slash-command choices. Load guarantees there are at most
// MaxChoices. Name and Value are the same text; List accepts it.
func (c *Catalog) EquipmentChoices() []Choice {
	seen := map[string]bool{}
	var names []string
	for _, ex := range c.exercises {
		for _, item := range slices.Concat(ex.Equipment, ex.OptionalEquipment) {
			for _, option := range equipmentOptions(item) {
				if key := normalize(option); !seen[key] {
					seen[key] = true
					names = append(names, option)
				}
			}
		}
	}
	slices.Sort(names)
	choices := make([]Choice, len(names))
	for i, n := range names {
		choices[i] = Choice{Name: n, Value: n}
	}
	return choices
}

// equipmentOptions splits an equipment item into its alternatives: "bench, couch or chair"
// -> bench, couch, chair. The data writes alternatives that way so an exercise is found
// under each.
func equipmentOptions(item string) []string {
	var options []string
	for _, part := range strings.Split(item, ",") {
		for _, option := range strings.Split(part, " or ") {
			if option = strings.TrimSpace(option); option != "" {
				options = append(options, option)
			}
		}
	}
	return options
}

func normalizedEquipment(ex *Exercise) []string {
	var keys []string
	for _, item := range slices.Concat(ex.Equipment, ex.OptionalEquipment) {
		for _, option := range equipmentOptions(item) {
			keys = append(keys, normalize(option))
		}
	}
	return keys
}
