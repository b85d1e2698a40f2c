package streak

// ServerStreak returns the number of consecutive days, ending today or yesterday, on which
// at least threshold members completed a group session; completed maps a day to that
// number. Today not (yet) reaching the threshold does not break the streak. A threshold
// below 1 is taken as 1: a day with nobody never counts.
func ServerStreak(completed map[Day]int, threshold int, today Day) int {
	threshold = max(threshold, 1)
	day := today
	if completed[day] < threshold {
		day--
	}
	n := 0
	for ; completed[day] >= threshold; day-- {
		n++
	}
	return n
}
