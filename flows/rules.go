package flows

import (
	"sort"
	"strings"
	"time"

	"steady/store"
)

// Rule ids. They name rules in plans, incidents, audit entries and metrics.
const (
	RuleTwoDisruptedNights = "two_disrupted_nights"
	RuleDebriefStress      = "debrief_stress"
	RuleWarningSigns       = "warning_signs"
	RuleLowCoping          = "low_coping"
	RuleRightsConcern      = "rights_concern"
	RuleMissedCheckins     = "missed_checkins"
	RuleCrisis             = "crisis"
	// RuleDanger: the client is in danger from someone else. Like the crisis
	// rule it is urgent and cannot be turned off.
	RuleDanger = "danger"
)

// Rule is one escalation rule as data: what qualifies, how many times, how
// close together, and which parts of the client's plan it brings up.
type Rule struct {
	ID     string
	Urgent bool // ignores working and quiet hours; repeats until acknowledged
	Off    bool
	// Count is how many qualifying observations fire the rule (in a row, or
	// within WithinDays).
	Count int
	// Threshold is the score that qualifies: stress at or above, coping at or
	// below, early-warning signs at or above (0 for signs: the plan's count).
	Threshold int
	// WithinDays is how close together the Count observations must be (0: in a row).
	WithinDays int
	// Brings names the plan sections (keys of Plan.Actions) whose actions the
	// rule brings up, for the client and in the worker's ping.
	Brings []string
}

// DefaultRules are the service defaults (DESIGN §6). A service changes them
// with Context.ServiceRules, a worker per client with Client.Rules.
func DefaultRules() map[string]Rule {
	return map[string]Rule{
		RuleTwoDisruptedNights: {ID: RuleTwoDisruptedNights, Count: 2, Brings: []string{RuleTwoDisruptedNights}},
		RuleDebriefStress:      {ID: RuleDebriefStress, Count: 2, Threshold: 8, WithinDays: 7, Brings: []string{RuleDebriefStress}},
		RuleWarningSigns:       {ID: RuleWarningSigns, Count: 1, Brings: []string{RuleWarningSigns}},
		RuleLowCoping:          {ID: RuleLowCoping, Count: 1, Threshold: 2, Brings: []string{RuleLowCoping}},
		RuleRightsConcern:      {ID: RuleRightsConcern, Count: 1, Brings: []string{RuleRightsConcern}},
		RuleMissedCheckins:     {ID: RuleMissedCheckins, Count: 2, Brings: []string{RuleMissedCheckins}},
		RuleCrisis:             {ID: RuleCrisis, Count: 1, Urgent: true, Brings: []string{RuleCrisis}},
		RuleDanger:             {ID: RuleDanger, Count: 1, Urgent: true, Brings: []string{RuleDanger}},
	}
}

// RuleIDs lists every rule id, in a fixed order for displays.
var RuleIDs = []string{RuleCrisis, RuleDanger, RuleTwoDisruptedNights, RuleDebriefStress, RuleWarningSigns, RuleLowCoping, RuleRightsConcern, RuleMissedCheckins}

// Rule returns a rule as it applies to this client: the service default,
// changed by the service's settings, changed by the client's own. The crisis
// and danger rules can be tuned but never turned off or made non-urgent.
func (c Context) Rule(id string) Rule {
	r, ok := DefaultRules()[id]
	if !ok {
		return Rule{ID: id, Off: true}
	}
	r = applyOverride(r, c.ServiceRules[id])
	r = applyOverride(r, c.Client.Rules[id])
	if id == RuleWarningSigns && r.Threshold == 0 {
		r.Threshold = c.Client.Plan.WarningSignsThreshold
		if r.Threshold == 0 {
			r.Off = true // no count agreed in the plan: nothing to compare against
		}
	}
	if alwaysUrgent(id) {
		r.Off, r.Urgent = false, true
	}
	return r
}

func applyOverride(r Rule, o store.RuleOverride) Rule {
	if o.Off {
		r.Off = true
	}
	if o.Count > 0 {
		r.Count = o.Count
	}
	if o.Threshold > 0 {
		r.Threshold = o.Threshold
	}
	if o.WithinDays > 0 {
		r.WithinDays = o.WithinDays
	}
	if len(o.Brings) > 0 {
		r.Brings = append([]string(nil), o.Brings...)
	}
	return r
}

// ValidateRuleOverride says what is wrong with a worker's change to a rule, in
// a sentence for them, or "" when it is fine.
func ValidateRuleOverride(id string, o store.RuleOverride) string {
	if _, ok := DefaultRules()[id]; !ok {
		return "There is no rule called " + id + "."
	}
	switch {
	case id == RuleCrisis && o.Off:
		return "The crisis rule cannot be turned off."
	case id == RuleDanger && o.Off:
		return "The danger rule cannot be turned off."
	case o.Count < 0 || o.Count > 14:
		return "Count must be between 1 and 14."
	case o.WithinDays < 0 || o.WithinDays > 90:
		return "Within-days must be between 1 and 90."
	case o.Threshold < 0:
		return "Threshold cannot be negative."
	case id == RuleDebriefStress && o.Threshold > 10:
		return "Stress is scored 0 to 10."
	case id == RuleLowCoping && o.Threshold > 4:
		return "Coping is scored 1 to 5; a threshold of 5 would fire every week."
	}
	return ""
}

// alwaysUrgent are the rules for someone at risk now: nobody can turn them
// off or make them wait for working hours.
func alwaysUrgent(id string) bool { return id == RuleCrisis || id == RuleDanger }

// PlanActions returns the client's plan actions a rule brings up, in plan
// order, without repeats.
func PlanActions(c Context, rule string) []string {
	var out []string
	seen := map[string]bool{}
	for _, section := range c.Rule(rule).Brings {
		for _, a := range c.Client.Plan.ActionsFor(section) {
			if !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	return out
}

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
// disrupted and consecutive (n: the client's two_disrupted_nights count, see
// DisruptedNights). nights need not be sorted. The episode is the
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

// DisruptedNights applies the client's two_disrupted_nights rule to their nights.
func DisruptedNights(c Context, nights []store.SleepEntry) (Firing, bool) {
	r := c.Rule(RuleTwoDisruptedNights)
	if r.Off {
		return Firing{}, false
	}
	return ConsecutiveDisrupted(c, nights, r.Count)
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

// Observation is one dated reading a rule looks at: a debrief's stress score,
// a check-in's coping score, a count of early-warning signs, a reported
// rights concern, a missed check-in. The bot builds them from the stored
// records; rules never see the client's words.
type Observation struct {
	Key      string    // unique per record, e.g. "debrief:<shift id>"; makes evidence idempotent
	Day      string    // local date, 2006-01-02
	At       time.Time // when it was recorded; orders readings on the same day
	Value    int       // the score, where the rule has one
	Flag     bool      // the yes/no reading, where the rule has one (concern raised, check-in missed)
	Evidence string    // what the worker sees, in figures, never the client's words
}

// sortObservations orders readings oldest first.
func sortObservations(obs []Observation) []Observation {
	out := append([]Observation(nil), obs...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Day != out[j].Day {
			return out[i].Day < out[j].Day
		}
		return out[i].At.Before(out[j].At)
	})
	return out
}

// trailingRun returns the qualifying readings at the end of obs, oldest
// first: a run that a non-qualifying reading breaks.
func trailingRun(obs []Observation, qualifies func(Observation) bool) []Observation {
	sorted := sortObservations(obs)
	i := len(sorted)
	for i > 0 && qualifies(sorted[i-1]) {
		i--
	}
	return sorted[i:]
}

func fireOn(r Rule, run []Observation) (Firing, bool) {
	if r.Off || len(run) == 0 || len(run) < max(r.Count, 1) {
		return Firing{}, false
	}
	f := Firing{Rule: r.ID, Episode: run[0].Day, Urgent: r.Urgent}
	for _, o := range run {
		f.Evidence = append(f.Evidence, store.Evidence{At: o.At, Key: o.Key, Summary: o.Evidence})
	}
	return f, true
}

// runRule fires when the latest Count (or more) readings in a row qualify.
// The episode is the first reading of the run, so further qualifying readings
// add evidence to the same incident.
func runRule(c Context, id string, obs []Observation, qualifies func(Rule, Observation) bool) (Firing, bool) {
	r := c.Rule(id)
	return fireOn(r, trailingRun(obs, func(o Observation) bool { return qualifies(r, o) }))
}

// DebriefStress fires when stress was at or above the threshold (default
// 8/10) Count times (default 2) within WithinDays days (default 7), the
// latest debrief being one of them. Readings in between that were calmer do
// not break it; a gap longer than the window starts a new episode.
func DebriefStress(c Context, debriefs []Observation) (Firing, bool) {
	r := c.Rule(RuleDebriefStress)
	if r.Off {
		return Firing{}, false
	}
	sorted := sortObservations(debriefs)
	if len(sorted) == 0 || sorted[len(sorted)-1].Value < r.Threshold {
		return Firing{}, false
	}
	var high []Observation
	for _, o := range sorted {
		if o.Value >= r.Threshold {
			high = append(high, o)
		}
	}
	// The episode runs back while each high reading is within the window of the next.
	start := len(high) - 1
	for start > 0 && daysBetween(high[start-1].Day, high[start].Day) <= r.WithinDays {
		start--
	}
	chain := high[start:]
	n := max(r.Count, 1)
	if len(chain) < n || daysBetween(chain[len(chain)-n].Day, chain[len(chain)-1].Day) > r.WithinDays {
		return Firing{}, false
	}
	return fireOn(r, chain)
}

// WarningSigns fires when a report counts at least the plan's number of the
// client's early-warning signs (Value is the count).
func WarningSigns(c Context, reports []Observation) (Firing, bool) {
	return runRule(c, RuleWarningSigns, reports, func(r Rule, o Observation) bool { return o.Value >= r.Threshold })
}

// LowCoping fires when the weekly check-in's coping score (1–5) is at or
// below the threshold (default 2).
func LowCoping(c Context, checkins []Observation) (Firing, bool) {
	return runRule(c, RuleLowCoping, checkins, func(r Rule, o Observation) bool { return o.Value > 0 && o.Value <= r.Threshold })
}

// RightsConcern fires on any employment-rights concern (no breaks,
// discrimination…) the client reports (Flag set).
func RightsConcern(c Context, reports []Observation) (Firing, bool) {
	return runRule(c, RuleRightsConcern, reports, func(_ Rule, o Observation) bool { return o.Flag })
}

// MissedCheckins fires when the latest Count (default 2) check-ins in a row
// were missed (Flag set on a missed one; answered ones break the run).
func MissedCheckins(c Context, checkins []Observation) (Firing, bool) {
	return runRule(c, RuleMissedCheckins, checkins, func(_ Rule, o Observation) bool { return o.Flag })
}

func daysBetween(a, b string) int {
	ta, err1 := time.Parse(time.DateOnly, a)
	tb, err2 := time.Parse(time.DateOnly, b)
	if err1 != nil || err2 != nil {
		return 1 << 30
	}
	return int(tb.Sub(ta).Hours() / 24)
}

// CheckInReadings turns weekly check-ins into the readings the low_coping and
// rights_concern rules look at. Skipped questions give no reading, so a
// skipped answer is never read as a low score or as "no concern".
func CheckInReadings(c Context, checkins []store.CheckIn) (coping, rights []Observation) {
	for _, ci := range checkins {
		day := shortDay(ci.Date)
		if ci.Coping > 0 && ci.Answered("coping") {
			coping = append(coping, Observation{Key: "checkin:" + ci.ID, Day: ci.Date, At: ci.LoggedAt, Value: ci.Coping,
				Evidence: c.Catalog.T("evidence.coping", map[string]any{"Day": day, "Coping": ci.Coping})})
		}
		if ci.RightsAsked {
			var labels []string
			for _, r := range ci.Rights {
				labels = append(labels, c.Catalog.T("evidence.rights."+r, nil))
			}
			rights = append(rights, Observation{Key: "checkin:" + ci.ID, Day: ci.Date, At: ci.LoggedAt, Flag: len(ci.Rights) > 0,
				Evidence: c.Catalog.T("evidence.rights", map[string]any{"Day": day, "Concerns": strings.Join(labels, ", ")})})
		}
	}
	return coping, rights
}

// DebriefReadings turns post-shift debriefs into the readings the
// debrief_stress and warning_signs rules look at.
func DebriefReadings(c Context, debriefs []store.Debrief) (stress, signs []Observation) {
	for _, d := range debriefs {
		day := shortDay(d.Date)
		if d.StressAnswered {
			stress = append(stress, Observation{Key: "debrief:" + d.ID, Day: d.Date, At: d.LoggedAt, Value: d.Stress,
				Evidence: c.Catalog.T("evidence.stress", map[string]any{"Day": day, "Stress": d.Stress})})
		}
		if d.SignsAsked {
			signs = append(signs, Observation{Key: "debrief:" + d.ID, Day: d.Date, At: d.LoggedAt, Value: len(d.WarningSigns),
				Evidence: c.Catalog.T("evidence.signs", map[string]any{"Day": day, "Count": len(d.WarningSigns),
					"Of": len(c.Client.Plan.EarlyWarningSigns), "Signs": strings.Join(d.WarningSigns, ", ")})})
		}
	}
	return stress, signs
}

// CheckInRules evaluates every rule a client's check-ins feed. A rule that
// fired on an older check-in fires again with the same episode, which adds no
// incident and no evidence (Raise deduplicates).
func CheckInRules(c Context, checkins []store.CheckIn) []Firing {
	coping, rights := CheckInReadings(c, checkins)
	return firings(LowCoping(c, coping)).and(RightsConcern(c, rights))
}

// DebriefRules evaluates every rule a client's debriefs feed.
func DebriefRules(c Context, debriefs []store.Debrief) []Firing {
	stress, signs := DebriefReadings(c, debriefs)
	return firings(DebriefStress(c, stress)).and(WarningSigns(c, signs))
}

type firingList []Firing

func firings(f Firing, ok bool) firingList { return firingList(nil).and(f, ok) }

func (l firingList) and(f Firing, ok bool) firingList {
	if ok {
		return append(l, f)
	}
	return l
}

func shortDay(date string) string {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return d.Format("Mon 2 Jan")
}
