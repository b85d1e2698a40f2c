package commands

import "unicode"

// invisibleRune returns the first control or invisible formatting character of s
// (Unicode categories Cc and Cf: NUL, line breaks, the right-to-left override U+202E,
// zero-width spaces and joiners, bidi isolates, the byte-order mark...). Names that
// members give and others see must not carry them: they hide or reorder text, and
// can make two names that look the same differ.
func invisibleRune(s string) (rune, bool) {
	for _, r := range s {
		if unicode.In(r, unicode.Cc, unicode.Cf) {
			return r, true
		}
	}
	return 0, false
}
