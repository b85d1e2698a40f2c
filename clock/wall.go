package clock

import "time"

// zoneSpread bounds how far any zone's clock is from UTC (real offsets stay within
// −12:00…+14:00, historical local mean times within ±16 h), so any instant earlier than a
// wall time minus zoneSpread reads earlier than that wall time in every zone.
const zoneSpread = 36 * 60 * 60

// FirstReading returns the first instant at which loc's wall clock reads wall (a local
// wall time written as Unix seconds, as if the zone were UTC) or later, and loc's offset
// in seconds at that instant. In a daylight-saving gap that is the gap's end; in an
// overlap, the first pass.
//
// Unlike time.Date, which resolves a wall time in a gap to an instant on either side of
// it, and in an overlap to either pass, this walks the zone's offset periods in order: in
// each one, the clock reads wall at wall−offset and more than wall for the rest of the
// period; a period entered with the clock already past wall (a gap) yields its start.
func FirstReading(wall int64, loc *time.Location) (t time.Time, offset int) {
	t = time.Unix(wall-zoneSpread, 0).In(loc)
	for {
		start, end := t.ZoneBounds()
		_, offset = t.Zone()
		first := wall - int64(offset)
		if !start.IsZero() && first < start.Unix() {
			first = start.Unix()
		}
		if end.IsZero() || first < end.Unix() {
			return time.Unix(first, 0).In(loc), offset
		}
		t = end
	}
}
