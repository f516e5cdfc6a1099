package report

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"steady/flows"
	"steady/store"
)

// SummaryData is everything the client summary shows. The bot loads it; the
// summary is the same for the worker and (worded to them) for the client.
type SummaryData struct {
	Client      store.Client
	WorkerName  string
	Today       time.Time // local date
	Nights      []store.SleepEntry
	Debriefs    []store.Debrief // the chart's fortnight and the first month at work
	CheckIns    []store.CheckIn // recent ones, oldest first
	Incidents   []store.Incident
	Adjustments []store.Adjustment
	ForClient   bool // worded for the client about themselves
}

// RecentCheckIns is how many check-ins the summary lists.
const RecentCheckIns = 4

// Chart returns the summary's chart data.
func (d SummaryData) Chart() ChartData {
	return ChartData{Name: d.Client.DisplayName, Last: d.Today, Nights: d.Nights, Debriefs: d.Debriefs,
		MinAsleep: d.Client.SleepThresholds.MinAsleepMinutes}
}

// Summary renders the client summary as short lines for Discord or a terminal.
func Summary(cat *flows.Catalog, d SummaryData) string {
	c := d.Client
	var lines []string
	add := func(key string, data map[string]any) {
		if s := cat.T(key, data); s != "" {
			lines = append(lines, s)
		}
	}
	head := map[string]any{"Name": c.DisplayName, "Worker": d.WorkerName, "Status": string(c.Status), "Week": 0}
	if start, err := time.Parse(time.DateOnly, c.JobStart); err == nil {
		head["JobStart"] = start.Format("2 Jan 2006")
		if !d.Today.Before(start) {
			head["Week"] = int(d.Today.Sub(start).Hours()/24)/7 + 1
		}
	}
	if d.ForClient {
		add("summary.head_client", head)
	} else {
		add("summary.head", head)
	}

	if d.AnswersHidden() {
		add("summary.answers_hidden", map[string]any{"Name": c.DisplayName})
	} else {
		answerLines(cat, d, add)
	}

	var open []store.Incident
	for _, in := range d.Incidents {
		if !in.Closed() {
			open = append(open, in)
		}
	}
	sort.Slice(open, func(i, j int) bool { return open[i].OpenedAt.Before(open[j].OpenedAt) })
	if len(open) == 0 {
		add("summary.no_incidents", nil)
	} else {
		add("summary.incidents", nil)
	}
	loc, _ := c.Location()
	for _, in := range open {
		opened := in.OpenedAt
		if loc != nil {
			opened = opened.In(loc)
		}
		add("summary.incident", map[string]any{"Rule": RuleName(cat, in.Rule), "Opened": opened.Format("Mon 2 Jan 15:04"),
			"State": strings.ReplaceAll(in.State, "_", " "), "AckBy": in.AckBy, "Urgent": in.Urgent})
	}

	var adjustments []store.Adjustment
	for _, a := range d.Adjustments {
		if a.Open() {
			adjustments = append(adjustments, a)
		}
	}
	if len(adjustments) == 0 {
		add("summary.no_adjustments", nil)
	} else {
		add("summary.adjustments", nil)
	}
	for _, a := range adjustments {
		add("summary.adjustment", map[string]any{"ID": a.ID, "Line": flows.AdjustmentLine(a),
			"Status": strings.ReplaceAll(a.Status, "_", " "), "Review": day(a.ReviewOn)})
	}

	cons := map[string]any{
		"Worker": c.Consents.WorkerSeesAnswers, "Peer": string(c.Consents.Peer),
		"Supervisor": flows.SupervisorStatus(flows.Context{Catalog: cat}, c.Consents),
	}
	if n := len(c.Consents.History); n > 0 {
		cons["Changed"] = c.Consents.History[n-1].At.Format("2 Jan 2006")
	}
	add("summary.consents", cons)
	return strings.Join(lines, "\n")
}

// firstMonth is the week-by-week trend of conflicts and absences the client
// reported over their first four weeks in the job, or "" before they start.
func firstMonth(d SummaryData) string {
	start, err := time.Parse(time.DateOnly, d.Client.JobStart)
	if err != nil || d.Today.Before(start) {
		return ""
	}
	var weeks []string
	for w := 0; w < 4; w++ {
		from := start.AddDate(0, 0, 7*w)
		if from.After(d.Today) {
			break
		}
		to := from.AddDate(0, 0, 6).Format(time.DateOnly)
		shifts, conflicts, absences := 0, 0, 0
		for _, db := range d.Debriefs {
			if db.Date < from.Format(time.DateOnly) || db.Date > to {
				continue
			}
			shifts++
			if db.Conflict == store.Yes {
				conflicts++
			}
			if db.Outcome == store.ShiftAbsent {
				absences++
			}
		}
		weeks = append(weeks, fmt.Sprintf("wk%d %d/%d/%d", w+1, shifts, conflicts, absences))
	}
	return strings.Join(weeks, "; ")
}

// RuleName is a rule's staff-facing name, or its id when the catalogue has none.
func RuleName(cat *flows.Catalog, rule string) string {
	if k := "rule." + rule + ".staff"; cat.Has(k) {
		return cat.T(k, nil)
	}
	return strings.ReplaceAll(rule, "_", " ")
}

func hm(mins int) string { return fmt.Sprintf("%dh %02dm", mins/60, mins%60) }

func day(date string) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return t.Format("Mon 2 Jan")
}

// AnswersHidden reports whether the worker's summary must leave out the
// client's answers: they have withdrawn consent for their worker to see them.
func (d SummaryData) AnswersHidden() bool {
	return !d.ForClient && !d.Client.Consents.WorkerSeesAnswers
}

// answerLines are the summary lines made of the client's answers: sleep,
// debrief stress, the first month's trend and recent check-ins.
func answerLines(cat *flows.Catalog, d SummaryData, add func(string, map[string]any)) {
	chart := d.Chart()
	days := chart.Days()
	logged, disrupted := 0, 0
	var mins []int
	for _, n := range d.Nights {
		if n.Night < days[0] || n.Night > days[len(days)-1] {
			continue
		}
		logged++
		mins = append(mins, n.AsleepMin)
		if n.Disrupted {
			disrupted++
		}
	}
	sleep := map[string]any{"Logged": logged, "Nights": ChartNights, "Disrupted": disrupted}
	if len(mins) > 0 {
		sort.Ints(mins)
		sleep["Median"] = hm(mins[len(mins)/2])
	}
	add("summary.sleep", sleep)

	debriefs, high, highest := 0, 0, -1
	for _, db := range d.Debriefs {
		if db.Date < days[0] || db.Date > days[len(days)-1] {
			continue
		}
		debriefs++
		if db.StressAnswered {
			if db.Stress >= StressHigh {
				high++
			}
			highest = max(highest, db.Stress)
		}
	}
	add("summary.stress", map[string]any{"Debriefs": debriefs, "High": high, "Highest": highest, "HighAt": StressHigh})

	if weeks := firstMonth(d); weeks != "" {
		add("summary.first_month", map[string]any{"Weeks": weeks})
	}

	checkins := d.CheckIns
	if len(checkins) > RecentCheckIns {
		checkins = checkins[len(checkins)-RecentCheckIns:]
	}
	if len(checkins) == 0 {
		add("summary.no_checkins", nil)
	} else {
		add("summary.checkins", nil)
	}
	for _, ck := range checkins {
		add("summary.checkin", map[string]any{"Date": day(ck.Date), "Coping": ck.Coping, "StillInJob": ck.StillInJob,
			"Rights": strings.Join(ck.Rights, ", "), "Note": ck.NoteForWorker})
	}

}
