package catalog

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxChoices is Discord's limit on autocomplete and slash-command choices.
const MaxChoices = 25

// MaxChoiceName is Discord's limit on a choice's name, in characters.
const MaxChoiceName = 100

// Match tiers, best first. Within the fuzzy tiers each edit costs fuzzyEditCost, so one typo
// still outranks two. The fuzzy tiers (scoreFuzzyTokens and below) are a fallback: see
// closestOnly.
const (
	scoreExact         = 100
	scorePrefix        = 90 // "chi" -> "childs pose"
	scoreCompactPrefix = 85 // "deadhang" -> "dead hang"
	scoreTokenPrefix   = 80 // "t spine" -> "t spine extension", "pose child"
	scoreStemPrefix    = 75 // "hangs", "hanging" -> "dead hang"
	scoreFuzzyTokens   = 60 // "cat strech" -> "cat stretch"
	scoreFuzzyCompact  = 55 // "deadhnag" -> "dead hang"
	fuzzyEditCost      = 10
	aliasPenalty       = 1 // within a tier, a name or id match outranks an alias match
)

// normalize folds a name for comparison: lower case, apostrophes dropped (so "child's",
// "child’s" and "childs" agree), every other run of non-letters and non-digits turned into
// one space, no leading or trailing space.
func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pendingSpace := false
	for _, r := range s {
		switch {
		case isApostrophe(r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if pendingSpace && b.Len() > 0 {
				b.WriteByte(' ')
			}
			pendingSpace = false
			b.WriteRune(unicode.ToLower(r))
		default:
			pendingSpace = true
		}
	}
	return b.String()
}

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', '‘', '`', 'ʼ', '´':
		return true
	}
	return false
}

// searchText is a normalized string in the shapes the scorer compares, computed once.
type searchText struct {
	text    string   // normalized: "childs pose"
	compact string   // without spaces: "childspose"
	runes   []rune   // compact as runes, for edit distances
	tokens  [][]rune // words: "childs", "pose"
	stems   [][]rune // words without a plural or -ing ending ("hangs" -> "hang"); nil if none has one
}

func newSearchText(s string) searchText {
	text := normalize(s)
	compact := strings.ReplaceAll(text, " ", "")
	words := strings.Fields(text)
	tokens := make([][]rune, len(words))
	var stems [][]rune
	for i, w := range words {
		tokens[i] = []rune(w)
		if s, ok := stem(tokens[i]); ok {
			if stems == nil {
				stems = slices.Clone(tokens[:i])
			}
			stems = append(stems, s)
		} else if stems != nil {
			stems = append(stems, tokens[i])
		}
	}
	return searchText{text: text, compact: compact, runes: []rune(compact), tokens: tokens, stems: stems}
}

// stem drops an English plural or -ing ending from a word ("hangs", "hanging" -> "hang";
// "stretches" -> "stretch"), so a query in another form of a word finds it without the
// typo tolerance, which would find other words first ("hangs" is one letter from "hands").
// It leaves short words alone, and reports false when the word has no such ending or what
// is left has no vowel ("string" is not "str").
func stem(w []rune) ([]rune, bool) {
	s := string(w)
	var cut int
	switch {
	case len(w) >= 6 && strings.HasSuffix(s, "ing"):
		cut = 3
	case len(w) >= 5 && (strings.HasSuffix(s, "ches") || strings.HasSuffix(s, "shes") ||
		strings.HasSuffix(s, "sses") || strings.HasSuffix(s, "xes")):
		cut = 2
	case len(w) >= 4 && strings.HasSuffix(s, "s") && !strings.HasSuffix(s, "ss"):
		cut = 1
	default:
		return nil, false
	}
	root := w[:len(w)-cut]
	if !slices.ContainsFunc(root, func(r rune) bool { return strings.ContainsRune("aeiouy", r) }) {
		return nil, false
	}
	return root, true
}

// searchKey is one name an item answers to.
type searchKey struct {
	searchText
	label string // as written, shown in a choice when an alias matched
	alias bool
}

// searchItem is one searchable entry: its id, display name, every key it answers to, and
// ref, its position in the slice it indexes.
type searchItem struct {
	id   string
	name string
	keys []searchKey
	ref  int
}

// newSearchItem indexes an entry under its name, its id and its aliases, skipping names
// that normalize to a key it already has.
func newSearchItem(ref int, id, name string, aliases []string) searchItem {
	item := searchItem{id: id, name: name, ref: ref}
	seen := map[string]bool{}
	add := func(label string, alias bool) {
		k := searchKey{searchText: newSearchText(label), label: label, alias: alias}
		if k.text == "" || seen[k.text] {
			return
		}
		seen[k.text] = true
		item.keys = append(item.keys, k)
	}
	add(name, false)
	add(id, false)
	for _, a := range aliases {
		add(a, true)
	}
	return item
}

// searchIndex finds items by exact key and ranks them by closeness to a query.
type searchIndex struct {
	items []searchItem
	exact map[string]int // normalized key -> index into items
}

// newSearchIndex indexes items. If two items share a normalized key it returns the index of
// the later item and the key, so the loader can name the clash.
func newSearchIndex(items []searchItem) (searchIndex, int, string) {
	idx := searchIndex{items: items, exact: make(map[string]int)}
	for i, item := range items {
		for _, k := range item.keys {
			if _, taken := idx.exact[k.text]; taken {
				return idx, i, k.label
			}
			idx.exact[k.text] = i
		}
	}
	return idx, -1, ""
}

// exactMatch returns the ref of the item whose id, name or alias equals query after
// normalization.
func (idx searchIndex) exactMatch(query string) (int, bool) {
	i, ok := idx.exact[normalize(query)]
	if !ok {
		return 0, false
	}
	return idx.items[i].ref, true
}

// findExact is exactMatch for items that were never indexed (a server's custom routines,
// which are few and change between calls). On a shared key the first item wins.
func findExact(items []searchItem, query string) (int, bool) {
	q := normalize(query)
	for _, item := range items {
		for _, k := range item.keys {
			if k.text == q {
				return item.ref, true
			}
		}
	}
	return 0, false
}

// hit is one ranked result.
type hit struct {
	item  *searchItem
	list  int // which of rank's item lists it came from
	score int
	key   *searchKey // the key that scored best
}

// rank scores every item against query and returns those that match at all, best first,
// at most n. Equal scores keep the order of the lists and of the items within them.
func rank(query string, n int, itemLists ...[]searchItem) []hit {
	q := newSearchText(query)
	if q.text == "" || n <= 0 {
		return nil
	}
	var hits []hit
	for list, items := range itemLists {
		for i := range items {
			if h := scoreItem(&q, &items[i]); h.score > 0 {
				h.list = list
				hits = append(hits, h)
			}
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return b.score - a.score })
	hits = closestOnly(hits)
	return hits[:min(n, len(hits))]
}

// closestOnly keeps, of hits sorted best first, those worth offering. Typo tolerance is a
// fallback: when some item matches the query as typed (by prefix or by words), an item
// that only matches with an edit is another word, not a typo ("hang" is a word of Dead
// hang, and one letter from "hands-on traction"; "ball" one from "balasana"), and is left
// out. When only edits match, only the items needing the fewest edits are kept.
func closestOnly(hits []hit) []hit {
	if len(hits) == 0 {
		return hits
	}
	least := scoreFuzzyTokens + 1
	if best := hits[0].score; best <= scoreFuzzyTokens {
		least = best - fuzzyEditCost + 1 // the same number of edits, an alias or not
	}
	for i, h := range hits {
		if h.score < least {
			return hits[:i]
		}
	}
	return hits
}

// scoreItem is the best score over the item's keys; on a tie the earlier key wins.
func scoreItem(q *searchText, item *searchItem) hit {
	best := hit{item: item}
	for i := range item.keys {
		s := scoreKey(q, &item.keys[i])
		if s > 0 && item.keys[i].alias {
			s -= aliasPenalty
		}
		if s > best.score {
			best.score, best.key = s, &item.keys[i]
		}
	}
	return best
}

// scoreKey rates how well the query matches one key; 0 means not at all. The cheap tiers
// are tried first so the edit-distance work runs only for keys that need it.
func scoreKey(q *searchText, k *searchKey) int {
	switch {
	case q.text == k.text:
		return scoreExact
	case strings.HasPrefix(k.text, q.text):
		return scorePrefix
	case strings.HasPrefix(k.compact, q.compact):
		return scoreCompactPrefix
	case tokensArePrefixes(q.tokens, k.tokens):
		return scoreTokenPrefix
	case q.stems != nil && tokensArePrefixes(q.stems, k.tokens):
		return scoreStemPrefix
	}
	if edits, ok := fuzzyTokenEdits(q.tokens, k.tokens); ok {
		return scoreFuzzyTokens - fuzzyEditCost*edits
	}
	if d := prefixDistance(q.runes, k.runes); d <= TypoBudget(len(q.runes)) {
		return scoreFuzzyCompact - fuzzyEditCost*d
	}
	return 0
}

// tokensArePrefixes reports whether every query word starts some key word, in any order.
func tokensArePrefixes(query, key [][]rune) bool {
	for _, qt := range query {
		if !slices.ContainsFunc(key, func(kt []rune) bool { return hasRunePrefix(kt, qt) }) {
			return false
		}
	}
	return true
}

func hasRunePrefix(s, prefix []rune) bool {
	return len(s) >= len(prefix) && slices.Equal(s[:len(prefix)], prefix)
}

// fuzzyTokenEdits matches each query word to the key word it is closest to (as a prefix, so
// a half-typed last word still counts) and sums the edits. It fails when any word needs more
// edits than its length allows.
func fuzzyTokenEdits(query, key [][]rune) (int, bool) {
	total := 0
	for _, qt := range query {
		best := len(qt) + 1
		for _, kt := range key {
			best = min(best, prefixDistance(qt, kt))
		}
		if best > TypoBudget(len(qt)) {
			return 0, false
		}
		total += best
	}
	return total, true
}

// TypoBudget is how many edits (see Distance) a query of n letters may need and still
// match: none for one or two letters (too ambiguous), then one more for roughly every four
// letters.
func TypoBudget(n int) int {
	switch {
	case n < 3:
		return 0
	case n < 6:
		return 1
	case n < 10:
		return 2
	}
	return 3
}

// choiceName is the text shown for a hit: the item's name, plus the alias in brackets when
// an alias the name does not already contain is what matched (so "balasana" shows why
// Child's pose came up), cut to Discord's 100 characters.
func choiceName(h hit) string {
	name := h.item.name
	if h.key != nil && h.key.alias && !strings.Contains(normalize(name), h.key.text) {
		name += " (" + h.key.label + ")"
	}
	return Truncate(name, MaxChoiceName)
}

// Truncate cuts s to at most max characters (runes, never inside one), marking a cut with
// "…". It returns "" for max < 1. It is the bot's one truncation (render.Truncate is this
// one): catalog cuts choice names to Discord's limit, and cannot import render.
func Truncate(s string, max int) string {
	if max < 1 {
		return ""
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

// clampChoices maps a caller's limit onto 1..MaxChoices; 0 or less means the maximum.
func clampChoices(limit int) int {
	if limit <= 0 || limit > MaxChoices {
		return MaxChoices
	}
	return limit
}

// complete answers an autocomplete query: the first items in order for an empty query,
// otherwise the ranked matches.
func complete(query string, limit int, itemLists ...[]searchItem) []Choice {
	limit = clampChoices(limit)
	var choices []Choice
	if normalize(query) == "" {
		for _, items := range itemLists {
			for _, item := range items {
				if len(choices) == limit {
					return choices
				}
				choices = append(choices, Choice{Name: Truncate(item.name, MaxChoiceName), Value: item.id})
			}
		}
		return choices
	}
	for _, h := range rank(query, limit, itemLists...) {
		choices = append(choices, Choice{Name: choiceName(h), Value: h.item.id})
	}
	return choices
}
