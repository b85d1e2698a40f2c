// Package schedule is the pure arithmetic of recurring times: a local time of day, a set of
// weekdays and an IANA zone ([Rule]), expanded one occurrence at a time in that zone. It
// does no I/O and reads no clock: callers pass the instant to count from.
//
// # Occurrences
//
// Each civil date whose weekday is in the rule's [Days] has at most one occurrence: the
// first instant at which the zone's wall clock reads that date at the rule's local time or
// later. Occurrences are never found by adding 24 hours, so:
//
//   - across a DST change 15:00 stays 15:00 local;
//   - a local time the zone skips that day (spring forward) runs at the first instant
//     after the gap, which reads the first valid minute after it (02:30 on a
//     spring-forward day in New York runs at 03:00 EDT; 02:15 on Lord Howe's runs at
//     02:30, its shift being 30 minutes);
//   - a local time the zone passes twice (fall back) runs once, at the first pass.
//
// A date has no occurrence when the zone skips the rest of it from the local time on (the
// whole of Pacific/Apia's 2011-12-30, say): running Friday's session on Saturday would put
// a weekday rule's occurrence on a weekend, so every occurrence's local weekday is always
// in the rule's days.
package schedule
