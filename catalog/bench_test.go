package catalog

import "testing"

// benchQueries mixes what members type: empty, two letters, prefixes, whole names, typos,
// and a query that matches nothing (the slowest path: every tier is tried on every key).
func benchQueries() []string {
	return []string{"", "ch", "de", "ov", "child", "t spine", "chlid pose", "deadhang", "cat strech", "overhed strech", "zzqqxx"}
}

// BenchmarkComplete measures one autocomplete answer over the whole catalog (budget: well
// under 1 ms per query). One op is one query, cycling through benchQueries().
func BenchmarkComplete(b *testing.B) {
	c := mustLoad(b)
	queries := benchQueries()
	i := 0
	for b.Loop() {
		c.Complete(queries[i%len(queries)], MaxChoices)
		i++
	}
}

// BenchmarkSuggest measures the "did you mean" lookup behind an unknown /exercise name.
func BenchmarkSuggest(b *testing.B) {
	c := mustLoad(b)
	queries := benchQueries()
	i := 0
	for b.Loop() {
		c.Suggest(queries[i%len(queries)], 5)
		i++
	}
}

// BenchmarkCompleteRoutines includes a server's custom routines, which are indexed per call.
func BenchmarkCompleteRoutines(b *testing.B) {
	c := mustLoad(b)
	queries := benchQueries()
	custom := make([]Routine, 50)
	for i := range custom {
		custom[i] = Routine{ID: "custom-" + string(rune('a'+i%26)), Name: "Team stretch " + string(rune('a'+i%26))}
	}
	i := 0
	for b.Loop() {
		c.CompleteRoutines(queries[i%len(queries)], MaxChoices, custom)
		i++
	}
}

// BenchmarkParseSteps measures /routine create's parser on a typical three-step routine.
func BenchmarkParseSteps(b *testing.B) {
	c := mustLoad(b)
	for b.Loop() {
		if _, err := ParseSteps("overhead-stretch 30s x3 rest 10s, childs-pose 30s, cat-stretch 20s", c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoad measures start-up: parsing and validating the embedded catalog.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load(""); err != nil {
			b.Fatal(err)
		}
	}
}
