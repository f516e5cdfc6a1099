package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"steady/bot"
	"steady/flows"
	"steady/scheduler"
	"steady/store"
	"steady/store/redisstore"
	"steady/store/redistest"
)

// dangerWords stands for a message about danger from someone else. The
// detector is being rebuilt elsewhere, so the engine is given a detector
// that reads this phrase as danger and defers to the real one otherwise:
// these tests prove what Steady does with a danger reading.
const dangerWords = "he said he will hurt me when i get home"

func detectWithDanger(recent []string, text string) flows.Detection {
	if text == dangerWords {
		return flows.Detection{Concern: flows.Crisis, Kind: flows.KindDanger}
	}
	return flows.DetectInContext(recent, text)
}

// netBundle is a bundle with the raw Redis at hand, for looking at what is
// stored.
type netBundle struct {
	*bundle
	rdb    *redis.Client
	prefix string
}

func setupNet(t *testing.T, cfg bot.Config) *netBundle {
	t.Helper()
	rdb, prefix := redistest.New(t)
	clock := scheduler.NewFakeClock(time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC))
	st := redisstore.New(rdb, prefix)
	sched := scheduler.New(rdb, clock, scheduler.Options{Prefix: prefix})
	msg := &recorder{}
	if cfg.StaffChannel == "" {
		cfg.StaffChannel, cfg.PeerChannel, cfg.LeadID = "staff", "peer", "jo"
	}
	e := bot.New(bot.Deps{Store: st, Scheduler: sched, Messenger: msg, Clock: clock, Config: cfg, Detect: detectWithDanger})
	return &netBundle{bundle: &bundle{ctx: context.Background(), engine: e, store: st, sched: sched, clock: clock, msg: msg}, rdb: rdb, prefix: prefix}
}

// netProfile: a worker who works weekdays 09:00–17:00, a lead on call at any hour.
const netProfile = `
client: {id: alex, name: Alex, discord_id: "u-alex", time_zone: Europe/London}
worker: {id: sam, name: Sam, discord_id: "u-sam", hours: "mon-fri 09:00-17:00"}
lead: {id: jo, name: Jo, discord_id: "u-jo", hours: "always"}
consents: {worker_sees_answers: true, peer_group: anonymous, supervisor_liaison: none}
schedules: {sleep_log: "07:30"}
`

func (b *netBundle) says(t *testing.T, key, text string) {
	t.Helper()
	if err := b.engine.HandleMessage(b.ctx, bot.Inbound{UserID: "u-alex", Key: key, Text: text}); err != nil {
		t.Fatal(err)
	}
}

// dumps every key and value under the prefix, as an attacker with the
// Redis would see them.
func (b *netBundle) dump(t *testing.T) string {
	t.Helper()
	var sb strings.Builder
	for _, k := range b.rdb.Keys(b.ctx, b.prefix+":*").Val() {
		sb.WriteString(k + "\n")
		switch b.rdb.Type(b.ctx, k).Val() {
		case "string":
			sb.WriteString(b.rdb.Get(b.ctx, k).Val())
		case "hash":
			for f, v := range b.rdb.HGetAll(b.ctx, k).Val() {
				sb.WriteString(f + "=" + v + "\n")
			}
		case "list":
			sb.WriteString(strings.Join(b.rdb.LRange(b.ctx, k, 0, -1).Val(), "\n"))
		case "zset":
			sb.WriteString(strings.Join(b.rdb.ZRange(b.ctx, k, 0, -1).Val(), "\n"))
		case "stream":
			for _, m := range b.rdb.XRange(b.ctx, k, "-", "+").Val() {
				for f, v := range m.Values {
					sb.WriteString(f + "=" + v.(string) + "\n")
				}
			}
		}
		sb.WriteString("\n")
	}
	return sb.String()
}

func (b *netBundle) incidents(t *testing.T) []store.Incident {
	t.Helper()
	in, err := b.store.Incidents(b.ctx, "alex")
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func TestDangerRaisesItsOwnUrgentIncidentAtAnyHour(t *testing.T) {
	b := setupNet(t, bot.Config{})
	enrolWith(t, b.bundle, netProfile)
	b.clock.Set(london(t, "2026-11-28 23:40")) // Saturday night: the worker is off
	b.says(t, "m1", dangerWords)

	client := b.msg.sentFull(flows.ToClient)
	if len(client) == 0 || !strings.Contains(client[0], "call 999") || !strings.Contains(client[0], "press 55") ||
		!strings.Contains(client[0], "0808 2000 247") || !strings.Contains(client[0], "0808 500 2222") || !strings.Contains(client[0], "0808 801 0327") {
		t.Fatalf("the client's first reply: %q", client)
	}
	incs := b.incidents(t)
	if len(incs) != 1 || incs[0].Rule != flows.RuleDanger || !incs[0].Urgent || incs[0].State != store.IncidentWorkerNotified {
		t.Fatalf("incidents %+v", incs)
	}
	worker, lead := b.msg.sentTo(flows.ToWorker), b.msg.sentTo(flows.ToLead)
	if count(worker, "URGENT: Alex: in danger from someone else.") != 1 || len(lead) == 0 {
		t.Fatalf("at once, out of hours: worker %q lead %q", worker, lead)
	}
	if peer := b.msg.sentTo(flows.ToPeer); len(peer) != 0 {
		t.Errorf("danger reached the peer group: %q", peer)
	}
	// Re-sent every 15 minutes until someone acknowledges.
	advance(t, b.bundle, 31*time.Minute)
	if n := count(b.msg.sentTo(flows.ToWorker), "Reminder"); n != 2 {
		t.Errorf("want 2 reminders in 31 minutes, got %d: %q", n, b.msg.sentTo(flows.ToWorker))
	}
	if reply, err := b.engine.Acknowledge(b.ctx, incs[0].ID, "jo"); err != nil || reply != "Done." {
		t.Fatalf("ack: %q %v", reply, err)
	}
	before := len(b.msg.sentTo(flows.ToWorker))
	advance(t, b.bundle, time.Hour)
	for _, m := range b.msg.sentTo(flows.ToWorker)[before:] {
		if strings.HasPrefix(m, "Reminder") {
			t.Errorf("re-sent after acknowledgement: %q", m)
		}
	}
	// A crisis is still its own rule: both can be open at once.
	b.says(t, "m2", "i want to kill myself")
	rules := map[string]bool{}
	for _, in := range b.incidents(t) {
		rules[in.Rule] = true
	}
	if !rules[flows.RuleDanger] || !rules[flows.RuleCrisis] {
		t.Errorf("rules with incidents: %v", rules)
	}
}

func TestRecentMessagesAreReadTogetherThenExpire(t *testing.T) {
	b := setupNet(t, bot.Config{})
	enrolWith(t, b.bundle, netProfile)
	b.clock.Set(london(t, "2026-11-23 10:00"))
	b.says(t, "m1", "i want to")
	if incs := b.incidents(t); len(incs) != 0 {
		t.Fatalf("\"i want to\" alone raised %+v", incs)
	}
	// Kept sealed, in the client's own slot, expiring on Redis's clock too.
	key := b.prefix + ":{c:alex}:recent"
	if ttl := b.rdb.PTTL(b.ctx, key).Val(); ttl <= 0 || ttl > 15*time.Minute {
		t.Errorf("recent messages kept with TTL %v; want a few minutes", ttl)
	}
	if strings.Contains(b.dump(t), "i want to") {
		t.Error("the client's words are readable in Redis")
	}
	b.clock.Set(b.clock.Now().Add(time.Minute))
	b.says(t, "m2", "die")
	incs := b.incidents(t)
	if len(incs) != 1 || incs[0].Rule != flows.RuleCrisis {
		t.Fatalf("\"i want to\" then \"die\" a minute later: incidents %+v", incs)
	}

	// Outside the window, the same words are two separate messages.
	c := setupNet(t, bot.Config{})
	enrolWith(t, c.bundle, netProfile)
	c.clock.Set(london(t, "2026-11-23 10:00"))
	c.says(t, "m1", "i want to")
	c.clock.Set(c.clock.Now().Add(10 * time.Minute))
	c.says(t, "m2", "die")
	if incs := c.incidents(t); len(incs) != 0 {
		t.Errorf("messages ten minutes apart were read as one: %+v", incs)
	}
	// Erasure takes them with everything else.
	if err := c.store.EraseClient(c.ctx, "alex", "sam", "client request", c.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if n := c.rdb.Exists(c.ctx, c.prefix+":{c:alex}:recent", c.prefix+":{c:alex}:toread").Val(); n != 0 {
		t.Errorf("%d of the recent and to-read keys survived erasure", n)
	}
}

func TestAnEditedMessageIsReadAgainButNeverAnswers(t *testing.T) {
	b := setupNet(t, bot.Config{})
	enrolWith(t, b.bundle, netProfile)
	fireSleepLog(t, b.bundle)
	b.says(t, "msg:1", "11pm")
	conv := func() store.Conversation {
		st, err := b.store.Load(b.ctx, "alex")
		if err != nil {
			t.Fatal(err)
		}
		return st.Conversation
	}
	state := conv().State
	// An edit that stays routine answers nothing and raises nothing.
	if err := b.engine.HandleEdit(b.ctx, bot.Inbound{UserID: "u-alex", Key: "edit:1@a", Text: "25 mins", Edits: "msg:1"}); err != nil {
		t.Fatal(err)
	}
	if got := conv(); got.State != state || got.Answers["latency"] != "" {
		t.Fatalf("an edit answered the open question: %+v", got)
	}
	// An edit that now reads as a crisis is handled as one.
	for i := 0; i < 2; i++ { // and a redelivered edit changes nothing
		if err := b.engine.HandleEdit(b.ctx, bot.Inbound{UserID: "u-alex", Key: "edit:1@b", Text: "i want to kill myself", Edits: "msg:1"}); err != nil {
			t.Fatal(err)
		}
	}
	incs := b.incidents(t)
	if len(incs) != 1 || incs[0].Rule != flows.RuleCrisis || len(incs[0].Evidence) != 1 {
		t.Fatalf("incidents %+v", incs)
	}
	if conv().Active() {
		t.Error("the crisis in an edit did not stop the sleep log")
	}
	if n := count(b.msg.sentTo(flows.ToClient), "Alex, thank you for telling me"); n != 1 {
		t.Errorf("crisis replies: %d", n)
	}
	// A stranger's edit leaves nothing.
	before := len(b.dump(t))
	if err := b.engine.HandleEdit(b.ctx, bot.Inbound{UserID: "u-who", Key: "edit:9@a", Text: "11pm", Edits: "msg:9"}); err != nil {
		t.Fatal(err)
	}
	if len(b.dump(t)) != before {
		t.Error("a stranger's edit stored something")
	}
}

func TestClientsCommandWordsGoThroughTheInterceptor(t *testing.T) {
	b := setupNet(t, bot.Config{})
	enrolWith(t, b.bundle, netProfile)
	reply, acted, err := b.engine.ReadClientWords(b.ctx, "u-alex", "cmd:1", "friday")
	if err != nil || acted || reply != "" {
		t.Fatalf("routine words: %q %v %v", reply, acted, err)
	}
	reply, acted, err = b.engine.ReadClientWords(b.ctx, "u-alex", "cmd:2", "forever, i want to kill myself")
	if err != nil || !acted || !strings.Contains(reply, "DMs") {
		t.Fatalf("crisis words: %q %v %v", reply, acted, err)
	}
	if incs := b.incidents(t); len(incs) != 1 || incs[0].Rule != flows.RuleCrisis {
		t.Errorf("incidents %+v", incs)
	}
	items, _ := b.store.ReadItems(b.ctx, "alex")
	if len(items) != 1 || items[0].Source != store.FromCommand {
		t.Errorf("to-read %+v", items)
	}
	// Someone not enrolled gets the contacts, and nothing is kept.
	reply, acted, err = b.engine.ReadClientWords(b.ctx, "u-who", "cmd:3", dangerWords)
	if err != nil || !acted || !strings.Contains(reply, "0808 2000 247") {
		t.Errorf("a stranger's danger words: %q %v %v", reply, acted, err)
	}
}

func TestStaffNoteThatReadsAsCrisisRaisesNothingButIsAnswered(t *testing.T) {
	b := setupNet(t, bot.Config{})
	enrolWith(t, b.bundle, netProfile)
	note, err := b.engine.ReadStaffNote(b.ctx, "sam", "alex", "she told me i want to kill myself last week")
	if err != nil || !strings.Contains(note, "crisis procedure") || !strings.Contains(note, "Alex") {
		t.Fatalf("note reply %q %v", note, err)
	}
	if incs := b.incidents(t); len(incs) != 0 {
		t.Errorf("a staff note raised %+v", incs)
	}
	audit, _ := b.store.Audit(b.ctx, "alex", "")
	found := false
	for _, ev := range audit {
		if ev.Action == "staff_note.concern" && ev.Actor == "sam" {
			found = !strings.Contains(ev.Reason, "kill")
		}
	}
	if !found {
		t.Error("the note's reading is not audited (without its words)")
	}
	if note, _ := b.engine.ReadStaffNote(b.ctx, "sam", "alex", "moved to part-time"); note != "" {
		t.Errorf("a routine note answered %q", note)
	}
	if note, _ := b.engine.ReadStaffNote(b.ctx, "kim", "alex", "i want to kill myself"); note != "" {
		t.Errorf("a note about someone else's client answered %q", note)
	}
}

// The human backstop: what Steady did not understand, and what worried it,
// reaches the worker's digest at their next working time, words and all,
// and leaves it when they acknowledge.
func TestToReadDigestAtTheNextWorkingMorningAndAcknowledged(t *testing.T) {
	b := setupNet(t, bot.Config{})
	enrolWith(t, b.bundle, netProfile)
	b.clock.Set(london(t, "2026-11-28 10:00")) // Saturday
	b.says(t, "m1", "work was grim this week")
	b.says(t, "m2", "i can't cope")
	b.says(t, "m3", "im safe")
	if got := b.msg.sentFull(flows.ToWorker); len(got) != 2 { // asked, and said safe
		t.Fatalf("worker messages before the digest: %q", got)
	}
	if strings.Contains(b.dump(t), "grim") {
		t.Error("the to-read list is readable in Redis")
	}
	advance(t, b.bundle, 47*time.Hour) // Monday 09:00
	digests := digestsTo(b.msg, "u-sam")
	if len(digests) != 1 {
		t.Fatalf("want one digest by Monday morning, got %d", len(digests))
	}
	d := digests[0]
	if !strings.Contains(d.Text, "\"work was grim this week\"") || !strings.Contains(d.Text, "\"i can't cope\"") || strings.Contains(d.Text, "im safe") {
		t.Fatalf("digest:\n%s", d.Text)
	}
	if len(d.Choices) != 3 {
		t.Fatalf("choices %+v", d.Choices)
	}
	if digestsTo(b.msg, "u-jo") != nil {
		t.Error("the lead had a digest before anything was a day old")
	}
	// Another worker cannot acknowledge it; the client's own worker can.
	if err := b.store.PutWorker(b.ctx, store.Worker{ID: "kim", Name: "Kim", DiscordID: "u-kim"}); err != nil {
		t.Fatal(err)
	}
	if reply, err := b.engine.AcknowledgeReadFrom(b.ctx, "u-kim", d.Prompt, flows.ChoiceReadAll); err != nil || !strings.Contains(reply, "Only the client's worker") {
		t.Fatalf("another worker's acknowledgement: %q %v", reply, err)
	}
	if reply, err := b.engine.AcknowledgeReadFrom(b.ctx, "u-sam", d.Prompt, d.Choices[0].Value); err != nil || !strings.Contains(reply, "Marked as read: 1") {
		t.Fatalf("acknowledge one: %q %v", reply, err)
	}
	if reply, _ := b.engine.AcknowledgeReadFrom(b.ctx, "u-sam", d.Prompt, flows.ChoiceReadAll); !strings.Contains(reply, "Marked as read: 1") {
		t.Fatalf("acknowledge the rest: %q", reply)
	}
	if items, _ := b.store.ReadItems(b.ctx, "alex"); len(items) != 0 {
		t.Errorf("acknowledged items are still on the list: %+v", items)
	}
	audit, _ := b.store.Audit(b.ctx, "alex", "")
	acts := map[string]int{}
	for _, ev := range audit {
		if strings.HasPrefix(ev.Action, "toread.") {
			acts[ev.Action+" by "+ev.Actor]++
			if strings.Contains(ev.Reason, "grim") || strings.Contains(ev.Reason, "cope") {
				t.Errorf("words in the audit: %+v", ev)
			}
		}
	}
	if acts["toread.added by steady"] != 2 || acts["toread.digested by steady"] != 2 || acts["toread.acknowledged by sam"] != 2 {
		t.Errorf("audit of the to-read list: %v", acts)
	}
	// Nothing unread: the next day's reminder and the lead's look find nothing to send.
	advance(t, b.bundle, 25*time.Hour)
	if n := len(digestsTo(b.msg, "u-sam")) + len(digestsTo(b.msg, "u-jo")); n != 1 {
		t.Errorf("%d digests in all, though everything was read after the first", n)
	}
}

func TestUnreadForADayReachesTheLeadWithoutTheWords(t *testing.T) {
	b := setupNet(t, bot.Config{})
	enrolWith(t, b.bundle, netProfile)
	b.clock.Set(london(t, "2026-11-23 10:20")) // Monday, in hours
	b.says(t, "m1", "everything is falling apart at work")
	advance(t, b.bundle, 40*time.Minute) // 11:00
	if len(digestsTo(b.msg, "u-sam")) != 1 {
		t.Fatalf("no digest at the next full hour: %q", b.msg.texts())
	}
	advance(t, b.bundle, 24*time.Hour)
	again, lead := digestsTo(b.msg, "u-sam"), digestsTo(b.msg, "u-jo")
	if len(again) != 2 || !strings.Contains(again[1].Text, "falling apart") {
		t.Errorf("the worker was not reminded a day later: %d digests", len(again))
	}
	if len(lead) != 1 {
		t.Fatalf("the lead had %d digests of items unread for a day", len(lead))
	}
	if !strings.Contains(lead[0].Text, "Alex (Sam's client)") || strings.Contains(lead[0].Text, "falling apart") {
		t.Errorf("the lead's digest:\n%s", lead[0].Text)
	}
	if reply, err := b.engine.AcknowledgeRead(b.ctx, "jo", lead[0].Prompt, lead[0].Choices[0].Value); err != nil || !strings.Contains(reply, "Marked as read: 1") {
		t.Errorf("the lead acknowledging: %q %v", reply, err)
	}
}

func TestUrgentToReadItemsReachTheWorkerAtOnce(t *testing.T) {
	b := setupNet(t, bot.Config{})
	enrolWith(t, b.bundle, netProfile)
	b.clock.Set(london(t, "2026-11-28 02:10")) // Saturday night
	b.says(t, "m1", dangerWords)
	advance(t, b.bundle, 2*time.Minute)
	d := digestsTo(b.msg, "u-sam")
	if len(d) != 1 || !strings.Contains(d[0].Text, dangerWords) || !strings.Contains(d[0].Text, "danger from someone else") {
		t.Fatalf("the words of an urgent message did not follow its incident: %+v", d)
	}
}

func TestPeerThreadDangerGetsItsOwnReplyAndIncident(t *testing.T) {
	b := setupNet(t, bot.Config{})
	enrolWith(t, b.bundle, netProfile)
	b.clock.Set(london(t, "2026-11-23 22:00"))
	if err := b.engine.HandlePeerMessage(b.ctx, bot.PeerMessage{ChannelID: "thread-1", MessageID: "p1", AuthorID: "u-alex", Text: dangerWords}); err != nil {
		t.Fatal(err)
	}
	var inThread []bot.Outgoing
	for _, m := range b.msg.sent {
		if m.Audience == flows.ToPeer {
			inThread = append(inThread, m)
		}
	}
	if len(inThread) != 1 || inThread[0].ChannelID != "thread-1" || !strings.Contains(inThread[0].Text, "0808 2000 247") {
		t.Fatalf("reply in the thread: %+v", inThread)
	}
	if incs := b.incidents(t); len(incs) != 1 || incs[0].Rule != flows.RuleDanger {
		t.Errorf("incidents %+v", incs)
	}
	// An edit of the same post adds no second piece of evidence.
	if err := b.engine.HandlePeerMessage(b.ctx, bot.PeerMessage{ChannelID: "thread-1", MessageID: "p1", AuthorID: "u-alex", Text: dangerWords + " tonight", Edit: "2026-11-23T22:01:00Z"}); err != nil {
		t.Fatal(err)
	}
	if incs := b.incidents(t); len(incs) != 1 || len(incs[0].Evidence) != 1 {
		t.Errorf("after the edit: %+v", incs)
	}
}

// digestsTo lists the "to read" digests a member of staff was sent
// (privately, where their pings go).
func digestsTo(r *recorder, userID string) []bot.Outgoing {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []bot.Outgoing
	for _, m := range r.sent {
		if m.Staff == userID && strings.HasPrefix(m.Prompt, flows.ReadPromptPrefix) {
			out = append(out, m)
		}
	}
	return out
}

// A digest that fell due while Steady was down still goes out when it
// starts again, however late: words nobody reads are the harm it prevents.
func TestToReadDigestGoesOutLateAfterDowntime(t *testing.T) {
	b := setupNet(t, bot.Config{})
	enrolWith(t, b.bundle, netProfile)
	b.clock.Set(london(t, "2026-11-23 10:20"))
	b.says(t, "m1", "not sure what to say really")
	b.clock.Set(london(t, "2026-11-23 16:30")) // down from 10:20 to 16:30
	if _, err := b.sched.Tick(b.ctx, b.engine); err != nil {
		t.Fatal(err)
	}
	if d := digestsTo(b.msg, "u-sam"); len(d) != 1 || !strings.Contains(d[0].Text, "not sure what to say really") {
		t.Fatalf("the 11:00 digest after downtime: %+v", d)
	}
}

// Don't flood: an unread item comes back about once a day, to its worker
// and (without the words) to the lead, however many digests went out the
// day before; one digest message per digest time, items folded.
func TestUnreadItemsComeBackOnceADayNotOncePerDigest(t *testing.T) {
	b := setupNet(t, bot.Config{})
	enrolWith(t, b.bundle, netProfile)
	b.clock.Set(london(t, "2026-11-23 09:20")) // Monday
	b.says(t, "m1", "first thing i typed")
	b.says(t, "m2", "second thing i typed")
	advance(t, b.bundle, time.Hour) // the 10:00 digest
	b.says(t, "m3", "third thing i typed")
	advance(t, b.bundle, 50*time.Minute) // the 11:00 digest
	d := digestsTo(b.msg, "u-sam")
	if len(d) != 2 || strings.Count(d[0].Text, "thing i typed") != 2 || strings.Count(d[1].Text, "thing i typed") != 1 ||
		!strings.Contains(d[1].Text, "Still unread from earlier digests: 2.") {
		t.Fatalf("Monday's digests: %+v", d)
	}
	advance(t, b.bundle, 24*time.Hour) // Tuesday 11:00
	d = digestsTo(b.msg, "u-sam")[2:]
	shown := map[string]int{}
	for _, m := range d {
		for _, w := range []string{"first", "second", "third"} {
			shown[w] += strings.Count(m.Text, w+" thing")
		}
	}
	if shown["first"] != 1 || shown["second"] != 1 || shown["third"] != 1 {
		t.Errorf("Tuesday's reminders showed %v (in %d digests); want each item once", shown, len(d))
	}
	lead := digestsTo(b.msg, "u-jo")
	leadShown := 0
	for _, m := range lead {
		leadShown += strings.Count(m.Text, "Alex (Sam's client)")
		if strings.Contains(m.Text, "thing i typed") {
			t.Errorf("the lead saw the words: %q", m.Text)
		}
	}
	if leadShown != 3 {
		t.Errorf("the lead was shown %d items in %d digests; want the three once each", leadShown, len(lead))
	}
}
