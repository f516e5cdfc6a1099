package bot_test

import (
	"strings"
	"testing"
	"time"

	"steady/bot"
	"steady/flows"
	"steady/scheduler"
	"steady/store"
)

const escalationProfile = `
client: {id: alex, name: Alex, discord_id: "u-alex", time_zone: Europe/London}
worker: {id: sam, name: Sam, discord_id: "u-sam", hours: "mon-fri 09:00-17:00"}
lead: {id: jo, name: Jo, discord_id: "u-jo", hours: "mon-fri 08:00-18:00"}
consents: {worker_sees_answers: true, peer_group: anonymous, supervisor_liaison: none}
plan:
  pause_script: "Step outside and breathe out slowly."
  actions: {two_disrupted_nights: [reduced hours for one week]}
`

func enrolWith(t *testing.T, b *bundle, yaml string) {
	t.Helper()
	p, err := bot.ParseProfile([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.engine.Enrol(b.ctx, p, "sam"); err != nil {
		t.Fatal(err)
	}
}

// advance lets time pass on the fake clock, firing everything due in order.
func advance(t *testing.T, b *bundle, d time.Duration) {
	t.Helper()
	target := b.clock.Now().Add(d)
	for {
		next, ok, err := b.sched.NextDue(b.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !ok || next.After(target) {
			break
		}
		b.clock.Set(next)
		if _, err := b.sched.Tick(b.ctx, b.engine); err != nil {
			t.Fatal(err)
		}
	}
	b.clock.Set(target)
}

func london(t *testing.T, s string) time.Time {
	t.Helper()
	loc, _ := time.LoadLocation("Europe/London")
	tm, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func twoNights(episode string) flows.Firing {
	return flows.Firing{Rule: flows.RuleTwoDisruptedNights, Episode: episode, Evidence: []store.Evidence{
		{Key: "night:a", Summary: "Night to Sun: 2h 45m asleep"}, {Key: "night:b", Summary: "Night to Mon: 3h asleep"}}}
}

// sentTo lists the first lines of what an audience received.
func (r *recorder) sentTo(aud flows.Audience) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, m := range r.sent {
		if m.Audience == aud {
			out = append(out, strings.SplitN(m.Text, "\n", 2)[0])
		}
	}
	return out
}

// textsTo returns the whole text of every message sent to aud.
func (r *recorder) textsTo(aud flows.Audience) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, m := range r.sent {
		if m.Audience == aud {
			out = append(out, m.Text)
		}
	}
	return out
}

func count(lines []string, prefix string) int {
	n := 0
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}

func pendingKinds(t *testing.T, b *bundle) map[string]int {
	t.Helper()
	occs, err := b.sched.Pending(b.ctx, "alex")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, o := range occs {
		out[o.Kind]++
	}
	return out
}

// pingedIncident is the incident id a worker's ping carries on its buttons:
// opaque, it names no client, rule or date.
func pingedIncident(t *testing.T, b *bundle) string {
	t.Helper()
	b.msg.mu.Lock()
	defer b.msg.mu.Unlock()
	for i := len(b.msg.sent) - 1; i >= 0; i-- {
		if id, ok := strings.CutPrefix(b.msg.sent[i].Prompt, flows.IncidentPrompt("")); ok {
			if strings.Contains(id, "alex") || strings.Contains(id, "disrupted") || strings.Contains(id, "2026") {
				t.Fatalf("incident id %q is readable", id)
			}
			return id
		}
	}
	t.Fatal("no ping carries an incident")
	return ""
}

func TestRenotifyEvery30MinutesUntilAcknowledged(t *testing.T) {
	b, _ := setup(t)
	enrolWith(t, b, escalationProfile)
	b.clock.Set(london(t, "2026-11-23 10:00")) // Monday, in hours
	if err := b.engine.RaiseForTest(b.ctx, "alex", twoNights("2026-11-22")); err != nil {
		t.Fatal(err)
	}
	if got := b.msg.sentTo(flows.ToWorker); len(got) != 1 || got[0] != "Alex: two disrupted nights in a row." {
		t.Fatalf("first ping: %q", got)
	}
	advance(t, b, 95*time.Minute) // 10:30, 11:00, 11:30 re-notify
	if n := count(b.msg.sentTo(flows.ToWorker), "Reminder"); n != 3 {
		t.Fatalf("want 3 reminders by 11:35, got %d: %q", n, b.msg.sentTo(flows.ToWorker))
	}
	if reply, err := b.engine.Acknowledge(b.ctx, pingedIncident(t, b), "sam"); err != nil || reply != "Done." {
		t.Fatalf("ack: %q %v", reply, err)
	}
	if k := pendingKinds(t, b); k[flows.KindIncidentRenotify] != 0 || k[flows.KindIncidentEscalate] != 0 || k[flows.KindIncidentStale] != 1 {
		t.Errorf("after ack the pending timers are %v; want only the stale check", k)
	}
	before := len(b.msg.sentTo(flows.ToWorker))
	advance(t, b, 6*time.Hour)
	if after := b.msg.sentTo(flows.ToWorker); len(after) != before || len(b.msg.sentTo(flows.ToLead)) != 0 {
		t.Errorf("pings after acknowledgement: worker %q lead %q", after[before:], b.msg.sentTo(flows.ToLead))
	}
	audit, _ := b.store.Audit(b.ctx, "alex", "")
	var acked bool
	for _, e := range audit {
		if e.Action == "incident.acknowledged" && e.Actor == "sam" {
			acked = true
		}
	}
	if !acked {
		t.Error("acknowledgement not audited with who")
	}
}

func TestLeadGetsItAfterTwoHoursUnacknowledged(t *testing.T) {
	b, _ := setup(t)
	enrolWith(t, b, escalationProfile)
	b.clock.Set(london(t, "2026-11-23 10:00"))
	if err := b.engine.RaiseForTest(b.ctx, "alex", twoNights("2026-11-22")); err != nil {
		t.Fatal(err)
	}
	advance(t, b, 119*time.Minute)
	if got := b.msg.sentTo(flows.ToLead); len(got) != 0 {
		t.Fatalf("lead pinged before 2 h: %q", got)
	}
	advance(t, b, time.Minute)
	if got := b.msg.sentTo(flows.ToLead); len(got) != 1 || !strings.HasPrefix(got[0], "Escalated to you: Sam has not acknowledged this after 2h") {
		t.Fatalf("lead at 2 h: %q", got)
	}
	advance(t, b, 30*time.Minute)
	if n := count(b.msg.sentTo(flows.ToLead), "Reminder"); n != 1 {
		t.Errorf("after escalation, re-notify reaches the lead too: %q", b.msg.sentTo(flows.ToLead))
	}
	// The lead may acknowledge a client who is not on their caseload.
	if reply, _ := b.engine.Acknowledge(b.ctx, pingedIncident(t, b), "jo"); reply != "Done." {
		t.Fatalf("lead ack: %q", reply)
	}
	if got := b.msg.sentTo(flows.ToLead); !strings.HasPrefix(got[len(got)-1], "Jo has acknowledged") {
		t.Errorf("lead not told of the acknowledgement: %q", got)
	}
}

func TestOutOfHoursNonUrgentWaitsForMonday(t *testing.T) {
	b, _ := setup(t)
	enrolWith(t, b, escalationProfile)
	b.clock.Set(london(t, "2026-11-28 07:45")) // Saturday
	if err := b.engine.RaiseForTest(b.ctx, "alex", twoNights("2026-11-27")); err != nil {
		t.Fatal(err)
	}
	// One message: the contact, when Sam will see it, then the plan's question last.
	client := b.msg.textsTo(flows.ToClient)
	if len(client) != 1 || !strings.Contains(client[0], "Sam isn't working just now. They'll see this from Mon 30 Nov 09:00.") ||
		!strings.HasSuffix(client[0], "What would help right now?") {
		t.Errorf("client not told when to expect contact, in one message ending with the question: %q", client)
	}
	advance(t, b, 49*time.Hour) // Monday 08:45
	if got := b.msg.sentTo(flows.ToWorker); len(got) != 0 {
		t.Fatalf("worker pinged over the weekend: %q", got)
	}
	advance(t, b, 15*time.Minute) // 09:00
	if got := b.msg.sentTo(flows.ToWorker); len(got) != 1 || got[0] != "Alex: two disrupted nights in a row." {
		t.Fatalf("worker at Monday 09:00: %q", got)
	}
	advance(t, b, 2*time.Hour)
	if got := b.msg.sentTo(flows.ToLead); len(got) != 1 {
		t.Errorf("lead at Monday 11:00: %q", got)
	}
}

func TestUrgentGoesEverywhereAtOnceAnyHour(t *testing.T) {
	b, _ := setup(t)
	enrolWith(t, b, escalationProfile)
	b.clock.Set(london(t, "2026-11-28 23:10")) // Saturday night
	crisis := flows.Firing{Rule: flows.RuleCrisis, Urgent: true, Evidence: []store.Evidence{{Key: "crisis:m1", Summary: "crisis language in a debrief"}}}
	if err := b.engine.RaiseForTest(b.ctx, "alex", crisis); err != nil {
		t.Fatal(err)
	}
	if w, l := b.msg.sentTo(flows.ToWorker), b.msg.sentTo(flows.ToLead); len(w) != 1 || len(l) != 1 {
		t.Fatalf("urgent at 23:10 Saturday: worker %q lead %q", w, l)
	}
	// A second crisis message joins the open incident rather than opening another.
	crisis.Evidence = []store.Evidence{{Key: "crisis:m2", Summary: "crisis language again"}}
	b.clock.Advance(2 * time.Minute)
	if err := b.engine.RaiseForTest(b.ctx, "alex", crisis); err != nil {
		t.Fatal(err)
	}
	if incs, _ := b.store.Incidents(b.ctx, "alex"); len(incs) != 1 || len(incs[0].Evidence) != 2 {
		t.Fatalf("incidents after a second crisis message: %+v", incs)
	}
	advance(t, b, 60*time.Minute)
	if n := count(b.msg.sentTo(flows.ToWorker), "Reminder"); n != 4 {
		t.Errorf("want 4 urgent reminders in an hour (every 15 min), got %d", n)
	}
	if n, _, err := b.engine.AcknowledgeOpen(b.ctx, "alex", "sam"); err != nil || n != 1 {
		t.Fatalf("ack open: %d %v", n, err)
	}
	before := len(b.msg.sentTo(flows.ToLead))
	advance(t, b, 3*time.Hour)
	if got := b.msg.sentTo(flows.ToLead); len(got) != before {
		t.Errorf("urgent re-notify continued after acknowledgement: %q", got[before:])
	}
	if peer := b.msg.sentTo(flows.ToPeer); len(peer) != 0 {
		t.Errorf("crisis reached the peer group: %q", peer)
	}
}

func TestPeerNudgeAtMostOncePerClientPerDay(t *testing.T) {
	b, _ := setup(t)
	enrolWith(t, b, escalationProfile)
	b.clock.Set(london(t, "2026-11-23 10:00"))
	for _, f := range []flows.Firing{twoNights("2026-11-22"),
		{Rule: flows.RuleRightsConcern, Episode: "2026-11-23", Evidence: []store.Evidence{{Key: "checkin:1", Summary: "rights concern reported"}}}} {
		if err := b.engine.RaiseForTest(b.ctx, "alex", f); err != nil {
			t.Fatal(err)
		}
	}
	if peer := b.msg.sentTo(flows.ToPeer); len(peer) != 1 {
		t.Fatalf("want one nudge today, got %q", peer)
	}
	audit, _ := b.store.Audit(b.ctx, "alex", "")
	var capped bool
	for _, e := range audit {
		if e.Action == "peer.suppressed" && strings.Contains(e.Reason, "daily cap") && e.Rule == flows.RuleRightsConcern {
			capped = true
		}
	}
	if !capped {
		t.Error("the capped nudge was not audited as suppressed by the daily cap")
	}
	// Tomorrow is another day.
	b.clock.Set(london(t, "2026-11-24 10:00"))
	f := flows.Firing{Rule: flows.RuleLowCoping, Episode: "2026-11-24", Evidence: []store.Evidence{{Key: "checkin:2", Summary: "coping 1/5"}}}
	if err := b.engine.RaiseForTest(b.ctx, "alex", f); err != nil {
		t.Fatal(err)
	}
	if peer := b.msg.sentTo(flows.ToPeer); len(peer) != 2 {
		t.Errorf("a new day allows a new nudge: %q", peer)
	}
}

func TestStaleTimerClosesForgottenIncident(t *testing.T) {
	b, _ := setup(t)
	enrolWith(t, b, escalationProfile)
	b.clock.Set(london(t, "2026-11-23 10:00"))
	if err := b.engine.RaiseForTest(b.ctx, "alex", twoNights("2026-11-22")); err != nil {
		t.Fatal(err)
	}
	b.engine.AcknowledgeOpen(b.ctx, "alex", "sam")
	advance(t, b, 15*24*time.Hour)
	incs, _ := b.store.Incidents(b.ctx, "alex")
	if len(incs) != 1 || incs[0].State != store.IncidentStale {
		t.Fatalf("incident after 15 days acknowledged without outcome: %+v", incs)
	}
	if k := pendingKinds(t, b); len(k) != 0 {
		t.Errorf("timers left behind: %v", k)
	}
}

// An escalation timer that falls due while Steady is down still fires when it
// comes back, however late: the scheduler's grace window is for prompts.
func TestIncidentTimersFireLateAfterDowntime(t *testing.T) {
	b, _ := setup(t)
	enrolWith(t, b, escalationProfile)
	b.clock.Set(london(t, "2026-11-23 10:00"))
	if err := b.engine.RaiseForTest(b.ctx, "alex", twoNights("2026-11-22")); err != nil {
		t.Fatal(err)
	}
	b.clock.Set(london(t, "2026-11-23 14:30")) // down from 10:00 to 14:30
	if _, err := b.sched.Tick(b.ctx, b.engine); err != nil {
		t.Fatal(err)
	}
	if n := count(b.msg.sentTo(flows.ToWorker), "Reminder"); n != 1 {
		t.Errorf("late re-notify: %q", b.msg.sentTo(flows.ToWorker))
	}
	if got := b.msg.sentTo(flows.ToLead); len(got) != 1 {
		t.Errorf("late escalation: %q", got)
	}
}

func TestSetRuleIsStaffOnlyAndAudited(t *testing.T) {
	b, _ := setup(t)
	enrolWith(t, b, escalationProfile)
	if reply, _ := b.engine.SetRule(b.ctx, "u-stranger", "alex", flows.RuleDebriefStress, store.RuleOverride{Threshold: 9}); reply != "Only staff can do that." {
		t.Errorf("stranger: %q", reply)
	}
	if reply, _ := b.engine.SetRule(b.ctx, "sam", "alex", flows.RuleCrisis, store.RuleOverride{Off: true}); !strings.Contains(reply, "cannot be turned off") {
		t.Errorf("crisis off: %q", reply)
	}
	reply, err := b.engine.SetRule(b.ctx, "sam", "alex", flows.RuleDebriefStress, store.RuleOverride{Threshold: 9})
	if err != nil || !strings.HasPrefix(reply, "Done.") {
		t.Fatalf("set: %q %v", reply, err)
	}
	c, _ := b.store.Client(b.ctx, "alex")
	if c.Rules[flows.RuleDebriefStress].Threshold != 9 {
		t.Errorf("override not stored: %+v", c.Rules)
	}
	audit, _ := b.store.Audit(b.ctx, "alex", "")
	if last := audit[len(audit)-1]; last.Action != "rule.changed" || last.Actor != "sam" || last.Reason != "threshold=9" {
		t.Errorf("audit: %+v", last)
	}
}

func TestRecordsFeedTheirRules(t *testing.T) {
	b, _ := setup(t)
	enrolWith(t, b, strings.Replace(escalationProfile, "plan:\n", "plan:\n  early_warning_signs: [racing thoughts, skipping meals, snapping]\n  warning_signs_threshold: 2\n", 1))
	b.clock.Set(london(t, "2026-11-23 10:00"))
	step := func(ef flows.Effect) {
		t.Helper()
		if err := b.engine.StepForTest(b.ctx, "alex", ef); err != nil {
			t.Fatal(err)
		}
	}
	open := func() map[string]int {
		incs, err := b.store.Incidents(b.ctx, "alex")
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, in := range incs {
			out[in.Rule] += len(in.Evidence)
		}
		return out
	}
	step(flows.SaveDebrief{Debrief: store.Debrief{ID: "d1", Date: "2026-11-19", Stress: 9, StressAnswered: true, SignsAsked: true, WarningSigns: []string{"racing thoughts"}}})
	step(flows.SaveCheckIn{CheckIn: store.CheckIn{ID: "c1", Date: "2026-11-20", Coping: 4, RightsAsked: true}})
	step(flows.SaveCheckIn{CheckIn: store.CheckIn{ID: "c2", Date: "2026-11-21", Skipped: []string{"coping"}}})
	if got := open(); len(got) != 0 {
		t.Fatalf("nothing should fire yet: %v", got)
	}
	step(flows.SaveDebrief{Debrief: store.Debrief{ID: "d2", Date: "2026-11-22", Stress: 8, StressAnswered: true, SignsAsked: true, WarningSigns: []string{"racing thoughts", "snapping"}}})
	step(flows.SaveCheckIn{CheckIn: store.CheckIn{ID: "c3", Date: "2026-11-23", Coping: 2, RightsAsked: true, Rights: []string{store.RightsBreaks}}})
	want := map[string]int{flows.RuleDebriefStress: 2, flows.RuleWarningSigns: 1, flows.RuleLowCoping: 1, flows.RuleRightsConcern: 1}
	got := open()
	for rule, n := range want {
		if got[rule] != n {
			t.Errorf("%s: %d pieces of evidence, want %d (all: %v)", rule, got[rule], n, got)
		}
	}
	ping := strings.Join(b.msg.texts(), "\n")
	for _, s := range []string{"Debrief Thu 19 Nov: stress 9/10", "Debrief Sun 22 Nov: 2 of 3 early-warning signs from the plan (racing thoughts, snapping)", "Check-in Mon 23 Nov: coping 2/5", "employment-rights concern: breaks"} {
		if !strings.Contains(ping, s) {
			t.Errorf("worker ping lacks %q", s)
		}
	}
}

// pingsTo lists the full texts an audience received, leaving out to-read
// digests (which carry the client's words, not the incident).
func (r *recorder) pingsTo(aud flows.Audience) []string {
	return r.textsWhere(aud, false)
}

// digestsTo lists the to-read digests an audience received.
func (r *recorder) digestsTo(aud flows.Audience) []string {
	return r.textsWhere(aud, true)
}

func (r *recorder) textsWhere(aud flows.Audience, digests bool) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, m := range r.sent {
		if m.Audience == aud && strings.HasPrefix(m.Prompt, flows.ReadPromptPrefix) == digests {
			out = append(out, m.Text)
		}
	}
	return out
}

// sentFull lists the full texts an audience received.
func (r *recorder) sentFull(aud flows.Audience) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, m := range r.sent {
		if m.Audience == aud {
			out = append(out, m.Text)
		}
	}
	return out
}

func occurrenceFor(id string) scheduler.Occurrence {
	parts := strings.Split(id, "|")
	return scheduler.Occurrence{ID: id, Client: parts[0], Kind: parts[1], Ref: parts[2]}
}
