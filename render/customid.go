package render

import "strings"

// FillID builds a custom ID from the pattern that routes it, such as "session/{id}/join":
// each {name} segment takes the next of values, in order. Building IDs from the routing
// pattern itself keeps the two from drifting apart. A pattern with fewer placeholders than
// values ignores the rest; one with more keeps its placeholders, which then route nowhere.
func FillID(pattern string, values ...string) string {
	segments := strings.Split(pattern, "/")
	for i, seg := range segments {
		if len(values) == 0 {
			break
		}
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			segments[i], values = values[0], values[1:]
		}
	}
	return strings.Join(segments, "/")
}
