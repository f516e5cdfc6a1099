package bot_test

import (
	"strings"
	"testing"
	"time"

	"steady/bot"
	"steady/flows"
	"steady/store"
)

func TestWeeklyHuddleNamesOnlyInEachWorkersOwnCopy(t *testing.T) {
	b, _ := setup(t)
	enrolWith(t, b, strings.Replace(escalationProfile, "time_zone: Europe/London}", "time_zone: Europe/London, job_start: \"2026-11-16\"}", 1))
	b.clock.Set(london(t, "2026-11-23 10:00"))
	if err := b.engine.RaiseForTest(b.ctx, "alex", twoNights("2026-11-22")); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"2026-11-22"} {
		if err := b.engine.StepForTest(b.ctx, "alex", flows.SaveSleep{Entry: store.SleepEntry{Night: n, Bedtime: "02:00", WakeTime: "05:00", AsleepMin: 180, Quality: 2}}); err != nil {
			t.Fatal(err)
		}
	}
	if reply, err := b.engine.FlagBenefit(b.ctx, "sam", "alex", "ESA to Universal Credit", "2026-12-01"); err != nil || !strings.HasPrefix(reply, "Flagged") {
		t.Fatalf("flag benefit: %q %v", reply, err)
	}
	if err := b.engine.ScheduleService(b.ctx); err != nil {
		t.Fatal(err)
	}
	advance(t, b, 7*24*time.Hour) // past Monday 30 Nov 09:30
	// The staff channel gets counts; Sam's copy (names) goes to Sam and the
	// lead's to the lead, each privately.
	staff, own, lead := b.msg.sentFull(flows.ToStaff), starting(b.msg.sentFull(flows.ToWorker), "Your caseload"), starting(b.msg.sentFull(flows.ToLead), "Whole caseload")
	if len(staff) != 1 || len(own) != 1 || len(lead) != 1 {
		t.Fatalf("want the staff post, Sam's copy and the lead's copy, got %d, %d, %d:\n%s", len(staff), len(own), len(lead),
			strings.Join(append(append(staff, own...), lead...), "\n---\n"))
	}
	for i, m := range b.msg.sent {
		want := map[flows.Audience]string{flows.ToStaff: "channel:staff", flows.ToWorker: "staff:u-sam", flows.ToLead: "staff:u-jo"}[m.Audience]
		if strings.Contains(m.Text, "caseload") && b.msg.dest[i] != want {
			t.Errorf("%s copy went to %s, want %s", m.Audience, b.msg.dest[i], want)
		}
	}
	channel := staff[0]
	ownText := own[0]
	if strings.Contains(channel, "Alex") || !strings.Contains(channel, "open incidents: 1") || !strings.Contains(channel, "benefit transitions flagged: 1") || !strings.Contains(channel, "new job starts in their first four weeks: 1") {
		t.Errorf("staff channel post:\n%s", channel)
	}
	for _, want := range []string{"Alex:", "incident (two disrupted nights in a row)", "new job, week 3", "benefit transition: ESA to Universal Credit on 2026-12-01"} {
		if !strings.Contains(ownText, want) {
			t.Errorf("Sam's copy lacks %q:\n%s", want, ownText)
		}
	}
	// The sleep entries were a week before this huddle: not "this week".
	if strings.Contains(ownText, "1 disrupted night") {
		t.Errorf("last week's nights counted as this week's:\n%s", ownText)
	}
	// A retried occurrence does not post twice.
	before := len(b.msg.sent)
	audit, _ := b.store.Audit(b.ctx, "_service", "")
	if len(audit) != 1 || audit[0].Action != "huddle.posted" {
		t.Fatalf("service audit: %+v", audit)
	}
	key := audit[0].Reason[strings.Index(audit[0].Reason, "[")+1 : len(audit[0].Reason)-1]
	if err := b.engine.Fire(b.ctx, occurrenceFor(key)); err != nil {
		t.Fatal(err)
	}
	if after := len(b.msg.sent); after != before {
		t.Errorf("huddle posted again on a retried occurrence: %d → %d", before, after)
	}
}

func TestPeerChannelWatchAlertsModeratorsAndKeepsNothing(t *testing.T) {
	b, keys := setup(t)
	enrolWith(t, b, escalationProfile)
	b.clock.Set(london(t, "2026-11-28 23:10"))
	before := len(keys("*"))
	const words = "honestly i want to die right now"
	for i := 0; i < 2; i++ { // Discord redelivers: handled once
		if err := b.engine.HandlePeerMessage(b.ctx, bot.PeerMessage{ChannelID: "peer", MessageID: "m1", AuthorID: "u-stranger", Text: words}); err != nil {
			t.Fatal(err)
		}
	}
	peer, mods := b.msg.sentFull(flows.ToPeer), b.msg.sentFull(flows.ToModerator)
	if len(peer) != 1 || !strings.Contains(peer[0], "Samaritans: 116 123") || !strings.Contains(peer[0], "SHOUT to 85258") {
		t.Errorf("support reply in the channel: %q", peer)
	}
	if len(mods) != 1 || !strings.Contains(mods[0], "message m1") || strings.Contains(mods[0], "die") {
		t.Errorf("moderator alert (with a pointer, never the words): %q", mods)
	}
	// A stranger's post leaves nothing of theirs: only the service's audit and outbox keys may appear.
	for _, k := range keys("*") {
		if strings.Contains(k, "u-stranger") {
			t.Errorf("key names the author: %s", k)
		}
	}
	audit, _ := b.store.Audit(b.ctx, bot.ServiceID, "")
	for _, ev := range audit {
		if strings.Contains(ev.Reason, "die") || strings.Contains(ev.Reason, "u-stranger") {
			t.Errorf("audit keeps the words or the author: %+v", ev)
		}
	}
	if after := len(keys("*")); after > before+2 {
		t.Errorf("%d new keys for a stranger's post", after-before)
	}
	if incs, _ := b.store.Incidents(b.ctx, "alex"); len(incs) != 0 {
		t.Errorf("a stranger's post raised an incident for a client: %+v", incs)
	}

	// Everyday talk gets nothing.
	if err := b.engine.HandlePeerMessage(b.ctx, bot.PeerMessage{ChannelID: "peer", MessageID: "m2", AuthorID: "u-x", Text: "this rota is killing me, dead on my feet"}); err != nil {
		t.Fatal(err)
	}
	if n := len(b.msg.sentFull(flows.ToModerator)); n != 1 {
		t.Errorf("everyday talk alerted the moderators")
	}

	// An enrolled client's crisis in the channel reaches their worker and the lead at once.
	if err := b.engine.HandlePeerMessage(b.ctx, bot.PeerMessage{ChannelID: "peer", MessageID: "m3", AuthorID: "u-alex", Text: words}); err != nil {
		t.Fatal(err)
	}
	incs, _ := b.store.Incidents(b.ctx, "alex")
	if len(incs) != 1 || !incs[0].Urgent || len(b.msg.sentTo(flows.ToLead)) != 1 {
		t.Fatalf("client's crisis in the peer channel: incidents %+v, lead %q", incs, b.msg.sentTo(flows.ToLead))
	}
}

func starting(texts []string, prefix string) []string {
	var out []string
	for _, t := range texts {
		if strings.HasPrefix(t, prefix) {
			out = append(out, t)
		}
	}
	return out
}
