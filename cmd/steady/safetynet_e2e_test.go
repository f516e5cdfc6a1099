package main

import (
	"strings"
	"testing"
	"time"

	"steady/bot/discord/fakediscord"
)

// at moves the fake clock to t once the scheduler sleeps, so it cannot miss the move.
func (w *world) at(t time.Time) {
	w.t.Helper()
	if err := w.clock.BlockUntilTimerAt(w.ctx, w.clock.Now().Add(schedulerPoll)); err != nil {
		w.t.Fatalf("the scheduler never went to sleep: %v", err)
	}
	w.clock.Set(t)
}

// dmWith waits for a DM to user containing text and returns the latest such.
func (w *world) dmWith(user, text string) fakediscord.Message {
	w.t.Helper()
	var found fakediscord.Message
	w.await("a DM saying "+text, func() bool {
		for _, m := range w.fake.DMsTo(user) {
			if strings.Contains(m.Content, text) {
				found = m
			}
		}
		return found.ID != ""
	})
	return found
}

func countDMs(fake *fakediscord.Server, user, text string) int {
	n := 0
	for _, m := range fake.DMsTo(user) {
		if strings.Contains(m.Content, text) {
			n++
		}
	}
	return n
}

// An edit of a DM that now reads as a crisis is handled as one; an update
// that is not an edit (a link preview arriving) is left alone.
func TestServeReadsAnEditedDMAgain(t *testing.T) {
	w := newWorld(t)
	client := w.enrol("alex", "off")
	id := w.fake.UserSendsDM(client, "ok")
	w.lastDM(client, 1)
	if err := w.fake.UserEditsMessage(client, id, "i want to kill myself"); err != nil {
		t.Fatal(err)
	}
	w.dmWith(client, "116 123")
	ping := w.staffPing("Alex")
	if !strings.Contains(ping.Content, "URGENT") || strings.Contains(ping.Content, "kill myself") {
		t.Fatalf("staff ping: %q", ping.Content)
	}
	if err := w.fake.EmbedArrives(id); err != nil {
		t.Fatal(err)
	}
	// A later message is the sync point: by its reply, the update was handled.
	w.fake.UserSendsDM(client, "thanks")
	w.await("the reply to thanks", func() bool { return countDMs(w.fake, client, "nothing open") >= 2 })
	if n := countDMs(w.fake, client, "thank you for telling me"); n != 1 {
		t.Fatalf("%d crisis replies; the preview update was read as a new edit", n)
	}
}

// Threads under the peer channel are read as the channel is, whether the
// bot saw the thread start or meets it first with a message; threads
// elsewhere are not Steady's to read.
func TestServeWatchesThreadsUnderThePeerChannel(t *testing.T) {
	w := newWorld(t)
	member := w.fake.AddUser("river")
	w.fake.AddMember(member)
	elsewhere, err := w.fake.UserStartsThread(member, w.general, "lunch plans")
	if err != nil {
		t.Fatal(err)
	}
	w.fake.UserPosts(member, elsewhere, "i want to end my own life")
	started, err := w.fake.UserStartsThread(member, w.peerCh, "rough week")
	if err != nil {
		t.Fatal(err)
	}
	old, err := w.fake.AddThread(w.peerCh, "from before the bot started")
	if err != nil {
		t.Fatal(err)
	}
	for _, thread := range []string{started, old} {
		w.fake.UserPosts(member, thread, "i want to end my own life")
		w.await("a kind reply in the thread", func() bool {
			for _, m := range w.fake.Messages(thread) {
				if m.AuthorID == w.fake.BotID && strings.Contains(m.Content, "116 123") {
					return true
				}
			}
			return false
		})
		w.await("the moderators' alert", func() bool {
			for _, m := range w.fake.Messages(w.staffCh) {
				if strings.Contains(m.Content, "Possible crisis") && strings.Contains(m.Content, "<#"+thread+">") {
					return true
				}
			}
			return false
		})
	}
	for _, m := range w.fake.Messages(elsewhere) {
		if m.AuthorID == w.fake.BotID {
			t.Errorf("the bot answered in a thread outside the peer channel: %q", m.Content)
		}
	}
}

// Words typed into slash-command options are read: a client's go through
// the crisis interceptor before the command runs; a member of staff's note
// that reads as a crisis raises nothing but is answered.
func TestServeReadsWordsInSlashCommandOptions(t *testing.T) {
	w := newWorld(t)
	client := w.enrol("alex", "off")

	got := w.command(w.worker, "schedule", map[string]any{"reminder": map[string]any{"client": "alex", "when": "2026-12-01",
		"note": "check how she is: she told me i want to kill myself"}})
	if !strings.Contains(got, "Your note about Alex reads as though they may be at risk") || !strings.Contains(got, "crisis procedure") {
		t.Fatalf("the staff note's answer: %q", got)
	}
	if routine := w.command(w.worker, "job", map[string]any{"client": "alex", "status": "started", "note": "new role, same employer"}); strings.Contains(routine, "at risk") {
		t.Fatalf("a routine note was answered as risk: %q", routine)
	}
	for _, m := range w.fake.Messages(w.staffCh) {
		if strings.Contains(m.Content, "URGENT") {
			t.Fatalf("a staff note raised an incident: %q", m.Content)
		}
	}

	dm := w.lastDM(client, 0).ChannelID
	id, err := w.fake.Command(client, dm, "pause", map[string]any{"until": "forever, i want to kill myself"})
	if err != nil {
		t.Fatal(err)
	}
	if reply := w.reply(id); !strings.Contains(reply, "sent you a message") {
		t.Fatalf("/pause with crisis words answered %q", reply)
	}
	w.dmWith(client, "116 123")
	w.staffPing("Alex")
	if n := countDMs(w.fake, client, "paused"); n != 0 {
		t.Fatalf("the pause went ahead as if nothing had been said (%d DMs about pausing)", n)
	}
}

// The human backstop: a message Steady did not understand reaches the
// worker's digest, privately where their pings go, at the next digest time,
// with an Acknowledge button that works.
func TestServeToReadDigestWithAWorkingAcknowledgeButton(t *testing.T) {
	w := newWorld(t)
	client := w.enrol("alex", "off")
	w.fake.UserSendsDM(client, "work was grim, not sure about any of it")
	w.lastDM(client, 1)
	w.at(e2eStart.Add(time.Hour)) // 07:00: the next full hour; no working hours set, so always at work
	var digest fakediscord.Message
	room := w.room(w.worker)
	w.await("the digest in the worker's private channel", func() bool {
		for _, m := range w.fake.Messages(room) {
			if strings.Contains(m.Content, "To read: 1 message") {
				digest = m
			}
		}
		return digest.ID != ""
	})
	if n := countDMs(w.fake, w.worker, "To read"); n != 0 {
		t.Fatalf("the digest also went by DM (%d)", n)
	}
	if !strings.Contains(digest.Content, "\"work was grim, not sure about any of it\"") {
		t.Fatalf("digest: %q", digest.Content)
	}
	for _, m := range w.fake.Messages(w.staffCh) {
		if strings.Contains(m.Content, "grim") {
			t.Fatalf("the client's words reached the shared staff channel: %q", m.Content)
		}
	}
	if passer := w.fake.AddUser("passer-by"); w.fake.CanSee(passer, room) || w.fake.CanSee(client, room) {
		t.Fatal("someone other than the worker and the lead can see the digest")
	}
	if got := w.reply(w.click(w.worker, digest, "Acknowledge 1")); !strings.Contains(got, "Marked as read: 1") {
		t.Fatalf("Acknowledge answered %q", got)
	}
	if n, _ := redisClient(t).HLen(w.ctx, w.main.Config.Prefix+":{c:alex}:toread").Result(); n != 0 {
		t.Fatalf("%d items still on the list after acknowledging", n)
	}
	if got := w.reply(w.click(w.worker, digest, "Acknowledge 1")); !strings.Contains(got, "already been read") {
		t.Fatalf("a second tap answered %q", got)
	}
}
