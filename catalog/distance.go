package catalog

import "slices"

// editDistances compares a with b by optimal string alignment (Levenshtein plus swapping two
// neighbouring letters, the commonest typo). It returns the distance from a to all of b and
// the smallest distance from a to any prefix of b, which is what a half-typed query needs.
func editDistances(a, b []rune) (full, prefix int) {
	// Three rolling rows of the DP table: the row two back is needed for transpositions.
	// Short keys use stack space so a query allocates nothing here.
	var buf [3][48]int
	var prev2, prev, cur []int
	if len(b) < len(buf[0]) {
		prev2, prev, cur = buf[0][:len(b)+1], buf[1][:len(b)+1], buf[2][:len(b)+1]
	} else {
		prev2, prev, cur = make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)
	}
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, prev2[j-2]+1)
			}
			cur[j] = d
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)], slices.Min(prev)
}

// prefixDistance is the fewest edits that turn a into some prefix of b.
func prefixDistance(a, b []rune) int {
	_, prefix := editDistances(a, b)
	return prefix
}

// distance is the fewest edits that turn a into b.
func distance(a, b string) int {
	full, _ := editDistances([]rune(a), []rune(b))
	return full
}

// Distance is the fewest edits (insert, delete, replace a letter, or swap two neighbours)
// that turn a into b: the bot's one measure of a typo, which catalog search and the time
// zone suggestions both use.
func Distance(a, b string) int { return distance(a, b) }
