package commands

import (
	"context"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/catalog"
	"github.com/stretchbot/stretchbot/catalog/seedtest"
	"github.com/stretchbot/stretchbot/render"
)

// /help and /safety are in the project's own words: no run of catalog.OwnWordsRun words
// matches a source text (whose titles they may cite).
func TestHelpAndSafetyAreInOwnWords(t *testing.T) {
	seeds := seedtest.Texts(t)
	cat := loadCatalog(t)
	cmds := All(Deps{Catalog: cat})
	var helpCmd Command
	for _, c := range cmds {
		if c.Definition.Name == "help" {
			helpCmd = c
		}
	}
	reply, err := helpCmd.Handle(context.Background(), &Request{})
	if err != nil {
		t.Fatal(err)
	}
	texts := map[string]string{"/safety": shownText(render.Safety(cat))}
	for _, e := range reply.Embeds {
		texts["/help"] += shownText(e)
	}
	for where, text := range texts {
		// Source titles are citations, not the project's text.
		for _, src := range cat.Sources() {
			text = strings.ReplaceAll(text, src.Title, "")
		}
		// Line by line: a run across two lines is not a sentence anyone reads.
		for _, line := range strings.Split(text, "\n") {
			for _, run := range catalog.SharedRuns(line, seeds, catalog.OwnWordsRun) {
				t.Errorf("%s shares %d words with a source text: %q", where, len(strings.Fields(run)), run)
			}
		}
	}
}

// shownText is every piece of text an embed shows, one per line.
func shownText(e *discordgo.MessageEmbed) string {
	parts := []string{e.Title, e.Description}
	for _, f := range e.Fields {
		parts = append(parts, f.Name, f.Value)
	}
	if e.Footer != nil {
		parts = append(parts, e.Footer.Text)
	}
	return strings.Join(parts, "\n")
}

// /help states the rule for everyone: never without a professional's go-ahead, stop at pain;
// no "especially" that would make it sound optional for some.
func TestHelpStatesTheSafetyRuleForEveryone(t *testing.T) {
	h := help(nil)
	reply, err := h.Handle(context.Background(), &Request{})
	if err != nil {
		t.Fatal(err)
	}
	footer := reply.Embeds[0].Footer.Text
	for _, want := range []string{"Never", "healthcare professional's go-ahead", "stop at once if anything hurts"} {
		if !strings.Contains(footer, want) {
			t.Errorf("help footer %q lacks %q", footer, want)
		}
	}
	if strings.Contains(strings.ToLower(footer), "especially") {
		t.Errorf("help footer %q limits the rule to some members", footer)
	}
}
