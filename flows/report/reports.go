package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"steady/flows"
	"steady/store"
)

// Report kinds, as `steady report KIND` names them.
const (
	KindSustainment = "sustainment"
	KindContact     = "contact"
	KindAdjustments = "adjustments"
	KindIncidents   = "incidents"
	KindAuditSample = "audit-sample"
)

// Kinds lists every report kind.
var Kinds = []string{KindSustainment, KindContact, KindAdjustments, KindIncidents, KindAuditSample}

// ClientRecords is what the reports read about one client. The bot loads
// only what a report needs; the rest stays empty.
type ClientRecords struct {
	Client      store.Client
	WorkerName  string
	CheckIns    []store.CheckIn
	Debriefs    []store.Debrief
	Incidents   []store.Incident
	Adjustments []store.Adjustment
	Jobs        []store.JobEvent
	Plans       []store.PlanVersion
	Audit       []store.AuditEvent
}

// Options choose a report's period and scope. Dates are local dates at UTC
// midnight; To is the last day included.
type Options struct {
	From, To time.Time
	// AsOf is the day the report is run: milestones and reviews after it are not yet due.
	AsOf time.Time
	// Worker limits the report to one worker's caseload ("" is the whole service).
	Worker string
	// ReviewGraceDays is how late a review may be and still count as on time.
	ReviewGraceDays int
	// SampleSize and Seed choose the audit sample; the seed is printed so the
	// same sample can be drawn again.
	SampleSize int
	Seed       uint64
}

// Defaults for Options fields left zero.
const (
	DefaultReviewGraceDays = 7
	DefaultSampleSize      = 5
	// EvidenceWindowDays: "in work" at a milestone needs evidence this recent
	// (a check-in or a recorded start); older evidence is reported unverified.
	EvidenceWindowDays = 28
)

// Report is a table plus the lines around it, rendered as CSV or markdown.
type Report struct {
	Kind    string
	Title   string
	Notes   []string // under the title: period, scope, definitions
	Columns []string
	Rows    [][]string
	Totals  []string // after the table
	// Sections are extra markdown blocks (the audit sample's per-client detail).
	Sections []string
	// CSVOnlyTable leaves the table out of the markdown, when Sections say it better.
	CSVOnlyTable bool
}

// CSV renders the table (header row first). Totals and notes stay out of it
// so the file loads cleanly into a spreadsheet.
func (r Report) CSV() []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(r.Columns)
	for _, row := range r.Rows {
		_ = w.Write(csvSafe(row))
	}
	w.Flush()
	return b.Bytes()
}

// csvSafe stops a cell being read as a formula by a spreadsheet: free text
// reaches some reports (plan reasons), and "=HYPERLINK(…)" must stay text.
func csvSafe(row []string) []string {
	out := make([]string, len(row))
	for i, c := range row {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			c = "'" + c
		}
		out[i] = c
	}
	return out
}

// Markdown renders the report for reading.
func (r Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", r.Title)
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "%s\n", n)
	}
	if len(r.Notes) > 0 {
		b.WriteString("\n")
	}
	if len(r.Rows) > 0 && !r.CSVOnlyTable {
		b.WriteString("| " + strings.Join(r.Columns, " | ") + " |\n")
		b.WriteString("|" + strings.Repeat("---|", len(r.Columns)) + "\n")
		for _, row := range r.Rows {
			cells := make([]string, len(row))
			for i, c := range row {
				cells[i] = strings.NewReplacer("|", "\\|", "\n", " ").Replace(c)
			}
			b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
		}
		b.WriteString("\n")
	}
	for _, t := range r.Totals {
		fmt.Fprintf(&b, "%s\n", t)
	}
	for _, s := range r.Sections {
		fmt.Fprintf(&b, "\n%s\n", s)
	}
	return b.String()
}

func (o Options) withDefaults() Options {
	if o.ReviewGraceDays == 0 {
		o.ReviewGraceDays = DefaultReviewGraceDays
	}
	if o.SampleSize == 0 {
		o.SampleSize = DefaultSampleSize
	}
	if o.AsOf.IsZero() {
		o.AsOf = o.To
	}
	return o
}

func (o Options) inRange(date string) bool {
	return date >= o.From.Format(time.DateOnly) && date <= o.To.Format(time.DateOnly)
}

func scopeNotes(cat *flows.Catalog, o Options) []string {
	scope := cat.T("report.scope_service", nil)
	if o.Worker != "" {
		scope = cat.T("report.scope_worker", map[string]any{"Worker": o.Worker})
	}
	return []string{cat.T("report.period", map[string]any{"From": o.From.Format(time.DateOnly), "To": o.To.Format(time.DateOnly),
		"AsOf": o.AsOf.Format(time.DateOnly), "Scope": scope})}
}

func percent(n, d int) string {
	if d == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(n)/float64(d))
}

func date(s string) time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return t
}

// Milestones are the sustainment points, in weeks after the job start.
var Milestones = []int{0, 6, 13, 26}

// Sustainment outcomes at a milestone.
const (
	InWork     = "in_work"
	LeftWork   = "left"
	Unverified = "unverified" // last known in work, but no evidence in the window before the milestone
	NotDue     = "not_due"
)

// SustainmentFigures are the totals per milestone (index as Milestones).
type SustainmentFigures struct {
	Starts                          int
	Due, In, Left, UnverifiedCounts [4]int
}

// MilestoneStatus says whether a client was in work on a day, from their job
// start, the job changes their worker recorded, and their weekly check-ins'
// "still in the job" answers: the latest evidence on or before the day wins
// (a worker's record over a check-in on the same day).
func MilestoneStatus(r ClientRecords, day, asOf time.Time) string {
	if day.After(asOf) {
		return NotDue
	}
	type evidence struct {
		date string
		rank int // same day: check-in first, then the worker's record
		in   bool
	}
	ev := []evidence{{date: r.Client.JobStart, rank: 1, in: true}}
	for _, j := range r.Jobs {
		ev = append(ev, evidence{date: j.Date, rank: 1, in: j.Status == store.JobStarted})
	}
	for _, c := range r.CheckIns {
		switch c.StillInJob {
		case store.Yes:
			ev = append(ev, evidence{date: c.Date, in: true})
		case store.No:
			ev = append(ev, evidence{date: c.Date, in: false})
		}
	}
	sort.SliceStable(ev, func(i, j int) bool {
		if ev[i].date != ev[j].date {
			return ev[i].date < ev[j].date
		}
		return ev[i].rank < ev[j].rank
	})
	d := day.Format(time.DateOnly)
	var last *evidence
	for i := range ev {
		if ev[i].date <= d {
			last = &ev[i]
		}
	}
	switch {
	case last == nil:
		return NotDue // the job had not started
	case !last.in:
		return LeftWork
	case d != r.Client.JobStart && date(last.date).Before(day.AddDate(0, 0, -EvidenceWindowDays)):
		return Unverified
	}
	return InWork
}

// Sustainment reports, for clients whose job started in the period, whether
// they were in work at 6, 13 and 26 weeks.
func Sustainment(cat *flows.Catalog, records []ClientRecords, o Options) (Report, SustainmentFigures) {
	o = o.withDefaults()
	r := Report{Kind: KindSustainment, Title: cat.T("report.sustainment.title", nil),
		Notes:   append(scopeNotes(cat, o), cat.T("report.sustainment.note", map[string]any{"Window": EvidenceWindowDays})),
		Columns: []string{"client", "worker", "job_start", "week_6", "week_13", "week_26"}}
	var f SustainmentFigures
	for _, cr := range sortedRecords(records) {
		if cr.Client.JobStart == "" || !o.inRange(cr.Client.JobStart) {
			continue
		}
		f.Starts++
		start := date(cr.Client.JobStart)
		row := []string{cr.Client.ID, cr.WorkerName, cr.Client.JobStart}
		for i, weeks := range Milestones {
			st := MilestoneStatus(cr, start.AddDate(0, 0, 7*weeks), o.AsOf)
			if st != NotDue {
				f.Due[i]++
			}
			switch st {
			case InWork:
				f.In[i]++
			case LeftWork:
				f.Left[i]++
			case Unverified:
				f.UnverifiedCounts[i]++
			}
			if weeks > 0 {
				row = append(row, st)
			}
		}
		r.Rows = append(r.Rows, row)
	}
	r.Totals = append(r.Totals, cat.T("report.sustainment.starts", map[string]any{"Starts": f.Starts}))
	for i, weeks := range Milestones[1:] {
		i++
		r.Totals = append(r.Totals, cat.T("report.sustainment.milestone", map[string]any{"Weeks": weeks, "Due": f.Due[i],
			"In": f.In[i], "Left": f.Left[i], "Unverified": f.UnverifiedCounts[i], "Rate": percent(f.In[i], f.Due[i])}))
	}
	return r, f
}

// ContactFigures are the contact-intensity totals.
type ContactFigures struct {
	Clients, Met, NotMet, InProgress int
	WeeksDue, WeeksWithContact       int
	ShiftChecks, ShiftChecksDue      int
}

// Contact reports, for clients whose job started in the period, contact in
// month one against the minimum offer: a contact (an answered check-in or
// debrief) in each of the first four weeks, and a check after each of the
// first three shifts.
func Contact(cat *flows.Catalog, records []ClientRecords, o Options) (Report, ContactFigures) {
	o = o.withDefaults()
	r := Report{Kind: KindContact, Title: cat.T("report.contact.title", nil),
		Notes:   append(scopeNotes(cat, o), cat.T("report.contact.note", nil)),
		Columns: []string{"client", "worker", "job_start", "weeks_with_contact", "weeks_due", "first_shift_checks", "contacts_month_one", "minimum_met"}}
	var f ContactFigures
	for _, cr := range sortedRecords(records) {
		if cr.Client.JobStart == "" || !o.inRange(cr.Client.JobStart) {
			continue
		}
		f.Clients++
		start := date(cr.Client.JobStart)
		var contacts []string
		for _, c := range cr.CheckIns {
			contacts = append(contacts, c.Date)
		}
		shifts := map[int]bool{}
		for _, d := range cr.Debriefs {
			contacts = append(contacts, d.Date)
			if d.FirstShift >= 1 && d.FirstShift <= 3 {
				shifts[d.FirstShift] = true
			}
		}
		due, with, inMonth := 0, 0, 0
		for w := 0; w < 4; w++ {
			from := start.AddDate(0, 0, 7*w).Format(time.DateOnly)
			to := start.AddDate(0, 0, 7*w+6)
			last := to.Format(time.DateOnly)
			n := 0
			for _, c := range contacts {
				if c >= from && c <= last {
					n++
				}
			}
			inMonth += n
			if to.After(o.AsOf) {
				continue // the week is not over
			}
			due++
			if n > 0 {
				with++
			}
		}
		monthOver := !start.AddDate(0, 0, 27).After(o.AsOf)
		shiftsDue := len(shifts)
		if monthOver {
			shiftsDue = 3
		}
		met := "in_progress"
		switch {
		case with < due || (monthOver && len(shifts) < 3):
			met = "no"
			f.NotMet++
		case monthOver:
			met = "yes"
			f.Met++
		default:
			f.InProgress++
		}
		f.WeeksDue += due
		f.WeeksWithContact += with
		f.ShiftChecks += len(shifts)
		f.ShiftChecksDue += shiftsDue
		r.Rows = append(r.Rows, []string{cr.Client.ID, cr.WorkerName, cr.Client.JobStart, fmt.Sprint(with), fmt.Sprint(due),
			fmt.Sprintf("%d/3", len(shifts)), fmt.Sprint(inMonth), met})
	}
	r.Totals = append(r.Totals, cat.T("report.contact.totals", map[string]any{
		"Clients": f.Clients, "Met": f.Met, "NotMet": f.NotMet, "InProgress": f.InProgress, "Rate": percent(f.Met, f.Met+f.NotMet),
		"Weeks": f.WeeksWithContact, "WeeksDue": f.WeeksDue, "Shifts": f.ShiftChecks, "ShiftsDue": f.ShiftChecksDue}))
	return r, f
}

// AdjustmentFigures are the review totals.
type AdjustmentFigures struct {
	Due, OnTime, Late, Overdue int
}

// Adjustments reports every review due in the period (up to the day the
// report is run): done on time (by the due date plus the grace days), done
// late, or still not done.
func Adjustments(cat *flows.Catalog, records []ClientRecords, o Options) (Report, AdjustmentFigures) {
	o = o.withDefaults()
	zones := zoneCache{}
	r := Report{Kind: KindAdjustments, Title: cat.T("report.adjustments.title", nil),
		Notes:   append(scopeNotes(cat, o), cat.T("report.adjustments.note", map[string]any{"Grace": o.ReviewGraceDays})),
		Columns: []string{"client", "worker", "adjustment", "review_due", "reviewed_on", "days_late", "result"}}
	var f AdjustmentFigures
	asOf := o.AsOf.Format(time.DateOnly)
	for _, cr := range sortedRecords(records) {
		loc := zones.of(cr.Client)
		for _, a := range cr.Adjustments {
			for _, rv := range a.Reviews {
				if !o.inRange(rv.Due) || rv.Due > asOf {
					continue
				}
				done := rv.At.In(loc).Format(time.DateOnly)
				late := int(date(done).Sub(date(rv.Due)).Hours() / 24)
				result := "on_time"
				if late > o.ReviewGraceDays {
					result = "late"
					f.Late++
				} else {
					f.OnTime++
				}
				f.Due++
				r.Rows = append(r.Rows, []string{cr.Client.ID, cr.WorkerName, a.ID, rv.Due, done, fmt.Sprint(max(late, 0)), result})
			}
			// The pending review of an open adjustment, once it has fallen due.
			if a.Open() && a.ReviewOn != "" && o.inRange(a.ReviewOn) && a.ReviewOn <= asOf {
				late := int(o.AsOf.Sub(date(a.ReviewOn)).Hours() / 24)
				if late <= o.ReviewGraceDays {
					continue // still within its grace: not yet late, not yet counted
				}
				f.Due++
				f.Overdue++
				r.Rows = append(r.Rows, []string{cr.Client.ID, cr.WorkerName, a.ID, a.ReviewOn, "", fmt.Sprint(late), "overdue"})
			}
		}
	}
	r.Totals = append(r.Totals, cat.T("report.adjustments.totals", map[string]any{"Due": f.Due, "OnTime": f.OnTime,
		"Late": f.Late, "Overdue": f.Overdue, "Rate": percent(f.OnTime, f.Due)}))
	return r, f
}

// RuleFigures are one rule's incident totals.
type RuleFigures struct {
	Opened, Urgent, Acknowledged, Unacknowledged, Resolved int
	MedianAck, LongestAck                                  time.Duration
}

// Incidents reports incidents opened in the period by rule, with time from
// opening to a person taking it on (acknowledged, or resolved outright).
func Incidents(cat *flows.Catalog, records []ClientRecords, o Options) (Report, map[string]RuleFigures) {
	o = o.withDefaults()
	zones := zoneCache{}
	r := Report{Kind: KindIncidents, Title: cat.T("report.incidents.title", nil),
		Notes:   append(scopeNotes(cat, o), cat.T("report.incidents.note", nil)),
		Columns: []string{"rule", "opened", "urgent", "acknowledged", "not_acknowledged", "resolved", "median_time_to_acknowledge", "longest_time_to_acknowledge"}}
	figs := map[string]RuleFigures{}
	waits := map[string][]time.Duration{}
	for _, cr := range records {
		loc := zones.of(cr.Client)
		for _, in := range cr.Incidents {
			if !o.inRange(in.OpenedAt.In(loc).Format(time.DateOnly)) {
				continue
			}
			f := figs[in.Rule]
			f.Opened++
			if in.Urgent {
				f.Urgent++
			}
			taken := in.AckAt
			if taken.IsZero() {
				taken = in.ResolvedAt
			}
			if taken.IsZero() {
				f.Unacknowledged++
			} else {
				f.Acknowledged++
				waits[in.Rule] = append(waits[in.Rule], taken.Sub(in.OpenedAt))
			}
			if in.State == store.IncidentResolved {
				f.Resolved++
			}
			figs[in.Rule] = f
		}
	}
	rules := make([]string, 0, len(figs))
	for rule := range figs {
		rules = append(rules, rule)
	}
	sort.Strings(rules)
	var total RuleFigures
	for _, rule := range rules {
		f := figs[rule]
		w := waits[rule]
		sort.Slice(w, func(i, j int) bool { return w[i] < w[j] })
		if len(w) > 0 {
			f.MedianAck = median(w)
			f.LongestAck = w[len(w)-1]
		}
		figs[rule] = f
		total.Opened += f.Opened
		total.Urgent += f.Urgent
		total.Acknowledged += f.Acknowledged
		total.Unacknowledged += f.Unacknowledged
		total.Resolved += f.Resolved
		r.Rows = append(r.Rows, []string{RuleName(cat, rule), fmt.Sprint(f.Opened), fmt.Sprint(f.Urgent), fmt.Sprint(f.Acknowledged),
			fmt.Sprint(f.Unacknowledged), fmt.Sprint(f.Resolved), duration(f.MedianAck, len(w) > 0), duration(f.LongestAck, len(w) > 0)})
	}
	r.Totals = append(r.Totals, cat.T("report.incidents.totals", map[string]any{"Opened": total.Opened, "Urgent": total.Urgent,
		"Acknowledged": total.Acknowledged, "Unacknowledged": total.Unacknowledged}))
	return r, figs
}

func median(sorted []time.Duration) time.Duration {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

func duration(d time.Duration, ok bool) string {
	if !ok {
		return "–"
	}
	d = d.Round(time.Minute)
	h, m := int(d.Hours()), int(d.Minutes())%60
	if h >= 24 {
		return fmt.Sprintf("%dd %dh %02dm", h/24, h%24, m)
	}
	return fmt.Sprintf("%dh %02dm", h, m)
}

// SampleClients draws n clients at random with the seed, in a stable order,
// so an inspector's sample can be drawn again from the seed in the report.
func SampleClients(records []ClientRecords, n int, seed uint64) []ClientRecords {
	sorted := sortedRecords(records)
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	rng.Shuffle(len(sorted), func(i, j int) { sorted[i], sorted[j] = sorted[j], sorted[i] })
	if n < len(sorted) {
		sorted = sorted[:n]
	}
	return sortedRecords(sorted)
}

// decisionActions are audit actions that record an escalation decision:
// a rule firing, who was told, what was withheld and why, who acted.
var decisionPrefixes = []string{"incident.", "peer.", "escalation.", "message.withheld", "night.disrupted", "plan_check."}

func isDecision(e store.AuditEvent) bool {
	if e.Incident != "" {
		return true
	}
	for _, p := range decisionPrefixes {
		if strings.HasPrefix(e.Action, p) {
			return true
		}
	}
	return false
}

// AuditSample lists, for a random sample of clients, their consent history,
// their plan (current and its versions) and the escalation decisions made
// in the period: what an inspector reads to check decisions were consent-led.
func AuditSample(cat *flows.Catalog, records []ClientRecords, o Options) Report {
	o = o.withDefaults()
	zones := zoneCache{}
	sample := SampleClients(records, o.SampleSize, o.Seed)
	r := Report{Kind: KindAuditSample, Title: cat.T("report.audit.title", nil),
		Notes:   append(scopeNotes(cat, o), cat.T("report.audit.note", map[string]any{"N": len(sample), "Of": len(records), "Seed": o.Seed})),
		Columns: []string{"client", "kind", "at", "by", "what", "detail"}}
	for _, cr := range sample {
		c := cr.Client
		loc := zones.of(c)
		at := func(t time.Time) string { return t.In(loc).Format("2006-01-02 15:04") }
		var md []string
		md = append(md, cat.T("report.audit.client", map[string]any{"ID": c.ID, "Worker": cr.WorkerName, "Status": string(c.Status), "JobStart": c.JobStart}))
		md = append(md, cat.T("report.audit.consents", nil))
		for _, h := range c.Consents.History {
			md = append(md, fmt.Sprintf("- %s: %s = %s (by %s%s)", at(h.At), h.Purpose, h.Value, h.By, noteSuffix(h.Note)))
			r.Rows = append(r.Rows, []string{c.ID, "consent", at(h.At), h.By, h.Purpose + "=" + h.Value, h.Note})
		}
		md = append(md, cat.T("report.audit.plan", map[string]any{"Versions": len(cr.Plans)}))
		for _, rule := range sortedKeys(c.Plan.Actions) {
			md = append(md, fmt.Sprintf("- %s: %s", RuleName(cat, rule), strings.Join(c.Plan.Actions[rule], "; ")))
		}
		for _, v := range cr.Plans {
			var fields []string
			for _, ch := range v.Changes {
				fields = append(fields, ch.Field)
			}
			what := fmt.Sprintf("version %d", v.Version)
			md = append(md, fmt.Sprintf("- %s by %s: %s%s", what, v.By, v.Reason, listSuffix(fields)))
			r.Rows = append(r.Rows, []string{c.ID, "plan", at(v.At), v.By, what, v.Reason + listSuffix(fields)})
		}
		md = append(md, cat.T("report.audit.decisions", nil))
		n := 0
		for _, e := range cr.Audit {
			if !isDecision(e) || !o.inRange(e.At.In(loc).Format(time.DateOnly)) {
				continue
			}
			n++
			detail := strings.TrimSpace(strings.Join([]string{e.Rule, e.Incident, e.Reason}, " "))
			md = append(md, fmt.Sprintf("- %s %s by %s: %s", at(e.At), e.Action, e.Actor, detail))
			r.Rows = append(r.Rows, []string{c.ID, "decision", at(e.At), e.Actor, e.Action, detail})
		}
		if n == 0 {
			md = append(md, cat.T("report.audit.no_decisions", nil))
		}
		r.Sections = append(r.Sections, strings.Join(md, "\n"))
	}
	if len(sample) == 0 {
		r.Totals = append(r.Totals, cat.T("report.audit.empty", nil))
	}
	r.CSVOnlyTable = true // the markdown reads better as the per-client sections
	return r
}

func noteSuffix(n string) string {
	if n == "" {
		return ""
	}
	return ", " + n
}

func listSuffix(fields []string) string {
	if len(fields) == 0 {
		return ""
	}
	return " (" + strings.Join(fields, ", ") + ")"
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sortedRecords(records []ClientRecords) []ClientRecords {
	out := append([]ClientRecords(nil), records...)
	sort.Slice(out, func(i, j int) bool { return out[i].Client.ID < out[j].Client.ID })
	return out
}

// zoneCache loads each time zone once per report: loading one parses the
// zone database, which costs more than the rest of a client's figures.
type zoneCache map[string]*time.Location

func (z zoneCache) of(c store.Client) *time.Location {
	if loc, ok := z[c.TimeZone]; ok {
		return loc
	}
	loc, err := c.Location()
	if err != nil {
		loc = time.UTC // a bad zone name is reported elsewhere; dates fall back to UTC
	}
	z[c.TimeZone] = loc
	return loc
}
