package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"steady/flows"
)

// dangerPhrase stands for a message about danger from someone else.
const dangerPhrase = "he said hes going to kill me"

// tryInProcess runs `steady try` in this process, with a detector that reads
// dangerPhrase as danger from someone else and defers to the real detector
// otherwise: the detector is being rebuilt elsewhere, and this shows what
// Steady does with a danger reading whatever today's detector makes of the
// words. Everything else is the real try: the engine, the store, the
// in-process Redis, the console.
func tryInProcess(t *testing.T, script string, o tryOptions) transcript {
	t.Helper()
	t.Setenv("REDIS_URL", "")
	t.Setenv("STEADY_ENCRYPTION_KEYS", "")
	t.Setenv(messagesEnv, "")
	o.prefix = "steady-try"
	o.detect = func(recent []string, text string) flows.Detection {
		if text == dangerPhrase {
			return flows.Detection{Concern: flows.Crisis, Kind: flows.KindDanger}
		}
		return flows.DetectInContext(recent, text)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out, errb bytes.Buffer
	if err := try(ctx, o, strings.NewReader(script), &out, &errb); err != nil {
		t.Fatalf("steady try: %v\nstderr:\n%s\nstdout:\n%s", err, errb.String(), out.String())
	}
	return transcript{all: out.String(), lines: strings.Split(out.String(), "\n")}
}

func checkDangerTranscript(t *testing.T, tr transcript) {
	t.Helper()
	client := strings.Join(tr.with("[client]"), "\n")
	for _, want := range []string{"Nobody has the right to hurt, threaten or frighten you", "call 999", "press 55 when asked",
		"National Domestic Abuse Helpline: 0808 2000 247", "Rape Crisis 24/7 Support Line: 0808 500 2222", "Men's Advice Line: 0808 801 0327",
		"I've let your worker and the on-call lead know"} {
		if !strings.Contains(client, want) {
			t.Errorf("the client was not told %q:\n%s", want, tr.all)
		}
	}
	if tr.indexOf("[worker] URGENT: Alex: in danger from someone else.") < 0 || tr.indexOf("[lead] URGENT: Alex: in danger from someone else.") < 0 {
		t.Errorf("no urgent [worker] and [lead] lines:\n%s", tr.all)
	}
	if tr.indexOf("[audit] incident.opened [danger]: rule fired (urgent)") < 0 || tr.indexOf("[audit] peer.suppressed [danger]") < 0 {
		t.Errorf("no danger incident, or it was not kept from the peer group:\n%s", tr.all)
	}
	if peer := tr.with("[peer]"); len(peer) != 0 {
		t.Errorf("danger reached the peer group: %q", peer)
	}
	// The debrief stopped: its next question never came.
	if tr.indexOf("[audit] prompt.stopped [sleep]") < 0 {
		t.Errorf("the sleep log did not stop:\n%s", tr.all)
	}
}

func TestTryDangerMessageGetsDangerContactsAndUrgentStaffLines(t *testing.T) {
	tr := tryInProcess(t, ":at 07:30\n11pm\n"+dangerPhrase+"\n:advance 20m\n", tryOptions{start: start})
	checkDangerTranscript(t, tr)
	// Re-sent to both until someone acknowledges (15 minutes for urgent).
	if tr.indexOf("[worker] Reminder (notice 2)") < 0 {
		t.Errorf("the urgent incident was not re-sent:\n%s", tr.all)
	}
}

// The same through the real binary, once the detector reads the phrase as
// danger (the detector's own work; until then the in-process test above
// covers what Steady does with a danger reading).
func TestTryDangerWithTheRealDetector(t *testing.T) {
	if d := flows.DetectCrisis(dangerPhrase); d.Concern != flows.Crisis || d.Kind != flows.KindDanger {
		t.Skipf("this build's detector reads %q as %+v, not as danger", dangerPhrase, d)
	}
	checkDangerTranscript(t, trySteady(t, ":at 07:30\n11pm\n"+dangerPhrase+"\n", nil, "--start", start))
}

// "i want to", then "die" a minute later, is one thought.
func TestTryCrisisSplitAcrossTwoMessagesAMinuteApart(t *testing.T) {
	tr := trySteady(t, ":at 07:30\ni want to\n:advance 1m\ndie\n", nil, "--start", start)
	first, second := tr.indexOf("> i want to"), tr.indexOf("> die")
	reply := tr.indexOf("[client] Alex, thank you for telling me. I'm sorry things feel this hard.")
	if first < 0 || second < 0 || reply < second {
		t.Fatalf("no crisis reply after \"die\":\n%s", tr.all)
	}
	if i := tr.indexOf("[worker] URGENT: Alex: crisis language."); i < second {
		t.Errorf("no urgent [worker] line after \"die\":\n%s", tr.all)
	}
	if i := tr.indexOf("[audit] crisis.detected"); i < second {
		t.Errorf("the crisis was read before the second message:\n%s", tr.all)
	}
}

// The human backstop in `steady try`: a not-understood answer and a worry
// reach the worker's digest at the next working time — Monday 09:00 for a
// Saturday — and are acknowledged with its button.
func TestTryNotUnderstoodAndWorryReachTheDigestAtTheNextWorkingTime(t *testing.T) {
	p := profileWith(t, "  discord_id: \"200000000000000002\"\n  time_zone: Europe/London",
		"  discord_id: \"200000000000000002\"\n  time_zone: Europe/London\n  hours: \"mon-fri 09:00-17:00\"")
	script := ":at 07:30\ndunno, the usual\ni can't cope\nim safe\n:at 2026-11-30 08:59\n:at 2026-11-30 09:00\n:read all\n"
	tr := trySteady(t, script, nil, "--start", "2026-11-28 06:00", "--profile", p)
	monday := tr.indexOf("> :at 2026-11-30 09:00")
	head := tr.indexOf("[worker] To read: 2 messages from your clients")
	if monday < 0 || head < monday {
		t.Fatalf("no digest at Monday 09:00 (the worker's next start):\n%s", tr.all)
	}
	for _, want := range []string{
		"[worker] 1. Alex, Sat 28 Nov 07:30, during the sleep log: \"dunno, the usual\" (not understood; Steady asked its question again)",
		"[worker] 2. Alex, Sat 28 Nov 07:30, during the sleep log: \"i can't cope\" (read as worrying; Steady asked if they're safe and gave the numbers)",
		"[worker] [3] Acknowledge all",
		"[sim] Marked as read: 2. Thank you.",
	} {
		if i := tr.indexOf(want); i < monday {
			t.Errorf("missing after Monday 09:00: %q\n%s", want, tr.all)
		}
	}
	if n := strings.Count(tr.all, "[audit] toread.acknowledged by sam"); n != 2 {
		t.Errorf("%d acknowledgements audited, want 2", n)
	}
	if strings.Contains(tr.all, "[lead] To read") {
		t.Errorf("the lead had a digest of items not yet a day old:\n%s", tr.all)
	}
}
