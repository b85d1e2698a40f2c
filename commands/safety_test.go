package commands

import (
	"context"
	"testing"
)

func TestSafety(t *testing.T) {
	cat := loadCatalog(t)
	reply, err := safetyCommand(cat).Handle(context.Background(), request(""))
	if err != nil {
		t.Fatal(err)
	}
	if reply.Ephemeral || len(reply.Embeds) != 1 || len(reply.Embeds[0].Fields) != len(cat.Safety()) {
		t.Fatalf("reply = %+v; want one public embed with a field per safety note", reply)
	}
}

func TestTips(t *testing.T) {
	cat := loadCatalog(t)
	cmd := tipsCommand(cat)
	tests := []struct {
		name       string
		opts       []*option
		wantTitle  string
		wantFields int
		wantError  string
	}{
		{name: "all", wantTitle: "Tips for a healthier back", wantFields: len(cat.Tips())},
		{name: "one topic", opts: []*option{str("topic", "keep-moving")}, wantTitle: "Keep moving every 20-30 minutes"},
		{name: "unknown topic", opts: []*option{str("topic", "yoga mats")}, wantError: `No tip called "yoga mats".`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reply, err := cmd.Handle(context.Background(), request("", tt.opts...))
			if !checkAnswer(t, err, tt.wantError) {
				return
			}
			if e := reply.Embeds[0]; e.Title != tt.wantTitle || len(e.Fields) != tt.wantFields {
				t.Fatalf("embed %q with %d fields; want %q with %d", e.Title, len(e.Fields), tt.wantTitle, tt.wantFields)
			}
		})
	}
	if def := cmd.Definition.Options[0]; len(def.Choices) != len(cat.Tips()) {
		t.Errorf("topic offers %d choices for %d tips", len(def.Choices), len(cat.Tips()))
	}
}
