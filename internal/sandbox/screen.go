package sandbox

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sync"

	"golang.org/x/term"
)

// prompt is what the console shows when it waits for a line.
const prompt = "> "

// screen is the console's input and output. The bot's messages arrive at any moment (a
// session's next step, an edit after a restart), also while someone is typing a line.
//
// In a terminal the console edits the line itself (golang.org/x/term's line editor, with
// the terminal in raw mode): a message that arrives while a line is being typed is written
// above it, and the prompt and everything typed so far are drawn again below it, so a
// message never lands in the middle of the line and nothing typed is hidden; ↑ and ↓
// recall earlier lines. Anywhere else (a pipe, a file, a test) lines are read plainly and
// messages written plainly, each after a line break, with no control characters.
type screen struct {
	mu  sync.Mutex
	out io.Writer
	// editor is the line editor in a terminal; nil otherwise.
	editor *term.Terminal
	lines  *bufio.Scanner // the plain input, when there is no editor
}

// newScreen is a plain screen: lines read from in, output written to out as it comes.
func newScreen(in io.Reader, out io.Writer) *screen {
	return &screen{out: out, lines: bufio.NewScanner(in)}
}

// newEditingScreen is a screen whose lines are edited in the terminal on the other end of
// rw, which the caller has put in raw mode.
func newEditingScreen(rw io.ReadWriter) *screen {
	e := term.NewTerminal(rw, prompt)
	return &screen{out: e, editor: e}
}

// terminalScreen puts a terminal on in and out in raw mode and returns an editing screen
// on it, with the function that restores the terminal; ok is false when in and out are not
// one interactive terminal (or raw mode is refused), and the caller uses a plain screen.
func terminalScreen(in io.Reader, out io.Writer) (s *screen, restore func(), ok bool) {
	inFile, isFile := in.(*os.File)
	outFile, isOutFile := out.(*os.File)
	if !isFile || !isOutFile || !term.IsTerminal(int(inFile.Fd())) || !term.IsTerminal(int(outFile.Fd())) {
		return nil, nil, false
	}
	state, err := term.MakeRaw(int(inFile.Fd()))
	if err != nil {
		return nil, nil, false
	}
	return newEditingScreen(struct {
		io.Reader
		io.Writer
	}{inFile, outFile}), func() { _ = term.Restore(int(inFile.Fd()), state) }, true
}

// editing reports whether the console edits lines in a terminal.
func (s *screen) editing() bool { return s.editor != nil }

// Write writes p as the console's own output (the bot's log lines go through it, so that a
// terminal in raw mode shows them whole).
func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.Write(p)
}

// printf writes the console's own output: answers to the line just entered, errors.
func (s *screen) printf(format string, args ...any) {
	fmt.Fprintf(s, format, args...)
}

// readLine shows the prompt and returns the next line entered. It returns io.EOF at the
// end of the input (Ctrl-D, or Ctrl-C in the line editor).
func (s *screen) readLine() (string, error) {
	if s.editing() {
		return s.editor.ReadLine() // draws the prompt itself
	}
	fmt.Fprint(s, prompt)
	if !s.lines.Scan() {
		if err := s.lines.Err(); err != nil {
			return "", err
		}
		return "", io.EOF
	}
	return s.lines.Text(), nil
}

// message writes text (whole lines) that arrived on its own: above the line being edited
// in a terminal, else after a line break.
func (s *screen) message(text string) {
	if s.editing() {
		_, _ = s.Write([]byte(text))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprint(s.out, "\n", text)
}
