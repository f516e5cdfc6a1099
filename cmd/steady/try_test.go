package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"steady/store"
	"steady/store/redisstore"
	"steady/store/redistest"
)

// transcript is what one run of `steady try` printed, split by recipient.
type transcript struct {
	all   string
	lines []string
}

func (t transcript) with(prefix string) []string {
	var out []string
	for _, l := range t.lines {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return out
}

// huddleStart is the first line of a copy of the weekly huddle.
var huddleStart = regexp.MustCompile(`^\[(worker|lead|staff)\] (Your caseload for the huddle|Whole caseload for the huddle|Weekly caseload huddle)`)

// withoutHuddle drops the weekly huddle's copies (each worker's and the
// lead's arrive privately as [worker] and [lead] lines; the staff channel's
// counts as [staff]), so a test about pings sees only pings.
func (t transcript) withoutHuddle() transcript {
	var out []string
	prefix := ""
	for _, l := range t.lines {
		if huddleStart.MatchString(l) {
			prefix = l[:strings.Index(l, "]")+1]
			continue
		}
		if prefix != "" && strings.HasPrefix(l, prefix) {
			continue
		}
		prefix = ""
		out = append(out, l)
	}
	return transcript{all: strings.Join(out, "\n"), lines: out}
}

func (t transcript) indexOf(substr string) int {
	for i, l := range t.lines {
		if strings.Contains(l, substr) {
			return i
		}
	}
	return -1
}

// trySteady runs the binary with a script on stdin and returns its output.
func trySteady(t *testing.T, script string, env []string, args ...string) transcript {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, steadyBin, append([]string{"try"}, args...)...)
	// Without env the in-process Redis is used, whatever the caller's shell has.
	cmd.Env = append(append(os.Environ(), tryRedisEnv+"="), env...)
	cmd.Stdin = strings.NewReader(script)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("steady try: %v\nstderr:\n%s\nstdout:\n%s", err, errb.String(), out.String())
	}
	return transcript{all: out.String(), lines: strings.Split(out.String(), "\n")}
}

// profileWith writes the sample profile with some lines replaced.
func profileWith(t *testing.T, replace ...string) string {
	t.Helper()
	b, err := os.ReadFile("sample-client.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for i := 0; i+1 < len(replace); i += 2 {
		if !strings.Contains(s, replace[i]) {
			t.Fatalf("sample profile has no %q", replace[i])
		}
		s = strings.Replace(s, replace[i], replace[i+1], 1)
	}
	p := filepath.Join(t.TempDir(), "client.yaml")
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// A disrupted night: short, slow to fall asleep, poor. A fine one: none of those.
const (
	badNight  = ":at 07:30\n2am\nOver an hour\n3\n6am\n2\n"
	goodNight = ":at 07:30\n11pm\n15–30 min\n1\n7am\n4\n"
)

// sevenMornings: night 1 disrupted, 2 fine, 3 disrupted, 4 fine, 5, 6 and 7
// disrupted. The worker acknowledges the escalation after night 6, as a
// worker would; unacknowledged, it would be re-sent every 30 minutes.
func sevenMornings() string {
	return badNight + goodNight + badNight + goodNight + badNight + badNight + ":ack\n" + badNight
}

const start = "2026-11-23 06:00" // a Monday; night 1 is the night to Mon 23 Nov

func TestSevenMorningsEscalateOnceAfterNightSix(t *testing.T) {
	tr := trySteady(t, sevenMornings(), nil, "--start", start)

	pings := regexp.MustCompile(`^\[worker\] Alex: two disrupted nights in a row\.$`)
	var escalations []int
	for i, l := range tr.lines {
		if pings.MatchString(l) {
			escalations = append(escalations, i)
		}
	}
	if len(escalations) != 1 {
		t.Fatalf("want exactly one worker escalation, got %d:\n%s", len(escalations), tr.all)
	}
	at := escalations[0]
	// It comes after night 6's log (Sat 28 Nov) and before night 7's prompt.
	night6 := tr.indexOf("--- Sat 28 Nov 2026 07:30")
	night7 := tr.indexOf("--- Sun 29 Nov 2026 07:30")
	if night6 < 0 || night7 < 0 || at < night6 || at > night7 {
		t.Errorf("escalation at line %d, want between night 6 (%d) and night 7 (%d)", at, night6, night7)
	}
	ping := strings.Join(tr.with("[worker]"), "\n")
	for _, want := range []string{
		"Night to Fri 27 Nov: 2h 45m asleep", "Night to Sat 28 Nov: 2h 45m asleep", // both nights' figures
		"75 min to fall asleep", "quality 2/5",
		"reduced hours for one week",                // the plan
		"Supervisor liaison: functional needs only", // the consent status
	} {
		if !strings.Contains(ping, want) {
			t.Errorf("worker ping lacks %q:\n%s", want, ping)
		}
	}
	if strings.Contains(ping, "Night to Wed 25 Nov") || strings.Contains(ping, "Night to Mon 23 Nov") {
		t.Errorf("worker ping includes nights outside the run:\n%s", ping)
	}
	// The client is contacted first, with their plan's options.
	contact := tr.indexOf("[client] Alex, your sleep over the last two nights looks disrupted")
	if contact < 0 || contact > at {
		t.Errorf("client contact at line %d, want before the worker ping at %d", contact, at)
	}
	if tr.indexOf("[client] [1] Talk to my worker") < 0 {
		t.Errorf("client was not offered their plan's options:\n%s", tr.all)
	}
	// Night 7 adds to the open incident.
	if tr.indexOf("[audit] incident.evidence_added") < night7 {
		t.Errorf("night 7 did not add evidence to the open incident:\n%s", tr.all)
	}
	if n := strings.Count(tr.all, "[audit] incident.opened"); n != 1 {
		t.Errorf("incident.opened %d times, want 1", n)
	}

	// Anonymous peer consent: one nudge, no name, no figures.
	peer := tr.with("[peer]")
	if len(peer) != 1 {
		t.Fatalf("want one [peer] line, got %q", peer)
	}
	if strings.Contains(peer[0], "Alex") || regexp.MustCompile(`\d`).MatchString(peer[0]) {
		t.Errorf("anonymous peer nudge leaks a name or a figure: %q", peer[0])
	}
}

func TestNoPeerConsentNoPeerLine(t *testing.T) {
	p := profileWith(t, "peer_group: anonymous", "peer_group: off")
	tr := trySteady(t, sevenMornings(), nil, "--start", start, "--profile", p)
	if peer := tr.with("[peer]"); len(peer) != 0 {
		t.Fatalf("peer consent off, yet: %q", peer)
	}
	if tr.indexOf("[audit] peer.suppressed [two_disrupted_nights]: no peer-group consent") < 0 {
		t.Errorf("no audit line saying why the peer nudge was suppressed:\n%s", tr.all)
	}
}

func TestNamedPeerConsentNamesWithoutFigures(t *testing.T) {
	p := profileWith(t, "peer_group: anonymous", "peer_group: named")
	tr := trySteady(t, sevenMornings(), nil, "--start", start, "--profile", p)
	peer := tr.with("[peer]")
	if len(peer) != 1 || !strings.Contains(peer[0], "Alex") || regexp.MustCompile(`\d`).MatchString(peer[0]) {
		t.Fatalf("named peer nudge: want one line with the name and no figures, got %q", peer)
	}
}

// Scenario 1 (sleep part): nights 1–4 alternate, nothing escalates; nights 5
// and 6 do.
func TestScenario1NothingEscalatesBeforeTwoConsecutiveNights(t *testing.T) {
	tr := trySteady(t, badNight+goodNight+badNight+goodNight, nil, "--start", start).withoutHuddle()
	for _, who := range []string{"[worker]", "[lead]", "[peer]"} {
		if got := tr.with(who); len(got) != 0 {
			t.Errorf("alternating nights reached %s: %q", who, got)
		}
	}
	if strings.Contains(tr.all, "incident.opened") {
		t.Errorf("an incident opened for non-consecutive nights:\n%s", tr.all)
	}
	if n := strings.Count(tr.all, "[audit] night.disrupted"); n != 2 {
		t.Errorf("want nights 1 and 3 recorded disrupted, got %d", n)
	}
}

// Scenario 5: no consent, no leak.
func TestScenario5NoConsentNoLeak(t *testing.T) {
	p := profileWith(t,
		"peer_group: anonymous", "peer_group: off",
		"supervisor_liaison: functional", "supervisor_liaison: none")
	tr := trySteady(t, badNight+badNight, nil, "--start", start, "--profile", p)
	ping := strings.Join(tr.with("[worker]"), "\n")
	if !strings.Contains(ping, "two disrupted nights in a row") {
		t.Fatalf("worker was not pinged:\n%s", tr.all)
	}
	if !strings.Contains(ping, "Supervisor liaison: NOT consented") {
		t.Errorf("ping does not say supervisor liaison is not consented:\n%s", ping)
	}
	if peer := tr.with("[peer]"); len(peer) != 0 {
		t.Errorf("peer channel received %q without consent", peer)
	}
	if tr.indexOf("[audit] peer.suppressed [two_disrupted_nights]: no peer-group consent") < 0 {
		t.Errorf("suppressed peer nudge not audited:\n%s", tr.all)
	}
}

func TestTryBadInputGetsSpecificReask(t *testing.T) {
	tr := trySteady(t, ":at 07:30\n25:99\n-5\nyesterday-ish\n\n"+strings.Repeat("x", 4000)+"\n😴\n11pm\n", nil, "--start", start)
	if n := strings.Count(tr.all, "[client] Sorry, I didn't catch a time there."); n != 4 {
		t.Errorf("want 4 re-asks of the bedtime for what is not a time, got %d:\n%s", n, tr.all)
	}
	if n := strings.Count(tr.all, "[client] That isn't a time on the clock."); n != 2 {
		t.Errorf("want 2 re-asks of the bedtime for times off the clock (25:99, -5), got %d:\n%s", n, tr.all)
	}
	if tr.indexOf("[client] Roughly how long did it take you to fall asleep?") < 0 {
		t.Errorf("a good answer after bad ones did not move on:\n%s", tr.all)
	}
}

func TestTryVersionAndHelp(t *testing.T) {
	out, err := exec.Command(steadyBin, "version").Output()
	if err != nil || !strings.HasPrefix(string(out), "steady ") {
		t.Fatalf("steady version = %q, %v", out, err)
	}
	out, err = exec.Command(steadyBin, "try", "-h").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--profile") || !strings.Contains(string(out), "--start") {
		t.Fatalf("steady try -h = %q, %v", out, err)
	}
}

// Killed in the middle of a sleep log against a real Redis, `steady try`
// starts again at the same question.
func TestTryResumesSameQuestionAfterKill(t *testing.T) {
	srv := redistest.Shared(t)
	env := []string{tryRedisEnv + "=redis://" + srv.Addr + "/0"}
	prefix := "resume-" + strings.ReplaceAll(t.Name(), "/", "-")

	cmd := exec.Command(steadyBin, "try", "--start", start, "--prefix", prefix, "--reset")
	cmd.Env = append(os.Environ(), env...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	io.WriteString(stdin, ":at 07:30\n11pm\n20\n")
	const waitingOn = "How many times did you wake in the night?"
	sc := bufio.NewScanner(stdout)
	found := false
	for sc.Scan() {
		if strings.Contains(sc.Text(), waitingOn) {
			found = true
			break
		}
	}
	if !found {
		t.Fatal("first run never asked about awakenings")
	}
	// Kill it as a crash would: no chance to clean up.
	cmd.Process.Kill()
	cmd.Wait()

	tr := trySteady(t, "", env, "--prefix", prefix)
	// The kill may land between printing the question and dequeuing it, in
	// which case the outbox delivers it again first (at least once, never lost).
	resume := tr.indexOf("Picking up where we left off")
	if resume < 0 || resume+1 >= len(tr.lines) || !strings.Contains(tr.lines[resume+1], waitingOn) {
		t.Fatalf("restart did not resume at the same question:\n%s", tr.all)
	}
	if strings.Contains(tr.all, "What time did you go to bed") {
		t.Errorf("restart asked from the beginning:\n%s", tr.all)
	}
	// And the answers so far survived: finishing the log records the night.
	tr = trySteady(t, "1\n7am\n4\n", env, "--prefix", prefix)
	if tr.indexOf("Thanks, that's logged: about 7h 40m asleep") < 0 {
		t.Fatalf("answers before the kill were lost:\n%s", tr.all)
	}
}

// A prompt that closed unanswered says so when its answer comes late,
// whether typed or tapped, and records nothing.
func TestTryLateAnswerToClosedPromptSaysSo(t *testing.T) {
	tr := trySteady(t, ":at 07:30\n:at 12:00\nhalf 11\n", nil, "--start", "2026-11-24 06:00") // a Tuesday: no check-in due
	if tr.indexOf("[audit] prompt.expired [sleep_log]") < 0 {
		t.Fatalf("the sleep log did not expire:\n%s", tr.all)
	}
	late := tr.indexOf("[client] Sorry, the sleep log had closed by the time that came in")
	if late < 0 || late < tr.indexOf("> half 11") {
		t.Fatalf("late answer not told its prompt closed:\n%s", tr.all)
	}
	if strings.Contains(tr.all, "Thanks, that's logged") {
		t.Errorf("a late answer was recorded:\n%s", tr.all)
	}
}

// A practice run never picks up the live service's settings from the shell,
// and never uses — let alone resets — a prefix holding a service's data.
func TestTryKeepsAwayFromTheService(t *testing.T) {
	ctx := context.Background()
	rdb, prefix := redistest.New(t)
	url := "redis://" + redistest.Shared(t).Addr + "/0"
	// The live service under prefix: a client, a tombstone.
	st := redisstore.New(rdb, prefix)
	if err := st.Enrol(ctx, store.Client{ID: "zed", DiscordID: "9", TimeZone: "Europe/London", WorkerID: "sam"}); err != nil {
		t.Fatal(err)
	}
	if err := st.AppendServiceAudit(ctx, store.AuditEvent{At: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), ClientID: "old", Actor: "sam", Action: redisstore.ActionErased}); err != nil {
		t.Fatal(err)
	}
	before := len(redistest.Dump(ctx, t, rdb, prefix))

	// REDIS_URL and the service's keys in the shell are not used: the run is
	// in-process and says so, and the service's Redis is untouched.
	serviceKey, _ := redisstore.GenerateKey()
	tr := trySteady(t, ":quit\n", []string{"REDIS_URL=" + url, redisstore.EnvKeys + "=" + serviceKey}, "--prefix", prefix)
	if !strings.Contains(tr.all, "Alex is enrolled") {
		t.Fatalf("try with the service's REDIS_URL in the shell:\n%s", tr.all)
	}
	if after := len(redistest.Dump(ctx, t, rdb, prefix)); after != before {
		t.Fatalf("try wrote to the service's Redis: %d keys, was %d", after, before)
	}

	// Pointed at the service's prefix on purpose, with or without --reset: refused.
	for _, args := range [][]string{{"--redis", url, "--prefix", prefix, "--reset"}, {"--redis", url, "--prefix", prefix}} {
		cmd := exec.Command(steadyBin, append([]string{"try"}, args...)...)
		cmd.Env = append(os.Environ(), tryRedisEnv+"=", "REDIS_URL=")
		cmd.Stdin = strings.NewReader(":quit\n")
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "did not write") {
			t.Fatalf("try %v on a service's prefix: %v\n%s", args, err, out)
		}
	}
	if _, err := st.Client(ctx, "zed"); err != nil {
		t.Fatalf("the service's client after try: %v", err)
	}
	if tombs, _ := st.Tombstones(ctx); len(tombs) != 1 {
		t.Fatalf("the service's tombstones after try: %+v", tombs)
	}

	// Its own prefix it may reset.
	own := prefix + "-practice"
	trySteady(t, ":quit\n", []string{tryRedisEnv + "=" + url}, "--prefix", own)
	trySteady(t, ":quit\n", []string{tryRedisEnv + "=" + url}, "--prefix", own, "--reset")
	t.Cleanup(func() { deletePrefix(context.Background(), rdb, own) })
}
