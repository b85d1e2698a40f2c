package catalog_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchbot/stretchbot/catalog"
	"github.com/stretchbot/stretchbot/catalog/seedtest"
)

// The catalog copies facts from the source texts, not sentences: no passage it shows may
// share OwnWordsRun words in a row with one of them.
func TestCatalogIsInItsOwnWords(t *testing.T) {
	seeds := seedtest.Texts(t)
	cat, err := catalog.Load("")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range cat.Passages() {
		for _, run := range catalog.SharedRuns(p.Text, seeds, catalog.OwnWordsRun) {
			t.Errorf("%s shares %d words with a source text: %q", p.Where, len(strings.Fields(run)), run)
		}
	}
}

func TestSharedRuns(t *testing.T) {
	seeds := []string{
		"Hold for 20 to 30 seconds, breathing deeply. Rest as needed and repeat 3–4 times.",
		"Child’s pose is a resting pose for the whole back and the hips",
	}
	tests := []struct {
		name, text string
		n          int
		want       []string
	}{
		{"own words", "Stay there for half a minute and breathe slowly.", 8, nil},
		{"seven words are fine", "Then hold for 20 to 30 seconds, breathing, smiling.", 8, nil},
		{"eight words", "Now hold for 20 to 30 seconds, breathing deeply!", 8,
			[]string{"hold for 20 to 30 seconds breathing deeply"}},
		{"a run is reported whole", "x: for 20 to 30 seconds breathing deeply rest as needed, y", 8,
			[]string{"for 20 to 30 seconds breathing deeply rest as needed"}},
		{"two runs", "hold for 20 to 30 seconds breathing deeply. And: is a resting pose for the whole back and", 8,
			[]string{"hold for 20 to 30 seconds breathing deeply", "is a resting pose for the whole back and"}},
		{"apostrophes and case", "CHILD'S POSE IS A RESTING POSE FOR THE", 8,
			[]string{"childs pose is a resting pose for the"}},
		{"punctuation breaks words", "repeat 3-4 times", 3, []string{"repeat 3 4 times"}},
		{"no run across two seeds", "breathing deeply child’s pose is a resting pose", 8, nil},
		{"n below one", "hold for 20", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := catalog.SharedRuns(tt.text, seeds, tt.n); !slices.Equal(got, tt.want) {
				t.Errorf("SharedRuns(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestPassagesCoverEveryKindOfText(t *testing.T) {
	cat, err := catalog.Load("")
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, p := range cat.Passages() {
		if strings.TrimSpace(p.Text) == "" {
			continue
		}
		if fields := strings.Fields(p.Where); len(fields) >= 3 {
			kinds[fields[0]+" "+fields[2]] = true
		} else {
			kinds[p.Where] = true
		}
	}
	for _, want := range []string{"exercise name", "exercise summary", "exercise step", "exercise caution", "exercise dosage", "exercise view",
		"routine name", "routine description", "tip title", "tip body", "safety title", "safety body", "safety every_exercise", "safety caution", "general rule"} {
		if !kinds[want] {
			t.Errorf("Passages() has no %s; have %v", want, kinds)
		}
	}
}
