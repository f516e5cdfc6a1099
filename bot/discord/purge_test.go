package discord

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"steady/bot"
	"steady/bot/discord/fakediscord"
	"steady/flows"
	"steady/store"
	"steady/store/redisstore"
	"steady/store/redistest"
)

// erasureSetup is the adapter over a store with two clients enrolled: alex
// (to be erased) and bea.
type erasureSetup struct {
	ctx             context.Context
	fake            *fakediscord.Server
	c               *Client
	st              *redisstore.Store
	alex, bea       string // their Discord users
	staff, stranger string
}

func newErasureSetup(t *testing.T, opt Options) erasureSetup {
	t.Helper()
	fake := startFake(t, fakediscord.Options{})
	rdb, prefix := redistest.New(t)
	st := redisstore.New(rdb, prefix)
	opt.Token, opt.APIURL, opt.Redis, opt.Prefix, opt.Records = fake.Token(), fake.URL, rdb, prefix, st
	opt.Backoff, opt.BackoffCap = time.Millisecond, 5*time.Millisecond
	c, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	e := erasureSetup{ctx: t.Context(), fake: fake, c: c, st: st, alex: fake.AddUser("alex"), bea: fake.AddUser("bea"),
		staff: fake.AddChannel("staff"), stranger: fake.AddUser("kim")}
	for id, user := range map[string]string{"alex": e.alex, "bea": e.bea} {
		if err := st.Enrol(e.ctx, store.Client{ID: id, DiscordID: user, TimeZone: "Europe/London", WorkerID: "sam"}); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func (e erasureSetup) dm(t *testing.T, client, user, key, text string) {
	t.Helper()
	if _, err := e.c.SendDM(e.ctx, user, bot.Outgoing{Audience: flows.ToClient, Client: client, Key: key, Text: text}); err != nil {
		t.Fatal(err)
	}
}

func (e erasureSetup) ping(t *testing.T, client, key, text string) {
	t.Helper()
	if _, err := e.c.Post(e.ctx, e.staff, bot.Outgoing{Audience: flows.ToWorker, Client: client, Key: key, Text: text}); err != nil {
		t.Fatal(err)
	}
}

// keysNaming lists the keys under the prefix that name a client.
func (e erasureSetup) keysNaming(t *testing.T, client string) []string {
	var out []string
	for key := range redistest.Dump(e.ctx, t, e.st.Redis(), e.st.Prefix()) {
		if strings.Contains(key, "{c:"+client+"}") {
			out = append(out, key)
		}
	}
	return out
}

// Erasure deletes what Steady posted about the client: every one of its DMs
// to them and every staff message about them (each part of a long one); the
// client's own words are theirs, and other clients' messages stay.
func TestForgetDeletesWhatWasPostedAboutTheClient(t *testing.T) {
	e := newErasureSetup(t, Options{})
	e.dm(t, "alex", e.alex, "a1", "How did you sleep, Alex?")
	e.dm(t, "alex", e.alex, "a2", "Thanks, that's logged")
	e.fake.UserPosts(e.alex, e.fake.DMsTo(e.alex)[0].ChannelID, "my own words")
	e.ping(t, "alex", "p1", strings.Repeat("Alex: two disrupted nights in a row.\n", 80)) // two parts
	e.ping(t, "bea", "p2", "Bea: low coping")
	e.dm(t, "bea", e.bea, "b1", "How did you sleep, Bea?")
	if _, err := e.c.SendDM(e.ctx, e.stranger, bot.Outgoing{Audience: flows.ToClient, Key: "s1", Text: "I don't know you"}); err != nil {
		t.Fatal(err)
	}
	if err := e.st.BeginErasure(e.ctx, "alex", "sam", "client request", time.Now()); err != nil {
		t.Fatal(err)
	}
	f, err := e.c.Forget(e.ctx, e.alex, "alex")
	if err != nil || f.Pending != 0 || f.Deleted != 4 {
		t.Fatalf("Forget = %+v, %v; want 4 deleted (two DMs, a two-part ping), none pending", f, err)
	}
	if got := e.fake.DMsTo(e.alex); len(got) != 0 {
		t.Fatalf("Steady's DMs to alex after Forget: %+v", got)
	}
	staff := e.fake.Messages(e.staff)
	if len(staff) != 1 || !strings.HasPrefix(staff[0].Content, "Bea") {
		t.Fatalf("staff channel after Forget: %+v", staff)
	}
	if len(e.fake.DMsTo(e.bea)) != 1 || len(e.fake.DMsTo(e.stranger)) != 1 {
		t.Fatal("someone else's DMs were deleted")
	}
	if left, _ := e.c.rdb.LLen(e.ctx, e.c.purgeKey()).Result(); left != 0 {
		t.Fatalf("%d deletions left on the list", left)
	}
}

// With Discord down the erasure still completes, and the deletions wait on
// a durable list (Discord ids only) until serve's sweep can make them.
func TestForgetWhenDiscordIsDownLeavesTheDeletionsForServe(t *testing.T) {
	e := newErasureSetup(t, Options{MaxRetries: 1})
	e.dm(t, "alex", e.alex, "a1", "How did you sleep, Alex?")
	e.ping(t, "alex", "p1", "Alex: two disrupted nights in a row.")
	e.st.BeginErasure(e.ctx, "alex", "sam", "client request", time.Now())
	// Each call is tried twice (MaxRetries 1): the ping's deletion and the
	// DM channel's listing both fail.
	e.fake.FailNext(http.MethodDelete, "/channels/{channel_id}/messages/{message_id}", http.StatusServiceUnavailable, 2)
	e.fake.FailNext(http.MethodGet, "/channels/{channel_id}/messages", http.StatusServiceUnavailable, 2)
	f, err := e.c.Forget(e.ctx, e.alex, "alex")
	if err != nil || f.Pending != 2 || f.Deleted != 0 {
		t.Fatalf("Forget with Discord down = %+v, %v; want 2 pending", f, err)
	}
	if err := e.st.EraseClient(e.ctx, "alex", "sam", "client request", time.Now()); err != nil {
		t.Fatal(err)
	}
	if keys := e.keysNaming(t, "alex"); len(keys) != 0 {
		t.Fatalf("alex's keys after erasure: %v", keys)
	}
	jobs, _ := e.c.rdb.LRange(e.ctx, e.c.purgeKey(), 0, -1).Result()
	if len(jobs) != 2 {
		t.Fatalf("pending deletions = %q", jobs)
	}
	for _, j := range jobs {
		if strings.Contains(j, "alex") {
			t.Fatalf("a deletion job names the client: %q", j)
		}
	}
	if len(e.fake.DMsTo(e.alex)) != 1 || len(e.fake.Messages(e.staff)) != 1 {
		t.Fatal("messages went while Discord was down?")
	}
	if n := e.fake.Count(http.StatusServiceUnavailable); n != 4 {
		t.Fatalf("%d failed calls, want 4", n)
	}
	// Discord is back: serve's sweep makes them.
	if left, err := e.c.PurgePending(e.ctx); err != nil || left != 0 {
		t.Fatalf("%d deletions still pending once Discord is back, %v", left, err)
	}
	if len(e.fake.DMsTo(e.alex)) != 0 || len(e.fake.Messages(e.staff)) != 0 {
		t.Fatalf("after serve's sweep: DMs %d, staff %d", len(e.fake.DMsTo(e.alex)), len(e.fake.Messages(e.staff)))
	}
}

// A delivery on its way when the erasure begins is taken back as soon as it
// lands, and leaves nothing in Redis.
func TestADeliveryRacingTheErasureIsTakenBack(t *testing.T) {
	e := newErasureSetup(t, Options{})
	e.dm(t, "alex", e.alex, "a1", "How did you sleep, Alex?") // the DM channel is known
	held, release := e.fake.HoldNext(http.MethodPost, "/channels/{channel_id}/messages", e.fake.DMsTo(e.alex)[0].ChannelID)
	done := make(chan error, 1)
	go func() {
		_, err := e.c.SendDM(e.ctx, e.alex, bot.Outgoing{Audience: flows.ToClient, Client: "alex", Key: "a2", Text: "Reminder, Alex",
			Prompt: strings.Repeat("alex|sleep_log||2026-11-23T07:30|", 3), Choices: []flows.Choice{{Label: "1", Value: "1"}}})
		done <- err
	}()
	<-held
	e.st.BeginErasure(e.ctx, "alex", "sam", "client request", time.Now())
	// Forget lists the DM channel, which waits (as on Discord, one bucket)
	// for the post in flight to the same channel.
	forgot := make(chan error, 1)
	go func() { _, err := e.c.Forget(e.ctx, e.alex, "alex"); forgot <- err }()
	release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := <-forgot; err != nil {
		t.Fatal(err)
	}
	if err := e.st.EraseClient(e.ctx, "alex", "sam", "client request", time.Now()); err != nil {
		t.Fatal(err)
	}
	if got := e.fake.DMsTo(e.alex); len(got) != 0 {
		t.Fatalf("after the erasure and the late delivery, DMs: %+v", got)
	}
	if d := e.fake.Deleted(); len(d) != 2 {
		t.Fatalf("deleted %d messages, want the two DMs", len(d))
	}
	if keys := e.keysNaming(t, "alex"); len(keys) != 0 {
		t.Fatalf("the late delivery left %v", keys)
	}
	if left, _ := e.c.rdb.LLen(e.ctx, e.c.purgeKey()).Result(); left != 0 {
		t.Fatalf("%d deletions left", left)
	}
}

// Long prompt ids are remembered with the client they are about, and a
// click finds them again; once the client is gone, nothing is remembered.
func TestLongPromptsAreKeptWithTheClient(t *testing.T) {
	e := newErasureSetup(t, Options{})
	long := "alex|debrief|" + strings.Repeat("2026-11-23T09:00-17:00,", 4) + "|2026-11-23T19:00"
	id, err := e.c.choiceID(e.ctx, "alex", long, "done")
	if err != nil || len(id) > maxCustomID || strings.Contains(id, "debrief") || !strings.HasSuffix(id, "@alex") {
		t.Fatalf("custom_id %q, %v", id, err)
	}
	got, ok := e.c.parseCustomID(e.ctx, id)
	if !ok || got.prompt != long || got.client != "alex" || got.choice != "done" {
		t.Fatalf("parsed %+v", got)
	}
	if keys := e.keysNaming(t, "alex"); !strings.Contains(strings.Join(keys, " "), "}:mark:prompt:") {
		t.Fatalf("the long prompt is not kept with alex: %v", keys)
	}
	e.st.BeginErasure(e.ctx, "alex", "sam", "client request", time.Now())
	if _, err := e.c.choiceID(e.ctx, "alex", long+"x", "done"); err != errClientGone {
		t.Fatalf("a long prompt for a client being erased: %v", err)
	}
}
