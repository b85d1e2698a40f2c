package catalog

import (
	"slices"
	"strings"
	"testing"
)

// testItems are a few entries shaped like the catalog's, with the names that once made
// typo tolerance suggest the wrong exercise.
func testItems() []searchItem {
	entries := []struct {
		id, name string
		aliases  []string
	}{
		{"dead-hang", "Dead hang", []string{"bar hang"}},
		{"assisted-dead-hang", "Assisted dead hang from a stool", []string{"stool hang"}},
		{"manual-traction", "Manual spinal traction", []string{"hands-on traction"}},
		{"ball-down", "Exercise-ball stretch, face down", []string{"ball drape"}},
		{"ball-up", "Exercise-ball stretch, face up", nil},
		{"childs-pose", "Child's pose", []string{"balasana"}},
		{"cat-stretch", "Cat stretch", []string{"cat pose"}},
		{"foam-rolling", "Foam rolling", []string{"foam roller"}},
	}
	items := make([]searchItem, len(entries))
	for i, e := range entries {
		items[i] = newSearchItem(i, e.id, e.name, e.aliases)
	}
	return items
}

func rankedIDs(query string, items []searchItem) []string {
	var out []string
	for _, h := range rank(query, MaxChoices, items) {
		out = append(out, h.item.id)
	}
	return out
}

func TestRankNeverOffersATypoBesideAWord(t *testing.T) {
	items := testItems()
	tests := []struct {
		query string
		want  []string // exactly, in order
	}{
		{"hang", []string{"dead-hang", "assisted-dead-hang"}},    // not "hands-on traction", one letter off
		{"ball", []string{"ball-down", "ball-up"}},               // not "balasana", one letter off
		{"hangs", []string{"dead-hang", "assisted-dead-hang"}},   // a plural is the word, not a typo of "hands"
		{"hanging", []string{"dead-hang", "assisted-dead-hang"}}, // so is -ing
		{"balls", []string{"ball-down", "ball-up"}},              // not "balasana"
		{"stretches", []string{"ball-down", "ball-up", "cat-stretch"}},
		{"hand", []string{"manual-traction"}},                    // a prefix of "hands-on": not a typo of "hang"
		{"bal", []string{"ball-down", "ball-up", "childs-pose"}}, // a prefix of all three
		{"hamg", []string{"dead-hang", "assisted-dead-hang"}},    // a typo, nothing closer
		{"cat strech", []string{"cat-stretch"}},                  // a typo in one word
		{"chlid pose", []string{"childs-pose"}},                  // swapped letters
		{"foam roler", []string{"foam-rolling"}},                 // a typo of an alias
		{"zzzqqxx", nil},
	}
	for _, tt := range tests {
		got := rankedIDs(tt.query, items)
		// Equal scores keep item order, so only the set matters where scores tie.
		if !sameSet(got, tt.want) {
			t.Errorf("rank(%q) = %v, want %v", tt.query, got, tt.want)
		}
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestRankKeepsOnlyTheFewestEdits(t *testing.T) {
	items := []searchItem{
		newSearchItem(0, "plank", "Plank", nil),
		newSearchItem(1, "plonk", "Plonk", nil),   // one edit from "plenk"
		newSearchItem(2, "plunge", "Plunge", nil), // two edits from "plenk"
	}
	if got := rankedIDs("plenk", items); !sameSet(got, []string{"plank", "plonk"}) {
		t.Errorf("rank(plenk) = %v, want plank and plonk, the one-edit matches only", got)
	}
}

func TestStem(t *testing.T) {
	tests := []struct {
		word, want string // want "" means no ending to drop
	}{
		{"hangs", "hang"}, {"hanging", "hang"}, {"balls", "ball"}, {"stretches", "stretch"},
		{"poses", "pose"}, {"exercises", "exercise"}, {"rolling", "roll"},
		{"hang", ""}, {"press", ""}, {"bus", ""}, {"string", ""}, {"sing", ""}, {"yoga", ""},
	}
	for _, tt := range tests {
		got, ok := stem([]rune(tt.word))
		if (tt.want == "") == ok || (ok && string(got) != tt.want) {
			t.Errorf("stem(%q) = %q, %v; want %q", tt.word, string(got), ok, tt.want)
		}
	}
}

// TestSuggestionsShareAWordWithTheQuery checks the real catalog, whatever its names: every
// exercise suggested for a whole word has a name, id or alias with a word starting with it.
func TestSuggestionsShareAWordWithTheQuery(t *testing.T) {
	c := mustLoad(t)
	for _, q := range []string{"hang", "ball", "stretch", "pose", "table", "traction", "hangs", "balls"} {
		root := q
		if r, ok := stem([]rune(q)); ok {
			root = string(r)
		}
		for _, ex := range c.Suggest(q, MaxChoices) {
			keys := append([]string{ex.ID, ex.Name}, ex.Aliases...)
			if !slices.ContainsFunc(keys, func(k string) bool { return hasWordPrefix(normalize(k), root) }) {
				t.Errorf("Suggest(%q) offers %s, which has no word starting with %q", q, ex.ID, root)
			}
		}
	}
}

func hasWordPrefix(text, prefix string) bool {
	return slices.ContainsFunc(strings.Fields(text), func(w string) bool { return strings.HasPrefix(w, prefix) })
}
