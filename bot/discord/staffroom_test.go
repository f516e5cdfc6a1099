package discord

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"steady/bot"
	"steady/bot/discord/fakediscord"
	"steady/flows"
)

func staffPing(key string) bot.Outgoing {
	return bot.Outgoing{Audience: flows.ToWorker, StaffName: "Sam O'Neill", Key: key, Text: "URGENT: Alex: crisis language.",
		Choices: []flows.Choice{{Label: "Acknowledge", Value: flows.ChoiceAck}, {Label: "Resolve", Value: flows.ChoiceResolve}},
		Prompt:  flows.IncidentPrompt("alex.crisis.2026-11-23T10:00")}
}

func countRequests(fake *fakediscord.Server, method, route string) int {
	n := 0
	for _, e := range fake.Traffic() {
		if e.Method == method && e.Route == route {
			n++
		}
	}
	return n
}

// A member of staff's pings land in a channel Steady makes for them once:
// only they, the lead role and Steady can see it, beside the staff channel.
func TestStaffPingsLandInTheirOwnPrivateChannel(t *testing.T) {
	fake := startFake(t, fakediscord.Options{})
	category := fake.AddCategory("staff")
	staffCh := fake.AddChannelIn("staff", category)
	leadRole, staffRole := fake.AddRole(), fake.AddRole()
	sam, jo, kim := fake.AddUser("sam"), fake.AddUser("jo"), fake.AddUser("kim")
	fake.AddMember(sam, staffRole)
	fake.AddMember(jo, staffRole, leadRole)
	fake.AddMember(kim, staffRole)
	c := newClient(t, fake, Options{GuildID: fake.GuildID, LeadRoleID: leadRole, StaffChannelID: staffCh})
	ctx := context.Background()

	first, err := c.SendStaff(ctx, sam, staffPing("p1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.SendStaff(ctx, sam, staffPing("p2")); err != nil {
		t.Fatal(err)
	}
	if n := countRequests(fake, http.MethodPost, "/guilds/{guild_id}/channels"); n != 1 {
		t.Fatalf("%d channels created for two pings, want 1", n)
	}
	room := first.ChannelID
	ch := channelByID(fake, room)
	if ch.Name != "steady-sam-o-neill" || ch.ParentID != category || !strings.Contains(ch.Topic, "Only Sam O'Neill, the leads and Steady") {
		t.Errorf("channel %+v", ch)
	}
	for user, want := range map[string]bool{sam: true, jo: true, fake.BotID: true, kim: false, fake.AddUser("stranger"): false} {
		if got := fake.CanSee(user, room); got != want {
			t.Errorf("can %s see Sam's channel: %v, want %v", user, got, want)
		}
	}
	msgs := fake.Messages(room)
	if len(msgs) != 2 || !strings.HasPrefix(msgs[0].Content, "<@"+sam+"> URGENT") || len(msgs[0].AllowedUsers) != 1 || msgs[0].AllowedUsers[0] != sam {
		t.Fatalf("messages in Sam's channel: %+v", msgs)
	}
	if b := msgs[0].Buttons(); len(b) != 2 {
		t.Errorf("buttons %+v", b)
	}
	if again, err := c.SendStaff(ctx, sam, staffPing("p1")); err != nil || again != first {
		t.Fatalf("a redelivered key: %+v %v, want %+v", again, err, first)
	}

	// Someone deletes the channel: the next ping makes a new one.
	fake.DeleteChannel(room)
	ref, err := c.SendStaff(ctx, sam, staffPing("p3"))
	if err != nil || ref.ChannelID == room || channelByID(fake, ref.ChannelID).Name != "steady-sam-o-neill" {
		t.Fatalf("after the channel was deleted: %+v %v", ref, err)
	}

	// Rewriting a ping by its key, wherever it landed.
	done := staffPing("")
	done.Text, done.Choices = "Acknowledged by Sam.\nURGENT: Alex: crisis language.", done.Choices[1:]
	if err := c.UpdateSent(ctx, "p2", done); err != nil {
		t.Fatal(err)
	}
	m, _ := fake.Message(msgs[1].ID)
	if !strings.Contains(m.Content, "Acknowledged by Sam.") || len(m.Buttons()) != 1 || m.Buttons()[0].Label != "Resolve" {
		t.Errorf("rewritten ping: %q %+v", m.Content, m.Buttons())
	}
	if err := c.UpdateSent(ctx, "never-sent", done); err != nil {
		t.Errorf("rewriting a key never delivered: %v", err)
	}
}

// Without the Manage Channels permission, pings go by DM, and Steady does
// not ask Discord again for every ping.
func TestStaffPingsGoByDMWithoutManageChannels(t *testing.T) {
	fake := startFake(t, fakediscord.Options{NoManageChannels: true})
	sam := fake.AddUser("sam")
	c := newClient(t, fake, Options{GuildID: fake.GuildID})
	ctx := context.Background()
	for i := range 3 {
		if _, err := c.SendStaff(ctx, sam, staffPing(fmt.Sprint("p", i))); err != nil {
			t.Fatal(err)
		}
	}
	if dms := fake.DMsTo(sam); len(dms) != 3 || len(dms[0].Buttons()) != 2 {
		t.Fatalf("DMs to Sam: %+v", dms)
	}
	if n := countRequests(fake, http.MethodPost, "/guilds/{guild_id}/channels"); n != 1 {
		t.Errorf("asked to create a channel %d times, want once", n)
	}
}

// A stranger's DM channel is not remembered, and the reply's delivery key
// only briefly.
func TestStrangersLeaveNoDMChannelBehind(t *testing.T) {
	fake := startFake(t, fakediscord.Options{})
	c := newClient(t, fake, Options{})
	ctx := context.Background()
	user := fake.AddUser("passer-by")
	if _, err := c.SendDM(ctx, user, bot.Outgoing{Audience: flows.ToClient, Text: "You're not signed up.", Key: "stranger/msg:1", Transient: true}); err != nil {
		t.Fatal(err)
	}
	if n, _ := c.rdb.HLen(ctx, c.dmKey()).Result(); n != 0 {
		t.Errorf("%d DM channels remembered after a stranger's reply", n)
	}
	if ttl, _ := c.rdb.TTL(ctx, c.opt.Prefix+":mark:"+sentMarker("stranger/msg:1")).Result(); ttl <= 0 || ttl > time.Hour {
		t.Errorf("the reply's delivery key lives %v, want at most an hour", ttl)
	}
}

// Urgent calls take the next free turn: fifteen routine posts queued first
// do not hold up an urgent one.
func TestUrgentCallsGoAheadOfRoutineOnes(t *testing.T) {
	fake := startFake(t, fakediscord.Options{})
	c := newClient(t, fake, Options{Rate: 20})
	var channels []string
	for i := range 16 {
		channels = append(channels, fake.AddChannel(fmt.Sprint("c", i)))
	}
	queued := make(chan int, 32)
	var turns []int // the priority of each turn handed out, in order
	c.out.mu.Lock()
	c.out.queued = func(p int) { queued <- p }
	c.out.granted = func(p int, route string) {
		if strings.HasSuffix(route, "/messages") {
			turns = append(turns, p)
		}
	}
	c.out.mu.Unlock()
	c.out.hold("", true, time.Minute) // a busy moment: everything waits its turn, until the test lets go
	ctx := context.Background()
	var wg sync.WaitGroup
	send := func(ch string, m bot.Outgoing) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Post(ctx, ch, m); err != nil {
				t.Error(err)
			}
		}()
	}
	for i := range 15 {
		send(channels[i], bot.Outgoing{Audience: flows.ToClient, Text: "routine", Key: fmt.Sprint("r", i)})
	}
	for range 15 {
		<-queued
	}
	send(channels[15], bot.Outgoing{Audience: flows.ToWorker, Text: "urgent", Key: "u", Urgent: true})
	if p := <-queued; p != urgentCalls {
		t.Fatalf("the urgent post queued as priority %d", p)
	}
	c.out.mu.Lock()
	c.out.nextSlot = time.Time{}
	c.out.kick()
	c.out.mu.Unlock()
	wg.Wait()
	c.out.mu.Lock()
	defer c.out.mu.Unlock()
	if len(turns) != 16 || turns[0] != urgentCalls {
		t.Fatalf("turns by priority %v: want the urgent post's first", turns)
	}
}

func channelByID(fake *fakediscord.Server, id string) fakediscord.Channel {
	for _, ch := range fake.Channels() {
		if ch.ID == id {
			return ch
		}
	}
	return fakediscord.Channel{}
}
