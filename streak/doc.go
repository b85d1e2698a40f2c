// Package streak is the pure arithmetic of member and server streaks over local days.
// It does no I/O: callers pass in the activity log and the clock reading.
//
// # Days
//
// A [Day] is a civil date. A member's day is their local date in their zone
// (see [ResolveZone]), shifted by the server's day-start hour: with a day-start hour of 4,
// 00:00–03:59 still belongs to the day before. Day D begins at the first instant at which
// the local clock reads D at the day-start hour or later ([DayStart]); this gives every
// civil date exactly one interval even when the day-start hour falls into a DST gap
// (the day then starts at the transition) or overlap (at the first occurrence).
//
// # Rules
//
// A day counts when the member was credited for a session or logged solo practice on it;
// the log of counted days is the source of truth and [Compute] rebuilds everything from it.
//
//   - Current streak: consecutive counted days ending today or yesterday; a streak is
//     not lost before the day is over.
//   - Freezes (when [Rules.Freezes] is on): every 7th counted day of the running streak
//     (7, 14, 21, …) earns one freeze, at most [MaxFreezes] held. A freeze covers exactly
//     one missed day, automatically: it keeps the streak alive and does not add to its
//     length. A gap longer than the freezes held breaks the streak, and a broken streak
//     loses its freezes too (they were earned by that streak). A streak whose missed days
//     up to yesterday are covered by held freezes is alive today; those freezes count as
//     used. With freezes off, any missed day breaks the streak.
//   - Travel: a credit's day is fixed when credited, in the member's zone at that moment
//     ([NewCredit]). A credit never moves the member back in time: a credit whose local day
//     is on or before the last counted day counts for that last day, once (moving west
//     cannot double a day or refill an old gap). Moving east can jump over calendar days;
//     a credit made while the day after the last counted day is still running in the zone
//     of the previous credit continues the streak, and the days jumped over are bridged:
//     neither counted, nor missed, nor frozen (at most [MaxTravelGap] of them).
//   - Server streak: consecutive days on which at least N members completed a group
//     session, ending today or yesterday ([ServerStreak]).
package streak
