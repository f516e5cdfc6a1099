package discord

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"steady/bot/discord/fakediscord"
	"steady/store"
	"steady/store/redisstore"
	"steady/store/redistest"
)

// countingEngine answers /caseload and counts how often it was asked.
type countingEngine struct {
	Engine
	asked *atomic.Int32
}

func (e countingEngine) StaffMember(_ context.Context, discordID, name string, lead bool) (store.Worker, error) {
	return store.Worker{ID: "sam", DiscordID: discordID, Name: name}, nil
}

func (e countingEngine) Caseload(context.Context, string) (string, error) {
	e.asked.Add(1)
	return "Alex (alex): active", nil
}

// Issue 13: every replica's gateway session receives every interaction; one
// replica claims it in Redis and alone runs the command and answers it, so
// Discord never gets a second callback (400, code 40060) and a command is
// never run twice.
func TestOneReplicaAnswersEachInteraction(t *testing.T) {
	fake := startFake(t, fakediscord.Options{})
	staffRole := fake.AddRole()
	worker := fake.AddUser("sam")
	fake.AddMember(worker, staffRole)
	ch := fake.AddChannel("staff")
	rdb, prefix := redistest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var asked atomic.Int32
	var fleet []*Client
	for range 3 {
		c, err := New(Options{Token: fake.Token(), APIURL: fake.URL, Redis: rdb, Prefix: prefix, Records: redisstore.New(rdb, prefix),
			GuildID: fake.GuildID, StaffRoleID: staffRole})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Open(ctx, countingEngine{asked: &asked}); err != nil {
			t.Fatal(err)
		}
		fleet = append(fleet, c)
	}
	if _, identifies, _ := fake.GatewayState(); identifies != 3 {
		t.Fatalf("%d gateway sessions, want one per replica", identifies)
	}
	id, err := fake.Command(worker, ch, "caseload", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := fake.Await(ctx, func() bool {
		m, ok := fake.Message(fake.Interaction(id).Original)
		return ok && m.Content == "Alex (alex): active"
	}); err != nil {
		t.Fatalf("no answer: %v", err)
	}
	for _, c := range fleet {
		c.Close() // waits for each replica's handling of the event
	}
	if n := asked.Load(); n != 1 {
		t.Errorf("the command ran %d times across the fleet, want once", n)
	}
	if n := len(fake.Interaction(id).Responses); n != 1 {
		t.Errorf("%d callbacks accepted, want 1", n)
	}
	if n := fake.Count(http.StatusBadRequest); n != 0 {
		t.Errorf("%d requests refused with 400 (a second callback is one)", n)
	}
}
