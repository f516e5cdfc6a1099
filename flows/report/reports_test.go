package report

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"time"

	"steady/flows"
	"steady/store"
)

func on(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func person(id, worker, jobStart string) store.Client {
	return store.Client{ID: id, DisplayName: strings.ToUpper(id[:1]) + id[1:], TimeZone: "Europe/London", WorkerID: worker,
		Status: store.StatusActive, JobStart: jobStart}
}

func yes(date string) store.CheckIn {
	return store.CheckIn{ID: "c" + date, Date: date, StillInJob: store.Yes}
}
func no(date string) store.CheckIn {
	return store.CheckIn{ID: "c" + date, Date: date, StillInJob: store.No}
}
func contact(date string) store.CheckIn {
	return store.CheckIn{ID: "c" + date, Date: date, Coping: 3}
}
func shift(date string, n int) store.Debrief {
	return store.Debrief{ID: "d" + date, Date: date, FirstShift: n}
}

// caseload is six clients whose figures are worked out by hand in each test.
// Workers: sam has ann, ben and eve; kim has cat and dan; fay has no job yet.
func caseload() []ClientRecords {
	ann := ClientRecords{Client: person("ann", "sam", "2026-09-07"), WorkerName: "Sam",
		CheckIns: []store.CheckIn{contact("2026-09-14"), contact("2026-09-21"), contact("2026-09-28"), yes("2026-10-12"), yes("2026-12-01"), yes("2027-03-01")},
		Debriefs: []store.Debrief{shift("2026-09-08", 1), shift("2026-09-09", 2), shift("2026-09-10", 3)},
		Adjustments: []store.Adjustment{{ID: "ann.adj1", Status: store.AdjustmentInPlace, ReviewOn: "2026-12-14", Reviews: []store.AdjustmentReview{
			{Due: "2026-10-19", At: utc("2026-10-19 13:00")}, {Due: "2026-11-16", At: utc("2026-11-25 10:00")}}}},
		Incidents: []store.Incident{
			{Rule: "two_disrupted_nights", OpenedAt: utc("2026-10-01 07:00"), AckAt: utc("2026-10-01 07:30"), State: store.IncidentResolved},
			{Rule: "crisis", Urgent: true, OpenedAt: utc("2026-10-10 22:10"), AckAt: utc("2026-10-10 22:25"), State: store.IncidentResolved},
			{Rule: "debrief_stress", OpenedAt: utc("2026-08-30 09:00"), State: store.IncidentWorkerNotified}, // before the period
		}}
	ben := ClientRecords{Client: person("ben", "sam", "2026-09-14"), WorkerName: "Sam",
		CheckIns:    []store.CheckIn{contact("2026-09-22"), contact("2026-10-06")},
		Debriefs:    []store.Debrief{shift("2026-09-15", 1), shift("2026-09-16", 2)},
		Jobs:        []store.JobEvent{{Date: "2026-11-20", Status: store.JobLeft}},
		Adjustments: []store.Adjustment{{ID: "ben.adj1", Status: store.AdjustmentInPlace, ReviewOn: "2026-11-02"}},
		Incidents: []store.Incident{
			{Rule: "two_disrupted_nights", OpenedAt: utc("2026-11-02 07:00"), AckAt: utc("2026-11-02 09:00"), State: store.IncidentAcknowledged}}}
	cat := ClientRecords{Client: person("cat", "kim", "2026-10-05"), WorkerName: "Kim",
		CheckIns: []store.CheckIn{contact("2026-10-05"), contact("2026-10-12"), contact("2026-10-19"), contact("2026-10-26"),
			yes("2026-11-10"), no("2026-12-20"), yes("2027-03-20")},
		Debriefs: []store.Debrief{shift("2026-10-06", 1), shift("2026-10-07", 2), shift("2026-10-08", 3)},
		Jobs:     []store.JobEvent{{Date: "2027-01-10", Status: store.JobStarted}},
		Adjustments: []store.Adjustment{{ID: "cat.adj1", Status: store.AdjustmentEnded, ReviewOn: "2026-11-09",
			Reviews: []store.AdjustmentReview{{Due: "2026-08-20", At: utc("2026-08-20 10:00")}}}},
		Incidents: []store.Incident{
			{Rule: "two_disrupted_nights", OpenedAt: utc("2026-11-20 07:00"), ResolvedAt: utc("2026-11-20 08:00"), State: store.IncidentResolved}}}
	dan := ClientRecords{Client: person("dan", "kim", "2026-11-30"), WorkerName: "Kim",
		CheckIns: []store.CheckIn{contact("2026-12-07"), contact("2026-12-14"), yes("2027-01-05")},
		Debriefs: []store.Debrief{shift("2026-12-01", 1), shift("2026-12-02", 2), shift("2026-12-03", 3)},
		Adjustments: []store.Adjustment{{ID: "dan.adj1", Status: store.AdjustmentInPlace, ReviewOn: "2027-01-04",
			Reviews: []store.AdjustmentReview{{Due: "2026-11-23", At: utc("2026-11-30 10:00")}}}},
		Incidents: []store.Incident{
			{Rule: "low_coping", OpenedAt: utc("2026-11-29 10:00"), State: store.IncidentWorkerNotified},
			{Rule: "two_disrupted_nights", OpenedAt: utc("2026-12-05 07:00")}, // after the period
		}}
	eve := ClientRecords{Client: person("eve", "sam", "2026-12-15"), WorkerName: "Sam"} // job start after the period
	fay := ClientRecords{Client: person("fay", "kim", ""), WorkerName: "Kim"}           // not in work yet
	return []ClientRecords{fay, dan, eve, cat, ben, ann}
}

func options(t *testing.T) Options {
	return Options{From: on(t, "2026-09-01"), To: on(t, "2026-11-30"), AsOf: on(t, "2027-03-31")}
}

func TestSustainmentAgainstHandWorkedFigures(t *testing.T) {
	cat := flows.DefaultCatalog()
	r, f := Sustainment(cat, caseload(), options(t))
	// Starts in Sep–Nov: ann, ben, cat, dan (eve starts in December, fay has no job).
	// Week 6:  ann in (check-in 12 Oct), ben unverified (only his start, 42 days before),
	//          cat in (10 Nov), dan in (5 Jan)                        → 4 due, 3 in, 1 unverified.
	// Week 13: ann in (1 Dec), ben left (20 Nov), cat left (check-in "no" 20 Dec),
	//          dan unverified (5 Jan is 55 days before 1 Mar)          → 4 due, 1 in, 2 left, 1 unverified.
	// Week 26: ann in (1 Mar), ben left; cat (5 Apr) and dan (31 May) not yet due → 2 due, 1 in, 1 left.
	want := SustainmentFigures{Starts: 4,
		Due: [4]int{4, 4, 4, 2}, In: [4]int{4, 3, 1, 1}, Left: [4]int{0, 0, 2, 1}, UnverifiedCounts: [4]int{0, 1, 1, 0}}
	if f != want {
		t.Fatalf("figures = %+v\nwant      %+v", f, want)
	}
	rows := map[string]string{}
	for _, row := range r.Rows {
		rows[row[0]] = strings.Join(row[3:], " ")
	}
	for id, statuses := range map[string]string{
		"ann": "in_work in_work in_work", "ben": "unverified left left",
		"cat": "in_work left not_due", "dan": "in_work unverified not_due",
	} {
		if rows[id] != statuses {
			t.Errorf("%s: %q, want %q", id, rows[id], statuses)
		}
	}
	md := r.Markdown()
	for _, s := range []string{"Week 6: 4 due, 3 in work (75%), 0 left, 1 unverified.", "Week 13: 4 due, 1 in work (25%), 2 left, 1 unverified.",
		"Week 26: 2 due, 1 in work (50%), 1 left, 0 unverified.", "Job starts in the period: 4.", "Whole service"} {
		if !strings.Contains(md, s) {
			t.Errorf("markdown lacks %q:\n%s", s, md)
		}
	}

	// One worker's caseload: the bot filters the records; the report names the scope.
	o := options(t)
	o.Worker = "sam"
	var sams []ClientRecords
	for _, cr := range caseload() {
		if cr.Client.WorkerID == "sam" {
			sams = append(sams, cr)
		}
	}
	r, f = Sustainment(cat, sams, o)
	if f.Starts != 2 || f.In[1] != 1 || f.UnverifiedCounts[1] != 1 || !strings.Contains(r.Markdown(), "Caseload of worker sam") {
		t.Errorf("sam's caseload: %+v", f)
	}
	if strings.Contains(r.Markdown(), "erased") {
		t.Errorf("nobody erased, yet the notes say so:\n%s", r.Markdown())
	}
	o.Erased = 2
	if r, _ = Sustainment(cat, sams, o); !strings.Contains(r.Markdown(), "Not in these figures: 2 clients across the service erased since 2026-09-01") {
		t.Errorf("erased clients not noted:\n%s", r.Markdown())
	}
}

func sent(at, kind string) store.AuditEvent {
	return store.AuditEvent{At: utc(at), Actor: "steady", Action: "prompt.sent", Rule: kind}
}

// contactCaseload adds to the caseload what the contact report reads beyond
// answers: prompts Steady sent (and held back for a pause), and rotas.
func contactCaseload() []ClientRecords {
	records := caseload()
	for i := range records {
		cr := &records[i]
		switch cr.Client.ID {
		case "ben":
			// Shifts Tue, Wed, Fri: the third is Fri 18 Sep, its debrief due 17:30 BST.
			cr.Client.Schedules.Rota = store.Rota{Weekly: []store.WeeklyShift{
				{Day: "tue", Start: "09:00", End: "17:00"}, {Day: "wed", Start: "09:00", End: "17:00"}, {Day: "fri", Start: "09:00", End: "17:00"}}}
			cr.Audit = []store.AuditEvent{
				sent("2026-09-18 16:30", "debrief"), // shift 3's debrief, never answered
				{At: utc("2026-09-18 22:30"), Actor: "steady", Action: "prompt.expired", Rule: "debrief"},
				sent("2026-10-02 09:00", "weekly_checkin"), // week 3 (28 Sep – 4 Oct), never answered
				{At: utc("2026-10-02 21:00"), Actor: "steady", Action: "prompt.expired", Rule: "weekly_checkin"},
			}
		case "dan":
			// Week 4 (21–27 Dec): he had paused Steady, so nothing was sent.
			cr.Audit = []store.AuditEvent{{At: utc("2026-12-27 10:00"), Actor: "steady", Action: "prompt.skipped", Rule: "weekly_checkin", Reason: "client has paused Steady"}}
		}
	}
	// gus works nights, Mon–Wed 22:00–06:00, from Mon 2 Nov; debriefs are due at 06:30.
	gus := ClientRecords{Client: person("gus", "kim", "2026-11-02"), WorkerName: "Kim",
		CheckIns: []store.CheckIn{contact("2026-11-23")},
		Debriefs: []store.Debrief{shift("2026-11-02", 1)},
		Audit: []store.AuditEvent{
			sent("2026-11-04 09:00", "debrief"), // shift 2's, held to 09:00 by quiet hours; not answered
			sent("2026-11-20 10:00", "weekly_checkin"),
			{At: utc("2026-11-20 10:05"), Actor: "client", Action: "prompt.skipped", Rule: "checkin", Reason: "skipped by the client at coping"},
			sent("2026-12-01 10:00", "sleep_log"), // not a contact prompt
		}}
	gus.Client.Schedules.Rota = store.Rota{Weekly: []store.WeeklyShift{
		{Day: "mon", Start: "22:00", End: "06:00"}, {Day: "tue", Start: "22:00", End: "06:00"}, {Day: "wed", Start: "22:00", End: "06:00"}}}
	return append(records, gus)
}

func TestContactAgainstHandWorkedFigures(t *testing.T) {
	cat := flows.DefaultCatalog()
	// Weeks run from the job start; shifts are the first three after it.
	// ann: contact in all 4 weeks, shifts 1–3 checked → offer made, minimum met.
	// ben: weeks 1, 2 and 4 answered; week 3's check-in was sent on 2 Oct and
	//      expired (missed). Shifts 1–2 checked; shift 3's debrief was sent on
	//      18 Sep and expired (missed). Offer made; minimum not met.
	// cat: all 4 weeks, shifts 1–3 → made, met.
	// dan: weeks 1–3 answered; week 4 held back, he had paused (paused: his
	//      choice, so the offer still counts as made); shifts 1–3 → made, not met.
	// gus: week 1 answered (shift 1's debrief, 2 Nov); week 2 (9–15 Nov)
	//      nothing sent (not offered); week 3's check-in sent 20 Nov, he
	//      skipped it (missed); week 4 answered 23 Nov. Shift 1 checked; shift
	//      2's debrief sent 4 Nov 09:00, inside its window (4 Nov 06:30 to
	//      shift 3's, 5 Nov 06:30), not answered (missed); shift 3 nothing sent
	//      (not offered). Offer not made; minimum not met.
	// Weeks: 20 due, 16 answered, 2 missed, 1 paused, 1 not offered.
	// Shift checks: 15 due, 12 answered, 2 missed, 1 not offered.
	r, f := Contact(cat, contactCaseload(), options(t))
	want := ContactFigures{Clients: 5, Met: 2, NotMet: 3, Offered: 4, NotOffered: 1,
		Weeks:  OfferCounts{Due: 20, Answered: 16, Missed: 2, Paused: 1, NotOffered: 1},
		Shifts: OfferCounts{Due: 15, Answered: 12, Missed: 2, NotOffered: 1}}
	if f != want {
		t.Fatalf("figures = %+v\nwant      %+v", f, want)
	}
	got := map[string]string{}
	for _, row := range r.Rows {
		got[row[0]] = strings.Join(row[3:], " ")
	}
	// weeks due/answered/missed/paused/not offered, the same for shift checks,
	// contacts in month one, offer made, minimum met
	for id, w := range map[string]string{
		"ann": "4 4 0 0 0 3 3 0 0 0 6 yes yes",
		"ben": "4 3 1 0 0 3 2 1 0 0 4 yes no",
		"cat": "4 4 0 0 0 3 3 0 0 0 7 yes yes",
		"dan": "4 3 0 1 0 3 3 0 0 0 5 yes no",
		"gus": "4 2 1 0 1 3 1 1 0 1 2 no no",
	} {
		if got[id] != w {
			t.Errorf("%s: %q, want %q", id, got[id], w)
		}
	}
	md := r.Markdown()
	for _, s := range []string{"5 clients. Offer made in full: 4 (80%). Not in full: 1.", "Minimum met: 2 (40%). Not met: 3.",
		"Weeks: 20 due, 16 answered, 2 missed, 1 paused, 1 not offered.",
		"First-shift checks: 15 due, 12 answered, 2 missed, 0 paused, 1 not offered."} {
		if !strings.Contains(md, s) {
			t.Errorf("markdown lacks %q:\n%s", s, md)
		}
	}

	// On 10 Dec only dan's first week is over: weeks 2–4 are pending, not
	// failing, and his paused week 4 is not yet due. His three shift checks
	// (no rota: known by their answers) are due. He is in progress both ways.
	o := options(t)
	o.AsOf = on(t, "2026-12-10")
	_, f = Contact(cat, contactCaseload(), o)
	want = ContactFigures{Clients: 5, Met: 2, NotMet: 2, InProgress: 1, Offered: 3, NotOffered: 1, OfferInProgress: 1,
		Weeks:  OfferCounts{Due: 17, Answered: 14, Missed: 2, NotOffered: 1},
		Shifts: OfferCounts{Due: 15, Answered: 12, Missed: 2, NotOffered: 1}}
	if f != want {
		t.Fatalf("as of 10 Dec: %+v\nwant         %+v", f, want)
	}
}

func TestAdjustmentReviewsAgainstHandWorkedFigures(t *testing.T) {
	records := caseload()
	for i := range records {
		cr := &records[i]
		switch cr.Client.ID {
		case "ben":
			// The client answered the 5 Oct review prompt and the worker recorded
			// the review two days later: one review, done 7 Oct, on time.
			cr.Adjustments = append(cr.Adjustments, store.Adjustment{ID: "ben.adj2", Status: store.AdjustmentInPlace, ReviewOn: "2027-01-04",
				Reviews: []store.AdjustmentReview{
					{Due: "2026-10-05", At: utc("2026-10-05 10:30"), By: "client"},
					{Due: "2026-10-05", At: utc("2026-10-07 15:00"), By: "sam"}}})
		case "cat":
			// The client answered; the worker never acted on it: the review date
			// stays, and the review is outstanding (149 days by 31 Mar).
			cr.Adjustments = append(cr.Adjustments, store.Adjustment{ID: "cat.adj2", Status: store.AdjustmentInPlace, ReviewOn: "2026-11-02",
				Reviews: []store.AdjustmentReview{{Due: "2026-11-02", At: utc("2026-11-02 10:40"), By: "client"}}})
		case "dan":
			// The client answered on the day; the worker acted on it by moving the
			// review date on 20 Oct, 8 days later: late.
			cr.Adjustments = append(cr.Adjustments, store.Adjustment{ID: "dan.adj2", Status: store.AdjustmentInPlace, ReviewOn: "2027-02-01",
				Reviews: []store.AdjustmentReview{{Due: "2026-10-12", At: utc("2026-10-12 11:00"), By: "client"}},
				History: []store.AdjustmentChange{
					{At: utc("2026-10-01 09:00"), By: "kim", Field: "created"},
					{At: utc("2026-10-20 09:00"), By: "kim", Field: "review_on", From: "2026-10-12", To: "2027-02-01"}}})
		}
	}
	// Due Sep–Nov, once each: ann 19 Oct (same day: on time), ann 16 Nov
	// (25 Nov, 9 days: late), ben 2 Nov (never reviewed: outstanding), ben
	// 5 Oct (client and worker, 7 Oct: on time), cat 2 Nov (client only:
	// outstanding), dan 23 Nov (30 Nov, 7 days: on time), dan 12 Oct (client,
	// acted on 20 Oct, 8 days: late). Counting every entry, as before, gave 9
	// due: ben's and cat's double entries, and dan's client answer as on time.
	// Not counted: ann's next review (14 Dec, after the period), cat's ended
	// adjustment's stale date, cat's August review.
	r, f := Adjustments(flows.DefaultCatalog(), records, options(t))
	if want := (AdjustmentFigures{Due: 7, OnTime: 3, Late: 2, Outstanding: 2}); f != want {
		t.Fatalf("figures = %+v, want %+v", f, want)
	}
	md := r.Markdown()
	for _, s := range []string{"Reviews due: 7. On time: 3 (43%). Late: 2. Outstanding: 2.",
		"| ann | Sam | ann.adj1 | 2026-11-16 | 2026-11-25 | worker | 9 | late |",
		"| ben | Sam | ben.adj1 | 2026-11-02 |  |  | 149 | outstanding |",
		"| ben | Sam | ben.adj2 | 2026-10-05 | 2026-10-07 | client+worker | 2 | on_time |",
		"| cat | Kim | cat.adj2 | 2026-11-02 |  |  | 149 | outstanding |",
		"| dan | Kim | dan.adj2 | 2026-10-12 | 2026-10-20 | client+worker | 8 | late |"} {
		if !strings.Contains(md, s) {
			t.Errorf("markdown lacks %q:\n%s", s, md)
		}
	}

	// As of 24 Nov, nothing after that day has happened yet: ann's 16 Nov
	// review (done 25 Nov) is outstanding (8 days), not late; dan's 23 Nov
	// review (done 30 Nov) is within its grace and not yet counted; ben's and
	// cat's 2 Nov reviews are outstanding (22 days).
	o := options(t)
	o.AsOf = on(t, "2026-11-24")
	r, f = Adjustments(flows.DefaultCatalog(), records, o)
	if want := (AdjustmentFigures{Due: 6, OnTime: 2, Late: 1, Outstanding: 3}); f != want {
		t.Fatalf("as of 24 Nov: %+v, want %+v", f, want)
	}
	if md := r.Markdown(); !strings.Contains(md, "| ann | Sam | ann.adj1 | 2026-11-16 |  |  | 8 | outstanding |") || strings.Contains(md, "2026-11-25") {
		t.Errorf("as of 24 Nov:\n%s", md)
	}
}

func TestIncidentsByRuleAgainstHandWorkedFigures(t *testing.T) {
	r, figs := Incidents(flows.DefaultCatalog(), caseload(), options(t))
	// two disrupted nights: ann (30 min), ben (2 h), cat (resolved outright after 1 h):
	// median 1 h, longest 2 h. crisis: ann, urgent, 15 min. low coping: dan, never acknowledged.
	want := map[string]RuleFigures{
		"two_disrupted_nights": {Opened: 3, Acknowledged: 3, Resolved: 2, MedianAck: time.Hour, LongestAck: 2 * time.Hour},
		"crisis":               {Opened: 1, Urgent: 1, Acknowledged: 1, Resolved: 1, MedianAck: 15 * time.Minute, LongestAck: 15 * time.Minute},
		"low_coping":           {Opened: 1, Unacknowledged: 1},
	}
	if len(figs) != len(want) {
		t.Fatalf("rules = %+v", figs)
	}
	for rule, w := range want {
		if figs[rule] != w {
			t.Errorf("%s = %+v, want %+v", rule, figs[rule], w)
		}
	}
	md := r.Markdown()
	cat := flows.DefaultCatalog()
	for _, s := range []string{"| " + RuleName(cat, "two_disrupted_nights") + " | 3 | 0 | 3 | 0 | 2 | 1h 00m | 2h 00m |",
		"| " + RuleName(cat, "low_coping") + " | 1 | 0 | 0 | 1 | 0 | – | – |", "Incidents: 5 (1 urgent). Acknowledged: 4. Never acknowledged: 1."} {
		if !strings.Contains(md, s) {
			t.Errorf("markdown lacks %q:\n%s", s, md)
		}
	}
}

// Incidents are placed in the period by the client's local date, waits run
// between instants (a clock change in between changes nothing), and an
// acknowledgement after the report date has not happened yet.
func TestIncidentsAcrossDSTAndTheReportDate(t *testing.T) {
	hal := ClientRecords{Client: person("hal", "sam", "2026-09-07"), WorkerName: "Sam", Incidents: []store.Incident{
		// 00:50 BST on 25 Oct, acknowledged at 01:20 GMT after the clocks went
		// back: 30 minutes on the wall clock, 1 h 30 m in fact.
		{Rule: "crisis", Urgent: true, OpenedAt: utc("2026-10-24 23:50"), AckAt: utc("2026-10-25 01:20")},
		// 00:30 BST on 1 Sep (still 31 Aug in UTC): in the period; 30 minutes.
		{Rule: "two_disrupted_nights", OpenedAt: utc("2026-08-31 23:30"), AckAt: utc("2026-09-01 00:00")},
		// 23:30 BST on 31 Aug: before the period.
		{Rule: "two_disrupted_nights", OpenedAt: utc("2026-08-31 22:30"), AckAt: utc("2026-08-31 23:00")},
		// 23:30 GMT on 30 Nov, acknowledged and resolved on 2 Dec, 09:00.
		{Rule: "low_coping", OpenedAt: utc("2026-11-30 23:30"), AckAt: utc("2026-12-02 09:00"), ResolvedAt: utc("2026-12-02 09:00"), State: store.IncidentResolved},
	}}
	o := Options{From: on(t, "2026-09-01"), To: on(t, "2026-11-30"), AsOf: on(t, "2026-12-01")}
	// As of 1 Dec, low coping is not yet acknowledged nor resolved.
	_, figs := Incidents(flows.DefaultCatalog(), []ClientRecords{hal}, o)
	want := map[string]RuleFigures{
		"crisis":               {Opened: 1, Urgent: 1, Acknowledged: 1, MedianAck: 90 * time.Minute, LongestAck: 90 * time.Minute},
		"two_disrupted_nights": {Opened: 1, Acknowledged: 1, MedianAck: 30 * time.Minute, LongestAck: 30 * time.Minute},
		"low_coping":           {Opened: 1, Unacknowledged: 1},
	}
	for rule, w := range want {
		if figs[rule] != w {
			t.Errorf("as of 1 Dec, %s = %+v, want %+v", rule, figs[rule], w)
		}
	}
	// As of 2 Dec it is: 30 Nov 23:30 to 2 Dec 09:00 is 33 h 30 m.
	o.AsOf = on(t, "2026-12-02")
	_, figs = Incidents(flows.DefaultCatalog(), []ClientRecords{hal}, o)
	if w := (RuleFigures{Opened: 1, Acknowledged: 1, Resolved: 1, MedianAck: 33*time.Hour + 30*time.Minute, LongestAck: 33*time.Hour + 30*time.Minute}); figs["low_coping"] != w {
		t.Errorf("as of 2 Dec, low_coping = %+v, want %+v", figs["low_coping"], w)
	}
}

func TestAuditSampleIsReproducibleAndComplete(t *testing.T) {
	records := caseload()
	for i := range records {
		c := &records[i].Client
		c.Consents.Set(store.PurposePeer, "anonymous", "sam", "recorded at enrolment", utc("2026-09-01 09:00"))
		c.Consents.Set(store.PurposePeer, "off", "client", "", utc("2026-10-02 18:00"))
		c.Plan.Actions = map[string][]string{"two_disrupted_nights": {"reduced hours for one week"}}
		records[i].Plans = []store.PlanVersion{{Version: 1, By: "sam", Reason: "recorded at enrolment", At: utc("2026-09-01 09:00")},
			{Version: 2, By: "sam", Reason: "=HYPERLINK(\"x\")", At: utc("2026-10-03 09:00"), Changes: []store.PlanChange{{Field: "pause_script"}}}}
		records[i].Audit = []store.AuditEvent{
			{At: utc("2026-10-01 07:00"), Actor: "steady", Action: "incident.opened", Rule: "two_disrupted_nights", Incident: c.ID + ".1"},
			{At: utc("2026-10-01 07:00"), Actor: "steady", Action: "peer.suppressed", Reason: "no peer-group consent"},
			{At: utc("2026-10-01 07:30"), Actor: "sam", Action: "incident.acknowledged", Incident: c.ID + ".1"},
			{At: utc("2026-10-01 07:00"), Actor: "steady", Action: "prompt.sent"},                                    // not a decision
			{At: utc("2026-12-24 07:00"), Actor: "steady", Action: "incident.opened", Rule: "crisis", Incident: "x"}, // after the period
		}
	}
	o := options(t)
	o.SampleSize, o.Seed = 2, 42
	a := AuditSample(flows.DefaultCatalog(), records, o)
	b := AuditSample(flows.DefaultCatalog(), records, o)
	if a.Markdown() != b.Markdown() || len(a.Sections) != 2 {
		t.Fatalf("same seed, different samples, or not 2 clients:\n%s", a.Markdown())
	}
	differs := false
	for seed := uint64(1); seed < 20 && !differs; seed++ {
		o.Seed = seed
		differs = AuditSample(flows.DefaultCatalog(), records, o).Sections[0] != a.Sections[0]
	}
	if !differs {
		t.Error("every seed drew the same first client: not random")
	}
	md := a.Markdown()
	for _, s := range []string{"2 of 6 clients drawn at random with seed 42", "peer_group = off (by client)",
		"incident.opened by steady: two_disrupted_nights", "peer.suppressed by steady: no peer-group consent",
		"incident.acknowledged by sam", "version 2 by sam", RuleName(flows.DefaultCatalog(), "two_disrupted_nights") + ": reduced hours for one week"} {
		if !strings.Contains(md, s) {
			t.Errorf("markdown lacks %q:\n%s", s, md)
		}
	}
	if strings.Contains(md, "prompt.sent") || strings.Contains(md, "2026-12-24") {
		t.Errorf("sample includes non-decisions or events outside the period:\n%s", md)
	}
	rows, err := csv.NewReader(bytes.NewReader(a.CSV())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// Per client: 2 consent changes, 2 plan versions, 3 decisions in the period.
	if len(rows) != 1+2*7 {
		t.Errorf("CSV has %d rows, want %d", len(rows), 1+2*7)
	}
	for _, row := range rows {
		for _, cell := range row {
			if strings.HasPrefix(cell, "=") {
				t.Errorf("CSV cell %q would run as a spreadsheet formula", cell)
			}
		}
	}
}

// A client who left work and started again is a new job start, counted from
// its own date; a start recorded while still in work is not.
func TestSustainmentCountsAReturnToWorkAsANewStart(t *testing.T) {
	gus := ClientRecords{Client: person("gus", "sam", "2026-03-02"), WorkerName: "Sam",
		Jobs: []store.JobEvent{
			{Date: "2026-03-02", Status: store.JobStarted}, // the first job, recorded again
			{Date: "2026-05-04", Status: store.JobStarted}, // a new role while in work: same period
			{Date: "2026-07-01", Status: store.JobLeft},
			{Date: "2026-09-07", Status: store.JobStarted}, // back in work, in the period
		},
		CheckIns: []store.CheckIn{yes("2026-10-15"), yes("2026-11-20"), no("2027-02-15")}}
	if got := jobStarts(gus); !slices.Equal(got, []string{"2026-03-02", "2026-09-07"}) {
		t.Fatalf("job starts %v", got)
	}
	// Period Sep–Nov 2026, as of 31 Mar 2027: one start, 7 Sep.
	// Week 6 (19 Oct): check-in 15 Oct → in. Week 13 (7 Dec): 20 Nov, 17 days before → in.
	// Week 26 (8 Mar): the check-in of 15 Feb says no longer in the job → left.
	r, f := Sustainment(flows.DefaultCatalog(), []ClientRecords{gus}, options(t))
	want := SustainmentFigures{Starts: 1, Due: [4]int{1, 1, 1, 1}, In: [4]int{1, 1, 1, 0}, Left: [4]int{0, 0, 0, 1}}
	if f != want {
		t.Fatalf("figures = %+v\nwant      %+v", f, want)
	}
	if len(r.Rows) != 1 || strings.Join(r.Rows[0], " ") != "gus Sam 2026-09-07 in_work in_work left" {
		t.Fatalf("rows %q", r.Rows)
	}
}
