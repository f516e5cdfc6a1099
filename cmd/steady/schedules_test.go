package main

import (
	"strings"
	"testing"
)

// Acceptance for the scheduler (issue 3): a weekly check-in at 01:30 on the
// Sunday the clocks go forward (28 March 2027 in London, when 01:30 does not
// happen) prompts exactly once that day, at the first instant after the gap.
func TestWeeklyCheckInInTheSpringGapPromptsOnce(t *testing.T) {
	p := profileWith(t,
		`weekly_checkin: "mon 10:00"`, `weekly_checkin: "sun 01:30"`,
		`sleep_log: "07:30"`, `sleep_log: ""`,
		`job_start: "2026-11-23"`, `job_start: "2026-11-23"`)
	tr := trySteady(t, ":advance 3d\n", nil, "--start", "2027-03-26 12:00", "--profile", p)
	sunday := tr.indexOf("--- Sun 28 Mar 2027")
	monday := tr.indexOf("--- Mon 29 Mar 2027")
	if sunday < 0 {
		t.Fatalf("nothing happened on Sunday 28 March:\n%s", tr.all)
	}
	if !strings.HasPrefix(tr.lines[sunday], "--- Sun 28 Mar 2027 02:00 BST") {
		t.Errorf("first thing on Sunday at %q, want 02:00 BST (01:30 is skipped by the clocks)", tr.lines[sunday])
	}
	if monday < 0 {
		monday = len(tr.lines)
	}
	day := strings.Join(tr.lines[sunday:monday], "\n")
	if n := strings.Count(day, "[audit] prompt.") - strings.Count(day, "[audit] prompt.reminded") - strings.Count(day, "[audit] prompt.expired"); n != 1 ||
		strings.Count(day, " [weekly_checkin]") < 1 {
		t.Errorf("want exactly one weekly check-in that day, got:\n%s", day)
	}
	if n := strings.Count(tr.all, "prompt.") - strings.Count(tr.all, "prompt.reminded") - strings.Count(tr.all, "prompt.expired"); n != 1 {
		t.Errorf("want one weekly check-in over the weekend, got %d:\n%s", n, tr.all)
	}
	// The client is prompted, once (the reminder aside), at 02:00 BST.
	if n := strings.Count(tr.all, "[audit] prompt.sent [weekly_checkin]"); n != 1 {
		t.Errorf("prompt.sent [weekly_checkin] %d times, want 1:\n%s", n, tr.all)
	}
	if tr.indexOf("[client] Time for your weekly check-in") != sunday+1 {
		t.Errorf("the client was not prompted at 02:00 BST on Sunday:\n%s", day)
	}
	// The reminder asks the question again without the opening line.
	if n := strings.Count(tr.all, "[client] Time for your weekly check-in"); n != 1 {
		t.Errorf("the client got the check-in %d times (besides its one reminder):\n%s", n, tr.all)
	}
}

// :shift adds a shift for today; its debrief follows it.
func TestShiftCommandSchedulesADebrief(t *testing.T) {
	tr := trySteady(t, ":shift 14:00-22:00\n:status\n", nil, "--start", start)
	if tr.indexOf("[sim] Got it: you're working 14:00 to 22:00 on Mon 23 Nov. I'll check in afterwards, at 22:30.") < 0 {
		t.Fatalf(":shift did not confirm the shift and its debrief:\n%s", tr.all)
	}
	if tr.indexOf("[sim] due Mon 23 Nov 22:30 GMT: debrief") < 0 {
		t.Errorf("no debrief pending after :shift:\n%s", tr.all)
	}
	if tr.indexOf("[audit] schedule.changed by client: shift 2026-11-23 14:00-22:00") < 0 {
		t.Errorf("the change is not audited:\n%s", tr.all)
	}
	bad := trySteady(t, ":shift 25:00-26:00\n", nil, "--start", start)
	if bad.indexOf("isn't a shift I can use") < 0 {
		t.Errorf("a bad :shift was not answered with a hint:\n%s", bad.all)
	}
}
