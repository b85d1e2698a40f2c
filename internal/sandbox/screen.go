package sandbox

import (
	"fmt"
	"io"
	"os"
	"sync"
)

// prompt is what the console shows when it waits for a line.
const prompt = "> "

// screen writes the console's output. The bot's messages arrive at any moment (a
// session's next step, an edit after a restart), also while someone is typing a line.
//
// The console reads whole lines, so it cannot know what has been typed so far: in a
// terminal the typed characters sit in the terminal's own line buffer until Enter, and
// without a terminal library (raw mode) the console cannot redraw them. What it can do
// honestly: when Out is a terminal and the prompt is showing, a message that arrives is
// drawn over the prompt's line ("\r" and "\033[K", erase to end of line) and the prompt
// is drawn again below it, so the message never lands in the middle of the line being
// typed. The typed characters are not lost, only hidden: they are still in the terminal's
// buffer and are sent with Enter, and Ctrl-R (the terminal's "reprint" key on Linux and
// macOS) shows them again. When Out is not a terminal (a pipe, a file, a test) messages
// are written plainly, each after a line break, with no control characters.
type screen struct {
	mu       sync.Mutex
	out      io.Writer
	terminal bool
	// prompting is true from the prompt being shown until a line is entered.
	prompting bool
}

func newScreen(out io.Writer, terminal bool) *screen { return &screen{out: out, terminal: terminal} }

// isTerminal reports whether w is a character device, which a terminal is. (/dev/null is
// one too; escape codes written there do no harm.)
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// printf writes the console's own output: answers to the line just entered, errors.
func (s *screen) printf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(s.out, format, args...)
}

// prompt shows the prompt and notes that a line is being typed.
func (s *screen) prompt() {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprint(s.out, prompt)
	s.prompting = true
}

// entered notes that a line was entered: the prompt line is finished.
func (s *screen) entered() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prompting = false
}

// message writes text (whole lines) that arrived on its own, after a line break; in a
// terminal with the prompt showing, over the prompt, which is then shown again.
func (s *screen) message(text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.terminal && s.prompting {
		fmt.Fprint(s.out, "\r\033[K\n", text, prompt)
		return
	}
	fmt.Fprint(s.out, "\n", text)
}
