package main

import (
	"regexp"
	"strings"
	"testing"
)

// sixMornings ends on night 6 (Sat 28 Nov), the second disrupted night in a row.
func sixMornings() string {
	return badNight + goodNight + badNight + goodNight + badNight + badNight
}

func countLines(lines []string, re string) int {
	r := regexp.MustCompile(re)
	n := 0
	for _, l := range lines {
		if r.MatchString(l) {
			n++
		}
	}
	return n
}

// Scenario 1: the escalation reaches a person. Unacknowledged, the worker is
// reminded every 30 minutes and the lead brought in at 2 hours; :ack stops it.
func TestScenario1EscalationIsResentUntilAcknowledged(t *testing.T) {
	tr := trySteady(t, sixMornings()+":advance 2h5m\n:ack\n:advance 3h\n:resolve spoke to Alex, hours reduced this week\n", nil, "--start", start)
	ack := tr.indexOf("> :ack")
	if ack < 0 {
		t.Fatalf("no :ack in transcript:\n%s", tr.all)
	}
	before, after := transcript{lines: tr.lines[:ack]}.withoutHuddle(), transcript{lines: tr.lines[ack:]}.withoutHuddle()
	if n := countLines(before.with("[worker]"), `^\[worker\] Reminder \(notice \d\)`); n != 4 {
		t.Errorf("want 4 reminders by 2h05 (30, 60, 90 min and with the escalation at 2 h), got %d:\n%s", n, tr.all)
	}
	lead := before.with("[lead]")
	if len(lead) == 0 || !strings.HasPrefix(lead[0], "[lead] Escalated to you: Sam has not acknowledged this after 2h") {
		t.Errorf("lead not brought in at 2 h: %q", lead)
	}
	if strings.Join(lead, "\n") == "" || !strings.Contains(strings.Join(lead, "\n"), "Supervisor liaison: functional needs only") {
		t.Errorf("the lead's copy lacks the consent status: %q", lead)
	}
	// After :ack both are told, and nothing more is sent.
	if countLines(after.with("[worker]"), `^\[worker\] Sam has acknowledged Alex`) != 1 || countLines(after.with("[lead]"), `^\[lead\] Sam has acknowledged Alex`) != 1 {
		t.Errorf("acknowledgement not told to worker and lead:\n%s", strings.Join(after.lines, "\n"))
	}
	if n := countLines(after.lines, `^\[(worker|lead)\] (Reminder|Escalated)`); n != 0 {
		t.Errorf("%d pings after :ack:\n%s", n, strings.Join(after.lines, "\n"))
	}
	for _, want := range []string{"[audit] worker.renotified [two_disrupted_nights]", "[audit] incident.escalated [two_disrupted_nights]", "[audit] incident.acknowledged [two_disrupted_nights] by sam: by sam", "[audit] incident.resolved [two_disrupted_nights] by sam: by sam; outcome recorded"} {
		if tr.indexOf(want) < 0 {
			t.Errorf("audit lacks %q", want)
		}
	}
	for _, l := range tr.with("[audit]") {
		if strings.Contains(l, "hours reduced this week") {
			t.Errorf("the outcome note's text reached the audit log: %q", l)
		}
	}
}

// Out of hours, a non-urgent incident waits for the worker's next start, and
// the client is told when to expect contact, with self-help and crisis contacts.
func TestOutOfHoursEscalationWaitsForMonday(t *testing.T) {
	p := profileWith(t, `  # hours: "mon-fri 09:00-17:00" # working hours`, `  hours: "mon-fri 09:00-17:00"   # working hours`)
	tr := trySteady(t, sixMornings()+":at 2026-11-30 08:59\n:at 2026-11-30 09:00\n:ack\n", nil, "--start", start, "--profile", p)
	told := tr.indexOf("[client] Sam isn't working just now. They'll see this from Mon 30 Nov 09:00.")
	if told < 0 {
		t.Fatalf("client not told when to expect contact:\n%s", tr.all)
	}
	for _, want := range []string{"[client] - your pause script: Step away for five minutes.", "Samaritans 116 123", "text SHOUT to 85258"} {
		if tr.indexOf(want) < told {
			t.Errorf("out-of-hours message lacks %q", want)
		}
	}
	first := tr.indexOf("[worker] Alex: two disrupted nights in a row.")
	monday := tr.indexOf("--- Mon 30 Nov 2026 09:00")
	if first < 0 || monday < 0 || first < monday {
		t.Errorf("worker pinged at line %d, want after Monday 09:00 (line %d):\n%s", first, monday, tr.all)
	}
	if tr.indexOf("[audit] worker.notify_deferred [two_disrupted_nights]: outside the worker's working hours (mon-fri 09:00-17:00)") < 0 {
		t.Errorf("deferral not audited:\n%s", tr.all)
	}
}

// With moderator approval on, the peer nudge waits; :approve posts it.
func TestPeerNudgeHeldForModerator(t *testing.T) {
	tr := trySteady(t, sixMornings()+":approve\n", nil, "--start", start, "--peer-approval")
	held := tr.indexOf("[moderator] A peer nudge is waiting for your approval.")
	posted := tr.indexOf("[peer] Someone in the group could use a kind word today.")
	approve := tr.indexOf("> :approve")
	if held < 0 || posted < 0 || posted < approve {
		t.Fatalf("held at %d, posted at %d, :approve at %d:\n%s", held, posted, approve, tr.all)
	}
	if tr.indexOf("[audit] peer.approved [two_disrupted_nights] by sam") < 0 {
		t.Errorf("approval not audited with who:\n%s", tr.all)
	}
}

// The peer channel is watched for crisis language: a kind reply with support
// contacts in the channel, and an alert to the moderators without the words.
func TestPeerChannelCrisisWatch(t *testing.T) {
	tr := trySteady(t, ":peer honestly i want to die right now\n:peer this rota is killing me\n", nil, "--start", start)
	if tr.indexOf("[peer] It sounds like things might be really hard right now.") < 0 || tr.indexOf("[peer] Samaritans: 116 123") < 0 {
		t.Errorf("no support reply in the peer channel:\n%s", tr.all)
	}
	mods := tr.with("[moderator]")
	if len(mods) != 1 || strings.Contains(mods[0], "die") {
		t.Errorf("want one moderator alert without the words, got %q", mods)
	}
	if tr.indexOf("[audit] peer.concern [crisis]: suicide: crisis language") < 0 {
		t.Errorf("not audited:\n%s", tr.all)
	}
}

func TestServeReadsEscalationSettings(t *testing.T) {
	base := map[string]string{
		"STEADY_DISCORD_TOKEN": "t", "REDIS_URL": "redis://localhost:6379/0", "STEADY_GUILD_ID": "100000000000000001",
		"STEADY_STAFF_ROLE_ID": "100000000000000002", "STEADY_STAFF_CHANNEL_ID": "100000000000000003", "STEADY_ENCRYPTION_KEYS": testKey,
		"STEADY_WORKING_HOURS": "mon-fri 09:00-17:00", "STEADY_RENOTIFY_AFTER": "20m", "STEADY_PEER_APPROVAL": "yes",
		"STEADY_MODERATORS": "100000000000000004, 100000000000000005", "STEADY_HUDDLE_AT": "weekly fri 16:00",
	}
	cfg, err := loadConfig(func(k string) string { return base[k] }, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Escalation.RenotifyAfter.Minutes() != 20 || !cfg.Escalation.PeerApproval || len(cfg.Moderators) != 2 || cfg.HuddleAt != "weekly fri 16:00" {
		t.Errorf("escalation settings: %+v", cfg)
	}
	for k, v := range map[string]string{"STEADY_WORKING_HOURS": "9 to 5", "STEADY_PEER_APPROVAL": "maybe", "STEADY_HUDDLE_AT": "mondays", "STEADY_MODERATORS": "bob", "STEADY_RENOTIFY_AFTER": "10s"} {
		bad := map[string]string{}
		for bk, bv := range base {
			bad[bk] = bv
		}
		bad[k] = v
		if _, err := loadConfig(func(k string) string { return bad[k] }, nil); err == nil || !strings.Contains(err.Error(), strings.TrimPrefix(k, "STEADY_")[:4]) && !strings.Contains(err.Error(), "escalation") {
			t.Errorf("%s=%q accepted or not named: %v", k, v, err)
		}
	}
}
