package bot_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"steady/bot"
	"steady/flows"
	"steady/scheduler"
	"steady/store"
)

// stubFlow stands in for a conversation owned elsewhere: one question that
// shows the answers it was opened with, and takes any reply.
func stubFlow(name string) flows.Flow {
	return flows.Flow{
		Name: name,
		Questions: []flows.Question{{
			State: "q",
			Ask: func(c flows.Context, conv store.Conversation) flows.Message {
				keys := make([]string, 0, len(conv.Answers))
				for k := range conv.Answers {
					keys = append(keys, k+"="+conv.Answers[k])
				}
				sort.Strings(keys)
				return flows.Message{Text: name + " " + strings.Join(keys, " ")}
			},
			Answer: func(c flows.Context, in flows.Input) (string, string) { return in.Text, "" },
		}},
		Finish: func(c flows.Context, conv store.Conversation) []flows.Effect { return nil },
	}
}

func useStubFlows(t *testing.T, names ...string) {
	for _, n := range names {
		t.Cleanup(bot.UseFlowForTest(n, stubFlow(n)))
	}
}

const schedulesBase = `
client: {id: alex, name: Alex, discord_id: "u-alex", time_zone: %s%s}
worker: {id: sam, name: Sam, discord_id: "u-sam"}
lead: {id: jo, name: Jo, discord_id: "u-jo"}
consents: {worker_sees_answers: true, peer_group: "off", supervisor_liaison: none}
`

// profile builds a test client: zone, job start ("" none) and extra YAML.
func profile(zone, jobStart, extra string) string {
	js := ""
	if jobStart != "" {
		js = ", job_start: \"" + jobStart + "\""
	}
	return fmt.Sprintf(schedulesBase, zone, js) + extra
}

func audits(t *testing.T, b *bundle, action string) []store.AuditEvent {
	t.Helper()
	evs, err := b.store.Audit(b.ctx, "alex", "")
	if err != nil {
		t.Fatal(err)
	}
	var out []store.AuditEvent
	for _, e := range evs {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

func sentAt(t *testing.T, b *bundle, kind string) []string {
	t.Helper()
	var out []string
	for _, e := range audits(t, b, "prompt.sent") {
		if e.Rule == kind {
			out = append(out, e.At.UTC().Format("2006-01-02T15:04"))
		}
	}
	return out
}

func pendingOf(t *testing.T, b *bundle, kind string) []scheduler.Occurrence {
	t.Helper()
	occs, err := b.sched.Pending(b.ctx, "alex")
	if err != nil {
		t.Fatal(err)
	}
	var out []scheduler.Occurrence
	for _, o := range occs {
		if o.Kind == kind {
			out = append(out, o)
		}
	}
	return out
}

func conversation(t *testing.T, b *bundle) store.Conversation {
	t.Helper()
	st, err := b.store.Load(b.ctx, "alex")
	if err != nil {
		t.Fatal(err)
	}
	return st.Conversation
}

func TestPromptRemindsOnceThenExpiresAsMissed(t *testing.T) {
	b, _ := setup(t)
	enrol(t, b)
	advance(t, b, 90*time.Minute) // 07:30: the sleep log opens
	prompt := conversation(t, b).PromptID
	if prompt != "alex|sleep_log||2026-11-23T07:30" {
		t.Fatalf("prompt %q", prompt)
	}
	advance(t, b, 5*time.Hour)
	got := b.msg.sentFull(flows.ToClient)
	if n := count(got, "Just a reminder"); n != 1 {
		t.Fatalf("%d reminders, want exactly 1:\n%s", n, strings.Join(got, "\n"))
	}
	if !strings.Contains(got[len(got)-1], "What time did you go to bed") {
		t.Errorf("the reminder does not ask the open question again: %q", got[len(got)-1])
	}
	if conv := conversation(t, b); conv.Active() {
		t.Fatalf("prompt still open after its window: %+v", conv)
	}
	missed, err := b.store.MissedPrompts(b.ctx, "alex", "2026-11-01", "")
	if err != nil || len(missed) != 1 || missed[0].Reason != store.MissedUnanswered || missed[0].Kind != bot.KindSleepLog {
		t.Fatalf("missed records %+v, %v", missed, err)
	}
	if len(audits(t, b, "prompt.expired")) != 1 {
		t.Error("expiry not audited")
	}
	// A late answer is told the check-in has closed, and changes nothing.
	before := len(b.msg.sent)
	if err := b.engine.HandleMessage(b.ctx, bot.Inbound{UserID: "u-alex", Key: "late", Choice: "23:00", Prompt: prompt}); err != nil {
		t.Fatal(err)
	}
	if late := b.msg.sentFull(flows.ToClient)[len(got):]; len(b.msg.sent) != before+1 || !strings.Contains(late[0], "has closed") {
		t.Errorf("late answer got %q", late)
	}
	if k := pendingKinds(t, b); k[bot.KindPromptReminder]+k[bot.KindPromptExpiry] != 0 {
		t.Errorf("prompt timers left behind: %v", k)
	}
}

func TestAnsweredPromptCancelsItsTimers(t *testing.T) {
	b, _ := setup(t)
	enrol(t, b)
	advance(t, b, 90*time.Minute)
	if k := pendingKinds(t, b); k[bot.KindPromptReminder] != 1 || k[bot.KindPromptExpiry] != 1 {
		t.Fatalf("open prompt's timers: %v", k)
	}
	for i, a := range []string{"11pm", "20", "1", "7am", "4"} {
		if err := b.engine.HandleMessage(b.ctx, bot.Inbound{UserID: "u-alex", Key: fmt.Sprint(i), Text: a}); err != nil {
			t.Fatal(err)
		}
	}
	if conversation(t, b).Active() {
		t.Fatal("sleep log still open")
	}
	if k := pendingKinds(t, b); k[bot.KindPromptReminder]+k[bot.KindPromptExpiry] != 0 {
		t.Errorf("timers of an answered prompt left pending: %v", k)
	}
	advance(t, b, 6*time.Hour)
	if n := count(b.msg.sentFull(flows.ToClient), "Just a reminder"); n != 0 {
		t.Errorf("an answered prompt was reminded")
	}
	if missed, _ := b.store.MissedPrompts(b.ctx, "alex", "2026-11-01", ""); len(missed) != 0 {
		t.Errorf("an answered prompt recorded missed: %+v", missed)
	}
}

func TestQuietHoursHoldPromptsAndReminders(t *testing.T) {
	b, _ := setup(t)
	enrolWith(t, b, profile("Europe/London", "", `schedules: {sleep_log: "07:30", quiet_hours: "22:00-08:15"}`))
	advance(t, b, 2*time.Hour) // to 08:00
	if len(b.msg.sentTo(flows.ToClient)) != 0 {
		t.Fatalf("prompted inside quiet hours: %v", b.msg.sentTo(flows.ToClient))
	}
	if d := audits(t, b, "prompt.deferred"); len(d) != 1 || !strings.Contains(d[0].Reason, "08:15") {
		t.Fatalf("deferral audit %+v", d)
	}
	advance(t, b, 15*time.Minute)
	if got := sentAt(t, b, bot.KindSleepLog); !slices.Equal(got, []string{"2026-11-23T08:15"}) {
		t.Fatalf("sleep log sent at %v, want when quiet hours end", got)
	}
	// Its window counts from when it went out: the reminder comes an hour later.
	advance(t, b, 70*time.Minute)
	if n := count(b.msg.sentFull(flows.ToClient), "Just a reminder"); n != 1 {
		t.Errorf("%d reminders by 09:25", n)
	}
}

// A prompt does not interrupt a conversation the client is in the middle
// of; one they walked away from an hour ago gives way and is recorded missed.
func TestNewPromptWaitsThenSupersedesAnAbandonedOne(t *testing.T) {
	useStubFlows(t, "debrief")
	b, _ := setup(t)
	enrolWith(t, b, profile("Europe/London", "", `
schedules: {sleep_log: "07:30", debrief_after: 30m, debrief_every_shift: true}
rota: {shifts: ["2026-11-23 05:00-07:25"]}
`))
	advance(t, b, 140*time.Minute) // 08:20: the 07:55 debrief found the sleep log open, since 07:30
	if conv := conversation(t, b); conv.Flow != flows.FlowSleep {
		t.Fatalf("the debrief interrupted a sleep log in progress: %q", conv.Flow)
	}
	advance(t, b, 30*time.Minute) // 08:50
	conv := conversation(t, b)
	if conv.Flow != "debrief" || conv.Answers["shift_id"] != "2026-11-23T05:00" || conv.Answers["shift_date"] != "2026-11-23" {
		t.Fatalf("debrief not opened over the abandoned sleep log: %+v", conv)
	}
	missed, _ := b.store.MissedPrompts(b.ctx, "alex", "2026-11-01", "")
	if len(missed) != 1 || missed[0].Kind != bot.KindSleepLog || missed[0].Reason != store.MissedSuperseded {
		t.Fatalf("missed %+v", missed)
	}
	if k := pendingOf(t, b, bot.KindPromptExpiry); len(k) != 1 || k[0].Ref != conv.PromptID {
		t.Errorf("expiries pending %+v: want only the debrief's", k)
	}
}

func TestPausedClientIsSkippedNotMissedAndResumes(t *testing.T) {
	b, _ := setup(t)
	enrol(t, b)
	c, err := b.store.Client(b.ctx, "alex")
	if err != nil {
		t.Fatal(err)
	}
	c.Status, c.PausedUntil = store.StatusPaused, london(t, "2026-11-25 00:00")
	if err := b.engine.StepForTest(b.ctx, "alex", flows.SaveClient{Client: c}); err != nil {
		t.Fatal(err)
	}
	advance(t, b, 3*24*time.Hour)
	if got := sentAt(t, b, bot.KindSleepLog); !slices.Equal(got, []string{"2026-11-25T07:30"}) {
		t.Fatalf("sleep logs sent %v, want only after the pause", got)
	}
	if n := len(audits(t, b, "prompt.skipped")); n != 2 {
		t.Errorf("%d skipped, want 2 (Mon and Tue)", n)
	}
	for _, m := range mustMissed(t, b) {
		if m.Reason != store.MissedUnanswered {
			t.Errorf("a prompt skipped during the pause was recorded missed: %+v", m)
		}
	}
}

func mustMissed(t *testing.T, b *bundle) []store.MissedPrompt {
	t.Helper()
	m, err := b.store.MissedPrompts(b.ctx, "alex", "2026-01-01", "")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Debriefs follow the rota on the client's clock: a shift past midnight,
// and one across the night the clocks change.
func TestDebriefsAcrossMidnightAndDST(t *testing.T) {
	tests := []struct {
		name, zone, start, weekly string
		wantDue, wantShift        string
	}{
		{"overnight, ordinary", "Europe/London", "2026-11-26 12:00", "thu 22:00-06:00", "2026-11-27T06:30:00Z", "2026-11-26T22:00"},
		{"overnight, clocks go forward", "Europe/London", "2027-03-26 12:00", "sat 22:00-06:00", "2027-03-28T05:30:00Z", "2027-03-27T22:00"},
		{"overnight, clocks go back", "Europe/London", "2027-10-29 12:00", "sat 22:00-06:00", "2027-10-31T06:30:00Z", "2027-10-30T22:00"},
		{"new york, ends in the gap", "America/New_York", "2027-03-12 12:00", "sat 20:00-02:15", "2027-03-14T07:00:00Z", "2027-03-13T20:00"},
		{"new york, ends in the repeat", "America/New_York", "2027-11-05 12:00", "sat 17:00-01:00", "2027-11-07T05:30:00Z", "2027-11-06T17:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			useStubFlows(t, "debrief")
			b, _ := setup(t)
			loc, _ := time.LoadLocation(tt.zone)
			start, _ := time.ParseInLocation("2006-01-02 15:04", tt.start, loc)
			b.clock.Set(start)
			enrolWith(t, b, profile(tt.zone, "", `
schedules: {debrief_after: 30m, debrief_every_shift: true}
rota: {weekly: ["`+tt.weekly+`"]}
`))
			advance(t, b, 3*24*time.Hour)
			var got []string
			for _, e := range audits(t, b, "prompt.sent") {
				got = append(got, e.At.UTC().Format(time.RFC3339))
			}
			if len(got) == 0 || got[0] != tt.wantDue {
				t.Fatalf("debriefs sent at %v, want first at %s", got, tt.wantDue)
			}
			if first := b.msg.sentFull(flows.ToClient)[0]; !strings.Contains(first, "shift_id="+tt.wantShift) {
				t.Errorf("debrief opened with %q, want shift %s", first, tt.wantShift)
			}
		})
	}
}

// A worker edits the rota while its debriefs are pending: the scheduler
// follows at once and nothing stale fires.
func TestRotaEditsLeaveNothingStale(t *testing.T) {
	useStubFlows(t, "debrief")
	b, _ := setup(t)
	enrolWith(t, b, profile("Europe/London", "", `
schedules: {debrief_after: 30m, debrief_every_shift: true}
rota: {weekly: ["mon 09:00-17:00"]}
`))
	due := func() []string {
		var out []string
		for _, o := range pendingOf(t, b, bot.KindDebrief) {
			out = append(out, o.Local.Format(scheduler.CivilLayout))
		}
		return out
	}
	if got := due(); !slices.Equal(got, []string{"2026-11-23T17:30"}) {
		t.Fatalf("debriefs pending %v", got)
	}
	steps := []struct {
		do   func() (string, error)
		want []string
	}{
		{func() (string, error) {
			return b.engine.SetWeeklyShifts(b.ctx, "sam", "alex", []string{"mon 09:00-15:00"})
		}, []string{"2026-11-23T15:30"}},
		{func() (string, error) { return b.engine.AddShift(b.ctx, "sam", "alex", "2026-11-23 09:00 off") }, nil},
		{func() (string, error) { return b.engine.AddShift(b.ctx, "sam", "alex", "2026-11-24 16:00-00:30") }, []string{"2026-11-25T01:00"}},
		{func() (string, error) { return b.engine.RemoveShift(b.ctx, "sam", "alex", "2026-11-23 09:00") }, []string{"2026-11-23T15:30", "2026-11-25T01:00"}},
		{func() (string, error) { return b.engine.SetDebriefs(b.ctx, "sam", "alex", true, "1h") }, []string{"2026-11-23T16:00", "2026-11-25T01:30"}},
	}
	for i, s := range steps {
		reply, err := s.do()
		if err != nil {
			t.Fatal(err)
		}
		if got := due(); !slices.Equal(got, s.want) {
			t.Fatalf("step %d (%q): debriefs pending %v, want %v", i, reply, got, s.want)
		}
	}
	if _, err := b.engine.SetWeeklyShifts(b.ctx, "sam", "alex", nil); err != nil {
		t.Fatal(err)
	}
	advance(t, b, 3*24*time.Hour)
	if got := sentAt(t, b, bot.KindDebrief); !slices.Equal(got, []string{"2026-11-25T01:30"}) {
		t.Fatalf("debriefs sent %v, want only the dated shift's", got)
	}
	// With the rota empty, planning ahead stops.
	if _, err := b.engine.RemoveShift(b.ctx, "sam", "alex", "2026-11-24 16:00"); err != nil {
		t.Fatal(err)
	}
	if k := pendingKinds(t, b); k[bot.KindPlanAhead] != 0 || k[bot.KindDebrief] != 0 {
		t.Errorf("left pending with no rota: %v", k)
	}
	// Not everyone may edit a client's schedules.
	if reply, err := b.engine.AddShift(b.ctx, "stranger", "alex", "2026-11-30 09:00-17:00"); err != nil || !strings.Contains(reply, "staff") {
		t.Errorf("a stranger's edit: %q, %v", reply, err)
	}
}

// A debrief for a shift that is no longer in the rota finds it gone, even
// if the edit never reached the scheduler.
func TestStaleDebriefIsDropped(t *testing.T) {
	useStubFlows(t, "debrief")
	b, _ := setup(t)
	enrol(t, b)
	o, err := scheduler.At("alex", bot.KindDebrief, "2026-11-23T09:00", "Europe/London", time.Date(2026, 11, 23, 17, 30, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.sched.Add(b.ctx, o); err != nil {
		t.Fatal(err)
	}
	advance(t, b, 12*time.Hour)
	if got := sentAt(t, b, bot.KindDebrief); len(got) != 0 {
		t.Fatalf("debrief for a shift not in the rota was sent at %v", got)
	}
	if len(audits(t, b, "prompt.dropped")) != 1 {
		t.Error("stale debrief not audited as dropped")
	}
}

func TestFirstThreeShiftsOfANewJobAreChecked(t *testing.T) {
	useStubFlows(t, "debrief")
	b, _ := setup(t)
	enrolWith(t, b, profile("Europe/London", "2026-11-24", `
rota: {weekly: ["mon 09:00-17:00", "wed 09:00-17:00", "fri 12:00-20:00"]}
`))
	advance(t, b, 14*24*time.Hour)
	want := []string{"2026-11-25T17:30", "2026-11-27T20:30", "2026-11-30T17:30"}
	if got := sentAt(t, b, bot.KindDebrief); !slices.Equal(got, want) {
		t.Fatalf("checks after shifts at %v, want the first three after the job start %v", got, want)
	}
	var firsts []string
	for _, m := range b.msg.sentFull(flows.ToClient) {
		if i := strings.Index(m, "first_shift="); i >= 0 && !strings.HasPrefix(m, "Just a reminder") {
			firsts = append(firsts, m[i:i+len("first_shift=1")])
		}
	}
	if !slices.Equal(firsts, []string{"first_shift=1", "first_shift=2", "first_shift=3"}) {
		t.Errorf("debriefs opened with %v", firsts)
	}
}

func TestFirstMonthWeeklyMinimum(t *testing.T) {
	useStubFlows(t, "checkin")
	b, _ := setup(t)
	enrolWith(t, b, profile("Europe/London", "2026-11-23", ""))
	advance(t, b, 42*24*time.Hour)
	want := []string{"2026-11-29T10:00", "2026-12-06T10:00", "2026-12-13T10:00", "2026-12-20T10:00"}
	if got := sentAt(t, b, bot.KindWeeklyCheckIn); !slices.Equal(got, want) {
		t.Fatalf("check-ins %v, want one at the end of each of the first four weeks %v", got, want)
	}
	if k := pendingKinds(t, b); k[bot.KindWeeklyCheckIn]+k[bot.KindPlanAhead] != 0 {
		t.Errorf("still pending after the first month: %v", k)
	}
}

func TestFirstMonthMinimumIsMetByTheWeeklyCheckIn(t *testing.T) {
	useStubFlows(t, "checkin")
	b, _ := setup(t)
	enrolWith(t, b, profile("Europe/London", "2026-11-23", `schedules: {weekly_checkin: "wed 10:00"}`))
	advance(t, b, 29*24*time.Hour)
	want := []string{"2026-11-25T10:00", "2026-12-02T10:00", "2026-12-09T10:00", "2026-12-16T10:00"}
	if got := sentAt(t, b, bot.KindWeeklyCheckIn); !slices.Equal(got, want) {
		t.Fatalf("check-ins %v, want the weekly ones only %v", got, want)
	}
}

// Scenario 2: the worker is reminded to check in with the supervisor at
// week 2 and week 4, on their own clock.
func TestWorkerRemindersAtWeekTwoAndFour(t *testing.T) {
	b, _ := setup(t)
	enrolWith(t, b, profile("Europe/London", "2026-11-23", `
worker_reminders:
  - {at: week 2, note: check in with the supervisor about the task list}
  - {at: week 4, note: check in with the supervisor again}
`))
	advance(t, b, 30*24*time.Hour)
	// The worker also hears about the first month's check-ins left
	// unanswered; only the reminders are this test's business.
	var got []string
	for _, m := range b.msg.sentFull(flows.ToWorker) {
		if strings.HasPrefix(m, "Reminder about Alex") {
			got = append(got, m)
		}
	}
	if len(got) != 2 || !strings.Contains(got[0], "Alex (week 2): check in with the supervisor about the task list") ||
		!strings.Contains(got[1], "(week 4)") {
		t.Fatalf("worker got %q", got)
	}
	var at []string
	for _, e := range audits(t, b, "worker.reminded") {
		at = append(at, e.At.UTC().Format("2006-01-02T15:04"))
	}
	if !slices.Equal(at, []string{"2026-12-07T09:00", "2026-12-21T09:00"}) {
		t.Errorf("reminded at %v", at)
	}
	for _, m := range b.msg.sentFull(flows.ToClient) {
		if strings.Contains(m, "supervisor") {
			t.Errorf("the client was sent the worker's reminder: %q", m)
		}
	}
}

// A prompt that fell due while Steady was down is not sent hours late; the
// worker can see it was missed.
func TestPromptDueWhileDownIsRecordedMissed(t *testing.T) {
	b, _ := setup(t)
	enrol(t, b)
	b.clock.Set(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)) // nothing ran from 06:00 to 10:00
	if _, err := b.sched.Tick(b.ctx, b.engine); err != nil {
		t.Fatal(err)
	}
	if len(b.msg.sentTo(flows.ToClient)) != 0 {
		t.Fatalf("prompted 2h30 late: %v", b.msg.sentTo(flows.ToClient))
	}
	m := mustMissed(t, b)
	if len(m) != 1 || m[0].Reason != store.MissedDown || m[0].Kind != bot.KindSleepLog {
		t.Fatalf("missed %+v", m)
	}
	if next := pendingOf(t, b, bot.KindSleepLog); len(next) != 1 || next[0].Local.Format(scheduler.CivilLayout) != "2026-11-24T07:30" {
		t.Errorf("series did not carry on: %+v", next)
	}
}

// Two weekly check-ins missed in a row bring in the worker (rule missed_checkins).
func TestTwoMissedCheckInsReachTheWorker(t *testing.T) {
	b, _ := setup(t)
	enrolWith(t, b, profile("Europe/London", "", `schedules: {weekly_checkin: "mon 10:00"}`))
	b.clock.Set(time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)) // down over two Mondays
	if _, err := b.sched.Tick(b.ctx, b.engine); err != nil {
		t.Fatal(err)
	}
	if n := len(mustMissed(t, b)); n != 2 {
		t.Fatalf("%d missed, want 2", n)
	}
	in, ok, err := b.store.OpenIncident(b.ctx, "alex", flows.RuleMissedCheckins)
	if err != nil || !ok || len(in.Evidence) != 2 {
		t.Fatalf("incident %+v %v %v", in, ok, err)
	}
}

func TestClientTellsSteadyAboutAShift(t *testing.T) {
	useStubFlows(t, "debrief")
	b, _ := setup(t)
	enrolWith(t, b, profile("Europe/London", "2026-11-23", ""))
	reply, err := b.engine.ClientAddsShift(b.ctx, "u-alex", "2026-11-23 22:00-06:00")
	if err != nil || !strings.Contains(reply, "22:00 to 06:00") || !strings.Contains(reply, "06:30") {
		t.Fatalf("reply %q, %v", reply, err)
	}
	advance(t, b, 26*time.Hour)
	if got := sentAt(t, b, bot.KindDebrief); !slices.Equal(got, []string{"2026-11-24T06:30"}) {
		t.Fatalf("debrief sent %v", got)
	}
	if reply, _ := b.engine.ClientAddsShift(b.ctx, "u-alex", "2026-11-23 25:00-06:00"); !strings.Contains(reply, "isn't a shift") {
		t.Errorf("bad shift got %q", reply)
	}
}

func FuzzParseReminderWhen(f *testing.F) {
	for _, s := range []string{"week 2", "Week 4", "2026-12-07", "week", "week -1", "week 999", "tomorrow", "2026-02-30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := bot.ParseReminderWhen(s)
		if err != nil {
			return
		}
		w.Note = "n"
		if err := w.Validate(); err != nil {
			t.Fatalf("ParseReminderWhen(%q) = %+v, which does not validate: %v", s, w, err)
		}
	})
}

// Nothing unprompted and non-urgent reaches a client in their quiet hours: a
// check-in that would expire at 22:00 waits for 08:15 (and stays open, so a
// late-night answer counts), and the incident two misses open contacts the
// client then, not at night.
func TestQuietHoursHoldExpiryAndTheIncidentItOpens(t *testing.T) {
	b, _ := setup(t)
	enrolWith(t, b, profile("Europe/London", "", `schedules: {weekly_checkin: "sun 10:00", quiet_hours: "22:00-08:15"}`))
	advance(t, b, 6*24*time.Hour+16*time.Hour+30*time.Minute) // Sun 29 Nov 22:30: prompt sent 10:00, its window ends 22:00
	if d := audits(t, b, "prompt.expiry_deferred"); len(d) != 1 || !strings.Contains(d[0].Reason, "08:15") {
		t.Fatalf("expiry deferral audit %+v", d)
	}
	if conv := conversation(t, b); !conv.Active() {
		t.Fatal("the check-in closed inside quiet hours")
	}
	advance(t, b, 10*time.Hour) // Mon 08:30
	if n := len(audits(t, b, "prompt.expired")); n != 1 {
		t.Fatalf("%d expiries after quiet hours, want 1", n)
	}
	clientBefore := len(b.msg.sentTo(flows.ToClient))
	advance(t, b, 6*24*time.Hour+13*time.Hour+30*time.Minute) // Sun 6 Dec 22:00: the second miss waits too
	if len(audits(t, b, "incident.opened")) != 0 || len(b.msg.sentTo(flows.ToClient)) != clientBefore+2 {
		// +2: the second check-in's question and its reminder
		t.Fatalf("at 22:00 on the second Sunday: incidents %d, client messages %v",
			len(audits(t, b, "incident.opened")), b.msg.sentTo(flows.ToClient)[clientBefore:])
	}
	advance(t, b, 10*time.Hour+15*time.Minute) // Mon 7 Dec 08:15
	opened := audits(t, b, "incident.opened")
	contacted := audits(t, b, "client.contacted")
	if len(opened) != 1 || len(contacted) != 1 {
		t.Fatalf("after quiet hours: %d opened, %d contacted", len(opened), len(contacted))
	}
	if at := contacted[0].At.UTC().Format("2006-01-02T15:04"); at != "2026-12-07T08:15" {
		t.Errorf("client contacted at %s, want when quiet hours end", at)
	}
}

// A pause ends at midnight, so the day's prompts come as usual, but the
// welcome-back message waits for the end of quiet hours.
func TestPauseEndMessageWaitsForQuietHoursToEnd(t *testing.T) {
	b, _ := setup(t)
	enrolWith(t, b, profile("Europe/London", "", `schedules: {sleep_log: "09:00", quiet_hours: "22:00-08:15"}`))
	if _, err := b.engine.PauseCheckIns(b.ctx, "u-alex", "int-1", "wednesday"); err != nil {
		t.Fatal(err)
	}
	advance(t, b, 42*time.Hour) // Wed 25 Nov 00:00
	if c, _ := b.store.Client(b.ctx, "alex"); c.Status != store.StatusActive {
		t.Fatalf("status %s at midnight, want active", c.Status)
	}
	for _, m := range b.msg.sentFull(flows.ToClient) {
		if strings.Contains(m, "pause has ended") {
			t.Fatalf("welcome-back sent at midnight: %q", m)
		}
	}
	advance(t, b, 8*time.Hour+15*time.Minute) // 08:15
	if n := count(b.msg.sentFull(flows.ToClient), "Welcome back, Alex. Your pause has ended"); n != 1 {
		t.Fatalf("%d welcome-back messages after quiet hours, want 1: %q", n, b.msg.sentFull(flows.ToClient))
	}
	advance(t, b, 45*time.Minute) // 09:00: the day's sleep log comes as usual
	if got := sentAt(t, b, bot.KindSleepLog); !slices.Contains(got, "2026-11-25T09:00") {
		t.Fatalf("sleep logs sent %v", got)
	}
}

// Without quiet hours of their own, a client still does not get "welcome
// back" at midnight: it comes at 08:00.
func TestPauseEndMessageWaitsForMorningWithoutQuietHours(t *testing.T) {
	b, _ := setup(t)
	enrolWith(t, b, profile("Europe/London", "", `schedules: {sleep_log: "08:30"}`))
	if _, err := b.engine.PauseCheckIns(b.ctx, "u-alex", "int-1", "wednesday"); err != nil {
		t.Fatal(err)
	}
	advance(t, b, 42*time.Hour) // Wed 25 Nov 00:00
	if n := count(b.msg.sentFull(flows.ToClient), "Welcome back, Alex. Your pause has ended"); n != 0 {
		t.Fatal("welcome-back sent at midnight")
	}
	advance(t, b, 8*time.Hour) // 08:00
	if n := count(b.msg.sentFull(flows.ToClient), "Welcome back, Alex. Your pause has ended"); n != 1 {
		t.Fatalf("%d welcome-back messages by 08:00, want 1", n)
	}
	advance(t, b, 30*time.Minute) // 08:30: the day's sleep log as usual
	if got := sentAt(t, b, bot.KindSleepLog); !slices.Contains(got, "2026-11-25T08:30") {
		t.Fatalf("sleep logs sent %v", got)
	}
}

// A client already answering a check-in when the welcome-back falls due is
// not interrupted by it.
func TestPauseEndNoteSkippedMidCheckIn(t *testing.T) {
	b, _ := setup(t)
	enrolWith(t, b, profile("Europe/London", "", `schedules: {sleep_log: "07:30"}`))
	if _, err := b.engine.PauseCheckIns(b.ctx, "u-alex", "int-1", "wednesday"); err != nil {
		t.Fatal(err)
	}
	advance(t, b, 42*time.Hour+8*time.Hour) // Wed 08:00; the sleep log opened at 07:30 and is waiting
	if got := sentAt(t, b, bot.KindSleepLog); !slices.Contains(got, "2026-11-25T07:30") {
		t.Fatalf("sleep logs sent %v", got)
	}
	if n := count(b.msg.sentFull(flows.ToClient), "Welcome back, Alex. Your pause has ended"); n != 0 {
		t.Fatal("welcome-back landed in the middle of the sleep log")
	}
}
