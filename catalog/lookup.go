package catalog

// Exercise finds an exercise by id, name or alias. Matching ignores case, punctuation,
// apostrophes and spacing between words, so "childs pose", "Child's Pose" and "child’s-pose"
// all find childs-pose; it does not forgive typos (see Suggest).
func (c *Catalog) Exercise(idOrName string) (*Exercise, bool) {
	i, ok := c.exerciseSearch.exactMatch(idOrName)
	if !ok {
		return nil, false
	}
	return c.exercises[i], true
}

// Suggest returns up to n exercises closest to query, best first: prefixes of a name or
// alias, words in any order, then typos ("chlid pose" -> childs-pose, "deadhang" -> dead-hang).
// It returns nothing for an empty query or when nothing is close.
func (c *Catalog) Suggest(query string, n int) []*Exercise {
	hits := rank(query, n, c.exerciseSearch.items)
	out := make([]*Exercise, len(hits))
	for i, h := range hits {
		out[i] = c.exercises[h.item.ref]
	}
	return out
}

// ResolveExercise is the lookup behind /exercise: the exercise query names exactly, or else
// nil and up to n suggestions for "did you mean …" (none when nothing is close).
func (c *Catalog) ResolveExercise(query string, n int) (*Exercise, []*Exercise) {
	if ex, ok := c.Exercise(query); ok {
		return ex, nil
	}
	return nil, c.Suggest(query, n)
}

// Complete answers autocomplete for an exercise option: up to limit choices (at most
// MaxChoices; limit <= 0 means MaxChoices), named by the exercise (plus the alias that
// matched, if any) and valued by its id. An empty query lists exercises in catalog order.
func (c *Catalog) Complete(query string, limit int) []Choice {
	return complete(query, limit, c.exerciseSearch.items)
}

// Routine finds a routine by id or name among custom (a server's own, checked first) and
// the built-in routines, with the same forgiving matching as Exercise. The result points
// into custom or into the catalog.
func (c *Catalog) Routine(idOrName string, custom []Routine) (*Routine, bool) {
	if i, ok := findExact(routineItems(custom), idOrName); ok {
		return &custom[i], true
	}
	if i, ok := c.routineSearch.exactMatch(idOrName); ok {
		return c.routines[i], true
	}
	return nil, false
}

// SuggestRoutines returns up to n routines closest to query, custom ones first on equal
// scores.
func (c *Catalog) SuggestRoutines(query string, n int, custom []Routine) []*Routine {
	hits := rank(query, n, routineItems(custom), c.routineSearch.items)
	out := make([]*Routine, len(hits))
	for i, h := range hits {
		if h.list == 0 {
			out[i] = &custom[h.item.ref]
		} else {
			out[i] = c.routines[h.item.ref]
		}
	}
	return out
}

// ResolveRoutine is the lookup behind /routine show: the routine query names exactly, or
// else nil and up to n suggestions.
func (c *Catalog) ResolveRoutine(query string, n int, custom []Routine) (*Routine, []*Routine) {
	if r, ok := c.Routine(query, custom); ok {
		return r, nil
	}
	return nil, c.SuggestRoutines(query, n, custom)
}

// CompleteRoutines answers autocomplete for a routine option over custom and built-in
// routines, like Complete. An empty query lists custom routines first, then built-in ones.
// Custom routine ids must be at most 100 characters to be valid choice values.
func (c *Catalog) CompleteRoutines(query string, limit int, custom []Routine) []Choice {
	return complete(query, limit, routineItems(custom), c.routineSearch.items)
}

// routineItems indexes custom routines on the fly: servers have few, and they change
// between calls, so there is nothing worth caching here.
func routineItems(rs []Routine) []searchItem {
	items := make([]searchItem, len(rs))
	for i, r := range rs {
		items[i] = newSearchItem(i, r.ID, r.Name, nil)
	}
	return items
}
