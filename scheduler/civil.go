package scheduler

import "time"

// Civil times are wall-clock readings with no zone attached. They are
// represented as time.Time values in UTC, read as a wall clock: 07:30 UTC here
// means "07:30 on the client's clock", whatever their zone.

// CivilLayout formats a civil minute in occurrence ids.
const CivilLayout = "2006-01-02T15:04"

// Civil returns the wall-clock reading of instant t in loc.
func Civil(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
}

// Resolve returns the instant at which civil time wall happens in loc.
//
// Go's time.Date picks one of the two zones arbitrarily around a transition,
// so Steady decides: a repeated wall time (clocks going back) resolves to its
// first instant, so it fires once; a wall time skipped by the clocks going
// forward resolves to the first valid instant after the gap.
func Resolve(wall time.Time, loc *time.Location) time.Time {
	asUTC := time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), wall.Nanosecond(), time.UTC)
	// The offsets in force a day either side cover any transition near wall.
	_, before := asUTC.Add(-24 * time.Hour).In(loc).Zone()
	_, after := asUTC.Add(24 * time.Hour).In(loc).Zone()
	var best time.Time
	for _, off := range []int{before, after} {
		cand := asUTC.Add(-time.Duration(off) * time.Second)
		if Civil(cand, loc).Equal(asUTC) && (best.IsZero() || cand.Before(best)) {
			best = cand
		}
	}
	if !best.IsZero() {
		return best.In(loc)
	}
	// In the gap: read with the earlier offset, wall lands after the transition;
	// the zone that starts there starts at the first valid instant.
	cand := asUTC.Add(-time.Duration(before) * time.Second).In(loc)
	start, _ := cand.ZoneBounds()
	if start.IsZero() || start.After(cand) {
		return cand
	}
	return start.In(loc)
}
