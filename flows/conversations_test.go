package flows

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"steady/store"
)

// richContext is a client with everything the conversations can ask about:
// warning signs, a pause script and grounding, an adjustment in place.
func richContext(t *testing.T) Context {
	t.Helper()
	c := testContext(t)
	c.Client.Plan.EarlyWarningSigns = []string{"racing thoughts", "skipping meals", "snapping at colleagues"}
	c.Client.Plan.Grounding = "Name five things you can see."
	c.Client.Status = store.StatusActive
	c.WorkerName = "Sam"
	c.Adjustments = []store.Adjustment{{
		ID: "alex.adj1", ClientID: "alex", What: "written task list at the start of each shift", When: "every shift",
		From: "2026-11-23", Until: "2027-01-03", ReviewOn: "2027-01-04", Status: store.AdjustmentInPlace,
	}}
	return c
}

// session plays inputs through Handle as the bot would, keeping the
// conversation and applying client changes between steps.
type session struct {
	t    *testing.T
	c    Context
	conv store.Conversation
	n    int
	all  []Effect
	last []Effect
}

func newSession(t *testing.T, c Context) *session { return &session{t: t, c: c} }

func (s *session) start(f Flow, answers map[string]string) *session {
	s.conv, s.last = f.Start(s.c, "p1", answers)
	s.apply()
	return s
}

func (s *session) say(text string) *session {
	s.n++
	return s.send(Input{Key: fmt.Sprintf("k%d", s.n), Text: text})
}

func (s *session) tap(choice string) *session {
	s.n++
	return s.send(Input{Key: fmt.Sprintf("k%d", s.n), Choice: choice, Prompt: s.conv.PromptID})
}

func (s *session) send(in Input) *session {
	s.conv, s.last = Handle(s.c, s.conv, in, allFlows)
	s.apply()
	return s
}

// apply does what the bot does with a step's effects that change what the
// next step knows: the client's profile.
func (s *session) apply() {
	s.all = append(s.all, s.last...)
	for _, e := range s.last {
		if sc, ok := e.(SaveClient); ok {
			s.c.Client = sc.Client
		}
	}
}

// texts are the client-facing message texts of the last step.
func (s *session) texts(to Audience) string {
	var out []string
	for _, e := range s.last {
		if m, ok := e.(Send); ok && m.To == to {
			out = append(out, m.Message.Text)
		}
	}
	return strings.Join(out, "\n")
}

func (s *session) lastAsk() Message {
	for i := len(s.last) - 1; i >= 0; i-- {
		if m, ok := s.last[i].(Send); ok && m.To == ToClient {
			return m.Message
		}
	}
	s.t.Fatalf("no client message in %+v", s.last)
	return Message{}
}

func find[T Effect](effects []Effect) (T, bool) {
	for _, e := range effects {
		if v, ok := e.(T); ok {
			return v, true
		}
	}
	var zero T
	return zero, false
}

func TestWeeklyCheckInRecordsEveryAnswer(t *testing.T) {
	s := newSession(t, richContext(t)).start(CheckIn, nil)
	asked := 1
	for _, in := range []string{"2", "four", "1, 4", "1, 4", "the new rota starts at 6"} {
		if s.say(in); s.conv.Active() {
			asked++
		}
	}
	if s.conv.Active() || asked != 5 {
		t.Fatalf("check-in open at %q after %d questions; want done after 5", s.conv.State, asked)
	}
	saved, ok := find[SaveCheckIn](s.last)
	if !ok {
		t.Fatalf("no check-in saved: %+v", s.last)
	}
	want := store.CheckIn{ID: "p1", Date: "2026-11-28", Coping: 2, Sleep: 4,
		WorkFlags: []string{store.WorkFlagHarder, store.WorkFlagIsolated}, WorkAsked: true,
		Rights: []string{store.RightsBreaks, store.RightsTreatment}, RightsAsked: true,
		StillInJob: store.Yes, NoteForWorker: "the new rota starts at 6"}
	got := saved.CheckIn
	got.LoggedAt = time.Time{}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("check-in\n got %+v\nwant %+v", got, want)
	}
	if !strings.Contains(s.texts(ToClient), "Your worker will see what happened at work") {
		t.Errorf("a rights concern was not acknowledged to the client: %q", s.texts(ToClient))
	}
}

// Issue 12: at most five questions by default (four with a daily sleep
// log, which asks about sleep already); the adjustment question follows
// only when the client says one isn't happening or its review is due.
func TestWeeklyCheckInIsShortAndFollowsUpOnlyWhenCalledFor(t *testing.T) {
	withSleepLog := richContext(t)
	withSleepLog.Client.Schedules.SleepLog = "07:30"
	reviewDue := richContext(t)
	reviewDue.Adjustments[0].ReviewOn = "2026-12-02"
	tests := []struct {
		name    string
		c       Context
		work    string
		states  []string
		honours string
	}{
		{"sleep log, nothing to follow up", withSleepLog, "none", []string{qCoping, qWork, qRights, qNote}, ""},
		{"no sleep log", richContext(t), "none", []string{qCoping, qSleep, qWork, qRights, qNote}, ""},
		{"an adjustment isn't happening", withSleepLog, "An agreed adjustment isn't happening",
			[]string{qCoping, qWork, qRights, adjPrefix + "alex.adj1", qNote}, store.No},
		{"its review is due this week", reviewDue, "none", []string{qCoping, qSleep, qWork, qRights, adjPrefix + "alex.adj1", qNote}, store.Yes},
	}
	for _, tt := range tests {
		s := newSession(t, tt.c).start(CheckIn, nil)
		var states []string
		for s.conv.Active() {
			states = append(states, s.conv.State)
			switch {
			case s.conv.State == qWork:
				s.say(tt.work)
			case strings.HasPrefix(s.conv.State, adjPrefix):
				s.say(tt.honours)
			case s.conv.State == qCoping || s.conv.State == qSleep:
				s.say("4")
			default:
				s.say("none")
			}
		}
		if !slices.Equal(states, tt.states) {
			t.Errorf("%s: asked %v, want %v", tt.name, states, tt.states)
		}
		ci, _ := find[SaveCheckIn](s.last)
		if tt.honours != "" && ci.CheckIn.Adjustments["alex.adj1"] != tt.honours {
			t.Errorf("%s: adjustment recorded %q, want %q", tt.name, ci.CheckIn.Adjustments, tt.honours)
		}
	}
	// The work question offers the adjustment only to a client with one in place.
	none := richContext(t)
	none.Adjustments = nil
	for _, ch := range workChoices(none) {
		if ch.Value == store.WorkFlagAdjustment {
			t.Errorf("offered %q to a client with no adjustments", ch.Label)
		}
	}
}

// Having left the job is one of the work question's options: it records
// "no longer in the job" (the sustainment report's evidence) and tells the worker.
func TestCheckInLeftTheJob(t *testing.T) {
	s := newSession(t, richContext(t)).start(CheckIn, nil)
	s.say("3").say("3").say("I'm no longer in this job").say("none").say("nothing")
	ci, ok := find[SaveCheckIn](s.last)
	if !ok || ci.CheckIn.StillInJob != store.No {
		t.Fatalf("still in job = %q, want no", ci.CheckIn.StillInJob)
	}
	if !strings.Contains(s.texts(ToWorker), "no longer in the job") {
		t.Errorf("worker not told: %q", s.texts(ToWorker))
	}
}

func TestCheckInSkipsAreRecordedNotZeros(t *testing.T) {
	s := newSession(t, richContext(t)).start(CheckIn, nil)
	s.say("skip").say("3")
	for s.conv.Active() {
		s.say("skip")
	}
	ci, _ := find[SaveCheckIn](s.last)
	if ci.CheckIn.Answered(qCoping) || !ci.CheckIn.Answered(qSleep) || ci.CheckIn.Sleep != 3 || ci.CheckIn.RightsAsked {
		t.Errorf("skips: %+v", ci.CheckIn)
	}
	if !slices.Contains(ci.CheckIn.Skipped, qNote) {
		t.Errorf("the skipped note is not recorded as skipped: %v", ci.CheckIn.Skipped)
	}
}

func TestDebriefOffersOwnPauseScriptWhenStressIsHigh(t *testing.T) {
	s := newSession(t, richContext(t)).start(Debrief, map[string]string{AnswerShiftDate: "2026-11-27", AnswerShiftID: "s9", AnswerFirstShift: "2"})
	s.tap(store.ShiftCompleted).say("8")
	offer := s.lastAsk()
	if !strings.Contains(offer.Text, "Breathe out slowly.") || !strings.Contains(offer.Text, "Name five things you can see.") {
		t.Fatalf("high stress did not offer the client's own script and grounding: %q", offer.Text)
	}
	s.say("my pause script").say("1 3")
	if m := s.lastAsk(); !strings.Contains(m.Text, "conflict") {
		t.Fatalf("after the signs: %q", m.Text)
	}
	s.say("no")
	if m := s.lastAsk(); !strings.Contains(m.Text, "shift 2") {
		t.Fatalf("first-shift sleep impact not asked: %q", m.Text)
	}
	s.tap(store.SleepImpactSome).say("nothing")
	d, ok := find[SaveDebrief](s.last)
	if !ok {
		t.Fatal("no debrief saved")
	}
	got := d.Debrief
	if got.Stress != 8 || !got.StressAnswered || got.Offered != store.UsedBoth || got.Used != store.UsedPauseScript || !got.UsedToStay() ||
		!slices.Equal(got.WarningSigns, []string{"racing thoughts", "snapping at colleagues"}) || !got.SignsAsked ||
		got.Conflict != store.No || got.SleepImpact != store.SleepImpactSome || got.FirstShift != 2 || got.ShiftID != "s9" ||
		got.Date != "2026-11-27" || got.WhatHelped != "" {
		t.Errorf("debrief %+v", got)
	}
}

func TestDebriefLowStressAndAbsenceAskLess(t *testing.T) {
	s := newSession(t, richContext(t)).start(Debrief, map[string]string{AnswerShiftDate: "2026-11-27"})
	s.tap(store.ShiftAbsent).say("0").say("none").say("-")
	d, ok := find[SaveDebrief](s.last)
	if !ok {
		t.Fatalf("debrief not finished after 4 answers; waiting on %q", s.conv.State)
	}
	if d.Debrief.Offered != "" || d.Debrief.Conflict != "" || !d.Debrief.StressAnswered || d.Debrief.Stress != 0 || !d.Debrief.Absent() || len(d.Debrief.WarningSigns) != 0 || !d.Debrief.SignsAsked {
		t.Errorf("debrief %+v", d.Debrief)
	}
}

func TestScaleReasksSaySpecificallyWhatIsWrong(t *testing.T) {
	s := newSession(t, richContext(t)).start(Debrief, nil)
	s.tap(store.ShiftCompleted)
	for _, tt := range []struct{ in, want string }{
		{"11", "off the scale"}, {"-2", "off the scale"}, {"very", "I need a number from 0 to 10"}, {"4/5", "I need a number from 0 to 10"},
	} {
		s.say(tt.in)
		if s.conv.State != qStress || !strings.Contains(s.texts(ToClient), tt.want) {
			t.Errorf("stress %q: state %q, reply %q", tt.in, s.conv.State, s.texts(ToClient))
		}
	}
}

func TestOnboardingRecordsEachConsentAsMade(t *testing.T) {
	c := richContext(t)
	c.Client.Consents = store.Consents{}
	s := newSession(t, c).start(Onboarding, nil)
	if !strings.Contains(s.lastAsk().Text, "not a crisis service") || !strings.Contains(s.lastAsk().Text, "116 123") {
		t.Fatalf("intro does not say what Steady is not: %q", s.lastAsk().Text)
	}
	s.tap(introOK).say("yes")
	if !s.c.Client.Consents.WorkerSeesAnswers {
		t.Fatal("worker consent not recorded when given")
	}
	s.tap(string(store.PeerNamed))
	if s.c.Client.Consents.Peer != store.PeerNamed {
		t.Fatal("peer consent not recorded when given")
	}
	s.tap(string(store.SupervisorNamed)).say("written task lists; breaks at peak times")
	cs := s.c.Client.Consents
	if cs.Supervisor != store.SupervisorNamed || !slices.Equal(cs.SupervisorItems, []string{"written task lists", "breaks at peak times"}) {
		t.Fatalf("supervisor consent %+v", cs)
	}
	if len(cs.History) != 3 {
		t.Fatalf("want one dated record per consent, got %+v", cs.History)
	}
	for _, h := range cs.History {
		if h.By != "client" || !h.At.Equal(c.Now) {
			t.Errorf("consent record %+v: want by client, dated", h)
		}
	}
	if s.conv.Active() || !strings.Contains(s.texts(ToClient), "only written task lists; breaks at peak times") {
		t.Errorf("onboarding did not finish with a summary: %q", s.texts(ToClient))
	}
	if w := s.texts(ToWorker); !strings.Contains(w, "peer group: named") || strings.Contains(w, "NO") {
		t.Errorf("worker summary %q", w)
	}
}

func TestOnboardingCannotBeSkippedAndDecliningStopsThere(t *testing.T) {
	c := richContext(t)
	c.Client.Consents = store.Consents{}
	s := newSession(t, c).start(Onboarding, nil).tap(introOK)
	s.say("skip")
	if s.conv.State != qWorker || !strings.Contains(s.texts(ToClient), "needed") {
		t.Fatalf("skip on a required flow: state %q, %q", s.conv.State, s.texts(ToClient))
	}
	s.say("no")
	if s.conv.Active() || s.c.Client.Consents.WorkerSeesAnswers || len(s.c.Client.Consents.History) != 1 {
		t.Errorf("declining: active %v, consents %+v", s.conv.Active(), s.c.Client.Consents)
	}
	if !strings.Contains(s.texts(ToClient), "say start") {
		t.Errorf("declining does not say how to come back: %q", s.texts(ToClient))
	}
}

func TestConsentChangeTellsTheWorker(t *testing.T) {
	s := newSession(t, richContext(t)).start(ConsentChange, nil)
	s.tap(qSupervisor).tap(string(store.SupervisorNone))
	if s.c.Client.Consents.Supervisor != store.SupervisorNone || s.conv.Active() {
		t.Fatalf("consent %+v, active %v", s.c.Client.Consents, s.conv.Active())
	}
	var worker string
	for _, e := range s.all {
		if m, ok := e.(Send); ok && m.To == ToWorker {
			worker += m.Message.Text
		}
	}
	if !strings.Contains(worker, "NOT consented") {
		t.Errorf("worker not told supervisor liaison is withdrawn: %q", worker)
	}
	// Withdrawing the worker's consent stops Steady.
	s = newSession(t, richContext(t)).start(ConsentChange, nil)
	s.tap(qWorker).tap(withdraw)
	if s.c.Client.Status != store.StatusStopped || s.c.Client.Consents.WorkerSeesAnswers {
		t.Errorf("withdrawn: %+v", s.c.Client)
	}
}

func TestAdjustmentReviewAddsClientViewAndTellsWorker(t *testing.T) {
	s := newSession(t, richContext(t)).start(AdjustmentReviewFlow, map[string]string{AnswerDue: "alex.adj1"})
	s.tap(store.Partly).tap(store.ReviewStepDown).say("fine most days now")
	a, ok := find[SaveAdjustment](s.last)
	if !ok {
		t.Fatal("no adjustment saved")
	}
	r := a.Adjustment.Reviews[len(a.Adjustment.Reviews)-1]
	if r.By != "client" || r.Outcome != store.ReviewStepDown || r.Honoured != store.Partly || r.Note != "fine most days now" || r.Due != "2027-01-04" {
		t.Errorf("review %+v", r)
	}
	if a.Adjustment.ReviewOn != "2027-01-04" || a.Adjustment.Status != store.AdjustmentInPlace {
		t.Errorf("the client's view changed the register's decision: %+v", a.Adjustment)
	}
	if w := s.texts(ToWorker); !strings.Contains(w, "written task list") || !strings.Contains(w, "Step it down") {
		t.Errorf("worker summary %q", w)
	}
}

// The crisis interceptor runs before every step of every flow, and outside
// any flow: the flow stops, the contacts go out at once, and an urgent
// escalation carries no words of the client's.
func TestCrisisStopsEveryFlowAtEveryQuestion(t *testing.T) {
	const words = "honestly i just want to end it all tonight"
	for name, f := range allFlows {
		c := richContext(t)
		answers := map[string]string{AnswerDue: "alex.adj1", AnswerFirstShift: "1", AnswerIncident: "i1", AnswerNight: "2026-11-28"}
		conv, _ := f.Start(c, "p1", answers)
		for step := 0; conv.Active() && step < 30; step++ {
			t.Run(fmt.Sprintf("%s/%s", name, conv.State), func(t *testing.T) {
				next, effects := Handle(c, conv, Input{Key: fmt.Sprintf("crisis-%d", step), Text: words}, allFlows)
				if next.Active() {
					t.Errorf("flow still open after crisis language")
				}
				first, ok := effects[0].(Send)
				if !ok || first.To != ToClient || !strings.Contains(first.Message.Text, "116 123") || !strings.Contains(first.Message.Text, "85258") {
					t.Errorf("first effect is not the crisis contacts: %+v", effects[0])
				}
				esc, ok := find[Escalate](effects)
				if !ok || esc.Firing.Rule != RuleCrisis || !esc.Firing.Urgent {
					t.Fatalf("no urgent crisis escalation: %+v", effects)
				}
				for _, e := range esc.Firing.Evidence {
					if strings.Contains(e.Summary, "end it all") {
						t.Errorf("evidence carries the client's words: %q", e.Summary)
					}
				}
				for _, e := range effects {
					if a, ok := e.(Audit); ok && strings.Contains(a.Event.Reason, "end it") {
						t.Errorf("audit carries the client's words: %q", a.Event.Reason)
					}
				}
			})
			conv = advanceOne(t, c, f, conv)
		}
	}
	// Outside any flow, too.
	_, effects := Handle(richContext(t), store.Conversation{}, Input{Key: "x", Text: "kms"}, allFlows)
	if _, ok := find[Escalate](effects); !ok {
		t.Errorf("crisis outside a flow did not escalate: %+v", effects)
	}
}

// advanceOne answers the open question with its first offered choice, or
// with text that any free-text question takes.
func advanceOne(t *testing.T, c Context, f Flow, conv store.Conversation) store.Conversation {
	t.Helper()
	q, ok := f.question(c, conv, conv.State)
	if !ok {
		t.Fatalf("%s: no question %q", f.Name, conv.State)
	}
	m := q.Ask(c, conv)
	in := Input{Key: "adv-" + conv.State, Text: "a written task list"}
	if len(m.Choices) > 0 {
		in = Input{Key: "adv-" + conv.State, Choice: m.Choices[0].Value, Prompt: conv.PromptID}
	}
	if f.Name == FlowOnboarding && conv.State == qWorker {
		in.Choice = store.Yes
	}
	next, _ := Handle(c, conv, in, Registry{f.Name: f})
	if next.Active() && next.State == conv.State {
		t.Fatalf("%s: %q did not take %+v", f.Name, conv.State, in)
	}
	return next
}

func TestWorryAsksAreYouSafeThenResumes(t *testing.T) {
	s := newSession(t, richContext(t)).start(CheckIn, nil).say("3")
	s.say("i cant cope anymore")
	if s.conv.Hold != store.HoldSafety || !strings.Contains(s.texts(ToClient), "are you safe") || !strings.Contains(s.texts(ToClient), "116 123") {
		t.Fatalf("worry: hold %q, %q", s.conv.Hold, s.texts(ToClient))
	}
	if w := s.texts(ToWorker); !strings.Contains(w, "asked if they're safe") || strings.Contains(w, "cope") {
		t.Errorf("worker told %q", w)
	}
	s.say("whatever") // neither answer: asked again, nothing else changes
	if s.conv.Hold != store.HoldSafety || s.conv.State != qSleep {
		t.Fatalf("unclear answer: hold %q state %q", s.conv.Hold, s.conv.State)
	}
	s.say("yes im safe")
	if s.conv.Hold != "" || s.conv.State != qSleep || !strings.Contains(s.texts(ToClient), "sleep") {
		t.Fatalf("after safe: hold %q state %q %q", s.conv.Hold, s.conv.State, s.texts(ToClient))
	}
	// More distress in answer to "are you safe?" is treated as not safe.
	s = newSession(t, richContext(t)).start(CheckIn, nil).say("everything is pointless")
	s.say("i dont know i feel hopeless")
	if _, ok := find[Escalate](s.last); !ok || s.conv.Active() {
		t.Errorf("distress in answer to the safety question did not escalate: %+v", s.last)
	}
	s = newSession(t, richContext(t)).start(CheckIn, nil).say("everything is pointless").tap(safeNo)
	if _, ok := find[Escalate](s.last); !ok {
		t.Errorf("\"I'm not safe\" did not escalate")
	}
}

func TestControlsWorkInEveryState(t *testing.T) {
	for _, tt := range []struct {
		name, text string
		check      func(t *testing.T, s *session)
	}{
		{"help lists controls and asks again", "help", func(t *testing.T, s *session) {
			if txt := s.texts(ToClient); !strings.Contains(txt, "snooze") || !strings.Contains(txt, "116 123") || !strings.Contains(txt, "sleep been overall") {
				t.Errorf("%q", txt)
			}
		}},
		{"skip records and moves on", "skip", func(t *testing.T, s *session) {
			if s.conv.State != qWork || !slices.Contains(s.conv.Skipped, qSleep) {
				t.Errorf("state %q skipped %v", s.conv.State, s.conv.Skipped)
			}
		}},
		{"back reopens the last answer", "change my last answer", func(t *testing.T, s *session) {
			if _, had := s.conv.Answers[qCoping]; s.conv.State != qCoping || had || len(s.conv.Asked) != 0 {
				t.Errorf("state %q answers %v asked %v", s.conv.State, s.conv.Answers, s.conv.Asked)
			}
		}},
		{"snooze asks how long", "snooze", func(t *testing.T, s *session) {
			s.tap("3h")
			tm, ok := find[Timer](s.last)
			if !ok || tm.Kind != KindSnooze || tm.Ref != "p1" || !tm.Due.Equal(s.c.Now.Add(3*time.Hour)) || s.conv.State != qSleep {
				t.Errorf("timer %+v, state %q", tm, s.conv.State)
			}
			// Answering before the snooze ends just carries on.
			s.say("4")
			if s.conv.State != qWork || !s.conv.SnoozedUntil.IsZero() {
				t.Errorf("answer after snooze: state %q snoozed %v", s.conv.State, s.conv.SnoozedUntil)
			}
		}},
		{"snooze tomorrow in one go", "remind me tomorrow", func(t *testing.T, s *session) {
			if tm, ok := find[Timer](s.last); !ok || !tm.Due.Equal(s.c.Now.AddDate(0, 0, 1)) {
				t.Errorf("timer %+v", tm)
			}
		}},
		{"pause until a date", "pause until 5 dec", func(t *testing.T, s *session) {
			want := time.Date(2026, 12, 5, 0, 0, 0, 0, s.c.Loc)
			if s.c.Client.Status != store.StatusPaused || !s.c.Client.PausedUntil.Equal(want) || s.conv.Active() {
				t.Errorf("client %s until %v, active %v", s.c.Client.Status, s.c.Client.PausedUntil, s.conv.Active())
			}
			if tm, ok := find[Timer](s.last); !ok || tm.Kind != KindPauseEnd || !tm.Due.Equal(want) {
				t.Errorf("pause-end timer %+v", tm)
			}
			if got := EndPause(s.c, "2026-12-05"); len(got) == 0 {
				t.Error("the pause's end did nothing")
			}
			s.say("resume")
			if s.c.Client.Status != store.StatusActive || !s.c.Client.PausedUntil.IsZero() {
				t.Errorf("resume: %s", s.c.Client.Status)
			}
			if got := EndPause(s.c, "2026-12-05"); len(got) != 0 {
				t.Errorf("an old pause's end acted after resume: %+v", got)
			}
		}},
		{"pause asks how long", "pause", func(t *testing.T, s *session) {
			s.say("whenever")
			if s.conv.Hold != store.HoldPause || !strings.Contains(s.texts(ToClient), "didn't catch a date") {
				t.Fatalf("hold %q: %q", s.conv.Hold, s.texts(ToClient))
			}
			s.tap("until i say")
			if s.c.Client.Status != store.StatusPaused || !s.c.Client.PausedUntil.IsZero() {
				t.Errorf("client %+v", s.c.Client)
			}
		}},
		{"stop says how to come back", "stop", func(t *testing.T, s *session) {
			if s.c.Client.Status != store.StatusStopped || s.conv.Active() || !strings.Contains(s.texts(ToClient), "say \"start\"") {
				t.Fatalf("stop: %s %q", s.c.Client.Status, s.texts(ToClient))
			}
			if !strings.Contains(s.texts(ToWorker), "stopped") {
				t.Error("worker not told")
			}
			s.say("how are you")
			if !strings.Contains(s.texts(ToClient), "stopped Steady") {
				t.Errorf("while stopped: %q", s.texts(ToClient))
			}
			s.say("start")
			if s.c.Client.Status != store.StatusActive {
				t.Errorf("start did not bring them back: %s", s.c.Client.Status)
			}
		}},
		{"talk to my worker keeps the question", "talk to my worker", func(t *testing.T, s *session) {
			// The request is a firing of the talk rule (one incident, however
			// often they ask); the bot raises it and pings the worker.
			esc, ok := find[Escalate](s.last)
			if !ok || esc.Firing.Rule != RuleTalk || len(esc.Firing.Evidence) != 1 || s.conv.State != qSleep {
				t.Errorf("escalation %+v, state %q", esc, s.conv.State)
			}
			if !strings.Contains(esc.Firing.Evidence[0].Summary, "asked to talk to you, during the weekly check-in") {
				t.Errorf("evidence %q", esc.Firing.Evidence[0].Summary)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newSession(t, richContext(t)).start(CheckIn, nil).say("3")
			s.say(tt.text)
			tt.check(t, s)
		})
	}
}

func TestDuplicateInputChangesNothingAndLateTapsAreClosed(t *testing.T) {
	c := richContext(t)
	conv, _ := CheckIn.Start(c, "p1", nil)
	in := Input{Key: "m1", Text: "3"}
	next, effects := Handle(c, conv, in, allFlows)
	if len(effects) == 0 || next.State != qSleep {
		t.Fatalf("first delivery: %q", next.State)
	}
	again, effects := Handle(c, next, in, allFlows)
	if len(effects) != 0 || again.State != next.State || fmt.Sprint(again.Answers) != fmt.Sprint(next.Answers) {
		t.Errorf("a duplicate changed something: %+v", effects)
	}
	// A duplicate of a crisis message escalates once.
	crisis := Input{Key: "m2", Text: "kms"}
	closed, effects := Handle(c, next, crisis, allFlows)
	if _, ok := find[Escalate](effects); !ok {
		t.Fatal("no escalation")
	}
	if _, effects := Handle(c, closed, crisis, allFlows); len(effects) != 0 {
		t.Errorf("a redelivered crisis message escalated again: %+v", effects)
	}
	// A tap on last week's prompt.
	_, effects = Handle(c, next, Input{Key: "m3", Choice: "4", Prompt: "last-week"}, allFlows)
	if s, ok := effects[0].(Send); !ok || !strings.Contains(s.Message.Text, "closed") {
		t.Errorf("late tap: %+v", effects)
	}
	_, effects = Handle(c, store.Conversation{}, Input{Key: "m4", Choice: "4", Prompt: "last-week"}, allFlows)
	if s, ok := effects[0].(Send); !ok || !strings.Contains(s.Message.Text, "closed") {
		t.Errorf("late tap while idle: %+v", effects)
	}
}

func TestStartOnDemandOnlyWhenIdleUnlessNotAnAnswer(t *testing.T) {
	c := richContext(t)
	_, effects := Handle(c, store.Conversation{}, Input{Key: "a", Text: "check in"}, allFlows)
	if s, ok := effects[len(effects)-1].(Send); !ok || !strings.Contains(s.Message.Text, "weekly check-in") {
		t.Fatalf("check in on demand: %+v", effects)
	}
	// "sleep" answers "what helped?"; it does not start a sleep log.
	s := newSession(t, c).start(Debrief, nil).tap(store.ShiftCompleted).say("2").say("none").say("no")
	s.say("sleep")
	if d, ok := find[SaveDebrief](s.last); !ok || d.Debrief.WhatHelped != "sleep" {
		t.Errorf("\"sleep\" as an answer: %+v", s.last)
	}
	// "debrief" does not answer a sleep-log question, so it starts a debrief.
	s = newSession(t, c).start(SleepLog, map[string]string{AnswerNight: "2026-11-28"})
	s.say("debrief")
	if s.conv.Flow != FlowDebrief {
		t.Errorf("\"debrief\" during a sleep log: flow %q", s.conv.Flow)
	}
}

func TestUnsnoozeAsksTheSameQuestionOnlyOnce(t *testing.T) {
	s := newSession(t, richContext(t)).start(CheckIn, nil).say("3").say("snooze 1h")
	tm, _ := find[Timer](s.last)
	next, effects := Unsnooze(s.c, s.conv, "p1", tm.Due, allFlows)
	if len(effects) != 1 || next.State != qSleep || !strings.Contains(effects[0].(Send).Message.Text, "snoozed") {
		t.Fatalf("unsnooze: %+v", effects)
	}
	if _, effects := Unsnooze(s.c, next, "p1", tm.Due, allFlows); len(effects) != 0 {
		t.Errorf("a second firing asked again: %+v", effects)
	}
}

// Every message a conversation can send resolves in the catalogue: an
// unknown key renders as itself, which would look like "checkin.work".
func TestEveryConversationMessageResolves(t *testing.T) {
	key := regexp.MustCompile(`(^|\n)[a-z_]+(\.[a-z_0-9]+)+($|\n)`)
	check := func(where string, effects []Effect) {
		for _, e := range effects {
			if m, ok := e.(Send); ok {
				if key.MatchString(m.Message.Text) {
					t.Errorf("%s: unresolved message key in %q", where, m.Message.Text)
				}
				for _, ch := range m.Message.Choices {
					if key.MatchString(ch.Label) {
						t.Errorf("%s: unresolved choice label %q", where, ch.Label)
					}
				}
			}
		}
	}
	for name, f := range allFlows {
		c := richContext(t)
		conv, effects := f.Start(c, "p1", map[string]string{AnswerDue: "alex.adj1", AnswerFirstShift: "1", AnswerIncident: "i1"})
		check(name+"/start", effects)
		for step := 0; conv.Active() && step < 30; step++ {
			for _, text := range []string{"help", "zzz", "skip", "back", "snooze"} {
				_, effects := Handle(c, conv, Input{Key: fmt.Sprintf("%s-%d", text, step), Text: text}, allFlows)
				check(fmt.Sprintf("%s/%s/%s", name, conv.State, text), effects)
			}
			conv = advanceOne(t, c, f, conv)
		}
	}
	c := richContext(t)
	for _, text := range []string{"pause", "pause until friday", "stop", "resume", "talk to my worker", "i cant cope", "kms", "hello", "consent"} {
		_, effects := Handle(c, store.Conversation{}, Input{Key: text, Text: text}, allFlows)
		check("idle/"+text, effects)
	}
}
