package catalog

import (
	"fmt"
	"slices"
	"strings"
)

// The checks every entry of a catalog file goes through: each failure names the file, the
// line and what to fix.

// checkEquipmentFitsChoices adds ex's equipment to seen and keeps the total usable as the
// /exercises option's fixed choices, which Discord caps at 25.
func checkEquipmentFitsChoices(at place, ex *Exercise, seen map[string]bool) error {
	for _, item := range slices.Concat(ex.Equipment, ex.OptionalEquipment) {
		for _, option := range equipmentOptions(item) {
			seen[normalize(option)] = true
		}
	}
	if len(seen) > MaxChoices {
		return at.fail("equipment", "exercise %q brings the catalog to %d kinds of equipment, more than the %d choices a slash-command option can offer; reuse existing equipment names",
			ex.ID, len(seen), MaxChoices)
	}
	return nil
}

func (c *Catalog) checkSourceRefs(at place, what string, ids []string) error {
	if len(ids) == 0 {
		return at.fail("sources", "%s has no sources; list the id of the text its facts come from", what)
	}
	for i, id := range ids {
		if _, ok := c.Source(id); !ok {
			return at.failItem("sources", i, "%s cites unknown source %q; add it under sources or fix the id", what, id)
		}
	}
	return nil
}

func checkCategory(at place, what, category string) error {
	if slices.Contains(categories(), Category(category)) {
		return nil
	}
	names := make([]string, 0, len(categories()))
	for _, c := range categories() {
		names = append(names, string(c))
	}
	return at.fail("category", "%s has category %q; use one of %s", what, category, strings.Join(names, ", "))
}

// checkID requires a slug: lowercase letters and digits in words joined by single hyphens.
// Slugs are what choice values, custom IDs and the step syntax carry.
func checkID(at place, kind, id string) error {
	if id == "" {
		return at.fail("id", "this %s has no id; add one like childs-pose", kind)
	}
	if !isSlug(id) {
		return at.fail("id", "%s id %q is not a slug; use lowercase letters, digits and single hyphens (at most %d characters), like childs-pose",
			kind, id, maxIDLen)
	}
	return nil
}

func isSlug(s string) bool {
	if s == "" || len(s) > maxIDLen || strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") || strings.Contains(s, "--") {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
			return false
		}
	}
	return true
}

func checkText(at place, key, what, s string, maxLen int) error {
	if strings.TrimSpace(s) == "" {
		return at.fail(key, "%s is empty; fill it in", what)
	}
	return checkOptionalText(at, key, what, s, maxLen)
}

func checkOptionalText(at place, key, what, s string, maxLen int) error {
	if n := len([]rune(s)); n > maxLen {
		return at.fail(key, "%s is %d characters; shorten it to %d", what, n, maxLen)
	}
	return nil
}

func checkLines(at place, key, what string, lines []string, maxCount int) error {
	if len(lines) == 0 {
		return at.fail(key, "%s is empty; add at least one", what)
	}
	return checkOptionalLines(at, key, what, lines, maxCount, maxLineLen)
}

func checkOptionalLines(at place, key, what string, lines []string, maxCount, maxLen int) error {
	if len(lines) > maxCount {
		return at.fail(key, "%s has %d items; keep it to %d", what, len(lines), maxCount)
	}
	for i, line := range lines {
		switch n := len([]rune(line)); {
		case strings.TrimSpace(line) == "":
			return at.failItem(key, i, "%s item %d is empty; fill it in or remove it", what, i+1)
		case n > maxLen:
			return at.failItem(key, i, "%s item %d is %d characters; shorten it to %d", what, i+1, n, maxLen)
		}
	}
	return nil
}

func quote(s string) string { return fmt.Sprintf("%q", s) }
