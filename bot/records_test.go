package bot_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"steady/bot"
	"steady/flows"
	"steady/flows/report"
	"steady/store"
)

// staffBundle enrols alex (worker sam, lead jo) and adds kim, a worker with
// another caseload.
func staffBundle(t *testing.T) *bundle {
	t.Helper()
	b, _ := setup(t)
	enrol(t, b)
	if err := b.store.PutWorker(b.ctx, store.Worker{ID: "kim", Name: "Kim", DiscordID: "u-kim"}); err != nil {
		t.Fatal(err)
	}
	return b
}

func auditActions(t *testing.T, b *bundle, action string) []store.AuditEvent {
	t.Helper()
	events, err := b.store.Audit(b.ctx, "alex", "")
	if err != nil {
		t.Fatal(err)
	}
	var out []store.AuditEvent
	for _, e := range events {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

func TestPlanEditsAreVersionedWithWhoWhenWhy(t *testing.T) {
	b := staffBundle(t)
	vs, deny, err := b.engine.PlanHistory(b.ctx, "sam", "alex")
	if err != nil || deny != "" || len(vs) != 1 || vs[0].Reason != "recorded at enrolment" {
		t.Fatalf("at enrolment: %+v %q %v", vs, deny, err)
	}

	b.clock.Advance(time.Hour)
	reply, err := b.engine.EditPlan(b.ctx, "sam", "alex", flows.PlanPauseScript, "Step outside. Breathe out slowly.", "agreed with Alex today")
	if err != nil || !strings.Contains(reply, "version 2") {
		t.Fatalf("edit: %q %v", reply, err)
	}
	b.clock.Advance(time.Hour)
	reply, err = b.engine.EditPlan(b.ctx, "jo", "alex", flows.SleepMinAsleep, "6h30", "lead: Alex's usual is longer")
	if err != nil || !strings.Contains(reply, "version 3") {
		t.Fatalf("lead edit: %q %v", reply, err)
	}
	// Someone else's caseload, a stranger and a refused value change nothing.
	for _, tc := range []struct{ staff, field, value, want string }{
		{"kim", flows.PlanGrounding, "5-4-3-2-1", "no client with that id on your caseload"},
		{"nobody", flows.PlanGrounding, "5-4-3-2-1", "Only staff"},
		{"sam", flows.SleepMaxLatency, "5 hours", "from 5 to 180"},
	} {
		reply, err := b.engine.EditPlan(b.ctx, tc.staff, "alex", tc.field, tc.value, "because")
		if err != nil || !strings.Contains(reply, tc.want) {
			t.Errorf("%s: %q %v, want %q", tc.staff, reply, err, tc.want)
		}
	}

	// Another worker's client and an id nobody has get the same answer, so
	// a refusal says nothing about which clients exist.
	other, _ := b.engine.EditPlan(b.ctx, "kim", "alex", flows.PlanGrounding, "5-4-3-2-1", "because")
	none, _ := b.engine.EditPlan(b.ctx, "kim", "zed", flows.PlanGrounding, "5-4-3-2-1", "because")
	if other != none {
		t.Errorf("another worker's client %q, no such client %q: want the same answer", other, none)
	}

	c, err := b.store.Client(b.ctx, "alex")
	if err != nil || c.Plan.PauseScript != "Step outside. Breathe out slowly." || c.SleepThresholds.MinAsleepMinutes != 390 {
		t.Fatalf("client after edits: %+v %v", c, err)
	}
	vs, _, err = b.engine.PlanHistory(b.ctx, "sam", "alex")
	if err != nil || len(vs) != 3 {
		t.Fatalf("versions: %+v %v", vs, err)
	}
	v2, v3 := vs[1], vs[2]
	if v2.By != "sam" || v2.Reason != "agreed with Alex today" || len(v2.Changes) != 1 || v2.Changes[0].Field != flows.PlanPauseScript ||
		!v2.At.Equal(time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)) {
		t.Errorf("version 2 = %+v", v2)
	}
	if v3.By != "jo" || v3.Changes[0].From != "default" || v3.Changes[0].To != "390" || v3.Plan.PauseScript != v2.Plan.PauseScript {
		t.Errorf("version 3 = %+v", v3)
	}
	if got := auditActions(t, b, "plan.changed"); len(got) != 2 || got[1].Actor != "jo" {
		t.Errorf("plan.changed audit = %+v", got)
	}
	// Every read of the history was audited, by whom.
	if got := auditActions(t, b, "records.viewed"); len(got) != 2 || got[0].Actor != "sam" || got[0].Reason != "plan history" {
		t.Errorf("records.viewed audit = %+v", got)
	}
	if _, deny, _ := b.engine.PlanHistory(b.ctx, "kim", "alex"); deny == "" {
		t.Error("kim read a client outside her caseload")
	}
}

func TestAdjustmentRegisterSchedulesReviews(t *testing.T) {
	b := staffBundle(t) // Mon 23 Nov 2026, 06:00
	reply, err := b.engine.AddAdjustment(b.ctx, "sam", "alex", flows.AdjustmentDraft{What: "be supportive", For: "six weeks"})
	if err != nil || !strings.Contains(reply, `"be supportive" can't be checked`) || !strings.Contains(reply, "no earlier than 10:00") {
		t.Fatalf("vague adjustment: %q %v", reply, err)
	}
	reply, err = b.engine.AddAdjustment(b.ctx, "sam", "alex", flows.AdjustmentDraft{
		What: "shift starts no earlier than 10:00", When: "every shift", From: "2026-11-30", For: "six weeks", Review: "6 weeks"})
	if err != nil || !strings.Contains(reply, "alex.adj1") || !strings.Contains(reply, "2027-01-11") {
		t.Fatalf("add: %q %v", reply, err)
	}
	if reply, _ := b.engine.AddAdjustment(b.ctx, "kim", "alex", flows.AdjustmentDraft{What: "quiet desk", For: "six weeks"}); !strings.Contains(reply, "caseload") {
		t.Fatalf("kim added to alex's register: %q", reply)
	}

	reviews := func() []string {
		t.Helper()
		pending, err := b.sched.Pending(b.ctx, "alex")
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, o := range pending {
			if o.Kind == bot.KindAdjustmentReview {
				out = append(out, o.Ref+"@"+o.Local.Format("2006-01-02 15:04"))
			}
		}
		return out
	}
	if got := reviews(); len(got) != 1 || got[0] != "alex.adj1@2027-01-11 10:00" {
		t.Fatalf("review occurrences = %v", got)
	}

	// Moving the review date moves the occurrence; it never leaves two.
	if reply, err := b.engine.ChangeAdjustment(b.ctx, "sam", "alex", "alex.adj1", "review_on", "2027-01-04", "client asked for an earlier check"); err != nil || !strings.Contains(reply, "2027-01-04") {
		t.Fatalf("move review: %q %v", reply, err)
	}
	if got := reviews(); len(got) != 1 || got[0] != "alex.adj1@2027-01-04 10:00" {
		t.Fatalf("after moving, review occurrences = %v", got)
	}

	// The review: continue, next review two weeks later.
	b.clock.Set(time.Date(2027, 1, 4, 11, 0, 0, 0, time.UTC))
	reply, err = b.engine.ReviewAdjustment(b.ctx, "sam", "alex", "alex.adj1", store.AdjustmentReview{Outcome: store.ReviewContinue, Honoured: "Yes", Next: "2027-01-18"})
	if err != nil || !strings.Contains(reply, "Next review 2027-01-18") {
		t.Fatalf("review: %q %v", reply, err)
	}
	if got := reviews(); len(got) != 1 || got[0] != "alex.adj1@2027-01-18 10:00" {
		t.Fatalf("after review, occurrences = %v", got)
	}
	// Ending it removes the pending review.
	if reply, err := b.engine.ChangeAdjustment(b.ctx, "sam", "alex", "alex.adj1", "status", store.AdjustmentEnded, "no longer needed"); err != nil || !strings.Contains(reply, "ended") {
		t.Fatalf("end: %q %v", reply, err)
	}
	if got := reviews(); len(got) != 0 {
		t.Fatalf("ended adjustment still has reviews %v", got)
	}

	as, deny, err := b.engine.AdjustmentRegister(b.ctx, "sam", "alex")
	if err != nil || deny != "" || len(as) != 1 {
		t.Fatalf("register: %+v %q %v", as, deny, err)
	}
	a := as[0]
	if a.Status != store.AdjustmentEnded || len(a.Reviews) != 1 || a.Reviews[0].Due != "2027-01-04" || a.Reviews[0].By != "sam" {
		t.Fatalf("adjustment = %+v", a)
	}
	var fields []string
	for _, h := range a.History {
		fields = append(fields, h.Field+":"+h.Reason)
	}
	want := "created:added to the register review_on:client asked for an earlier check review_on:reviewed: continue status:no longer needed"
	if strings.Join(fields, " ") != want {
		t.Errorf("history = %q\nwant      %q", strings.Join(fields, " "), want)
	}
}

func TestProfileAdjustmentsAreCheckedAndRegistered(t *testing.T) {
	b, _ := setup(t)
	vague := profileYAML + "adjustments:\n  - {what: be flexible, for: six weeks}\n"
	if _, err := bot.ParseProfile([]byte(vague)); err == nil || !strings.Contains(err.Error(), `"be flexible"`) {
		t.Fatalf("vague profile adjustment: %v", err)
	}
	good := strings.Replace(profileYAML, "time_zone: Europe/London}", "time_zone: Europe/London, job_start: \"2026-11-30\"}", 1) +
		"adjustments:\n  - {what: \"shift starts no earlier than 10:00\", when: every shift, for: six weeks, review: 6 weeks}\n"
	p, err := bot.ParseProfile([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.engine.Enrol(b.ctx, p, "sam"); err != nil {
		t.Fatal(err)
	}
	as, err := b.store.Adjustments(b.ctx, "alex")
	if err != nil || len(as) != 1 {
		t.Fatalf("adjustments = %+v %v", as, err)
	}
	if a := as[0]; a.From != "2026-11-30" || a.Until != "2027-01-10" || a.ReviewOn != "2027-01-11" || a.Status != store.AdjustmentInPlace {
		t.Fatalf("adjustment = %+v", a)
	}
}

func TestRecordJobSetsTheSustainmentClock(t *testing.T) {
	b := staffBundle(t)
	if reply, err := b.engine.RecordJob(b.ctx, "sam", "alex", store.JobStarted, "2026-11-30", ""); err != nil || !strings.Contains(reply, "started") {
		t.Fatalf("start: %q %v", reply, err)
	}
	b.clock.Advance(24 * time.Hour)
	if reply, err := b.engine.RecordJob(b.ctx, "sam", "alex", store.JobLeft, "", "temporary contract ended"); err != nil || !strings.Contains(reply, "2026-11-24") {
		t.Fatalf("left: %q %v", reply, err)
	}
	c, _ := b.store.Client(b.ctx, "alex")
	evs, err := b.store.JobEvents(b.ctx, "alex")
	if err != nil || c.JobStart != "2026-11-30" || len(evs) != 2 || evs[1].Note != "temporary contract ended" {
		t.Fatalf("job start %q, events %+v, %v", c.JobStart, evs, err)
	}
}

func TestSummaryForWorkerAndClientIsAuditedAndCharted(t *testing.T) {
	b := staffBundle(t) // Mon 23 Nov 2026 06:00
	batch := b.store.Batch("alex")
	batch.PutSleep(store.SleepEntry{Night: "2026-11-22", AsleepMin: 250, Disrupted: true})
	batch.PutSleep(store.SleepEntry{Night: "2026-11-23", AsleepMin: 430})
	batch.PutDebrief(store.Debrief{ID: "d1", Date: "2026-11-22", Stress: 9, StressAnswered: true})
	batch.PutCheckIn(store.CheckIn{ID: "c1", Date: "2026-11-16", Coping: 2, NoteForWorker: "rota changed"})
	if _, err := batch.Commit(b.ctx, -1); err != nil {
		t.Fatal(err)
	}
	s, err := b.engine.ClientSummary(b.ctx, "sam", "alex")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"**Alex** · worker Sam", "2 logged, 1 disrupted", "1 with stress 8+ (highest 9/10)", `note: "rota changed"`, "No open incidents."} {
		if !strings.Contains(s.Text, want) {
			t.Errorf("summary lacks %q:\n%s", want, s.Text)
		}
	}
	if !bytes.HasPrefix(s.Chart, []byte("\x89PNG")) {
		t.Fatalf("chart is not a PNG (%d bytes)", len(s.Chart))
	}
	if s, _ := b.engine.ClientSummary(b.ctx, "kim", "alex"); s.Chart != nil || !strings.Contains(s.Text, "caseload") {
		t.Errorf("kim got %q", s.Text)
	}
	mine, err := b.engine.MySummary(b.ctx, "u-alex")
	if err != nil || !strings.Contains(mine.Text, "Your records, Alex") || len(mine.Chart) == 0 {
		t.Fatalf("own summary: %q %v", mine.Text, err)
	}
	if s, _ := b.engine.MySummary(b.ctx, "u-stranger"); s.Chart != nil || !strings.Contains(s.Text, "not signed up") {
		t.Errorf("stranger got %q", s.Text)
	}
	viewed := auditActions(t, b, "records.viewed")
	if len(viewed) != 2 || viewed[0].Actor != "sam" || viewed[0].Reason != "summary" || viewed[1].Actor != "client" {
		t.Errorf("reads audited as %+v", viewed)
	}

	// Alex withdraws consent for the worker to see answers: no chart, no answers.
	c, _ := b.store.Client(b.ctx, "alex")
	c.Consents.Set(store.PurposeWorker, "no", "client", "", b.clock.Now())
	edit := b.store.Batch("alex")
	edit.PutClient(c)
	if _, err := edit.Commit(b.ctx, -1); err != nil {
		t.Fatal(err)
	}
	s, err = b.engine.ClientSummary(b.ctx, "sam", "alex")
	if err != nil || s.Chart != nil || strings.Contains(s.Text, "rota changed") || !strings.Contains(s.Text, "not consented") {
		t.Errorf("summary without consent: chart %d bytes, %v\n%s", len(s.Chart), err, s.Text)
	}
	if mine, _ := b.engine.MySummary(b.ctx, "u-alex"); len(mine.Chart) == 0 || !strings.Contains(mine.Text, "rota changed") {
		t.Errorf("alex's own summary lost her answers:\n%s", mine.Text)
	}
}

// Prompts Steady sent that the client let expire are offers made, not
// contact: the contact report reads them from the audit log.
func TestContactReportCountsUnansweredPromptsAsOffered(t *testing.T) {
	b, _ := setup(t)
	enrolWith(t, b, profile("Europe/London", "2026-11-24", `
rota: {weekly: ["mon 09:00-17:00", "wed 09:00-17:00", "fri 12:00-20:00"]}
`))
	advance(t, b, 35*24*time.Hour) // to 28 Dec; nobody answers anything
	rep, deny, err := b.engine.Report(b.ctx, "jo", bot.ReportRequest{Kind: report.KindContact,
		Options: report.Options{From: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)}})
	if err != nil || deny != "" || len(rep.Rows) != 1 {
		t.Fatalf("report: %q %v\n%s", deny, err, rep.Markdown())
	}
	// Weeks from Tue 24 Nov: a month-one check-in on the last day of each
	// (30 Nov, 7, 14 and 21 Dec), every one sent and none answered; the
	// debriefs after the first three shifts (Wed 25, Fri 27, Mon 30 Nov)
	// likewise. Offer made in full; minimum not met.
	// weeks due/answered/missed/paused/not offered, shift checks the same,
	// contacts, offer made, minimum met
	if got := strings.Join(rep.Rows[0][3:], " "); got != "4 0 4 0 0 3 0 3 0 0 0 yes no" {
		t.Errorf("alex: %q\n%s", got, rep.Markdown())
	}
}

// An erased client leaves nothing to count: the report says how many went.
func TestReportsSayHowManyClientsWereErased(t *testing.T) {
	b := staffBundle(t)
	period := func(from string) report.Options {
		f, _ := time.Parse(time.DateOnly, from)
		return report.Options{From: f, To: f.AddDate(0, 1, 0)}
	}
	rep, _, err := b.engine.Report(b.ctx, "jo", bot.ReportRequest{Kind: report.KindSustainment, Options: period("2026-11-01")})
	if err != nil || strings.Contains(rep.Markdown(), "erased") {
		t.Fatalf("before any erasure: %v\n%s", err, rep.Markdown())
	}
	if r, err := b.engine.EraseClient(b.ctx, "sam", "alex", "alex"); err != nil || !strings.Contains(r, "Erased") {
		t.Fatalf("erase: %q %v", r, err)
	}
	rep, _, err = b.engine.Report(b.ctx, "jo", bot.ReportRequest{Kind: report.KindSustainment, Options: period("2026-11-01")})
	if err != nil || !strings.Contains(rep.Markdown(), "Not in these figures: 1 client across the service erased since 2026-11-01") {
		t.Fatalf("after erasing alex: %v\n%s", err, rep.Markdown())
	}
	// A period that begins after the erasure is not affected by it.
	rep, _, err = b.engine.Report(b.ctx, "jo", bot.ReportRequest{Kind: report.KindSustainment, Options: period("2026-12-01")})
	if err != nil || strings.Contains(rep.Markdown(), "erased") {
		t.Fatalf("later period: %v\n%s", err, rep.Markdown())
	}
}
