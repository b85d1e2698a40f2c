package catalog

import (
	"strconv"
	"strings"
	"unicode"
)

// OwnWordsRun is how many words in a row the catalog, /help and /safety may share with a
// source text before the passage counts as copied: the catalog copies facts, not sentences.
const OwnWordsRun = 8

// SharedRuns returns every run of at least n consecutive words of text that also occurs,
// word for word, in one of seeds, longest runs whole (overlapping matches are merged). Words
// are compared normalized: lowercase, apostrophes dropped, any other punctuation a break
// between words, so "Child’s pose: 20-30 s" reads as "childs pose 20 30 s".
func SharedRuns(text string, seeds []string, n int) []string {
	if n < 1 {
		return nil
	}
	grams := map[string]bool{}
	for _, seed := range seeds {
		words := normalizedWords(seed)
		for i := 0; i+n <= len(words); i++ {
			grams[strings.Join(words[i:i+n], " ")] = true
		}
	}
	words := normalizedWords(text)
	var runs []string
	start, end := -1, -1 // the run being grown: words[start:end]
	for i := 0; i+n <= len(words); i++ {
		if !grams[strings.Join(words[i:i+n], " ")] {
			continue
		}
		if start >= 0 && i <= end {
			end = i + n
			continue
		}
		if start >= 0 {
			runs = append(runs, strings.Join(words[start:end], " "))
		}
		start, end = i, i+n
	}
	if start >= 0 {
		runs = append(runs, strings.Join(words[start:end], " "))
	}
	return runs
}

// normalizedWords splits s into lowercase words of letters and digits, dropping apostrophes.
func normalizedWords(s string) []string {
	s = strings.NewReplacer("'", "", "’", "", "‘", "").Replace(strings.ToLower(s))
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// Passage is one piece of the catalog's own text, named for a report: "exercise
// childs-pose step 2".
type Passage struct {
	Where, Text string
}

// Passages lists every piece of text the catalog shows members: names, summaries, steps,
// cautions, dosage notes and what each source says of exercises; routine names and
// descriptions; tips; safety notes and the general rule. Tests compare them with the source
// texts.
func (c *Catalog) Passages() []Passage {
	var out []Passage
	add := func(where string, texts ...string) {
		for i, t := range texts {
			w := where
			if len(texts) > 1 {
				w = where + " " + strconv.Itoa(i+1)
			}
			out = append(out, Passage{w, t})
		}
	}
	add("general rule", c.generalRule)
	for _, n := range c.safety {
		w := "safety " + n.ID
		add(w+" title", n.Title)
		add(w+" body", n.Body...)
		add(w+" every_exercise", n.EveryExercise)
		add(w+" caution", n.Caution)
	}
	for _, t := range c.tips {
		add("tip "+t.ID+" title", t.Title)
		add("tip "+t.ID+" body", t.Body...)
	}
	for _, ex := range c.exercises {
		w := "exercise " + ex.ID
		add(w+" name", ex.Name)
		add(w+" aliases", ex.Aliases...)
		add(w+" summary", ex.Summary)
		add(w+" step", ex.Steps...)
		add(w+" caution", ex.Cautions...)
		for _, d := range ex.Dosage {
			add(w+" dosage ("+d.Source+")", d.String())
		}
		for _, v := range ex.Views {
			add(w+" view ("+v.Source+")", v.Text)
		}
	}
	for _, r := range c.routines {
		add("routine "+r.ID+" name", r.Name)
		add("routine "+r.ID+" description", r.Description)
	}
	return out
}
