package app_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/internal/fakediscord"
)

// callback returns the accepted interaction callback the bot sent for interactionID, as
// the fake recorded it on the wire.
func (h *harness) callback(interactionID string) fakediscord.Call {
	h.t.Helper()
	for _, c := range h.fake.Calls() {
		if strings.Contains(c.Path, "/interactions/"+interactionID+"/") && c.Status < 300 {
			return c
		}
	}
	h.t.Fatalf("no accepted callback for interaction %s", interactionID)
	return fakediscord.Call{}
}

func TestExerciseLookups(t *testing.T) {
	h := startHarness(t)
	tests := []struct {
		name      string
		typed     string
		ephemeral bool
		wants     []string
	}{
		{"exact name", "Child's pose", false, []string{"Child's pose", "1. ", "Cautions", "Source"}},
		{"alias", "balasana", false, []string{"Child's pose", "Hold and reps"}},
		{"typo", "chlid pose", true, []string{`No exercise called "chlid pose". Did you mean: Child's pose`}},
		{"run together", "deadhang", true, []string{"Did you mean: Dead hang"}},
		{"unknown", "handstand pushup", true, []string{`No exercise called "handstand pushup". /exercises lists them all.`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := h.slash(alice, "exercise", fakediscord.StringOption("name", tt.typed))
			if a.Message.Ephemeral() != tt.ephemeral {
				t.Errorf("ephemeral = %v, want %v", a.Message.Ephemeral(), tt.ephemeral)
			}
			assertTextHas(t, "/exercise "+tt.typed, a.text(), tt.wants...)
			assertNoMentions(t, a.Message)
		})
	}
	private := h.slash(alice, "exercise", fakediscord.StringOption("name", "dead-hang"), fakediscord.BoolOption("private", true))
	if !private.Message.Ephemeral() || !strings.Contains(private.text(), "Dead hang") {
		t.Errorf("private:true answered ephemeral=%v %q", private.Message.Ephemeral(), private.text())
	}
}

func TestExerciseAutocompleteOnTwoLetters(t *testing.T) {
	h := startHarness(t)
	choices := h.autocomplete(alice, "exercise", "name", "ch")
	if len(choices) == 0 || len(choices) > 25 || choices[0].Value != "childs-pose" {
		t.Fatalf("autocomplete %q offered %d choices starting %+v; want child's pose first", "ch", len(choices), choices)
	}
	routines := h.autocomplete(alice, "routine", "name", "de", fakediscord.Subcommand("show"))
	if len(routines) == 0 || routines[0].Value != "desk-break" {
		t.Fatalf("routine autocomplete %q offered %+v; want desk-break first", "de", routines)
	}
}

func TestExercisesPagesWithButtons(t *testing.T) {
	h := startHarness(t)
	first := h.slash(alice, "exercises")
	assertTextHas(t, "/exercises", first.text(), "Page 1 of 2", "[Next]")
	second := h.click(bob, first.Message.ID, buttonID(t, first.Message, "Next"))
	if second.Response.Type != discordgo.InteractionResponseUpdateMessage {
		t.Fatalf("a page click answered with callback type %d, want 7 (update)", second.Response.Type)
	}
	if second.Message.ID != first.Message.ID {
		t.Errorf("the click answered with message %s, want the list %s updated", second.Message.ID, first.Message.ID)
	}
	assertTextHas(t, "page 2", second.text(), "Page 2 of 2", "[Previous]")
}

func TestRoutineCreateWithABadStep(t *testing.T) {
	h := startHarness(t)
	a := h.slash(admin, "routine", fakediscord.Subcommand("create",
		fakediscord.StringOption("name", "Wake up"),
		fakediscord.StringOption("steps", "overhead-stretch 30s x3 rest 10s, cat-strech 20s")))
	if !a.Message.Ephemeral() {
		t.Error("a step mistake should be shown to its author only")
	}
	assertTextHas(t, "/routine create", a.text(), `step 2: unknown exercise "cat-strech" — did you mean cat-stretch?`)
	list := h.slash(alice, "routine", fakediscord.Subcommand("list"))
	if strings.Contains(list.text(), "Wake up") {
		t.Errorf("a refused routine was stored:\n%s", list.text())
	}
}

func TestRoutineNamedEveryonePingsNobody(t *testing.T) {
	h := startHarness(t)
	denied := h.slash(alice, "routine", fakediscord.Subcommand("create",
		fakediscord.StringOption("name", "@everyone stretch"), fakediscord.StringOption("steps", "childs-pose 30s")))
	assertTextHas(t, "create without Manage Server", denied.text(), "Only members with Manage Server")

	a := h.slash(admin, "routine", fakediscord.Subcommand("create",
		fakediscord.StringOption("name", "@everyone stretch"), fakediscord.StringOption("steps", "childs-pose 30s, cat-stretch")))
	if a.Message.Ephemeral() {
		t.Fatalf("create answered privately: %q", a.text())
	}
	shown := h.slash(bob, "routine", fakediscord.Subcommand("show", fakediscord.StringOption("name", "@everyone stretch")))
	for _, answer := range []answer{a, shown} {
		text := answer.text()
		assertTextHas(t, "routine answer", text, "@\u200beveryone stretch", "Child's pose")
		if strings.Contains(text, "@everyone") {
			t.Errorf("the answer shows a live @everyone:\n%s", text)
		}
		assertNoMentions(t, answer.Message)
		var sent discordgo.InteractionResponse
		call := h.callback(answer.Response.InteractionID)
		if err := call.Decode(&sent); err != nil {
			t.Fatal(err)
		}
		if sent.Data == nil || sent.Data.AllowedMentions == nil || sent.Data.AllowedMentions.Parse == nil ||
			len(sent.Data.AllowedMentions.Parse) != 0 || !bytes.Contains(call.RawBody, []byte(`"parse":[]`)) {
			t.Errorf("callback allowed_mentions = %s; want an empty parse list", call.RawBody)
		}
	}
}
