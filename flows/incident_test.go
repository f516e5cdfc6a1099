package flows

import (
	"strings"
	"testing"
	"time"

	"steady/store"
)

var (
	sam = store.Worker{ID: "sam", Name: "Sam", Hours: "mon-fri 09:00-17:00", TimeZone: "Europe/London"}
	jo  = store.Worker{ID: "jo", Name: "Jo", Lead: true, Hours: "mon-fri 08:00-18:00", TimeZone: "Europe/London"}
)

// summary flattens effects for assertions: sends as "to: first line", audits
// as "audit action", timers as "timer kind +minutes", cancels as "cancel kind".
func summary(c Context, effects []Effect) []string {
	var out []string
	for _, e := range effects {
		switch e := e.(type) {
		case Send:
			line := string(e.To) + ": " + strings.SplitN(e.Message.Text, "\n", 2)[0]
			if e.Replaces != "" {
				line = "edit " + line
			}
			out = append(out, line)
		case Audit:
			out = append(out, "audit "+e.Event.Action)
		case Timer:
			out = append(out, "timer "+e.Kind+" +"+e.Due.Sub(c.Now).String())
		case CancelTimer:
			out = append(out, "cancel "+e.Kind)
		case SaveIncident:
			out = append(out, "save "+e.Incident.State)
		}
	}
	return out
}

func has(list []string, prefix string) int {
	n := 0
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}

func saved(t *testing.T, effects []Effect) store.Incident {
	t.Helper()
	for _, e := range effects {
		if s, ok := e.(SaveIncident); ok {
			return s.Incident
		}
	}
	t.Fatal("no incident saved")
	return store.Incident{}
}

func at(t *testing.T, c Context, local string) Context {
	t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", local, c.Loc)
	if err != nil {
		t.Fatal(err)
	}
	c.Now = tm
	return c
}

var nights = Firing{Rule: RuleTwoDisruptedNights, Episode: "2026-11-22", Evidence: []store.Evidence{{Key: "night:2026-11-22", Summary: "Night to Sun 22 Nov: 2h asleep"}, {Key: "night:2026-11-23", Summary: "Night to Mon 23 Nov: 3h asleep"}}}

func TestRaiseInHoursNotifiesAndArmsTimers(t *testing.T) {
	c := at(t, testContext(t), "2026-11-23 10:00") // Monday
	effects := Raise(c, nights, RaiseInput{Staff: Staff{Worker: sam, Lead: jo}})
	s := summary(c, effects)
	if s[0] != "save worker_notified" {
		t.Errorf("first effect %q", s[0])
	}
	client, worker := -1, -1
	for i, l := range s {
		if strings.HasPrefix(l, "client:") && client < 0 {
			client = i
		}
		if strings.HasPrefix(l, "worker:") && worker < 0 {
			worker = i
		}
	}
	if client < 0 || worker < 0 || client > worker {
		t.Errorf("client must be contacted before the worker: %q", s)
	}
	for _, want := range []string{"timer incident_renotify +30m0s", "timer incident_escalate +2h0m0s", "audit incident.opened", "audit client.contacted", "audit worker.notified", "audit peer.nudged"} {
		if has(s, want) != 1 {
			t.Errorf("want one %q in %q", want, s)
		}
	}
	if has(s, "lead:") != 0 {
		t.Errorf("non-urgent incident went to the lead at once: %q", s)
	}
}

func TestRaiseOutOfHoursWaitsAndTellsTheClient(t *testing.T) {
	c := at(t, testContext(t), "2026-11-28 07:30") // Saturday
	effects := Raise(c, nights, RaiseInput{Staff: Staff{Worker: sam, Lead: jo}})
	s := summary(c, effects)
	in := saved(t, effects)
	if in.State != store.IncidentClientContacted || in.Notices != 0 {
		t.Errorf("incident %s with %d notices, want client_contacted and none", in.State, in.Notices)
	}
	if has(s, "worker:") != 0 {
		t.Errorf("worker pinged outside working hours: %q", s)
	}
	monday := time.Date(2026, 11, 30, 9, 0, 0, 0, c.Loc)
	if !in.RenotifyAt.Equal(monday) || !in.EscalateAt.Equal(monday.Add(2*time.Hour)) {
		t.Errorf("timers %v / %v, want Monday 09:00 and 11:00", in.RenotifyAt, in.EscalateAt)
	}
	var told string
	for _, e := range effects {
		if snd, ok := e.(Send); ok && snd.To == ToClient && strings.Contains(snd.Message.Text, "isn't working") {
			told = snd.Message.Text
		}
	}
	for _, want := range []string{"Sam isn't working just now", "Mon 30 Nov 09:00", "Breathe out slowly", "Samaritans 116 123", "SHOUT to 85258", "999"} {
		if !strings.Contains(told, want) {
			t.Errorf("out-of-hours message lacks %q:\n%s", want, told)
		}
	}
	if has(s, "audit worker.notify_deferred") != 1 {
		t.Errorf("deferral not audited: %q", s)
	}

	// At the next start the first notice goes out.
	c2 := at(t, c, "2026-11-30 09:00")
	effects = Renotify(c2, in, Staff{Worker: sam, Lead: jo})
	in2 := saved(t, effects)
	if in2.State != store.IncidentWorkerNotified || in2.Notices != 1 || has(summary(c2, effects), "worker: Alex") != 1 {
		t.Errorf("first notice at the start of hours: %+v %q", in2, summary(c2, effects))
	}
}

func TestUrgentGoesToWorkerAndLeadAtOnceAndRepeats(t *testing.T) {
	c := at(t, testContext(t), "2026-11-28 23:10") // Saturday night
	crisis := Firing{Rule: RuleCrisis, Episode: "2026-11-28T23:10", Urgent: true, Evidence: []store.Evidence{{Key: "crisis:1", Summary: "crisis language during the post-shift debrief"}}}
	effects := Raise(c, crisis, RaiseInput{Staff: Staff{Worker: sam, Lead: jo}})
	s := summary(c, effects)
	if has(s, "worker: Urgent") != 0 || has(s, "worker: URGENT: Alex") != 1 || has(s, "lead: Urgent, sent to you and Sam") != 1 {
		t.Errorf("urgent must reach worker and lead at once: %q", s)
	}
	if has(s, "peer:") != 0 || has(s, "audit peer.suppressed") != 1 {
		t.Errorf("urgent incident reached the peer group: %q", s)
	}
	if has(s, "timer incident_renotify +15m0s") != 1 || has(s, "timer incident_escalate") != 0 {
		t.Errorf("urgent timers: %q", s)
	}
	in := saved(t, effects)
	for i := 2; i <= 4; i++ {
		c = at(t, c, in.RenotifyAt.In(c.Loc).Format("2006-01-02 15:04"))
		effects = Renotify(c, in, Staff{Worker: sam, Lead: jo})
		in = saved(t, effects)
		s = summary(c, effects)
		if in.Notices != i || has(s, "worker: Reminder") != 1 || has(s, "lead: Reminder") != 1 {
			t.Fatalf("notice %d: %q", i, s)
		}
	}
	acked, effects, ok := Acknowledge(c, in, jo, Staff{Worker: sam, Lead: jo})
	if !ok || acked.RenotifyAt != (time.Time{}) {
		t.Fatalf("ack: %v %+v", ok, acked)
	}
	s = summary(c, effects)
	if has(s, "cancel incident_renotify") != 1 || has(s, "lead: Jo has acknowledged") != 1 || has(s, "worker: Jo has acknowledged") != 1 {
		t.Errorf("ack must disarm the re-notify and tell both: %q", s)
	}
	if Renotify(c, acked, Staff{Worker: sam, Lead: jo}) != nil {
		t.Error("re-notify after acknowledgement did something")
	}
}

func TestRenotifyThenEscalateThenAck(t *testing.T) {
	c := at(t, testContext(t), "2026-11-23 10:00")
	staff := Staff{Worker: sam, Lead: jo}
	in := saved(t, Raise(c, nights, RaiseInput{Staff: staff}))
	c = at(t, c, "2026-11-23 10:30")
	if !TimerDue(in, KindIncidentRenotify, c.Now) || TimerDue(in, KindIncidentRenotify, c.Now.Add(time.Minute)) {
		t.Fatal("TimerDue does not match the armed re-notify")
	}
	effects := Renotify(c, in, staff)
	in = saved(t, effects)
	if s := summary(c, effects); has(s, "worker: Reminder (notice 2): not acknowledged after 30m") != 1 || has(s, "lead:") != 0 || has(s, "audit worker.renotified") != 1 {
		t.Errorf("re-notify: %q", s)
	}
	c = at(t, c, "2026-11-23 12:00")
	effects = EscalateToLead(c, in, staff)
	in = saved(t, effects)
	if s := summary(c, effects); has(s, "lead: Escalated to you: Sam has not acknowledged this after 2h") != 1 || has(s, "audit incident.escalated") != 1 || !in.Escalated {
		t.Errorf("escalation: %q", s)
	}
	c = at(t, c, "2026-11-23 12:01")
	effects = Renotify(c, in, staff)
	if s := summary(c, effects); has(s, "lead: Reminder") != 1 || has(s, "worker: Reminder") != 1 {
		t.Errorf("after escalation re-notify reaches both: %q", s)
	}
	// With the lead told, a non-urgent incident is re-sent daily, not every
	// 30 minutes for as long as nobody answers.
	if s := summary(c, effects); has(s, "timer incident_renotify +24h0m0s") != 1 {
		t.Errorf("after escalation the next reminder should be a day later: %q", s)
	}
	in = saved(t, effects)
	acked, effects, _ := Acknowledge(c, in, sam, staff)
	s := summary(c, effects)
	if has(s, "cancel incident_renotify") != 1 || has(s, "timer incident_stale +336h0m0s") != 1 || acked.AckBy != "sam" {
		t.Errorf("ack: %q", s)
	}
	c = at(t, c, "2026-12-07 12:01")
	effects = CloseStale(c, acked, staff)
	if st := saved(t, effects); st.State != store.IncidentStale || has(summary(c, effects), "worker: Alex: two disrupted nights in a row was acknowledged 14 days ago") != 1 {
		t.Errorf("stale: %+v %q", st, summary(c, effects))
	}
}

func TestEscalationOutsideLeadHoursWaitsUnlessUrgent(t *testing.T) {
	c := at(t, testContext(t), "2026-11-23 16:30")
	staff := Staff{Worker: sam, Lead: jo}
	in := saved(t, Raise(c, nights, RaiseInput{Staff: staff}))
	c = at(t, c, "2026-11-23 18:30") // Jo finishes at 18:00
	effects := EscalateToLead(c, in, staff)
	in = saved(t, effects)
	if s := summary(c, effects); has(s, "lead:") != 0 || has(s, "audit lead.escalation_deferred") != 1 || !in.EscalateAt.Equal(time.Date(2026, 11, 24, 8, 0, 0, 0, c.Loc)) {
		t.Errorf("deferred escalation: %q at %v", s, in.EscalateAt)
	}
	// The worker's re-notify also waits for their morning.
	effects = Renotify(c, in, staff)
	if s := summary(c, effects); has(s, "worker:") != 0 || has(s, "audit worker.notify_deferred") != 1 {
		t.Errorf("re-notify out of hours: %q", s)
	}
}

func TestNoLeadIsAuditedNotSilent(t *testing.T) {
	c := at(t, testContext(t), "2026-11-23 10:00")
	in := saved(t, Raise(c, nights, RaiseInput{Staff: Staff{Worker: sam}}))
	effects := EscalateToLead(at(t, c, "2026-11-23 12:00"), in, Staff{Worker: sam})
	if s := summary(c, effects); has(s, "audit lead.unreachable") != 1 {
		t.Errorf("missing lead: %q", s)
	}
}

func TestPeerNudgeCapAndApproval(t *testing.T) {
	c := at(t, testContext(t), "2026-11-23 10:00")
	s := summary(c, Raise(c, nights, RaiseInput{Staff: Staff{Worker: sam}, PeerToday: true}))
	if has(s, "peer:") != 0 || has(s, "audit peer.suppressed") != 1 {
		t.Errorf("daily cap: %q", s)
	}

	c.Policy.PeerApproval = true
	effects := Raise(c, nights, RaiseInput{Staff: Staff{Worker: sam}})
	in := saved(t, effects)
	if s := summary(c, effects); has(s, "peer:") != 0 || has(s, "moderator: A peer nudge is waiting") != 1 || in.Peer != store.PeerNudgeHeld {
		t.Fatalf("held nudge: %q", s)
	}
	approved, effects, ok := ApprovePeer(c, in, "mod-1", false)
	if s := summary(c, effects); !ok || has(s, "peer: Someone in the group") != 1 || approved.Peer != store.PeerNudgePosted {
		t.Errorf("approve: %q", s)
	}
	if _, _, ok := ApprovePeer(c, approved, "mod-1", false); ok {
		t.Error("approved twice")
	}
	// Consent withdrawn while the nudge waited: approval posts nothing.
	c.Client.Consents.Peer = store.PeerOff
	_, effects, _ = ApprovePeer(c, in, "mod-1", false)
	if s := summary(c, effects); has(s, "peer:") != 0 || has(s, "audit peer.suppressed") != 1 {
		t.Errorf("approve after withdrawal: %q", s)
	}
	c.Client.Consents.Peer = store.PeerAnonymous
	_, effects, _ = ApprovePeer(c, in, "mod-1", true)
	if s := summary(c, effects); has(s, "peer:") != 0 || has(s, "audit peer.suppressed") != 1 {
		t.Errorf("approve over the daily cap: %q", s)
	}
	declined, _, ok := DeclinePeer(c, in, "mod-1")
	if !ok || declined.Peer != store.PeerNudgeDeclined {
		t.Errorf("decline: %+v", declined)
	}
}

func TestResolveWithoutAckDisarmsEverything(t *testing.T) {
	c := at(t, testContext(t), "2026-11-23 10:00")
	in := saved(t, Raise(c, nights, RaiseInput{Staff: Staff{Worker: sam, Lead: jo}}))
	res, effects, ok := Resolve(c, in, sam, "spoke to Alex; hours reduced for a week", Staff{Worker: sam, Lead: jo})
	s := summary(c, effects)
	if !ok || res.State != store.IncidentResolved || has(s, "cancel incident_renotify") != 1 || has(s, "cancel incident_escalate") != 1 {
		t.Errorf("resolve: %q", s)
	}
	for _, e := range effects {
		if a, ok := e.(Audit); ok && strings.Contains(a.Event.Reason, "hours reduced") {
			t.Errorf("outcome text leaked into the audit log: %q", a.Event.Reason)
		}
	}
	if Renotify(c, res, Staff{Worker: sam}) != nil || EscalateToLead(c, res, Staff{Worker: sam, Lead: jo}) != nil || CloseStale(c, res, Staff{Worker: sam}) != nil {
		t.Error("timers acted on a resolved incident")
	}
}

// Crisis messages moments after a ping are gathered into one message that
// carries only what is new, and acknowledging does not drop it.
func TestNewEvidenceIsGatheredAndCarriesOnlyWhatIsNew(t *testing.T) {
	c := at(t, testContext(t), "2026-11-23 10:00")
	staff := Staff{Worker: sam, Lead: jo}
	crisis := func(key string) Firing {
		return Firing{Rule: RuleCrisis, Episode: "e", Urgent: true, Evidence: []store.Evidence{{Key: key, Summary: "crisis message " + key}}}
	}
	in := saved(t, Raise(c, crisis("1"), RaiseInput{Staff: staff}))
	c = at(t, c, "2026-11-23 10:01")
	effects := Raise(c, crisis("2"), RaiseInput{Existing: &in, Staff: staff})
	in = saved(t, effects)
	if s := summary(c, effects); has(s, "worker:") != 0 || has(s, "lead:") != 0 || has(s, "timer incident_news +4m0s") != 1 {
		t.Fatalf("evidence a minute after the ping: %q", s)
	}
	c = at(t, c, "2026-11-23 10:02")
	effects = Raise(c, crisis("3"), RaiseInput{Existing: &in, Staff: staff})
	in = saved(t, effects)
	if s := summary(c, effects); has(s, "worker:") != 0 || has(s, "timer") != 0 {
		t.Fatalf("more evidence while the news waits: %q", s)
	}
	in, effects, _ = Acknowledge(c, in, sam, staff)
	if s := summary(c, effects); has(s, "cancel incident_news") != 0 || has(s, "edit worker: Acknowledged by Sam") != 1 || has(s, "edit lead: Acknowledged by Sam") != 1 {
		t.Fatalf("acknowledging: %q", s)
	}
	c = at(t, c, "2026-11-23 10:05")
	if !TimerDue(in, KindIncidentNews, c.Now) {
		t.Fatal("the news timer is not due at 10:05")
	}
	effects = News(c, in, staff)
	in = saved(t, effects)
	var news []Send
	for _, e := range effects {
		if s, ok := e.(Send); ok {
			news = append(news, s)
		}
	}
	if len(news) != 2 || news[0].To != ToWorker || news[1].To != ToLead || !news[0].Urgent {
		t.Fatalf("news: %+v", news)
	}
	text := news[0].Message.Text
	if !strings.Contains(text, "(acknowledged by Sam). 2 new since the last message") || !strings.Contains(text, "crisis message 2") ||
		!strings.Contains(text, "crisis message 3") || strings.Contains(text, "crisis message 1") {
		t.Errorf("news text: %q", text)
	}
	if len(news[0].Message.Choices) != 1 || news[0].Message.Choices[0].Value != ChoiceResolve {
		t.Errorf("news after acknowledgement offers %+v, want Resolve only", news[0].Message.Choices)
	}
	// Long after, the next message pings at once.
	c = at(t, c, "2026-11-23 10:30")
	if s := summary(c, Raise(c, crisis("4"), RaiseInput{Existing: &in, Staff: staff})); has(s, "worker: URGENT: New on Alex") != 1 || has(s, "timer") != 0 {
		t.Errorf("evidence long after the last ping: %q", s)
	}
}
