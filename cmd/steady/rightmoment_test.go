package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Transcripts of issue 12 ("check-ins a client finishes in under a minute,
// at the right moment"), one test per item, through `steady try`.

// rotaProfile is the sample client with a rota and quiet hours, as
// docs/client-month.md measures it.
const rotaProfile = "../../docs/examples/client-rota.yaml"

// lastClientLineBefore is the last [client] line before the first line containing marker.
func (t transcript) lastClientLineBefore(marker string) string {
	i := t.indexOf(marker)
	for j := i - 1; j >= 0; j-- {
		if strings.HasPrefix(t.lines[j], "[client] ") {
			return t.lines[j]
		}
	}
	return ""
}

// Item 1: "-5" is never 5. Each number off its question's range gets that
// question's re-ask, and the night is recorded as answered afterwards.
func TestTryNegativeNumbersAreAskedAgainNeverRecorded(t *testing.T) {
	night := ":at 07:30\n-5\n2am\n\u22125\n25 hours\nOver an hour\n- 3\n25\n3\n-6am\n6am\nminus 2\n7\n2\n"
	tr := trySteady(t, night+night, nil, "--start", start)
	inOrder(t, tr,
		"> -5", "[client] That isn't a time on the clock. Try something like 11pm",
		"> \u22125", "[client] That's not a length I can log: it needs to be from 0 minutes to 12 hours",
		"> 25 hours", "[client] That's not a length I can log",
		"> - 3", "[client] Please give a number from 0 to 20",
		"> 25", "[client] Please give a number from 0 to 20",
		"> -6am", "[client] That isn't a time on the clock. Try something like 7am",
		"> minus 2", "[client] That's off the scale. Please pick a number from 1 (very badly) to 5",
		"> 7", "[client] That's off the scale.",
		"[client] Thanks, that's logged: about 2h 45m asleep.",
	)
	// What reaches the worker is what the client meant, never a sign dropped.
	ping := strings.Join(tr.with("[worker]"), "\n")
	if !strings.Contains(ping, "Night to Tue 24 Nov: 2h 45m asleep (bed 02:00, up 06:00), 75 min to fall asleep, woke 3 times, quality 2/5") {
		t.Errorf("the worker's evidence is not the night as answered:\n%s", ping)
	}
	if regexp.MustCompile(`woke (5|25) times|quality 5/5|bed 05:00|up 05:00`).MatchString(ping) {
		t.Errorf("a refused number reached the worker:\n%s", ping)
	}
}

// Item 2: after two disrupted nights the last thing on the client's screen
// is the plan's question, in the same message as the sleep log's thanks,
// and typing its numbers works.
func TestTryPlanQuestionIsLastAndTakesNumbers(t *testing.T) {
	tr := trySteady(t, badNight+badNight+"1\n", nil, "--start", start)
	inOrder(t, tr,
		"--- Tue 24 Nov 2026 07:30",
		"[client] Thanks, that's logged: about 2h 45m asleep.",
		"[client] Alex, your sleep over the last two nights looks disrupted.",
		"[client] What would help right now?",
		"[client] [1] Talk to my worker",
		"[client] [3] I'm OK for now",
		"> 1",
		"[worker] Alex: asked to talk to you.",
		"[client] I've asked your worker to get in touch.",
	)
	if got := tr.lastClientLineBefore("> 1"); got != "[client] [3] I'm OK for now" {
		t.Errorf("last thing on the client's screen before they typed 1: %q, want the plan's last option", got)
	}
	if strings.Contains(tr.all, "Please pick one of the options") {
		t.Errorf("a typed number was not read:\n%s", tr.all)
	}
}

// Item 3: numeric questions show their values, with no positions that
// could be taken for them; a number typed there is the value. Numbered
// options still take their number. :help says so.
func TestTryNumbersAreValuesWhereTheChoicesAreValues(t *testing.T) {
	// Woke once, quality 2, at two bad nights: "1" is one wake, not "[1] 0".
	night := ":at 07:30\n2am\nOver an hour\n1\n6am\n2\n"
	tr := trySteady(t, night+night+"3\n:help\n", nil, "--start", start)
	mustHave(t, tr,
		"[client] [9pm] [10pm] [11pm] [Midnight] [1am] [2am]",
		"[client] [Under 15 min] [15–30 min] [30–60 min] [Over an hour]",
		"[client] [0] [1] [2] [3] [4+]",
		"[client] [1] [2] [3] [4] [5]",
		"woke 1 times, quality 2/5",
		"[client] OK. Your worker knows",                                      // 3 picked "[3] I'm OK for now"
		"values (a time, a count, a rating): type the value itself; a number", // :help
	)
	if strings.Contains(tr.all, "[client] [1] 0") || strings.Contains(tr.all, "[client] [2] 1") {
		t.Errorf("values printed with positions that clash with them:\n%s", tr.all)
	}
	// The stress scale, 0 to 10: 8 is eight, twice, so the rule's evidence shows it.
	p := quietProfile(t, "  # debrief_every_shift: true", "  debrief_every_shift: true")
	debrief := ":shift 08:00-12:00\n:at 12:30\n1\n8\nneither\nnone\nno\nnothing\n"
	tr = trySteady(t, debrief+":at 2026-11-24 07:00\n"+debrief, nil, "--start", start, "--profile", p)
	mustHave(t, tr, "[client] [0] [1] [2] [3] [4] [5] [6] [7] [8] [9] [10]", "- Debrief Mon 23 Nov: stress 8/10", "- Debrief Tue 24 Nov: stress 8/10")
}

// shiftToday is a profile whose client works 14:00-22:35 on the start day,
// with quiet hours from 22:00: the debrief falls due at 23:05, in them.
func lateShiftProfile(t *testing.T) string {
	return profileWith(t,
		`  # quiet_hours: "21:30-07:00"  # prompts`, `  quiet_hours: "22:00-07:00"    # prompts`,
		"# rota:                         # when they work", "rota:                           # when they work",
		`#   shifts: ["2026-11-28 10:00-16:00", "2026-12-04 22:00 off"]`, `  shifts: ["2026-11-23 14:00-22:35"]`,
		`weekly_checkin: "mon 10:00"`, `weekly_checkin: ""`)
}

// Item 4: one debrief per shift, however it started: the client's own at
// 23:05 means no scheduled one at 07:00, when quiet hours end.
func TestTryOneDebriefPerShift(t *testing.T) {
	tr := trySteady(t, ":at 23:05\ndebrief\nWorked the whole shift\n3\nnone\nno\n1\nnothing\n:at 07:10\n",
		nil, "--start", "2026-11-23 14:00", "--profile", lateShiftProfile(t))
	inOrder(t, tr,
		"[audit] prompt.deferred [debrief]: quiet hours until 07:00",
		"> debrief", "[client] Quick debrief on your shift.",
		"[client] This was shift 1 in your new job.", // it knows which shift it is about
		"[audit] prompt.answered [debrief] by client",
		"--- Tue 24 Nov 2026 07:00",
		"[audit] prompt.skipped [debrief]: the client has debriefed this shift already",
	)
	if n := strings.Count(tr.all, "[client] Quick debrief on your shift."); n != 1 {
		t.Errorf("%d debriefs for one shift, want 1:\n%s", n, tr.all)
	}
	// Started before the scheduled one was due, with no quiet hours: the same.
	p := profileWith(t, "# rota:                         # when they work", "rota:                           # when they work",
		`#   shifts: ["2026-11-28 10:00-16:00", "2026-12-04 22:00 off"]`, `  shifts: ["2026-11-23 14:00-22:00"]`)
	tr = trySteady(t, ":at 22:10\ndebrief\nWorked the whole shift\n3\nnone\nno\n1\nnothing\n:at 23:00\n", nil, "--start", "2026-11-23 14:00", "--profile", p)
	mustHave(t, tr, "[audit] prompt.skipped [debrief]: the client has debriefed this shift already")
	if n := strings.Count(tr.all, "[client] Quick debrief on your shift."); n != 1 {
		t.Errorf("%d debriefs for one shift, want 1:\n%s", n, tr.all)
	}
}

// Item 4: after a crisis no routine prompt comes until staff acknowledge it,
// and the client is told so, kindly; after the acknowledgement they come again.
func TestTryNoRoutinePromptAfterACrisisUntilAcknowledged(t *testing.T) {
	tr := trySteady(t, ":at 23:05\ndebrief\nWorked the whole shift\ni want to kill myself\n:at 07:45\nhello\n:ack\n:at 07:45\n",
		nil, "--start", "2026-11-23 14:00", "--profile", lateShiftProfile(t))
	inOrder(t, tr,
		"> i want to kill myself",
		"[client] I've stopped the questions, and I'll hold off on your usual check-ins until your support team has picked this up.",
		"[worker] URGENT: Alex: crisis language.",
		"--- Tue 24 Nov 2026 07:00",
		"[audit] prompt.skipped [debrief]: the client has debriefed this shift already",
		"--- Tue 24 Nov 2026 07:30",
		"[audit] prompt.skipped [sleep_log]: held after a crisis until staff acknowledge it",
		"> hello", "[client] I'm holding off on your usual check-ins until your support team has picked up what you told me.",
		"> :ack",
		"--- Wed 25 Nov 2026 07:30",
		"[client] Morning Alex. Time for your sleep log",
	)
	if i := tr.indexOf("[client] Morning Alex"); i < tr.indexOf("> :ack") {
		t.Errorf("a sleep log came before staff acknowledged the crisis:\n%s", tr.all)
	}
	if strings.Contains(tr.all, "you are blocked") {
		t.Errorf("unkind wording:\n%s", tr.all)
	}
}

var monthSummary = regexp.MustCompile(`\[sim\] (\d+) days: ([\d.]+) unasked messages a day on average, (\d+) on the busiest day`)

// Item 5: a month with a rota, the client answering everything: at most 1.5
// messages a day arrive unasked on average and 3 on any day; the weekly
// check-in is short; nothing lands mid-shift; prompts due close together
// come as one message. docs/client-month.md reports this run.
func TestTryAMonthWithARota(t *testing.T) {
	tr := trySteady(t, ":autopilot 30d\n", nil, "--start", start, "--profile", rotaProfile)
	m := monthSummary.FindStringSubmatch(tr.all)
	if m == nil {
		t.Fatalf("no summary:\n%s", tr.all)
	}
	days, _ := strconv.Atoi(m[1])
	avg, _ := strconv.ParseFloat(m[2], 64)
	busiest, _ := strconv.Atoi(m[3])
	if days != 30 || avg > 1.5 || busiest > 3 {
		t.Errorf("%d days, %.2f a day, %d on the busiest; want 30 days, at most 1.5 a day and 3 on any day", days, avg, busiest)
	}
	// The weekly check-in due at 10:00 on a 10:00 shift comes after it.
	mustHave(t, tr,
		"[audit] prompt.deferred [weekly_checkin]: on shift until 16:00, then its debrief at 16:30",
		"[audit] prompt.deferred [weekly_checkin]: on shift until 16:00",
		"[audit] grounding.sent [grounding]: shift 2026-11-24T10:00, with the sleep log",
	)
	if !regexp.MustCompile(`\[audit\] prompt.sent \[(weekly_checkin|debrief)\]: with the (shift debrief|weekly check-in)`).MatchString(tr.all) {
		t.Errorf("the check-in and the debrief after the Monday shift did not come together:\n%s", tr.all)
	}
	// At most five questions in a check-in (four: this client logs sleep daily).
	checkins := regexp.MustCompile(`\[client\] (Time for|One more while you're here:) your weekly check-in`).Split(tr.all, -1)[1:]
	if len(checkins) < 4 {
		t.Errorf("%d weekly check-ins in a month, want at least 4", len(checkins))
	}
	for _, block := range checkins {
		end := strings.Index(block, "that's your check-in done")
		if end < 0 {
			t.Fatalf("a check-in was not finished:\n%s", block)
		}
		if n := strings.Count(block[:end], "\n> "); n > 5 {
			t.Errorf("a check-in took %d answers, want at most 5:\n%s", n, block[:end])
		}
	}
	// Nothing arrives mid-shift: no client line stamped inside a shift's hours.
	shift := regexp.MustCompile(`^--- (Mon|Tue|Fri) .* (1[0-5]:\d\d) GMT ---$|^--- Thu .* (1[2-9]:\d\d) GMT ---$`)
	for i, l := range tr.lines {
		if shift.MatchString(l) && i+1 < len(tr.lines) && strings.HasPrefix(tr.lines[i+1], "[client]") && !strings.HasSuffix(l, "10:00 GMT ---") {
			t.Errorf("a message mid-shift at %q: %q", l, tr.lines[i+1])
		}
	}
}

// Item 6: declining consent says "say start", and start asks again.
func TestTryStartAfterDecliningConsent(t *testing.T) {
	tr := trySteady(t, "ok\nno\nstart\nyes\n1\n1\n", nil, "--start", start, "--onboard")
	inOrder(t, tr,
		"> no", "[client] If you change your mind, say start.",
		"> start", "[client] OK, let's go through who sees what again.", "[client] Sam will see your answers",
		"> yes", "[audit] consent.recorded by client: worker_sees_answers=yes",
		"[audit] onboarding.completed",
	)
	if strings.Contains(tr.all, "Steady isn't paused") {
		t.Errorf("start was answered as a resume:\n%s", tr.all)
	}
}

// tryFails runs `steady try` expecting it to refuse, and returns what it said.
func tryFails(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(steadyBin, append([]string{"try"}, args...)...)
	cmd.Env = append(os.Environ(), "REDIS_URL=")
	cmd.Stdin = strings.NewReader(":quit\n")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err == nil {
		t.Fatalf("steady try %v succeeded, want it to refuse:\n%s", args, out.String())
	}
	return out.String()
}

// Item 7: every text has a limit with a clear error, a misspelt field names
// the one meant, no Go type is dumped, and the example shows hours: and
// onboarding:.
func TestTryProfileMistakesAreNamed(t *testing.T) {
	write := func(name, body string) string {
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	sample, err := os.ReadFile("sample-client.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, profile, want string
	}{
		{"misspelt", strings.Replace(string(sample), "  name: Alex", "  nmae: Alex", 1), "line 8: client.nmae is not a field; did you mean client.name?"},
		{"misplaced", strings.Replace(string(sample), "schedules:\n", "quiet_hours: \"22:00-07:00\"\nschedules:\n", 1), "quiet_hours is not a field here; did you mean schedules.quiet_hours?"},
		{"wrong kind", strings.Replace(string(sample), "worker_sees_answers: true", "worker_sees_answers: yes please", 1), "consents.worker_sees_answers should be true or false"},
		{"long name", strings.Replace(string(sample), "  name: Alex", "  name: "+strings.Repeat("A", 65), 1), "client.name is 65 characters long; keep it to 64"},
		{"long grounding", strings.Replace(string(sample), `grounding: "Name 5`, `grounding: "`+strings.Repeat("breathe ", 200)+`Name 5`, 1), "plan.grounding is 1659 characters long; keep it to 1200"},
		{"8 MB name", strings.Replace(string(sample), "  name: Alex", "  name: "+strings.Repeat("A", 8<<20), 1), "the file is 8195 KB; a profile is at most 64 KB"},
	}
	for _, tt := range tests {
		out := tryFails(t, "--profile", write(tt.name+".yaml", tt.profile))
		if !strings.Contains(out, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.name, out, tt.want)
		}
		if strings.Contains(out, "struct {") || strings.Contains(out, "bot.") || strings.Contains(out, "!!") || len(out) > 2000 {
			t.Errorf("%s: the error dumps Go types or the value: %q", tt.name, out)
		}
	}
	// The example documents hours: and onboarding:, and both work.
	example, err := os.ReadFile("../../docs/examples/client.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if string(example) != string(sample) {
		t.Error("docs/examples/client.yaml and cmd/steady/sample-client.yaml differ; the example is the sample")
	}
	p := profileWith(t, `  # hours: "mon-fri 09:00-17:00" # working hours`, `  hours: "mon-fri 09:00-17:00"   # working hours`,
		"onboarding: false", "onboarding: true")
	tr := trySteady(t, "", nil, "--start", start, "--profile", p)
	mustHave(t, tr, "[client] Hi Alex, I'm Steady.")
}

// Item 8: the smaller ones.
func TestTrySmallerFixes(t *testing.T) {
	// The missed check-ins contact, whose rule has no plan action, does not
	// promise one; a crisis with nothing open does not say "stopped the questions".
	p := quietProfile(t, `weekly_checkin: ""`, `weekly_checkin: "mon 10:00"`)
	tr := trySteady(t, ":advance 8d\n3\n:at 23:00\ni want to kill myself\n", nil, "--start", start, "--profile", p)
	contact := tr.indexOf("[client] Alex, we haven't heard from you for a couple of check-ins. That can be an early warning sign.")
	if contact < 0 || strings.Contains(tr.lines[contact], "here's what you agreed in your plan") {
		t.Errorf("missed check-ins contact:\n%s", tr.all)
	}
	mustHave(t, tr, "[client] I'll hold off on your usual check-ins until your support team has picked this up.")
	if strings.Contains(tr.after("> i want to kill myself").all, "I've stopped the questions") {
		t.Errorf("crisis reply says it stopped questions when none were open:\n%s", tr.all)
	}

	// A bedtime re-ask does not repeat the morning greeting.
	tr = trySteady(t, ":at 07:30\nlate\nvery late\n11pm\n", nil, "--start", start)
	if n := strings.Count(tr.all, "Morning Alex"); n != 1 {
		t.Errorf("the greeting came %d times, want once:\n%s", n, tr.all)
	}

	// A pause longer than a week reaches the worker; a week does not.
	tr = trySteady(t, "pause for 2 weeks\nresume\npause for a week\n", nil, "--start", start, "--profile", quietProfile(t))
	if got := tr.with("[worker] Alex has paused"); len(got) != 1 || !strings.Contains(got[0], "until Mon 7 Dec. That's more than a week without check-ins") {
		t.Errorf("worker told of pauses: %q, want only the two-week one:\n%s", got, tr.all)
	}

	// The start says when each prompt next comes.
	mustHave(t, trySteady(t, "", nil, "--start", "2026-11-25 06:00"),
		"[sim] next: sleep log Wed 25 Nov 07:30; weekly check-in Mon 30 Nov 10:00; adjustment review Wed 6 Jan 10:00")
}

// Items 2, 3 and 7 in Discord, through the real adapter against the fake:
// numbers typed in a DM mean what `steady try` reads them as (a value at a
// value question, a position at numbered options, which carry keycaps);
// after two disrupted nights the thanks and the plan's question are one DM
// with the question last, and typing 1 answers it; /enrol refuses an
// over-long name by field, and every text option is bounded.
func TestServeTypedNumbersMeanWhatTheScreenShows(t *testing.T) {
	w := newWorld(t)
	client := w.enrol("alex", "off")
	dms := 0
	night := func(n int) {
		t.Helper()
		w.morning(n)
		for _, typed := range []string{"2am", "Over an hour", "1", "6am", "2"} {
			dms++
			m := w.lastDM(client, dms)
			if typed == "1" {
				// The awakenings are values: no numbers on their buttons.
				for _, b := range m.Buttons() {
					if b.Emoji != "" {
						t.Errorf("value button %q carries %q", b.Label, b.Emoji)
					}
				}
			}
			w.fake.UserSendsDM(client, typed)
		}
		dms++
	}
	night(0)
	w.lastDM(client, dms) // the thanks
	night(1)
	contact := w.lastDM(client, dms)
	if !strings.HasPrefix(contact.Content, "Thanks, that's logged: about 2h 45m asleep.") ||
		!strings.HasSuffix(contact.Content, "What would help right now?") {
		t.Fatalf("the last DM after two disrupted nights is %q; want the thanks and the plan's question, question last", contact.Content)
	}
	if b := contact.Buttons(); len(b) < 3 || b[0].Label != "Talk to my worker" || b[0].Emoji != "1\ufe0f\u20e3" {
		t.Fatalf("the plan's options are not numbered: %+v", b)
	}
	w.fake.UserSendsDM(client, "1")
	if got := w.lastDM(client, dms+1).Content; !strings.Contains(got, "I've asked your worker to get in touch") {
		t.Fatalf("typing 1 at the plan's question: %q", got)
	}
	ping := w.staffPing("Alex")
	if !strings.Contains(ping.Content, "woke 1 times") {
		t.Errorf("a typed 1 at the awakenings was not one wake: %q", ping.Content)
	}

	// Over-long text in a staff command is refused by field.
	got := w.command(w.worker, "enrol", map[string]any{
		"user": w.fake.AddUser("long"), "id": "long", "name": strings.Repeat("N", 65), "time_zone": "Europe/London",
		"worker_sees_answers": true, "peer_group": "off",
	})
	if !strings.Contains(got, "client.name is 65 characters long; keep it to 64") {
		t.Errorf("/enrol with a 65-character name answered %q", got)
	}
	for _, c := range w.fake.Commands(w.fake.GuildID) {
		if c["name"] == "enrol" && !strings.Contains(fmt.Sprint(c["options"]), "max_length:64") {
			t.Errorf("registered /enrol has no bound on the name: %v", c["options"])
		}
	}
}

// Item 5: the grounding before a shift that falls due while the client is
// answering comes with the open question asked again after it, so the
// question stays the last thing on their screen.
func TestTryGroundingMidConversationKeepsTheQuestionLast(t *testing.T) {
	tr := trySteady(t, ":at 07:30\n11pm\n:at 09:30\n20\n", nil, "--start", start, "--profile", rotaProfile)
	inOrder(t, tr,
		"--- Mon 23 Nov 2026 09:30",
		"[client] Your shift starts at 10:00. Before you go in, your grounding:",
		"[client] No need to reply.",
		"[client] Roughly how long did it take you to fall asleep?",
		"[client] [Under 15 min] [15–30 min] [30–60 min] [Over an hour]",
		"> 20",
		"[client] How many times did you wake in the night?",
	)
}
