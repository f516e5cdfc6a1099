package discord

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"steady/bot"
	"steady/bot/discord/fakediscord"
	"steady/flows"
	"steady/store"
	"steady/store/redisstore"
	"steady/store/redistest"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// newClient is the adapter against the fake, without a gateway session:
// these tests drive the Messenger side and the REST outbox.
func newClient(t *testing.T, fake *fakediscord.Server, opt Options) *Client {
	t.Helper()
	rdb, prefix := redistest.New(t)
	opt.Token, opt.APIURL, opt.Redis, opt.Prefix = fake.Token(), fake.URL, rdb, prefix
	if opt.Records == nil {
		opt.Records = redisstore.New(rdb, prefix)
	}
	if opt.Backoff == 0 {
		opt.Backoff, opt.BackoffCap = time.Millisecond, 5*time.Millisecond
	}
	c, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// serviceMarker is where the store keeps one of the service's own markers
// (a message about no client).
func serviceMarker(c *Client, name string) string { return c.opt.Prefix + ":mark:" + name }

func startFake(t *testing.T, opt fakediscord.Options) *fakediscord.Server {
	t.Helper()
	fake, err := fakediscord.Start(opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	t.Cleanup(func() {
		for _, e := range fake.Invalid() {
			t.Errorf("invalid exchange %s %s: %s", e.Method, e.Route, strings.Join(e.Problems, "; "))
		}
	})
	return fake
}

func prompt(key string, choices ...string) bot.Outgoing {
	m := bot.Outgoing{Audience: flows.ToClient, Text: "How are you?", Prompt: "alex|weekly_checkin||2026-11-23T10:00", Key: key}
	for _, c := range choices {
		m.Choices = append(m.Choices, flows.Choice{Label: c, Value: c})
	}
	return m
}

func TestSendDMRendersChoicesAndNeverSendsAKeyTwice(t *testing.T) {
	fake := startFake(t, fakediscord.Options{})
	c := newClient(t, fake, Options{})
	ctx := context.Background()
	user := fake.AddUser("alex")
	first, err := c.SendDM(ctx, user, prompt("k1", "1", "2", "3", "4", "5"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.SendDM(ctx, user, prompt("k1", "1", "2", "3", "4", "5"))
	if err != nil || again != first {
		t.Fatalf("a redelivered key: %v %+v, want the first message %+v", err, again, first)
	}
	if _, err := c.SendDM(ctx, user, prompt("k2", "a", "b", "c", "d", "e", "f")); err != nil {
		t.Fatal(err)
	}
	dms := fake.DMsTo(user)
	if len(dms) != 2 {
		t.Fatalf("%d DMs, want 2", len(dms))
	}
	if b := dms[0].Buttons(); len(b) != 6 || b[5].Label != "Type my answer" {
		t.Fatalf("five choices: buttons %+v, want five and \"Type my answer\"", b)
	}
	if id, values := dms[1].SelectOptions(); id == "" || len(values) != 6 {
		t.Fatalf("six choices: menu %q %v, want a menu of six", id, values)
	}
	if n := countRoute(fake, "/users/@me/channels"); n != 1 {
		t.Fatalf("DM channel opened %d times, want once (cached)", n)
	}
}

// Issue 12: a client's options carry their numbers (1️⃣ Harder), as `steady
// try` prints "[1] Harder", so typing 2 picks the second in both; values
// (a 0 1 2 3 4+ count, a 1–5 scale) carry none that could be taken for one.
func TestOptionsAreNumberedAndValuesAreNot(t *testing.T) {
	fake := startFake(t, fakediscord.Options{})
	c := newClient(t, fake, Options{})
	ctx := context.Background()
	user := fake.AddUser("alex")
	options := prompt("k1", "Harder", "About the same", "Easier")
	values := prompt("k2", "0", "1", "2", "3", "4+")
	values.ValueChoices = true
	staff := prompt("k3", "Acknowledge", "Resolve")
	staff.Audience = flows.ToWorker
	for _, m := range []bot.Outgoing{options, values, staff} {
		if _, err := c.SendDM(ctx, user, m); err != nil {
			t.Fatal(err)
		}
	}
	dms := fake.DMsTo(user)
	var got [][]string
	for _, dm := range dms {
		var emoji []string
		for _, b := range dm.Buttons() {
			if b.Label != "Type my answer" {
				emoji = append(emoji, b.Emoji)
			}
		}
		got = append(got, emoji)
	}
	want := [][]string{{"1\ufe0f\u20e3", "2\ufe0f\u20e3", "3\ufe0f\u20e3"}, {"", "", "", "", ""}, {"", ""}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("button numbers %q, want %q", got, want)
	}
}

// Every free-text option of a slash command has a max_length, the bound the
// engine holds it to, so Discord's own form stops an over-long value.
func TestEveryTextOptionIsBounded(t *testing.T) {
	var check func(path string, opts []*discordgo.ApplicationCommandOption)
	check = func(path string, opts []*discordgo.ApplicationCommandOption) {
		for _, o := range opts {
			switch {
			case o.Type == discordgo.ApplicationCommandOptionSubCommand:
				check(path+"/"+o.Name, o.Options)
			case o.Type == discordgo.ApplicationCommandOptionString && len(o.Choices) == 0 && o.MaxLength <= 0:
				t.Errorf("/%s %s has no max_length", path, o.Name)
			}
		}
	}
	c := &Client{}
	for name, cmd := range c.commands() {
		check(name, cmd.def.Options)
	}
	if n := (&Client{}).commands()["plan"].def.Options[0].Options[2].MaxLength; n != bot.MaxPlanValueRunes {
		t.Errorf("/plan edit value bounded to %d, want %d", n, bot.MaxPlanValueRunes)
	}
}

func TestNonceStopsADuplicateWhenTheAnswerIsLost(t *testing.T) {
	fake := startFake(t, fakediscord.Options{})
	c := newClient(t, fake, Options{})
	ctx := context.Background()
	user := fake.AddUser("alex")
	if _, err := c.SendDM(ctx, user, prompt("k1")); err != nil {
		t.Fatal(err)
	}
	// As if the process died after Discord posted but before Redis heard:
	c.rdb.Del(ctx, serviceMarker(c, sentMarker("k1")))
	if _, err := c.SendDM(ctx, user, prompt("k1")); err != nil {
		t.Fatal(err)
	}
	if n := len(fake.DMsTo(user)); n != 1 {
		t.Fatalf("%d copies posted, want 1 (enforce_nonce)", n)
	}
}

func TestOutboxRetriesServerErrorsAndHonoursRateLimits(t *testing.T) {
	fake := startFake(t, fakediscord.Options{})
	c := newClient(t, fake, Options{})
	ctx := context.Background()
	ch := fake.AddChannel("staff")
	fake.FailNext(http.MethodPost, "/channels/{channel_id}/messages", http.StatusBadGateway, 2)
	if _, err := c.Post(ctx, ch, bot.Outgoing{Audience: flows.ToWorker, Text: "ping", Key: "p1"}); err != nil {
		t.Fatalf("two 502s then success: %v", err)
	}
	if n := len(fake.Messages(ch)); n != 1 {
		t.Fatalf("%d messages after retries, want 1", n)
	}
	// Five posts use the channel's bucket (5 per 5s); the sixth waits for the
	// reset Discord announced instead of earning a 429.
	for i := 2; i <= 6; i++ {
		if _, err := c.Post(ctx, ch, bot.Outgoing{Audience: flows.ToWorker, Text: "ping", Key: fmt.Sprint("p", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if n := fake.Count(http.StatusTooManyRequests); n != 0 {
		t.Fatalf("%d 429s; the outbox should wait out the bucket", n)
	}
	if s := c.Stats(); s.Retries != 2 || s.QueueDepth != 0 {
		t.Fatalf("stats %+v, want 2 retries and an empty queue", s)
	}
}

func TestOutboxGivesUpAfterItsRetries(t *testing.T) {
	fake := startFake(t, fakediscord.Options{})
	c := newClient(t, fake, Options{MaxRetries: 2})
	ch := fake.AddChannel("staff")
	fake.FailNext(http.MethodPost, "/channels/{channel_id}/messages", http.StatusServiceUnavailable, 3)
	_, err := c.Post(context.Background(), ch, bot.Outgoing{Audience: flows.ToWorker, Text: "ping", Key: "p1"})
	if err == nil {
		t.Fatal("three 503s with two retries: want an error, so the engine keeps the message queued")
	}
	if ok, _ := c.rdb.Exists(context.Background(), serviceMarker(c, sentMarker("p1"))).Result(); ok != 0 {
		t.Fatal("a failed send was recorded as delivered")
	}
}

func TestClosedDMsAreUnreachable(t *testing.T) {
	fake := startFake(t, fakediscord.Options{})
	c := newClient(t, fake, Options{})
	user := fake.AddUser("ben")
	fake.CloseDMs(user)
	_, err := c.SendDM(context.Background(), user, prompt("k1"))
	var un bot.ErrUnreachable
	if !errors.As(err, &un) {
		t.Fatalf("got %v, want bot.ErrUnreachable", err)
	}
}

func TestLongMessagesAreSplitAtDiscordsLimit(t *testing.T) {
	fake := startFake(t, fakediscord.Options{})
	c := newClient(t, fake, Options{})
	ch := fake.AddChannel("staff")
	long := strings.Repeat("evidence line that goes on a bit\n", 100)
	if _, err := c.Post(context.Background(), ch, bot.Outgoing{Audience: flows.ToWorker, Text: long, Key: "long"}); err != nil {
		t.Fatal(err)
	}
	msgs := fake.Messages(ch)
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want the text in two", len(msgs))
	}
	if got := msgs[0].Content + "\n" + msgs[1].Content; strings.TrimRight(got, "\n") != strings.TrimRight(long, "\n") || len([]rune(msgs[0].Content)) > maxContent {
		t.Fatal("splitting lost or changed text")
	}
}

func TestCustomIDsRoundTripAndLongPromptsGoThroughRedis(t *testing.T) {
	fake := startFake(t, fakediscord.Options{})
	c := newClient(t, fake, Options{})
	ctx := context.Background()
	tests := []struct{ prompt, choice string }{
		{"alex|sleep_log||2026-11-23T07:30", "23:00"},
		{"inc:alex.two_disrupted_nights.2026-11-23", "resolve"},
		{strings.Repeat("p", 150), "1"},
		{"#looks-like-a-hash", "x"},
		{"c:3:odd", ""},
	}
	for _, tc := range tests {
		id, err := c.choiceID(ctx, "", tc.prompt, tc.choice)
		if err != nil {
			t.Fatal(err)
		}
		if len(id) > maxCustomID {
			t.Fatalf("custom_id of %d characters", len(id))
		}
		got, ok := c.parseCustomID(ctx, id)
		if !ok || got.kind != idChoice || got.prompt != tc.prompt || got.choice != tc.choice {
			t.Fatalf("%q → %q → %+v", tc.prompt, id, got)
		}
	}
	// A forgotten long prompt decodes to an id no conversation has: "closed".
	if got, ok := c.parseCustomID(ctx, "c:1:1#000000000000000000000000"); !ok || !strings.HasPrefix(got.prompt, "expired#") {
		t.Fatalf("forgotten prompt: %+v", got)
	}
}

// FuzzParseCustomID: custom_ids come back from Discord as user input.
func FuzzParseCustomID(f *testing.F) {
	for _, s := range []string{"c:2:23alex|x", "m:p", "a:p", "r:inc:x", "c:99:x", "c:-1:x", "c::", "", "z:1", "c:0:#abc"} {
		f.Add(s)
	}
	fake, err := fakediscord.Start(fakediscord.Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer fake.Close()
	rdb, prefix := redistest.New(f)
	c, err := New(Options{Token: "t", APIURL: fake.URL, Redis: rdb, Prefix: prefix, Records: redisstore.New(rdb, prefix)})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, ok := c.parseCustomID(context.Background(), s)
		if !ok {
			return
		}
		if id.prompt == "" || !strings.ContainsRune("cmar", rune(id.kind)) || len(id.choice) > len(s) {
			t.Fatalf("%q parsed to %+v", s, id)
		}
	})
}

func TestSplitText(t *testing.T) {
	tests := []struct {
		in    string
		limit int
		want  []string
	}{
		{"short", 10, []string{"short"}},
		{"aaaa\nbbbb\ncccc", 10, []string{"aaaa\nbbbb", "cccc"}},
		{"abcdefghijkl", 5, []string{"abcde", "fghij", "kl"}},
		{"ééééé\nü", 5, []string{"ééééé", "ü"}},
	}
	for _, tc := range tests {
		got := splitText(tc.in, tc.limit)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("splitText(%q, %d) = %q, want %q", tc.in, tc.limit, got, tc.want)
		}
	}
}

func TestRouteKeyKeepsOnlyMajorParameters(t *testing.T) {
	tests := []struct{ method, path, want string }{
		{"POST", "/api/v9/channels/123/messages", "POST /channels/123/messages"},
		{"PATCH", "/api/v9/channels/123/messages/456", "PATCH /channels/123/messages/:id"},
		{"POST", "/api/v9/users/@me/channels", "POST /users/@me/channels"},
		{"PUT", "/api/v9/applications/9/guilds/8/commands", "PUT /applications/:id/guilds/8/commands"},
	}
	for _, tc := range tests {
		if got := routeKey(tc.method, tc.path); got != tc.want {
			t.Errorf("routeKey(%s %s) = %q, want %q", tc.method, tc.path, got, tc.want)
		}
	}
}

func countRoute(fake *fakediscord.Server, route string) int {
	n := 0
	for _, e := range fake.Traffic() {
		if e.Route == route {
			n++
		}
	}
	return n
}

// slowEngine answers /caseload only when told to; every other method is
// unused by the test (the embedded nil interface would panic if called).
type slowEngine struct {
	Engine
	release chan struct{}
}

func (s slowEngine) StaffMember(_ context.Context, discordID, name string, lead bool) (store.Worker, error) {
	return store.Worker{ID: "sam", DiscordID: discordID, Name: name}, nil
}

func (s slowEngine) Caseload(ctx context.Context, staffID string) (string, error) {
	<-s.release
	return "Alex (alex): active", nil
}

func TestSlowWorkIsDeferredThenEditedIn(t *testing.T) {
	fake := startFake(t, fakediscord.Options{})
	staffRole := fake.AddRole()
	c := newClient(t, fake, Options{GuildID: fake.GuildID, StaffRoleID: staffRole, DeferAfter: -1})
	worker := fake.AddUser("sam")
	fake.AddMember(worker, staffRole)
	ch := fake.AddChannel("staff")
	eng := slowEngine{release: make(chan struct{})}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := c.Open(ctx, eng); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	id, err := fake.Command(worker, ch, "caseload", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := fake.Await(ctx, func() bool { return fake.Interaction(id).ResponseType() == 5 }); err != nil {
		t.Fatalf("no deferred answer: %v", err)
	}
	close(eng.release)
	if err := fake.Await(ctx, func() bool {
		m, ok := fake.Message(fake.Interaction(id).Original)
		return ok && m.Content == "Alex (alex): active" && m.Ephemeral
	}); err != nil {
		t.Fatalf("the deferred answer was not edited in: %v", err)
	}
}
