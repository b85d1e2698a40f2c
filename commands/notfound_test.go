package commands

import (
	"strings"
	"testing"
)

func TestNotFoundKeepsEachSuggestedNameWhole(t *testing.T) {
	tests := []struct {
		name        string
		suggestions []string
		want        string
	}{
		{"plain names", []string{"Dead hang", "Assisted dead hang from a stool"},
			`No exercise called "x". Did you mean: Dead hang, Assisted dead hang from a stool?`},
		{"a name with a comma", []string{"Exercise-ball stretch, face down", "Exercise-ball stretch, face up", "Cat stretch"},
			`No exercise called "x". Did you mean: Exercise-ball stretch, face down · Exercise-ball stretch, face up · Cat stretch?`},
		{"commas and dots", []string{"Neck, gently", "Back · slowly"},
			"No exercise called \"x\". Did you mean one of these?\n- Neck, gently\n- Back · slowly"},
		{"one name", []string{"Exercise-ball stretch, face down"},
			`No exercise called "x". Did you mean: Exercise-ball stretch, face down?`},
		{"none", nil, `No exercise called "x". See the list.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := userErrorText(t, notFound("exercise", " x ", tt.suggestions, "See the list.")); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestUnknownExerciseListsCatalogNamesWhole asks the real catalog for names that match
// several exercises, whatever they are called, and checks each suggestion can be read
// back from the answer on its own.
func TestUnknownExerciseListsCatalogNamesWhole(t *testing.T) {
	cat := loadCatalog(t)
	for _, q := range []string{"exercise bal", "stretch", "hang", "ball stretch face"} {
		_, suggestions := cat.ResolveExercise(q, suggestionsShown)
		if len(suggestions) < 2 {
			continue
		}
		names := exerciseNames(suggestions)
		msg := userErrorText(t, notFound("exercise", q, names, ""))
		_, list, _ := strings.Cut(msg, "Did you mean")
		var parts []string
		switch {
		case strings.HasPrefix(list, ": ") && strings.Contains(list, " · "):
			parts = strings.Split(strings.TrimSuffix(strings.TrimPrefix(list, ": "), "?"), " · ")
		case strings.HasPrefix(list, ": "):
			parts = strings.Split(strings.TrimSuffix(strings.TrimPrefix(list, ": "), "?"), ", ")
		default:
			parts = strings.Split(strings.TrimPrefix(list, " one of these?\n- "), "\n- ")
		}
		if strings.Join(parts, "|") != strings.Join(names, "|") {
			t.Errorf("%q: the answer %q reads as %q, want %q", q, msg, parts, names)
		}
	}
}
