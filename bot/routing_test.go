package bot_test

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"steady/bot"
	"steady/flows"
	"steady/scheduler"
	"steady/store"
	"steady/store/redisstore"
	"steady/store/redistest"
)

// setupWith is setup with the engine's config changed by adjust.
func setupWith(t *testing.T, adjust func(*bot.Config)) *bundle {
	t.Helper()
	rdb, prefix := redistest.New(t)
	clock := scheduler.NewFakeClock(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	st := redisstore.New(rdb, prefix)
	sched := scheduler.New(rdb, clock, scheduler.Options{Prefix: prefix})
	msg := &recorder{}
	cfg := bot.Config{StaffChannel: "staff", PeerChannel: "peer", LeadID: "jo"}
	if adjust != nil {
		adjust(&cfg)
	}
	e := bot.New(bot.Deps{Store: st, Scheduler: sched, Messenger: msg, Clock: clock, Config: cfg})
	return &bundle{ctx: t.Context(), engine: e, store: st, sched: sched, clock: clock, msg: msg}
}

// delivery is one message as it left: where to, and what.
type delivery struct {
	dest string
	m    bot.Outgoing
}

func (r *recorder) deliveries() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]delivery, len(r.sent))
	for i := range r.sent {
		out[i] = delivery{r.dest[i], r.sent[i]}
	}
	return out
}

func (b *bundle) say(t *testing.T, key, text string) {
	t.Helper()
	if err := b.engine.HandleMessage(b.ctx, bot.Inbound{UserID: "u-alex", Key: key, Text: text}); err != nil {
		t.Fatal(err)
	}
}

const crisisText = "I want to kill myself"

// A crisis: the worker and the lead each get the details privately; the
// shared staff channel gets one line saying whose caseload and who knows,
// and nothing about the client.
func TestHealthDetailsReachOnlyTheWorkerAndLeadPrivately(t *testing.T) {
	b := setupWith(t, nil)
	enrol(t, b)
	b.msg.sent, b.msg.dest = nil, nil
	b.say(t, "m1", crisisText)

	var worker, lead, channel []delivery
	for _, d := range b.msg.deliveries() {
		switch d.m.Audience {
		case flows.ToWorker:
			worker = append(worker, d)
		case flows.ToLead:
			lead = append(lead, d)
		case flows.ToStaff:
			channel = append(channel, d)
		}
	}
	if len(worker) != 1 || worker[0].dest != "staff:u-sam" || !strings.Contains(worker[0].m.Text, "Alex: crisis language") {
		t.Fatalf("worker ping: %+v", worker)
	}
	if len(lead) != 1 || lead[0].dest != "staff:u-jo" || !strings.Contains(lead[0].m.Text, "Alex: crisis language") {
		t.Fatalf("lead ping: %+v", lead)
	}
	if !worker[0].m.Urgent || !lead[0].m.Urgent {
		t.Error("an urgent incident's pings are not marked urgent")
	}
	if len(channel) != 1 || channel[0].dest != "channel:staff" {
		t.Fatalf("staff channel: %+v", channel)
	}
	notice := channel[0].m.Text
	if !strings.Contains(notice, "one of Sam's clients") || !strings.Contains(notice, "Sam and Jo have been told") {
		t.Errorf("notice %q does not say whose caseload and who knows", notice)
	}
	if contentful.MatchString(notice) || len(channel[0].m.Choices) != 0 {
		t.Errorf("the staff channel notice carries client details or buttons: %q %+v", notice, channel[0].m.Choices)
	}
	for _, d := range b.msg.deliveries() {
		if strings.HasPrefix(d.dest, "channel:") && strings.Contains(d.m.Text, "Alex") {
			t.Errorf("the client's name reached %s: %q", d.dest, d.m.Text)
		}
	}
}

// contentful matches what a content-free notice must never carry: the
// client's name or id, a rule, a figure, a word of theirs.
var contentful = regexp.MustCompile(`(?i)alex|crisis|suicid|sleep|night|stress|coping|asleep|\d`)

// A thousand DMs get a bounded number of replies and one kind word, but
// crisis language in the middle of them is still read and escalated.
func TestAFloodOfDMsIsAnsweredBoundedlyButCrisisIsStillRead(t *testing.T) {
	b := setupWith(t, nil)
	enrol(t, b)
	b.msg.sent, b.msg.dest = nil, nil
	for i := range 1000 {
		b.say(t, fmt.Sprint("h", i), "hello?")
	}
	replies := b.msg.sentTo(flows.ToClient)
	if len(replies) != bot.DefaultInboundBurst+1 {
		t.Errorf("1,000 DMs got %d replies, want %d and one notice", len(replies), bot.DefaultInboundBurst)
	}
	if n := count(replies, "You've sent a lot of messages"); n != 1 {
		t.Errorf("told %d times, want once: %q", n, replies[len(replies)-1])
	}
	// Still over the limit: crisis language gets through, and escalates.
	b.say(t, "c1", crisisText)
	if got := b.msg.sentTo(flows.ToWorker); len(got) != 1 || !strings.Contains(got[0], "URGENT: Alex: crisis language") {
		t.Fatalf("a crisis message over the limit: worker got %q", got)
	}
	// A quiet spell and the client is answered again.
	b.clock.Set(b.clock.Now().Add(time.Minute))
	before := len(b.msg.sentTo(flows.ToClient))
	b.say(t, "later", "hello?")
	if len(b.msg.sentTo(flows.ToClient)) != before+1 {
		t.Error("a message after the client slowed down got no answer")
	}
}

// The first message over the limit being a crisis does not use up the kind
// word: the next ordinary one is told.
func TestACrisisOverTheLimitDoesNotUseUpTheNotice(t *testing.T) {
	b := setupWith(t, func(c *bot.Config) { c.Inbound = bot.InboundLimit{Burst: 3} })
	enrol(t, b)
	b.msg.sent, b.msg.dest = nil, nil
	for i := range 3 {
		b.say(t, fmt.Sprint("h", i), "hello?")
	}
	b.say(t, "c1", crisisText)
	b.say(t, "h3", "hello?")
	b.say(t, "h4", "hello?")
	if n := count(b.msg.sentTo(flows.ToClient), "You've sent a lot of messages"); n != 1 {
		t.Errorf("told %d times, want once, after the crisis: %q", n, b.msg.sentTo(flows.ToClient))
	}
}

// Discord hands a burst of one person's messages over all at once: none is
// lost to racing the others, the crisis among them escalates, and the
// client is told once.
func TestABurstHandledAtOnceLosesNothingAndTellsOnce(t *testing.T) {
	b := setupWith(t, nil)
	enrol(t, b)
	b.msg.sent, b.msg.dest = nil, nil
	var wg sync.WaitGroup
	errs := make(chan error, 41)
	for i := range 41 {
		text := "hello?"
		if i == 30 {
			text = crisisText
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- b.engine.HandleMessage(b.ctx, bot.Inbound{UserID: "u-alex", Key: fmt.Sprint("m", i), Text: text})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("a message was lost: %v", err)
		}
	}
	if got := b.msg.sentTo(flows.ToWorker); len(got) != 1 || !strings.Contains(got[0], "URGENT: Alex: crisis language") {
		t.Errorf("the crisis in the burst: worker got %q", got)
	}
	if n := count(b.msg.sentTo(flows.ToClient), "You've sent a lot of messages"); n != 1 {
		t.Errorf("told %d times, want once", n)
	}
}

// A hundred "talk to my worker"s are one request: one ping, one incident.
func TestRepeatedTalkRequestsFoldIntoOneIncident(t *testing.T) {
	b := setupWith(t, func(c *bot.Config) { c.Inbound = bot.InboundLimit{Burst: 1000} })
	enrol(t, b)
	b.msg.sent, b.msg.dest = nil, nil
	for i := range 100 {
		b.say(t, fmt.Sprint("t", i), "talk to my worker")
	}
	if got := b.msg.sentTo(flows.ToWorker); len(got) != 1 || got[0] != "Alex: asked to talk to you." {
		t.Fatalf("100 requests pinged the worker %d times: %q", len(got), got)
	}
	incidents, err := b.store.Incidents(b.ctx, "alex")
	if err != nil {
		t.Fatal(err)
	}
	if len(incidents) != 1 || incidents[0].Rule != flows.RuleTalk || len(incidents[0].Evidence) != 100 {
		t.Fatalf("incidents: %+v", incidents)
	}
	// Once it is resolved, asking again is a new request.
	if n, deny, err := b.engine.ResolveOpen(b.ctx, "alex", "sam", "called Alex back"); err != nil || deny != "" || n != 1 {
		t.Fatalf("resolve: %d %q %v", n, deny, err)
	}
	b.say(t, "again", "talk to my worker")
	if got := b.msg.sentTo(flows.ToWorker); count(got, "Alex: asked to talk to you.") != 2 {
		t.Fatalf("a request after the last was resolved: %q", got)
	}
}

// Fifty crisis messages make one incident and a handful of pings of
// bounded size: each re-ping carries only what is new.
func TestFiftyCrisisMessagesMakeFewBoundedPings(t *testing.T) {
	b := setupWith(t, nil)
	enrol(t, b)
	b.msg.sent, b.msg.dest = nil, nil
	for i := range 50 {
		b.say(t, fmt.Sprint("c", i), crisisText)
		b.clock.Set(b.clock.Now().Add(5 * time.Second))
	}
	advance(t, b, 10*time.Minute) // the gathered news goes out; the re-notify is not due yet
	stats := func(aud flows.Audience) (n, total, longest int) {
		for _, m := range b.msg.pingsTo(aud) {
			l := len([]rune(m))
			n, total, longest = n+1, total+l, max(longest, l)
		}
		return n, total, longest
	}
	wn, wc, wl := stats(flows.ToWorker)
	ln, lc, ll := stats(flows.ToLead)
	t.Logf("50 crisis messages: worker %d pings, %d characters (longest %d); lead %d pings, %d characters (longest %d)", wn, wc, wl, ln, lc, ll)
	if wn > 3 || ln > 3 || wl > 1000 || ll > 1000 {
		t.Errorf("worker %d pings (longest %d), lead %d (longest %d): want at most 3 each, under 1,000 characters", wn, wl, ln, ll)
	}
	// The words themselves reach the worker on their to-read list, gathered
	// the same way: not one digest per message.
	if d := b.msg.digestsTo(flows.ToWorker); len(d) == 0 || len(d) > 3 {
		t.Errorf("%d to-read digests for 50 crisis messages, want 1 to 3", len(d))
	}
	if d := b.msg.digestsTo(flows.ToLead); len(d) != 0 {
		t.Errorf("the lead got the words: %q", d)
	}
	news := b.msg.pingsTo(flows.ToWorker)[wn-1]
	if !strings.Contains(news, "49 new since the last message") || !strings.Contains(news, "… and 46 earlier") {
		t.Errorf("the gathered news: %q", news)
	}
	incidents, _ := b.store.Incidents(b.ctx, "alex")
	if len(incidents) != 1 || len(incidents[0].Evidence) != 50 {
		t.Fatalf("want one incident with all 50 messages as evidence, got %+v", incidents)
	}
	// A reminder shows the first and the latest evidence, not all fifty.
	advance(t, b, 10*time.Minute)
	reminders := starting(b.msg.pingsTo(flows.ToWorker), "Reminder")
	if len(reminders) == 0 || len([]rune(reminders[0])) > 1000 || !strings.Contains(reminders[0], "… 46 more in between") {
		t.Errorf("reminder: %q", reminders)
	}
}

// Acknowledging rewrites every copy of every ping, worker's and lead's:
// Resolve stays, Acknowledge goes; resolving takes the buttons away.
func TestAcknowledgeUpdatesEveryCopy(t *testing.T) {
	b := setupWith(t, nil)
	enrol(t, b)
	b.say(t, "c1", crisisText)
	advance(t, b, 31*time.Minute) // two reminders, each to worker and lead
	if n := len(b.msg.pingsTo(flows.ToWorker)); n != 3 {
		t.Fatalf("%d worker pings before the acknowledgement, want 3", n)
	}
	if n, deny, err := b.engine.AcknowledgeOpen(b.ctx, "alex", "sam"); err != nil || deny != "" || n != 1 {
		t.Fatalf("acknowledge: %d %q %v", n, deny, err)
	}
	keys := map[string]bool{}
	for _, m := range b.msg.edits {
		keys[m.Replaces] = true
		if !strings.HasPrefix(m.Text, "Acknowledged by Sam") || len(m.Choices) != 1 || m.Choices[0].Value != flows.ChoiceResolve {
			t.Errorf("rewritten copy %s: %q %+v", m.Replaces, strings.SplitN(m.Text, "\n", 2)[0], m.Choices)
		}
	}
	for _, to := range []flows.Audience{flows.ToWorker, flows.ToLead} {
		for n := 1; n <= 3; n++ {
			if !keys[flows.PingKey(incidentOf(t, b).ID, to, n)] {
				t.Errorf("copy %s %d was not rewritten (rewrote %v)", to, n, keys)
			}
		}
	}
	b.msg.edits = nil
	if n, _, err := b.engine.ResolveOpen(b.ctx, "alex", "sam", "spoke to Alex"); err != nil || n != 1 {
		t.Fatal(err)
	}
	if len(b.msg.edits) != 6 {
		t.Fatalf("%d copies rewritten on resolving, want 6", len(b.msg.edits))
	}
	for _, m := range b.msg.edits {
		if !strings.HasPrefix(m.Text, "Resolved by Sam") || len(m.Choices) != 0 {
			t.Errorf("resolved copy: %q %+v", strings.SplitN(m.Text, "\n", 2)[0], m.Choices)
		}
	}
}

func incidentOf(t *testing.T, b *bundle) store.Incident {
	t.Helper()
	incidents, err := b.store.Incidents(b.ctx, "alex")
	if err != nil || len(incidents) != 1 {
		t.Fatalf("incidents: %+v %v", incidents, err)
	}
	return incidents[0]
}

// A client's backlog of routine messages does not hold up their crisis:
// the reply and the pings go at once.
func TestUrgentMessagesNeverQueueBehindRoutineOnes(t *testing.T) {
	b := setupWith(t, nil)
	enrol(t, b)
	b.msg.sent, b.msg.dest = nil, nil
	b.msg.failUnless = func(m bot.Outgoing) bool { return m.Urgent }
	_ = b.engine.HandleMessage(b.ctx, bot.Inbound{UserID: "u-alex", Key: "h1", Text: "hello?"}) // its reply sticks in the outbox
	if n := len(b.msg.sent); n != 0 {
		t.Fatalf("%d routine deliveries got through the jam", n)
	}
	// The step reports the stuck backlog (it stays queued for the next
	// flush); what matters is what got out.
	_ = b.engine.HandleMessage(b.ctx, bot.Inbound{UserID: "u-alex", Key: "c1", Text: crisisText})
	var urgent []string
	for _, d := range b.msg.deliveries() {
		urgent = append(urgent, string(d.m.Audience))
	}
	if strings.Join(urgent, ",") != "client,worker,lead,staff" {
		t.Fatalf("delivered %v, want the crisis reply with the note that staff know (one DM), the worker's and lead's pings and the staff notice", urgent)
	}
	// Unjammed, the routine reply follows.
	b.msg.failUnless = nil
	if err := b.engine.FlushAll(b.ctx); err != nil {
		t.Fatal(err)
	}
	if got := b.msg.sentTo(flows.ToClient); len(got) != 2 || !strings.Contains(got[1], "nothing open") {
		t.Fatalf("after the jam cleared the client has %q, want the crisis reply then the routine reply", got)
	}
}
