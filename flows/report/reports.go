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
	// Erased counts the clients erased (on request, or when their retention
	// ran out) since the period began, across the service: none of their
	// records is left to count, and the notes say so.
	Erased int
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
	notes := []string{cat.T("report.period", map[string]any{"From": o.From.Format(time.DateOnly), "To": o.To.Format(time.DateOnly),
		"AsOf": o.AsOf.Format(time.DateOnly), "Scope": scope})}
	if o.Erased > 0 {
		notes = append(notes, cat.T("report.erased", map[string]any{"N": o.Erased, "From": o.From.Format(time.DateOnly)}))
	}
	return notes
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

// jobStarts are a client's job starts, in date order: the first job
// (Client.JobStart) and each start recorded after they had left work, so a
// client who returns to work is counted again. A start recorded while still
// in work (a new role, or the first job recorded twice) continues the same
// period in work and is not a new start.
func jobStarts(cr ClientRecords) []string {
	var out []string
	if cr.Client.JobStart != "" {
		out = append(out, cr.Client.JobStart)
	}
	jobs := append([]store.JobEvent(nil), cr.Jobs...)
	sort.SliceStable(jobs, func(i, j int) bool { return jobs[i].Date < jobs[j].Date })
	left := false
	for _, j := range jobs {
		last := ""
		if len(out) > 0 {
			last = out[len(out)-1]
		}
		switch {
		case j.Status == store.JobLeft && j.Date >= last:
			left = true
		case j.Status == store.JobStarted && (last == "" || left && j.Date > last):
			out = append(out, j.Date)
			left = false
		}
	}
	return out
}

// sustainmentRow is one job start's row: whether the client was in work at
// each milestone after it, counted into f.
func sustainmentRow(cr ClientRecords, jobStart string, o Options, f *SustainmentFigures) []string {
	start := date(jobStart)
	row := []string{cr.Client.ID, cr.WorkerName, jobStart}
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
	return row
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
		for _, js := range jobStarts(cr) {
			if !o.inRange(js) {
				continue
			}
			f.Starts++
			r.Rows = append(r.Rows, sustainmentRow(cr, js, o, &f))
		}
	}
	r.Totals = append(r.Totals, cat.T("report.sustainment.starts", map[string]any{"Starts": f.Starts}))
	for i, weeks := range Milestones[1:] {
		i++
		r.Totals = append(r.Totals, cat.T("report.sustainment.milestone", map[string]any{"Weeks": weeks, "Due": f.Due[i],
			"In": f.In[i], "Left": f.Left[i], "Unverified": f.UnverifiedCounts[i], "Rate": percent(f.In[i], f.Due[i])}))
	}
	return r, f
}

// Outcomes of one item of the minimum offer: a week of month one, or the
// check after one of the first three shifts.
const (
	OfferAnswered = "answered" // contact made
	// OfferMissed: Steady sent the prompt and the client did not answer it
	// (it expired, they skipped it, or the next prompt pushed it aside). The
	// offer was made: this is not a failure of the service.
	OfferMissed = "missed"
	// OfferPaused: nothing was sent because the client had paused or stopped
	// Steady (or withdrawn consent, or been discharged): the client's choice.
	OfferPaused = "paused"
	// OfferNotMade: due, and Steady sent nothing (no schedule or rota for it,
	// or Steady was not running when it fell due).
	OfferNotMade = "not_offered"
	OfferPending = "pending" // not yet due
)

// contactKinds are the prompts that offer the client contact with the
// service: the weekly check-in (and month one's extra ones) and the debrief.
var contactKinds = map[string]bool{"weekly_checkin": true, "debrief": true}

// OfferCounts count the items of the minimum offer by outcome.
type OfferCounts struct {
	Due, Answered, Missed, Paused, NotOffered int
}

func (c *OfferCounts) add(outcome string) {
	if outcome == OfferPending {
		return
	}
	c.Due++
	switch outcome {
	case OfferAnswered:
		c.Answered++
	case OfferMissed:
		c.Missed++
	case OfferPaused:
		c.Paused++
	case OfferNotMade:
		c.NotOffered++
	}
}

// ContactFigures are the contact-intensity totals. Met, NotMet and
// InProgress say whether the client had contact every time the minimum
// called for it; Offered, NotOffered and OfferInProgress whether Steady made
// every offer (a client who let prompts go unanswered does not count against
// the offer).
type ContactFigures struct {
	Clients                              int
	Met, NotMet, InProgress              int
	Offered, NotOffered, OfferInProgress int
	Weeks, Shifts                        OfferCounts
}

// promptEvent is a contact prompt Steady sent, or held back for a pause.
type promptEvent struct {
	at   time.Time
	kind string
	sent bool // false: held back because the client had paused or stopped
}

// contactPrompts are the contact prompts in a client's audit log: "prompt.sent"
// (Steady sent it) and "prompt.skipped" recorded by Steady (not sent: the
// client had paused or stopped). A prompt the client skipped is recorded by
// the client, after Steady's "prompt.sent".
func contactPrompts(audit []store.AuditEvent) []promptEvent {
	var out []promptEvent
	for _, e := range audit {
		if !contactKinds[e.Rule] {
			continue
		}
		switch {
		case e.Action == "prompt.sent":
			out = append(out, promptEvent{at: e.At, kind: e.Rule, sent: true})
		case e.Action == "prompt.skipped" && e.Actor == "steady":
			out = append(out, promptEvent{at: e.At, kind: e.Rule})
		}
	}
	return out
}

// offerOutcome decides one item: answered if there was contact; otherwise
// missed if a prompt was sent, paused if one was held back for a pause, and
// otherwise not offered; pending until due.
func offerOutcome(answered bool, prompts []promptEvent, due bool) string {
	sent, held := false, false
	for _, p := range prompts {
		sent = sent || p.sent
		held = held || !p.sent
	}
	switch {
	case !due:
		return OfferPending
	case answered:
		return OfferAnswered
	case sent:
		return OfferMissed
	case held:
		return OfferPaused
	}
	return OfferNotMade
}

// ContactCheck is one client's month one against the minimum offer.
type ContactCheck struct {
	Weeks  [4]string // outcome per week of month one
	Shifts [3]string // outcome per check after the first three shifts
	// ContactsMonthOne counts answered check-ins and debriefs in the first four weeks.
	ContactsMonthOne int
	// MonthOver: every week of month one has ended by the report date.
	MonthOver bool
}

// shiftWindowCap bounds how long after a shift's debrief fell due a sent
// debrief prompt is taken as that shift's (quiet hours and a busy client can
// put it back by hours, never by a day).
const shiftWindowCap = 24 * time.Hour

// CheckContact works out a client's month one: week k runs from the job
// start plus 7k days for seven days, and is due once its last day is on or
// before asOf; the check after shift n is due once its debrief's day is (or,
// when the rota does not show the shift, once month one is over). A sent
// prompt is matched to a week by the day it went out, and to a shift when it
// went out between that shift's debrief time and the next shift's.
func CheckContact(cr ClientRecords, loc *time.Location, asOf time.Time) ContactCheck {
	var cc ContactCheck
	start := date(cr.Client.JobStart)
	cc.MonthOver = !start.AddDate(0, 0, 27).After(asOf)
	prompts := contactPrompts(cr.Audit)
	localDay := func(t time.Time) string { return t.In(loc).Format(time.DateOnly) }

	var contacts []string
	for _, c := range cr.CheckIns {
		contacts = append(contacts, c.Date)
	}
	for _, d := range cr.Debriefs {
		contacts = append(contacts, d.Date)
	}
	for w := range 4 {
		from := start.AddDate(0, 0, 7*w).Format(time.DateOnly)
		last := start.AddDate(0, 0, 7*w+6)
		to := last.Format(time.DateOnly)
		n := 0
		for _, c := range contacts {
			if c >= from && c <= to {
				n++
			}
		}
		cc.ContactsMonthOne += n
		var in []promptEvent
		for _, p := range prompts {
			if d := localDay(p.at); d >= from && d <= to {
				in = append(in, p)
			}
		}
		cc.Weeks[w] = offerOutcome(n > 0, in, !last.After(asOf))
	}

	// The first three shifts, and the fourth to bound the third's window.
	// A shift's window opens when it ends: its debrief is due a little
	// later, but may go out as soon as the shift is over, together with
	// another prompt the client has just answered.
	shifts := cr.Client.Schedules.Rota.First(cr.Client.JobStart, 4)
	debriefDue := func(i int) time.Time {
		e := shifts[i].End
		return time.Date(e.Year(), e.Month(), e.Day(), e.Hour(), e.Minute(), 0, 0, loc)
	}
	for n := range 3 {
		answered := false
		for _, d := range cr.Debriefs {
			answered = answered || d.FirstShift == n+1 || (n < len(shifts) && d.ShiftID == shifts[n].ID)
		}
		if n >= len(shifts) {
			// The rota does not show this shift, so Steady could not follow
			// it: due once month one is over, or once it was checked anyway.
			cc.Shifts[n] = offerOutcome(answered, nil, cc.MonthOver || answered)
			continue
		}
		from := debriefDue(n)
		until := from.Add(shiftWindowCap)
		if n+1 < len(shifts) && debriefDue(n+1).Before(until) {
			until = debriefDue(n + 1)
		}
		var in []promptEvent
		for _, p := range prompts {
			if p.kind == "debrief" && !p.at.Before(from) && p.at.Before(until) {
				in = append(in, p)
			}
		}
		cc.Shifts[n] = offerOutcome(answered, in, localDay(from) <= asOf.Format(time.DateOnly))
	}
	return cc
}

// Contact reports, for clients whose job started in the period, month one
// against the minimum offer (a contact in each of the first four weeks, and
// a check after each of the first three shifts) in two ways: whether Steady
// made every offer, and whether the client took it up.
func Contact(cat *flows.Catalog, records []ClientRecords, o Options) (Report, ContactFigures) {
	o = o.withDefaults()
	zones := zoneCache{}
	r := Report{Kind: KindContact, Title: cat.T("report.contact.title", nil),
		Notes: append(scopeNotes(cat, o), cat.T("report.contact.note", nil)),
		Columns: []string{"client", "worker", "job_start",
			"weeks_due", "weeks_answered", "weeks_missed", "weeks_paused", "weeks_not_offered",
			"shift_checks_due", "shift_checks_answered", "shift_checks_missed", "shift_checks_paused", "shift_checks_not_offered",
			"contacts_month_one", "offer_made", "minimum_met"}}
	var f ContactFigures
	for _, cr := range sortedRecords(records) {
		if cr.Client.JobStart == "" || !o.inRange(cr.Client.JobStart) {
			continue
		}
		f.Clients++
		cc := CheckContact(cr, zones.of(cr.Client), o.AsOf)
		var weeks, shifts OfferCounts
		pending := false
		for _, w := range cc.Weeks {
			weeks.add(w)
			pending = pending || w == OfferPending
		}
		for _, s := range cc.Shifts {
			shifts.add(s)
			pending = pending || s == OfferPending
		}
		offer := "yes"
		switch {
		case weeks.NotOffered+shifts.NotOffered > 0:
			offer = "no"
			f.NotOffered++
		case pending:
			offer = "in_progress"
			f.OfferInProgress++
		default:
			f.Offered++
		}
		met := "yes"
		switch {
		case weeks.Answered < weeks.Due || shifts.Answered < shifts.Due:
			met = "no"
			f.NotMet++
		case pending:
			met = "in_progress"
			f.InProgress++
		default:
			f.Met++
		}
		for _, c := range []struct{ into, from *OfferCounts }{{&f.Weeks, &weeks}, {&f.Shifts, &shifts}} {
			c.into.Due += c.from.Due
			c.into.Answered += c.from.Answered
			c.into.Missed += c.from.Missed
			c.into.Paused += c.from.Paused
			c.into.NotOffered += c.from.NotOffered
		}
		r.Rows = append(r.Rows, []string{cr.Client.ID, cr.WorkerName, cr.Client.JobStart,
			fmt.Sprint(weeks.Due), fmt.Sprint(weeks.Answered), fmt.Sprint(weeks.Missed), fmt.Sprint(weeks.Paused), fmt.Sprint(weeks.NotOffered),
			fmt.Sprint(shifts.Due), fmt.Sprint(shifts.Answered), fmt.Sprint(shifts.Missed), fmt.Sprint(shifts.Paused), fmt.Sprint(shifts.NotOffered),
			fmt.Sprint(cc.ContactsMonthOne), offer, met})
	}
	r.Totals = append(r.Totals,
		cat.T("report.contact.totals_offer", map[string]any{"Clients": f.Clients, "Offered": f.Offered, "NotOffered": f.NotOffered,
			"InProgress": f.OfferInProgress, "Rate": percent(f.Offered, f.Offered+f.NotOffered)}),
		cat.T("report.contact.totals_met", map[string]any{"Met": f.Met, "NotMet": f.NotMet, "InProgress": f.InProgress,
			"Rate": percent(f.Met, f.Met+f.NotMet)}),
		cat.T("report.contact.totals_weeks", offerData(f.Weeks)),
		cat.T("report.contact.totals_shifts", offerData(f.Shifts)))
	return r, f
}

func offerData(c OfferCounts) map[string]any {
	return map[string]any{"Due": c.Due, "Answered": c.Answered, "Missed": c.Missed, "Paused": c.Paused, "NotOffered": c.NotOffered}
}

// AdjustmentFigures are the review totals: each due review counted once.
type AdjustmentFigures struct {
	Due, OnTime, Late, Outstanding int
}

// Who took part in a due review that is done.
const (
	ReviewedByWorker = "worker"
	ReviewedByBoth   = "client+worker" // the client answered the review prompt too
)

// DueReview is one review an adjustment's register called for: the due date,
// when it counts as done (zero: not done) and who took part.
type DueReview struct {
	Adjustment, Due string
	Done            time.Time
	By              string
}

// DueReviews lists an adjustment's due reviews, one per due date, as of a
// day. The rule: a due review is done when the worker records their review
// of that date, or, once the client has answered the review prompt, when the
// worker acknowledges that answer by changing the adjustment after it,
// whichever comes first. The client's answer alone does not close a review
// (the review flow leaves the review date where it is: only the worker
// decides), and a client's and a worker's entry for the same date count as
// one review. An open adjustment's pending review date is a due review too.
// Anything recorded after asOf (a local date) has not happened yet.
func DueReviews(a store.Adjustment, loc *time.Location, asOf time.Time) []DueReview {
	happened := func(t time.Time) bool { return happenedBy(t, loc, asOf) }
	earliest := func(cur *time.Time, t time.Time) {
		if cur.IsZero() || t.Before(*cur) {
			*cur = t
		}
	}
	type entries struct{ worker, client time.Time }
	byDue := map[string]*entries{}
	var order []string
	entry := func(due string) *entries {
		if byDue[due] == nil {
			byDue[due] = &entries{}
			order = append(order, due)
		}
		return byDue[due]
	}
	for _, rv := range a.Reviews {
		en := entry(rv.Due)
		switch {
		case !happened(rv.At):
		case rv.By == "client":
			earliest(&en.client, rv.At)
		default:
			earliest(&en.worker, rv.At)
		}
	}
	if a.Open() && a.ReviewOn != "" {
		entry(a.ReviewOn)
	}
	out := make([]DueReview, 0, len(order))
	for _, due := range order {
		en := byDue[due]
		dr := DueReview{Adjustment: a.ID, Due: due, Done: en.worker}
		if !en.client.IsZero() {
			for _, h := range a.History {
				if h.By != "client" && !h.At.Before(en.client) && happened(h.At) {
					earliest(&dr.Done, h.At)
				}
			}
		}
		switch {
		case dr.Done.IsZero():
		case en.client.IsZero():
			dr.By = ReviewedByWorker
		default:
			dr.By = ReviewedByBoth
		}
		out = append(out, dr)
	}
	return out
}

// Adjustments reports every review due in the period (up to the day the
// report is run), once each (see DueReviews): done on time (by the due date
// plus the grace days, as the review prompt reaches the client on the due
// date and waits two days for an answer), done late, or still outstanding
// once past its grace.
func Adjustments(cat *flows.Catalog, records []ClientRecords, o Options) (Report, AdjustmentFigures) {
	o = o.withDefaults()
	zones := zoneCache{}
	r := Report{Kind: KindAdjustments, Title: cat.T("report.adjustments.title", nil),
		Notes:   append(scopeNotes(cat, o), cat.T("report.adjustments.note", map[string]any{"Grace": o.ReviewGraceDays})),
		Columns: []string{"client", "worker", "adjustment", "review_due", "reviewed_on", "reviewed_by", "days_late", "result"}}
	var f AdjustmentFigures
	asOf := o.AsOf.Format(time.DateOnly)
	for _, cr := range sortedRecords(records) {
		loc := zones.of(cr.Client)
		for _, a := range cr.Adjustments {
			for _, dr := range DueReviews(a, loc, o.AsOf) {
				if !o.inRange(dr.Due) || dr.Due > asOf {
					continue
				}
				row := []string{cr.Client.ID, cr.WorkerName, a.ID, dr.Due}
				if dr.Done.IsZero() {
					late := int(o.AsOf.Sub(date(dr.Due)).Hours() / 24)
					if late <= o.ReviewGraceDays {
						continue // still within its grace: not yet late, not yet counted
					}
					f.Due++
					f.Outstanding++
					r.Rows = append(r.Rows, append(row, "", "", fmt.Sprint(late), "outstanding"))
					continue
				}
				done := dr.Done.In(loc).Format(time.DateOnly)
				late := int(date(done).Sub(date(dr.Due)).Hours() / 24)
				result := "on_time"
				if late > o.ReviewGraceDays {
					result = "late"
					f.Late++
				} else {
					f.OnTime++
				}
				f.Due++
				r.Rows = append(r.Rows, append(row, done, dr.By, fmt.Sprint(max(late, 0)), result))
			}
		}
	}
	r.Totals = append(r.Totals, cat.T("report.adjustments.totals", map[string]any{"Due": f.Due, "OnTime": f.OnTime,
		"Late": f.Late, "Outstanding": f.Outstanding, "Rate": percent(f.OnTime, f.Due)}))
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
			// As of the report date: an acknowledgement or resolution after
			// it had not happened yet. Waits are between instants, so a clock
			// change in between neither adds nor takes away an hour.
			ack, resolved := in.AckAt, in.ResolvedAt
			if !happenedBy(ack, loc, o.AsOf) {
				ack = time.Time{}
			}
			if !happenedBy(resolved, loc, o.AsOf) {
				resolved = time.Time{}
			}
			taken := ack
			if taken.IsZero() {
				taken = resolved
			}
			if in.State == store.IncidentResolved && (in.ResolvedAt.IsZero() || !resolved.IsZero()) {
				f.Resolved++ // (a record with no time kept counts as resolved)
			}
			if taken.IsZero() {
				f.Unacknowledged++
			} else {
				f.Acknowledged++
				waits[in.Rule] = append(waits[in.Rule], taken.Sub(in.OpenedAt))
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

// happenedBy reports whether t (zero: never) is on or before the local day asOf.
func happenedBy(t time.Time, loc *time.Location, asOf time.Time) bool {
	if t.IsZero() {
		return false
	}
	local := t.In(loc)
	return !time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC).After(asOf)
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
