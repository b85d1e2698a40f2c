package commands

import (
	"context"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/stretchbot/stretchbot/catalog"
)

func loadCatalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.Load("")
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

type option = discordgo.ApplicationCommandInteractionDataOption

func str(name, value string) *option {
	return &option{Name: name, Type: discordgo.ApplicationCommandOptionString, Value: value}
}

func boolean(name string, value bool) *option {
	return &option{Name: name, Type: discordgo.ApplicationCommandOptionBoolean, Value: value}
}

// request builds a slash-command request in a test server with the given leaf options.
func request(subcommand string, opts ...*option) *Request {
	req := &Request{GuildID: "g1", ChannelID: "c1", Member: Member{ID: "u1", Name: "Ann"}, Subcommand: subcommand,
		Options: map[string]*option{}}
	for _, o := range opts {
		req.Options[o.Name] = o
	}
	return req
}

// autocompleteRequest types value into the focused option.
func autocompleteRequest(subcommand, focused, value string) *Request {
	req := request(subcommand, str(focused, value))
	req.Focused = focused
	return req
}

// userErrorText returns the message of err, failing unless it is a UserError.
func userErrorText(t *testing.T, err error) string {
	t.Helper()
	u, ok := AsUserError(err)
	if !ok {
		t.Fatalf("err = %v; want a UserError", err)
	}
	return u.Message
}

// checkAnswer fails the test unless err is nil (wantError "") or a UserError that starts
// with wantError. It reports whether there is a reply to check.
func checkAnswer(t *testing.T, err error, wantError string) bool {
	t.Helper()
	if wantError == "" {
		if err != nil {
			t.Fatal(err)
		}
		return true
	}
	if msg := userErrorText(t, err); !strings.HasPrefix(msg, wantError) {
		t.Fatalf("error = %q, want it to start with %q", msg, wantError)
	}
	return false
}

func TestExercise(t *testing.T) {
	cmd := exerciseCommand(loadCatalog(t))
	tests := []struct {
		name      string
		opts      []*option
		wantTitle string // "" when the answer is an error
		ephemeral bool
		wantError string // a prefix of the UserError
	}{
		{name: "id from autocomplete", opts: []*option{str("name", "childs-pose")}, wantTitle: "Child's pose"},
		{name: "name, any case", opts: []*option{str("name", "CHILD'S POSE")}, wantTitle: "Child's pose"},
		{name: "alias", opts: []*option{str("name", "balasana")}, wantTitle: "Child's pose"},
		{name: "private", opts: []*option{str("name", "dead hang"), boolean("private", true)}, wantTitle: "Dead hang", ephemeral: true},
		{name: "public when private is false", opts: []*option{str("name", "dead-hang"), boolean("private", false)}, wantTitle: "Dead hang"},
		{name: "swapped letters", opts: []*option{str("name", "chlid pose")},
			wantError: `No exercise called "chlid pose". Did you mean: Child's pose`},
		{name: "words run together", opts: []*option{str("name", "deadhang")},
			wantError: `No exercise called "deadhang". Did you mean: Dead hang, Assisted dead hang from a stool?`},
		{name: "nothing close", opts: []*option{str("name", "zzqqxx")},
			wantError: `No exercise called "zzqqxx". /exercises lists them all.`},
		{name: "a ping in the query", opts: []*option{str("name", "@everyone <@123>")},
			wantError: "No exercise called \"@\u200beveryone <\u200b@\u200b123\\>\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reply, err := cmd.Handle(context.Background(), request("", tt.opts...))
			if !checkAnswer(t, err, tt.wantError) {
				return
			}
			if len(reply.Embeds) != 1 || reply.Embeds[0].Title != tt.wantTitle || reply.Ephemeral != tt.ephemeral {
				t.Fatalf("reply = %d embeds, title %q, ephemeral %v; want %q, %v",
					len(reply.Embeds), reply.Embeds[0].Title, reply.Ephemeral, tt.wantTitle, tt.ephemeral)
			}
		})
	}
}

func TestExerciseAutocomplete(t *testing.T) {
	cmd := exerciseCommand(loadCatalog(t))
	tests := []struct {
		typed     string
		wantFirst string // value of the first choice
	}{
		{"ch", "childs-pose"},
		{"bala", "childs-pose"},
		{"deadhang", "dead-hang"},
		{"t spine", "t-spine-extension"},
		{"", "overhead-stretch"},
	}
	for _, tt := range tests {
		choices, err := cmd.Complete(context.Background(), autocompleteRequest("", "name", tt.typed))
		if err != nil {
			t.Fatal(err)
		}
		if len(choices) == 0 || len(choices) > 25 || choices[0].Value != tt.wantFirst {
			t.Errorf("%q: %d choices, first %v; want 1-25 starting with %s", tt.typed, len(choices), choices, tt.wantFirst)
		}
	}
	if choices, _ := cmd.Complete(context.Background(), autocompleteRequest("", "name", "zzqqxx")); len(choices) != 0 {
		t.Errorf("nonsense should offer nothing, got %d choices", len(choices))
	}
}

// BenchmarkExerciseAutocomplete is one autocomplete answer of /exercise through its Complete
// handler, over the whole catalog, cycling through what members type (budget: well under
// 1 ms).
func BenchmarkExerciseAutocomplete(b *testing.B) {
	cmd := exerciseCommand(loadCatalog(b))
	queries := []string{"", "ch", "de", "ov", "child", "t spine", "chlid pose", "deadhang", "cat strech", "zzqqxx"}
	reqs := make([]*Request, len(queries))
	for i, q := range queries {
		reqs[i] = autocompleteRequest("", "name", q)
	}
	i := 0
	for b.Loop() {
		if _, err := cmd.Complete(context.Background(), reqs[i%len(reqs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
