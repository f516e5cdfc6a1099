package flows

import (
	"sort"
	"time"

	"steady/store"
)

// Rule ids. They name rules in plans, incidents, audit entries and metrics.
const (
	RuleTwoDisruptedNights = "two_disrupted_nights"
)

// Reasons a night counts as disrupted.
const (
	ReasonShortSleep  = "asleep_under_threshold"
	ReasonSlowToSleep = "slow_to_fall_asleep"
	ReasonPoorQuality = "poor_quality"
	ReasonBelowMedian = "well_below_own_median"
)

// MedianNights is how many earlier nights the personal median looks back over,
// and MinMedianNights how many it needs before it means anything.
const (
	MedianNights    = 14
	MinMedianNights = 5
)

// AssessNight decides whether a night was disrupted against the client's
// thresholds and their own recent median: sleeping two hours less than usual
// can be an early sign of mania even when the hours look healthy.
// history may include the night itself and nights after it; only earlier ones count.
func AssessNight(e store.SleepEntry, t store.SleepThresholds, history []store.SleepEntry) store.SleepEntry {
	t = t.WithDefaults()
	e.Reasons = nil
	if e.AsleepMin < t.MinAsleepMinutes {
		e.Reasons = append(e.Reasons, ReasonShortSleep)
	}
	if e.LatencyMin > t.MaxLatencyMinutes {
		e.Reasons = append(e.Reasons, ReasonSlowToSleep)
	}
	if e.Quality > 0 && e.Quality <= t.MaxPoorQuality {
		e.Reasons = append(e.Reasons, ReasonPoorQuality)
	}
	if med, ok := medianAsleep(e.Night, history); ok && e.AsleepMin <= med-t.DropBelowMedianMin {
		e.Reasons = append(e.Reasons, ReasonBelowMedian)
	}
	e.Disrupted = len(e.Reasons) > 0
	return e
}

func medianAsleep(night string, history []store.SleepEntry) (int, bool) {
	end, err := time.Parse(time.DateOnly, night)
	if err != nil {
		return 0, false
	}
	from := end.AddDate(0, 0, -MedianNights).Format(time.DateOnly)
	var mins []int
	for _, h := range history {
		if h.Night >= from && h.Night < night {
			mins = append(mins, h.AsleepMin)
		}
	}
	if len(mins) < MinMedianNights {
		return 0, false
	}
	sort.Ints(mins)
	mid := len(mins) / 2
	if len(mins)%2 == 1 {
		return mins[mid], true
	}
	return (mins[mid-1] + mins[mid]) / 2, true
}

// Firing is a rule that has fired for a client.
type Firing struct {
	Rule    string
	Episode string // the same episode never opens a second incident
	Urgent  bool
	// Evidence is every observation behind the firing, oldest first.
	Evidence []store.Evidence
}

// ConsecutiveDisrupted fires when the latest n (or more) logged nights are
// disrupted and consecutive. nights need not be sorted. The episode is the
// first night of the run, so later bad nights in the same run add evidence
// to the same incident instead of opening new ones.
func ConsecutiveDisrupted(c Context, nights []store.SleepEntry, n int) (Firing, bool) {
	if n < 1 || len(nights) == 0 {
		return Firing{}, false
	}
	sorted := append([]store.SleepEntry(nil), nights...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Night < sorted[j].Night })
	run := []store.SleepEntry{}
	for i := len(sorted) - 1; i >= 0; i-- {
		e := sorted[i]
		if !e.Disrupted {
			break
		}
		if len(run) > 0 && !dayBefore(e.Night, run[0].Night) {
			break
		}
		run = append([]store.SleepEntry{e}, run...)
	}
	if len(run) < n {
		return Firing{}, false
	}
	f := Firing{Rule: RuleTwoDisruptedNights, Episode: run[0].Night}
	for _, e := range run {
		f.Evidence = append(f.Evidence, NightEvidence(c, e))
	}
	return f, true
}

func dayBefore(a, b string) bool {
	ta, err1 := time.Parse(time.DateOnly, a)
	tb, err2 := time.Parse(time.DateOnly, b)
	return err1 == nil && err2 == nil && ta.AddDate(0, 0, 1).Equal(tb)
}

// NightEvidence summarises a night in figures for the worker.
func NightEvidence(c Context, e store.SleepEntry) store.Evidence {
	night, _ := time.Parse(time.DateOnly, e.Night)
	return store.Evidence{At: e.LoggedAt, Key: "night:" + e.Night, Summary: c.Catalog.T("evidence.night", map[string]any{
		"Night": night.Format("Mon 2 Jan"), "Asleep": FormatMinutes(e.AsleepMin), "Latency": e.LatencyMin,
		"Awakenings": e.Awakenings, "Quality": e.Quality, "Bedtime": e.Bedtime, "Wake": e.WakeTime,
	})}
}
