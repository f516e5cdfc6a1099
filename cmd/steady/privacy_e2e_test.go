package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"steady/bot"
	"steady/bot/discord/fakediscord"
)

// A crisis reaches the worker and the lead each in their own channel; the
// shared staff channel hears only that one of Sam's clients has an urgent
// incident and who knows; the lead acknowledging from her channel updates
// Sam's copy too.
func TestServeCrisisGoesPrivatelyAndTheStaffChannelGetsOnlyANotice(t *testing.T) {
	w := newWorldWith(t, fakediscord.Options{}, func(w *world, env map[string]string) {
		env["STEADY_LEAD_ID"] = "d" + w.leadUser // the worker id Steady gives a member of staff
	})
	client := w.enrol("alex", "off")
	kim := w.fake.AddUser("kim")
	w.fake.AddMember(kim, w.staffRole)
	w.command(w.leadUser, "caseload", nil) // Jo's first staff action makes her worker record

	w.fake.UserSendsDM(client, "I want to kill myself")
	samRoom := w.room(w.worker)
	ping := w.pingIn(samRoom, "Alex")
	if !strings.Contains(ping.Content, "URGENT: Alex: crisis language") {
		t.Fatalf("Sam's ping: %q", ping.Content)
	}
	var notice []string
	w.await("the notice in the staff channel", func() bool {
		notice = nil
		for _, m := range w.fake.Messages(w.staffCh) {
			if !m.Ephemeral {
				notice = append(notice, m.Content)
			}
		}
		return len(notice) > 0
	})
	if len(notice) != 1 || !strings.Contains(notice[0], "one of sam's clients: sam and jo have been told") {
		t.Fatalf("staff channel: %q", notice)
	}
	joRoom := w.room(w.leadUser)
	leadPing := w.pingIn(joRoom, "Alex")
	if !strings.HasPrefix(leadPing.Content, "<@"+w.leadUser+"> Urgent, sent to you and sam") {
		t.Fatalf("Jo's ping: %q", leadPing.Content)
	}
	w.noClientIn(w.staffCh, "Alex", "alex", "crisis", "kill")
	if w.fake.CanSee(kim, samRoom) || w.fake.CanSee(kim, joRoom) {
		t.Error("another worker can see Sam's or Jo's channel")
	}
	for _, m := range w.fake.Messages(samRoom) {
		if strings.Contains(m.Content, "kill") {
			t.Errorf("the client's words reached staff: %q", m.Content)
		}
	}
	// Sam acknowledges; every copy loses its Acknowledge button.
	if got := w.reply(w.click(w.worker, ping, "Acknowledge")); got != "Done." {
		t.Fatalf("Acknowledge: %q", got)
	}
	for _, copy := range []fakediscord.Message{ping, leadPing} {
		w.await("a copy of the ping rewritten", func() bool {
			m, _ := w.fake.Message(copy.ID)
			return strings.Contains(m.Content, "Acknowledged by sam") && len(m.Buttons()) == 1
		})
	}
	// /incident resolve says how many it resolved.
	if got := w.command(w.worker, "incident", map[string]any{"resolve": map[string]any{"client": "alex", "outcome": "called Alex; safe with family tonight"}}); !strings.Contains(got, "Resolved 1 open incident") {
		t.Fatalf("/incident resolve: %q", got)
	}
}

// Without permission to create channels, pings go to the worker by DM, and
// the buttons work there, checked against the worker's roles in the server.
func TestServeStaffPingsGoByDMWhenSteadyCannotMakeChannels(t *testing.T) {
	w := newWorldWith(t, fakediscord.Options{NoManageChannels: true}, nil)
	client := w.enrol("alex", "off")
	w.fake.UserSendsDM(client, "I want to kill myself")
	var ping fakediscord.Message
	w.await("the ping in Sam's DMs", func() bool {
		for _, m := range w.fake.DMsTo(w.worker) {
			if strings.Contains(m.Content, "URGENT: Alex: crisis language") && len(m.Buttons()) == 2 {
				ping = m
				return true
			}
		}
		return false
	})
	if id := roomOf(w.fake, w.worker); id != "" {
		t.Fatalf("a channel was made without permission: %s", id)
	}
	w.noClientIn(w.staffCh, "Alex", "alex")
	if got := w.reply(w.click(w.worker, ping, "Acknowledge")); got != "Done." {
		t.Fatalf("Acknowledge in a DM: %q", got)
	}
	if !strings.Contains(w.logs.String(), "Manage Channels") {
		t.Error("the logs do not say what permission is missing")
	}
}

// A client's answer button pressed anywhere but their DMs does nothing: it
// does not answer for them, nor edit the message it is on.
func TestServeClientAnswerButtonsActOnlyInDMs(t *testing.T) {
	w := newWorld(t)
	client := w.enrol("alex", "off")
	w.morning(0)
	prompt := w.lastDM(client, 1)
	staffPost := w.fake.Messages(w.staffCh)
	if len(staffPost) == 0 {
		t.Fatal("no message in the staff channel to press a button on")
	}
	target := staffPost[0]
	target.ChannelID = w.staffCh
	menu, _ := prompt.SelectOptions()
	if menu == "" {
		t.Fatalf("no menu on %q", prompt.Content)
	}
	id := w.fake.Choose(w.worker, target, menu, "22:00")
	if got := w.reply(id); !strings.Contains(got, "client's own DMs") {
		t.Fatalf("a client's answer chosen in the staff channel: %q", got)
	}
	// The "type my answer" button, likewise.
	for _, b := range prompt.Buttons() {
		if got := w.reply(w.fake.Click(w.worker, target, b.CustomID)); !strings.Contains(got, "client's own DMs") {
			t.Fatalf("%q pressed in the staff channel: %q", b.Label, got)
		}
	}
	if m, _ := w.fake.Message(target.ID); m.Content != target.Content || m.Edited {
		t.Errorf("the staff channel's message was edited: %q", m.Content)
	}
	// The client's conversation did not move: their own tap still answers.
	w.tap(client, prompt, "10pm", "22:00")
	if got := w.lastDM(client, 2).Content; !strings.Contains(got, "fall asleep") {
		t.Fatalf("the client's own tap after the stray one: %q", got)
	}
}

// Client commands are global, so they exist in a DM with Steady; staff
// commands are the server's, hidden from members until an admin allows
// the staff role.
func TestServeCommandsAreRegisteredWhereTheyWork(t *testing.T) {
	w := newWorld(t)
	global, guild := w.fake.Commands("global"), w.fake.Commands(w.fake.GuildID)
	names := func(cmds []map[string]any) map[string]map[string]any {
		out := map[string]map[string]any{}
		for _, c := range cmds {
			out[fmt.Sprint(c["name"])] = c
		}
		return out
	}
	g, s := names(global), names(guild)
	for _, n := range []string{"mydata", "erase", "checkin", "pause", "help"} {
		c, ok := g[n]
		if !ok || s[n] != nil {
			t.Errorf("/%s: global %v, in the server %v; want global only", n, ok, s[n] != nil)
			continue
		}
		if fmt.Sprint(c["contexts"]) != "[0 1]" || fmt.Sprint(c["integration_types"]) != "[0]" {
			t.Errorf("/%s: contexts %v, integration_types %v", n, c["contexts"], c["integration_types"])
		}
	}
	for _, n := range []string{"enrol", "client", "incident", "caseload", "report"} {
		c, ok := s[n]
		if !ok || g[n] != nil {
			t.Errorf("/%s: in the server %v, global %v; want the server only", n, ok, g[n] != nil)
			continue
		}
		if fmt.Sprint(c["default_member_permissions"]) != "0" {
			t.Errorf("/%s: default_member_permissions %v, want \"0\"", n, c["default_member_permissions"])
		}
	}
	// /erase in a DM with the bot.
	client := w.enrol("alex", "off")
	w.morning(0)
	dm := w.lastDM(client, 1).ChannelID
	id, err := w.fake.Command(client, dm, "erase", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := w.reply(id); !strings.Contains(got, "can't be undone") {
		t.Fatalf("/erase in a DM: %q", got)
	}
}

// A client who floods Steady with DMs gets a bounded number of replies and
// is told why once; crisis language among them still reaches the worker.
func TestServeAFloodOfDMsIsThrottledButCrisisGetsThrough(t *testing.T) {
	// Discord's 5-per-5s limit on one DM channel would only make this slow.
	w := newWorldWith(t, fakediscord.Options{RouteLimit: 1000, RouteWindow: time.Second}, nil)
	client := w.enrol("alex", "off")
	const flood = 40
	for i := range flood {
		w.fake.UserSendsDM(client, fmt.Sprint("hello ", i))
	}
	w.fake.UserSendsDM(client, "I want to kill myself")
	w.pingIn(w.room(w.worker), "Alex")
	w.await("every DM handed to the engine", func() bool {
		_, metrics := w.get("/metrics")
		return strings.Contains(metrics, fmt.Sprintf("steady_answers_total %d", flood+1))
	})
	w.main.Close() // finishes what is in hand
	replies := w.fake.DMsTo(client)[w.welcomed[client]:]
	told := 0
	for _, m := range replies {
		if strings.Contains(m.Content, "sent a lot of messages") {
			told++
		}
	}
	// The crisis reply and the note that staff know come on top.
	if max := bot.DefaultInboundBurst + 1 + 2; len(replies) > max || told != 1 {
		t.Fatalf("%d DMs got %d replies (told %d times); want at most %d, told once", flood+1, len(replies), told, max)
	}
}
