package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"steady/store/redistest"
)

// quietProfile is the sample client with no recurring prompts, so a script
// meets only the conversation it drives.
func quietProfile(t *testing.T, replace ...string) string {
	t.Helper()
	return profileWith(t, append([]string{
		`sleep_log: "07:30"`, `sleep_log: ""`,
		`weekly_checkin: "mon 10:00"`, `weekly_checkin: ""`,
		`job_start: "2026-11-23"`, `job_start: ""`,
	}, replace...)...)
}

// after is the part of a transcript from the first line containing from.
func (t transcript) after(from string) transcript {
	i := t.indexOf(from)
	if i < 0 {
		return transcript{}
	}
	return transcript{all: strings.Join(t.lines[i:], "\n"), lines: t.lines[i:]}
}

func mustHave(t *testing.T, tr transcript, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if tr.indexOf(w) < 0 {
			t.Errorf("transcript lacks %q", w)
		}
	}
	if t.Failed() {
		t.Logf("transcript:\n%s", tr.all)
	}
}

func inOrder(t *testing.T, tr transcript, wants ...string) {
	t.Helper()
	at := 0
	for _, w := range wants {
		i := transcript{lines: tr.lines[at:]}.indexOf(w)
		if i < 0 {
			t.Fatalf("after line %d, transcript lacks %q:\n%s", at, w, tr.all)
		}
		at += i + 1
	}
}

func TestTryOnboardingGivesConsentsInChat(t *testing.T) {
	tr := trySteady(t, "ok\n:at 07:30\nyes\nyes, with my name\nonly things i choose\nwritten task lists, short breaks at peak times\n:at 07:30\n",
		nil, "--start", start, "--onboard")
	inOrder(t, tr,
		"[client] Hi Alex, I'm Steady.",
		"[client] I'm not a crisis service",
		"[client] - Samaritans: call 116 123",
		"[client] Sam will see your answers",
		// Nothing is prompted before the client agrees to their worker seeing answers.
		"[audit] prompt.skipped [sleep_log]: client has not agreed to their worker seeing answers",
		"[audit] consent.recorded by client: worker_sees_answers=yes",
		"[audit] consent.recorded by client: peer_group=named",
		"[client] - Supervisor: only written task lists; short breaks at peak times",
		"[worker] Alex has set up Steady",
		"[worker] - supervisor liaison: only these items: written task lists; short breaks at peak times",
		"[audit] consent.recorded by client: supervisor_liaison=named (2 items)",
		"[audit] onboarding.completed",
		"--- Tue 24 Nov 2026 07:30",
		"[client] Morning Alex. Time for your sleep log",
	)
	if n := strings.Count(tr.all, "consent.recorded by sam"); n != 0 {
		t.Errorf("with --onboard the profile's consents were recorded too (%d)", n)
	}
}

func TestTryWeeklyCheckInRecordsAndFlagsRightsConcerns(t *testing.T) {
	p := quietProfile(t, `weekly_checkin: ""`, `weekly_checkin: "mon 10:00"`)
	// Coping, sleep (no daily sleep log), work (harder, and an adjustment
	// isn't happening), rights (a reply it cannot read, then breaks and
	// unfair treatment), which adjustment, and a note: six questions.
	tr := trySteady(t, ":at 10:00\n3\nfour\n1 6\nsome support\n1 4\npartly\nthe new rota starts at 6\n",
		nil, "--start", "2026-11-23 09:00", "--profile", p)
	inOrder(t, tr,
		"[client] Time for your weekly check-in: a few taps, under a minute.",
		"[client] How have you been coping this week?",
		"[client] How has work been this week? Pick any that apply.",
		"[client] Did any of these happen at work this week? Pick all that apply.",
		"[client] Sorry, I didn't catch that.",
		"[client] shift starts no earlier than 10:00, every shift",
		"[client] Anything you'd like your worker to know?",
		"[client] Thanks, that's your check-in done. Your worker will see what happened at work",
		"[worker] Alex: employment-rights concern.",
		"[audit] prompt.answered [checkin] by client: 6 answered, 0 skipped",
	)
	ping := strings.Join(tr.with("[worker]"), "\n")
	if !strings.Contains(ping, "breaks") || !strings.Contains(ping, "treatment") {
		t.Errorf("the worker was not told which concerns: %q", ping)
	}
	for _, l := range append(tr.with("[audit]"), tr.with("[peer]")...) {
		if strings.Contains(l, "new rota") {
			t.Errorf("the note for the worker reached %q", l)
		}
	}
}

func TestTryDebriefAfterAShiftOffersOwnPauseScript(t *testing.T) {
	p := quietProfile(t, `job_start: ""`, `job_start: "2026-11-23"`)
	tr := trySteady(t, ":shift 14:00-22:00\n:advance 14h\nworked the whole shift\n8\nmy pause script\n1 3\nyes\na bit\nwalked round the block\n:summary\n",
		nil, "--start", "2026-11-23 09:00", "--profile", p)
	inOrder(t, tr,
		"--- Mon 23 Nov 2026 13:30",
		"[client] Your shift starts at 14:00. Before you go in, your grounding:",
		"--- Mon 23 Nov 2026 22:30",
		"[client] Quick debrief on your shift.",
		"[client] How stressed did you feel?",
		"[client] That sounds like a hard shift.",
		"[client] Step away for five minutes. Breathe in for 4, out for 6.",
		"[client] Name 5 things you can see, 4 you can hear, 3 you can touch.",
		"[client] Did you notice any of your early warning signs today?",
		"[client] [1] racing thoughts",
		"[client] Was there any conflict with anyone at work?",
		"[client] This was shift 1 in your new job. Has the job affected your sleep so far?",
		"[client] What helped today",
		"[client] Thanks, that's logged.",
		"[audit] prompt.answered [debrief] by client: 7 answered, 0 skipped",
		"[worker] First month at work (shifts/conflicts/absences): wk1 1/1/0.",
	)
}

func TestTryAdjustmentReviewAsksTheClientAndTellsTheWorker(t *testing.T) {
	p := quietProfile(t, `job_start: ""`, `job_start: "2026-11-23"`)
	tr := trySteady(t, ":at 2027-01-04 10:00\npartly working\nstep it down\nfine most days now, 11:00 would do\n",
		nil, "--start", "2026-11-23 09:00", "--profile", p)
	inOrder(t, tr,
		"--- Mon 4 Jan 2027 10:00",
		"[worker] Adjustment review due today for Alex: shift starts no earlier than 10:00",
		"[client] It's time to review an adjustment:",
		"[client] What would you like to happen next with it?",
		"[client] Anything to add about it?",
		"[client] Thanks. Your worker has your view",
		"[worker] Alex's view for their adjustment review:",
		"[worker] - shift starts no earlier than 10:00, every shift",
		"[audit] adjustment.client_review [adjustment_review] by client: alex.adj1: partly, would step_down",
	)
	if !strings.Contains(tr.all, "Note: fine most days now, 11:00 would do") {
		t.Errorf("the note did not reach the worker:\n%s", tr.all)
	}
}

func TestTryConsentChangeReachesTheWorker(t *testing.T) {
	tr := trySteady(t, "consent\ntalking to my supervisor\nno\n", nil, "--start", start, "--profile", quietProfile(t))
	inOrder(t, tr,
		"[client] Here's what you've agreed to now:",
		"[client] - Supervisor: practical needs only, no diagnosis",
		"[client] What would you like to change?",
		"[client] Can your worker talk to your supervisor or manager for you",
		"[worker] Alex changed a sharing choice, today:",
		"[worker] - supervisor liaison: NOT consented, do not contact the supervisor",
		"[client] - Supervisor: not contacted",
		"[audit] consent.recorded by client: supervisor_liaison=none",
	)
}

func TestTryControlsInEveryState(t *testing.T) {
	script := strings.Join([]string{
		"check in", "help", "3", "back", "4", "skip", "snooze", "1h", ":advance 61m", // asked again after the snooze
		"harder", "talk to my worker", "stop", "hello", "start",
		"pause until 30 nov", ":advance 1d", "debrief", ":at 2026-11-30 00:05", "resume",
	}, "\n") + "\n"
	tr := trySteady(t, script, nil, "--start", start, "--profile", quietProfile(t))
	inOrder(t, tr,
		"> help", "[client] You can say these any time:", "[client] How have you been coping this week?",
		"> back", "[client] OK, let's change that.", "[client] How have you been coping this week?",
		"> skip", "[audit] question.skipped [checkin] by client: sleep",
		"> snooze", "[client] When shall I ask again?",
		"> 1h", "[client] OK, I'll ask again Mon 23 Nov 07:00.",
		"--- Mon 23 Nov 2026 07:00", "[client] Here's your weekly check-in you snoozed:", "[client] How has work been this week?",
		"> talk to my worker", "[worker] Alex: asked to talk to you.", "[client] I've asked your worker to get in touch. Carry on",
		"> stop", "[client] Stopped. You won't get any more check-ins.", "[worker] Alex has stopped Steady's check-ins.",
		"> hello", "[client] You've stopped Steady",
		"> start", "[client] Welcome back.", "[worker] Alex has started Steady again.",
		"> pause until 30 nov", "[client] Paused until Mon 30 Nov.",
		"> debrief", "[client] Quick debrief on your shift.",
		// The pause ends at midnight; its "welcome back" waits for the morning.
		"> resume", "[client] Steady isn't paused",
	)
	if strings.Contains(tr.all, "Your pause has ended") {
		t.Errorf("welcome-back sent in the night:\n%s", tr.all)
	}
	if n := strings.Count(tr.all, "How have you been coping this week?"); n != 3 {
		t.Errorf("coping asked %d times, want 3 (start, help, back)", n)
	}
}

// Scenario 2: task clarity and supervisor coaching (anxiety, trauma history).
func TestScenario2TaskClarityAndSupervisorCoaching(t *testing.T) {
	p := quietProfile(t,
		`job_start: ""`, `job_start: "2026-11-23"`,
		`supervisor_liaison: functional`, `supervisor_liaison: named`,
		`supervisor_items: []`, `supervisor_items: [written task list at the start of each shift, one named supervisor, feedback in private]`,
		`# debrief_every_shift: true`, `debrief_every_shift: true`,
		`# worker_reminders:             # reminders for the worker, at 09:00 on their clock
#   - {at: week 2, note: check in with the supervisor about the adjustments}
#   - {at: week 4, note: check in with the supervisor again}`, `worker_reminders:
  - {at: week 2, note: check in with the supervisor about the task list}
  - {at: week 4, note: check in with the supervisor again}`,
		`adjustments:                    # specific and measurable: what, when, how long; each reviewed on a date
  - what: "shift starts no earlier than 10:00"
    when: "every shift"
    for: six weeks              # a length, "until 2027-01-04", or "ongoing" (then give a review date)
    review: 6 weeks             # from its start (default: the job start); a date also works`, `adjustments:
  - {what: "written task list from the supervisor", when: "at the start of each shift", for: six weeks, review: 4 weeks}
  - {what: "one named supervisor for all instructions", when: "every shift", for: four weeks, review: 4 weeks}
  - {what: "feedback given in private, in the agreed written format", when: "weekly, on Fridays", for: six weeks, review: 4 weeks}`)
	day := func(date, answers string) string {
		return ":at " + date + " 08:00\n:shift 10:00-16:00\n:at " + date + " 16:30\n" + answers
	}
	script := day("2026-11-23", "worked the whole shift\n8\nmy pause script\nnone\nno\nnot at all\nthe script, and the task list\n") +
		day("2026-11-24", "left early\n9\nneither\n1\nyes\na bit\n-\n:ack\n") +
		day("2026-11-25", "didn't go in\n6\nnone\nnot at all\nnothing\n") +
		":at 2026-12-07 09:00\n:summary\n:at 2026-12-21 09:05\n"
	tr := trySteady(t, script, nil, "--start", "2026-11-23 07:00", "--profile", p)
	// High stress: the client's own pause script, in their words, and whether
	// they used it instead of leaving.
	inOrder(t, tr,
		"--- Mon 23 Nov 2026 16:30", "[client] That sounds like a hard shift.",
		"[client] Step away for five minutes.", "[client] Did you use either of them on shift?",
		"--- Tue 24 Nov 2026 16:30", "[client] That sounds like a hard shift, and it's OK that you left.",
	)
	if n := strings.Count(tr.all, "[audit] prompt.answered [debrief]"); n != 3 {
		t.Errorf("want 3 debriefs recorded, got %d", n)
	}
	// The worker is reminded at week 2 and week 4.
	inOrder(t, tr,
		"--- Mon 7 Dec 2026 09:00", "[worker] Reminder about Alex (week 2): check in with the supervisor about the task list",
		"--- Mon 21 Dec 2026 09:00", "[worker] Reminder about Alex (week 4): check in with the supervisor again",
	)
	// Conflicts and absences reported show as a trend over the first month.
	mustHave(t, tr, "[worker] First month at work (shifts/conflicts/absences): wk1 3/1/1; wk2 0/0/0; wk3 0/0/0.")
}

// Scenario 3: functional disclosure in a customer-facing role (panic at peak times).
func TestScenario3FunctionalDisclosureAndRisingSigns(t *testing.T) {
	p := quietProfile(t,
		`job_start: ""`, `job_start: "2026-11-23"`,
		`peer_group: anonymous`, `peer_group: off`,
		`    two_disrupted_nights:`, `    warning_signs:
      - a temporary reduction in peak-time exposure
    two_disrupted_nights:`,
		`adjustments:                    # specific and measurable: what, when, how long; each reviewed on a date
  - what: "shift starts no earlier than 10:00"
    when: "every shift"
    for: six weeks              # a length, "until 2027-01-04", or "ongoing" (then give a review date)
    review: 6 weeks             # from its start (default: the job start); a date also works`, `adjustments:
  - {what: "a protected 10-minute break", when: "at 12:00 and 15:00 each shift", for: six weeks, review: 2 weeks}
  - {what: "work away from the busiest till", when: "every shift", for: four weeks, review: 2 weeks}
  - {what: "a named buddy for the first 30 minutes", when: "at the start of each shift", for: six weeks, review: 2 weeks}`)
	script := ":at 2026-11-23 08:00\n:shift 10:00-16:00\n:at 2026-11-23 16:30\n" +
		"worked the whole shift\n6\n1 3\nno\nnot at all\n-\n" +
		":at 2026-12-07 10:00\nworking\nstep it down\nfine at quiet times now\npartly working\nkeep it as it is\n-\nworking\nstep it down\n-\n"
	tr := trySteady(t, script, nil, "--start", "2026-11-23 07:00", "--profile", p)
	inOrder(t, tr,
		// A grounding reminder before the shift; a debrief after it that looks for their signs.
		"--- Mon 23 Nov 2026 09:30", "[client] Your shift starts at 10:00. Before you go in, your grounding:",
		"--- Mon 23 Nov 2026 16:30", "[client] Did you notice any of your early warning signs today?",
		// Two signs reach the plan's count: the plan comes in and the worker is told.
		"[worker] Alex: early-warning signs",
		"[worker] Plan: a temporary reduction in peak-time exposure.",
		// Each adjustment is reviewed on its date; stepping down comes with notes.
		"--- Mon 7 Dec 2026 10:00", "[worker] Adjustment review due today for Alex: a protected 10-minute break",
		"[client] It's time to review an adjustment:",
		"[worker] Alex's view for their adjustment review:",
	)
	ping := strings.Join(tr.with("[worker]"), "\n")
	if !strings.Contains(ping, "Supervisor liaison: functional needs only (no diagnosis)") {
		t.Errorf("the worker's ping does not say the client disclosed functional needs only:\n%s", ping)
	}
	if strings.Contains(ping, "absence") || strings.Contains(strings.Join(tr.with("[audit]"), "\n"), "absent") {
		t.Errorf("rising signs were treated as an absence:\n%s", tr.all)
	}
	if peer := tr.with("[peer]"); len(peer) != 0 {
		t.Errorf("peer consent is off, yet: %q", peer)
	}
	for _, w := range []string{"Note: fine at quiet times now", "a named buddy for the first 30 minutes", "work away from the busiest till"} {
		if !strings.Contains(ping, w) {
			t.Errorf("the review summary lacks %q", w)
		}
	}
}

// Scenario 4: crisis in the middle of a flow, at 23:10 on a Saturday.
func TestScenario4CrisisInTheMiddleOfADebrief(t *testing.T) {
	p := quietProfile(t, `job_start: ""`, `job_start: "2026-11-23"`)
	const words = "honestly i cant do this anymore i just want to end it all"
	script := ":at 2026-11-28 14:00\n:shift 14:30-22:30\n:at 2026-11-28 23:05\nleft early\n9\n:at 2026-11-28 23:10\n" + words + "\n:advance 16m\n:ack\n:advance 2h\n"
	tr := trySteady(t, script, nil, "--start", "2026-11-28 09:00", "--profile", p)
	inOrder(t, tr, "--- Sat 28 Nov 2026 23:00", "[client] Quick debrief on your shift.", "--- Sat 28 Nov 2026 23:10", "> "+words)
	crisis := tr.after("> " + words)
	// The contacts come at once, first, kindly worded.
	inOrder(t, crisis,
		"[client] Alex, thank you for telling me. I'm sorry things feel this hard.",
		"[client] I've stopped the questions, and I'll hold off on your usual check-ins until your support team has picked this up.",
		"[client] - Samaritans: call 116 123, free, any time",
		"[client] - NHS 111, option 2",
		"[client] - Text SHOUT to 85258",
		"[client] - 999 in an emergency",
		"[worker] URGENT: Alex: crisis language.",
		"[lead] URGENT: Alex: crisis language.",
		"[audit] crisis.detected [crisis]: kind suicide; during debrief at used",
		"[audit] prompt.stopped [debrief]: crisis language; the flow stops",
		// Re-sent until someone acknowledges it.
		"--- Sat 28 Nov 2026 23:25", "[worker] Reminder (notice 2)",
		"> :ack",
	)
	if i := crisis.indexOf("[client] That sounds like a hard shift"); i >= 0 {
		t.Errorf("the flow went on after the crisis message:\n%s", crisis.all)
	}
	afterAck := tr.after("> :ack")
	if n := countLines(afterAck.lines, `^\[(worker|lead)\] (Reminder|Escalated|URGENT)`); n != 0 {
		t.Errorf("%d pings after :ack:\n%s", n, afterAck.all)
	}
	// The words reach one place: the item on their own worker's to-read
	// digest. Never a ping, the lead or the audit log.
	quoted := 0
	for _, l := range append(append(tr.with("[worker]"), tr.with("[lead]")...), tr.with("[audit]")...) {
		if !strings.Contains(l, "end it all") && !strings.Contains(l, "cant do this") {
			continue
		}
		if regexp.MustCompile(`^\[worker\] \d+\. Alex, Sat 28 Nov 23:10, during the shift debrief: "`).MatchString(l) {
			quoted++
			continue
		}
		t.Errorf("the client's words reached %q", l)
	}
	if quoted != 1 {
		t.Errorf("the words are on the worker's to-read digest %d times, want once:\n%s", quoted, tr.all)
	}
	if peer := tr.with("[peer]"); len(peer) != 0 {
		t.Errorf("a crisis reached the peer channel: %q", peer)
	}
}

// Scenario 6: a stranger, and bad input of every kind.
func TestScenario6StrangerAndBadInput(t *testing.T) {
	p := quietProfile(t, `weekly_checkin: ""`, `weekly_checkin: "mon 10:00"`)
	script := ":stranger hi is this the support thing\n:stranger i want to end it all\n" +
		":at 10:00\n0\n11\nfour out of ten\n😩👍\n\n" + strings.Repeat("x", 4000) + "\n3\n" +
		":advance 13h\n2\nsorry, was asleep\n"
	tr := trySteady(t, script, nil, "--start", "2026-11-23 09:00", "--profile", p)
	inOrder(t, tr,
		"> :stranger hi is this the support thing",
		"[stranger] Hi. This is Steady, a check-in service",
		"[stranger] You're not signed up, so I haven't kept anything you sent.",
		"> :stranger i want to end it all",
		"[stranger] It sounds like things are really hard. Please reach out now:",
		"[stranger] - Samaritans: call 116 123, free, any time",
		"> 0", "[client] That's off the scale. Please pick a number from 1 to 5.",
		"> 11", "[client] That's off the scale.",
		"> four out of ten", "[client] Sorry, I need a number from 1 to 5.",
		"> 😩👍", "[client] Sorry, I need a number from 1 to 5.",
		"> ", "[client] Sorry, I need a number from 1 to 5.",
		"> xxxx", "[client] Sorry, I need a number from 1 to 5.",
		"> 3", "[client] How has your sleep been overall this week?",
		// The prompt expires unanswered; a late tap on its buttons is told so.
		"[audit] prompt.expired [weekly_checkin]",
		"> 2", "[client] That check-in has closed, so I haven't changed anything.",
		"> sorry, was asleep", "[client] Thanks. There's nothing open for you to answer just now.",
	)
	if strings.Contains(tr.all, "panic") || strings.Contains(tr.all, "goroutine") || strings.Contains(tr.all, "error") {
		t.Errorf("an error reached the transcript:\n%s", tr.all)
	}
	// Staff hear of Alex's answers Steady could not read (the to-read
	// digest), never of the stranger.
	for _, l := range append(tr.with("[worker]"), tr.with("[lead]")...) {
		if strings.Contains(l, "support thing") || strings.Contains(l, "end it all") || strings.Contains(l, "stranger") {
			t.Errorf("a stranger's message reached staff: %q", l)
		}
	}
}

func TestTryMessagesFileRewordsWithoutCodeChanges(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "messages.yaml")
	os.WriteFile(good, []byte("crisis.contacts: |-\n  Our own crisis line: 0800 000 0000\n  999 in an emergency\nidle: \"Nothing to answer right now - thanks!\"\n"), 0o600)
	for _, how := range [][]string{{"--messages", good}, nil} {
		var env []string
		if how == nil {
			env = []string{messagesEnv + "=" + good}
		}
		tr := trySteady(t, "hello\nhelp\n", env, append([]string{"--start", start, "--profile", quietProfile(t)}, how...)...)
		mustHave(t, tr, "[client] Nothing to answer right now - thanks!", "[client] - Our own crisis line: 0800 000 0000")
		if strings.Contains(tr.all, "Samaritans") {
			t.Errorf("the service's contacts did not replace the defaults:\n%s", tr.all)
		}
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("idel: typo\n"), 0o600)
	out, err := exec.Command(steadyBin, "try", "--messages", bad).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "idel") {
		t.Errorf("an unknown message key was not refused by name: %v %s", err, out)
	}
}

// Killed in the middle of any flow against a real Redis, `steady try`
// starts again at the same question, with the answers before it kept.
func TestTryResumesEveryFlowAfterKill(t *testing.T) {
	srv := redistest.Shared(t)
	env := []string{tryRedisEnv + "=redis://" + srv.Addr + "/0"}
	for _, tt := range []struct {
		name, script, waitingOn, finish, done string
		args                                  []string
	}{
		{"checkin", "check in\n3\n", "How has your sleep been overall this week?",
			"4\nskip\nskip\nskip\n", "[audit] prompt.answered [checkin] by client: 2 answered, 3 skipped", nil},
		{"debrief", "debrief\nleft early\n", "How stressed did you feel?",
			"3\nnone\nno\n-\n", "[audit] prompt.answered [debrief] by client: 5 answered, 0 skipped", nil},
		{"onboarding", "ok\nyes\n", "There's a peer support group.",
			"no, keep it private\nno\n", "[audit] onboarding.completed", []string{"--onboard"}},
		{"consent", "consent\npeer group\n", "There's a peer support group.",
			"yes, without my name\n", "[audit] consent.recorded by client: peer_group=anonymous", nil},
		{"safety check", "check in\ni cant cope\n", "I just want to check you're safe right now.",
			"i'm safe\n", "[audit] safety.answered [crisis] by client: said they are safe", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			prefix := "resume-" + strings.ReplaceAll(tt.name, " ", "-")
			args := append([]string{"try", "--start", start, "--prefix", prefix, "--reset", "--profile", quietProfile(t)}, tt.args...)
			cmd := exec.Command(steadyBin, args...)
			cmd.Env = append(os.Environ(), env...)
			stdin, _ := cmd.StdinPipe()
			stdout, _ := cmd.StdoutPipe()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			io.WriteString(stdin, tt.script)
			// The question is asked before the kill on the first run; the
			// restart asks the one it waits on (for an aside, its re-ask).
			waitFor := tt.waitingOn
			if tt.name == "safety check" {
				waitFor = "Can I check: are you safe right now?"
			}
			sc := bufio.NewScanner(stdout)
			found := false
			for sc.Scan() {
				if strings.Contains(sc.Text(), waitFor) {
					found = true
					break
				}
			}
			cmd.Process.Kill()
			cmd.Wait()
			if !found {
				t.Fatalf("first run never asked %q", waitFor)
			}
			tr := trySteady(t, tt.finish, env, "--prefix", prefix)
			resume := tr.indexOf("Picking up where we left off")
			if resume < 0 || resume+1 >= len(tr.lines) || !strings.Contains(tr.lines[resume+1], tt.waitingOn) {
				t.Fatalf("restart did not resume at %q:\n%s", tt.waitingOn, tr.all)
			}
			mustHave(t, tr, tt.done)
		})
	}
}
