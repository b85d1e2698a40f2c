package session

import (
	"strings"
	"testing"
)

func TestParseStatus(t *testing.T) {
	if len(statusNames) == 0 {
		t.Fatal("no status names")
	}
	// Every status with a name round-trips; statuses are numbered from Lobby without gaps.
	for st := Lobby; ; st++ {
		name, named := statusNames[st]
		if !named {
			if int(st) != len(statusNames)+1 {
				t.Fatalf("status %d has no name, but %d statuses are named", int(st), len(statusNames))
			}
			break
		}
		t.Run(name, func(t *testing.T) {
			got, err := ParseStatus(st.String())
			if err != nil || got != st {
				t.Fatalf("ParseStatus(%q) = %v, %v; want %v", st.String(), got, err, st)
			}
		})
	}
	for _, name := range []string{"", "Lobby", "ended", "Status(0)", "Status(99)", " lobby"} {
		t.Run("unknown "+name, func(t *testing.T) {
			if got, err := ParseStatus(name); err == nil || !strings.Contains(err.Error(), "unknown session status") {
				t.Fatalf("ParseStatus(%q) = %v, %v; want an unknown-status error", name, got, err)
			}
		})
	}
}

func TestParseStepKind(t *testing.T) {
	// Walk every kind String names: a new kind that ParseStepKind does not know fails here.
	n := 0
	for k := Exercise; !strings.HasPrefix(k.String(), "StepKind("); k++ {
		n++
		t.Run(k.String(), func(t *testing.T) {
			got, err := ParseStepKind(k.String())
			if err != nil || got != k {
				t.Fatalf("ParseStepKind(%q) = %v, %v; want %v", k.String(), got, err, k)
			}
		})
	}
	if n < 3 {
		t.Errorf("walked %d step kinds, want at least exercise, rest and prep", n)
	}
	for _, name := range []string{"", "Exercise", "hold", "StepKind(0)", "StepKind(4)"} {
		t.Run("unknown "+name, func(t *testing.T) {
			if got, err := ParseStepKind(name); err == nil || !strings.Contains(err.Error(), "unknown step kind") {
				t.Fatalf("ParseStepKind(%q) = %v, %v; want an unknown-kind error", name, got, err)
			}
		})
	}
}
