package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"steady/bot/discord/fakediscord"
	"steady/scheduler"
	"steady/store/redistest"
)

// world is the real `steady serve` (Main) against the fake Discord and a
// real Redis, on a fake clock so scheduled prompts come when a test says.
type world struct {
	t                *testing.T
	ctx              context.Context
	fake             *fakediscord.Server
	main             *Main
	clock            *scheduler.FakeClock
	logs             *lockedBuffer
	httpURL          string
	staffRole, lead  string
	staffCh, peerCh  string
	staffCategory    string
	general          string
	worker, leadUser string
	runErr           chan error
	// welcomed counts each client's welcome DM, which lastDM's numbering skips.
	welcomed map[string]int
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// testKey is a fixed 32-byte key for the tests' records at rest.
const testKey = "c3RlYWR5LWUyZS10ZXN0LWtleS0zMi1ieXRlcyEhISE="

// schedulerPoll is the scheduler's default longest sleep.
const schedulerPoll = 5 * time.Second

var e2eStart = time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC) // a Monday; London is on UTC in November

func newWorld(t *testing.T) *world {
	t.Helper()
	return newWorldWith(t, fakediscord.Options{}, nil)
}

// newWorldWith is newWorld against a fake Discord started with opt, with
// serve's settings changed by settings (nil: none).
func newWorldWith(t *testing.T, opt fakediscord.Options, settings func(w *world, env map[string]string)) *world {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute) // Discord's real 5-per-5s channel limit makes the bot wait, as it would live
	t.Cleanup(cancel)
	fake, err := fakediscord.Start(opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	w := &world{t: t, ctx: ctx, fake: fake, welcomed: map[string]int{}, clock: scheduler.NewFakeClock(e2eStart), logs: &lockedBuffer{}, runErr: make(chan error, 1)}
	w.staffRole, w.lead = fake.AddRole(), fake.AddRole()
	w.staffCategory = fake.AddCategory("staff")
	w.staffCh, w.peerCh, w.general = fake.AddChannelIn("staff", w.staffCategory), fake.AddChannel("peer-support"), fake.AddChannel("general")
	w.worker, w.leadUser = fake.AddUser("sam"), fake.AddUser("jo")
	fake.AddMember(w.worker, w.staffRole)
	fake.AddMember(w.leadUser, w.staffRole, w.lead)

	_, prefix := redistest.New(t)
	env := map[string]string{
		"STEADY_DISCORD_TOKEN": fake.Token(), "REDIS_URL": "redis://" + redistest.Shared(t).Addr + "/0",
		"STEADY_REDIS_PREFIX": prefix, "STEADY_GUILD_ID": fake.GuildID, "STEADY_STAFF_ROLE_ID": w.staffRole,
		"STEADY_LEAD_ROLE_ID": w.lead, "STEADY_STAFF_CHANNEL_ID": w.staffCh, "STEADY_PEER_CHANNEL_ID": w.peerCh,
		"STEADY_DISCORD_API_URL": fake.URL, "STEADY_ENCRYPTION_KEYS": testKey,
		// The weekly huddle would add staff-channel posts that Discord's
		// per-channel limit makes these tests wait for; it has its own tests.
		"STEADY_HUDDLE_AT": "off",
	}
	if settings != nil {
		settings(w, env)
	}
	cfg, err := loadConfig(func(k string) string { return env[k] }, nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w.httpURL = "http://" + ln.Addr().String()
	w.main = &Main{Config: cfg, Clock: w.clock, Listener: ln, Log: slog.New(slog.NewJSONHandler(w.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	go func() { w.runErr <- w.main.Run(context.Background()) }()
	t.Cleanup(func() {
		w.main.Close()
		if err := <-w.runErr; err != nil {
			t.Errorf("Main.Run: %v", err)
		}
		if bad := fake.Invalid(); len(bad) > 0 {
			for _, e := range bad {
				t.Errorf("invalid exchange %s %s → %d: %s\nbody: %s", e.Method, e.Route, e.Status, strings.Join(e.Problems, "; "), e.Body)
			}
		}
		if n := fake.Count(http.StatusTooManyRequests); n > 0 {
			t.Errorf("%d requests were rate limited; the outbox should stay under the limits", n)
		}
		logs := w.logs.String()
		if t.Failed() {
			t.Logf("serve's logs:\n%s", logs)
		}
		for _, secret := range []string{fake.Token(), "feeling rough", "half 11"} {
			if strings.Contains(logs, secret) {
				t.Errorf("logs contain %q", secret)
			}
		}
	})
	w.await("the bot to connect and register its commands", func() bool {
		ready, _, _ := fake.GatewayState()
		return ready && len(fake.Commands(fake.GuildID)) > 0 && len(fake.Commands("global")) > 0
	})
	return w
}

func (w *world) await(what string, cond func() bool) {
	w.t.Helper()
	if err := w.fake.Await(w.ctx, cond); err != nil {
		w.t.Fatalf("waiting for %s: %v", what, err)
	}
}

// reply waits for the bot's answer to an interaction and returns its text.
func (w *world) reply(id string) string {
	w.t.Helper()
	var text string
	w.await("an answer to interaction "+id, func() bool {
		in := w.fake.Interaction(id)
		if in.Original == "" {
			return false
		}
		m, ok := w.fake.Message(in.Original)
		text = m.Content
		return ok && text != ""
	})
	return text
}

func (w *world) command(user, name string, opts map[string]any) string {
	w.t.Helper()
	id, err := w.fake.Command(user, w.staffCh, name, opts)
	if err != nil {
		w.t.Fatal(err)
	}
	return w.reply(id)
}

// enrol has the worker enrol a client with /enrol; it returns the client's user id.
func (w *world) enrol(id, peer string) string {
	w.t.Helper()
	user := w.fake.AddUser(id)
	got := w.command(w.worker, "enrol", map[string]any{
		"user": user, "id": id, "name": strings.ToUpper(id[:1]) + id[1:], "time_zone": "Europe/London",
		"worker_sees_answers": true, "peer_group": peer, "sleep_log": "07:30",
	})
	if !strings.Contains(got, "is enrolled") {
		w.t.Fatalf("/enrol answered %q", got)
	}
	welcome := w.lastDM(user, 1)
	if !strings.Contains(welcome.Content, "I'm not a crisis service") || !strings.Contains(welcome.Content, "Here's what you agreed with sam") {
		w.t.Fatalf("the welcome DM is %q", welcome.Content)
	}
	w.welcomed[user] = 1
	return user
}

// morning moves the fake clock to 07:30 on day n (0: the first) and lets the scheduler run.
func (w *world) morning(n int) {
	// Move time only once the scheduler sleeps, so it cannot miss the move.
	if err := w.clock.BlockUntilTimerAt(w.ctx, w.clock.Now().Add(schedulerPoll)); err != nil {
		w.t.Fatalf("the scheduler never went to sleep: %v", err)
	}
	w.clock.Set(e2eStart.AddDate(0, 0, n).Add(90 * time.Minute))
}

// lastDM waits until the user has at least n DMs after their welcome and
// returns the last.
func (w *world) lastDM(user string, n int) fakediscord.Message {
	w.t.Helper()
	var last fakediscord.Message
	w.await("DM number "+itoa(n), func() bool {
		dms := w.fake.DMsTo(user)
		if len(dms) < n+w.welcomed[user] {
			return false
		}
		last = dms[len(dms)-1]
		return true
	})
	return last
}

func itoa(n int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + string(rune('0'+n%10))) }

// tap answers the latest prompt by its label, through a button or the menu.
func (w *world) tap(user string, m fakediscord.Message, label string, value string) {
	w.t.Helper()
	for _, b := range m.Buttons() {
		if b.Label == label {
			w.fake.Click(user, m, b.CustomID)
			return
		}
	}
	if id, values := m.SelectOptions(); id != "" {
		for _, v := range values {
			if v == value {
				w.fake.Choose(user, m, id, v)
				return
			}
		}
	}
	w.t.Fatalf("no choice %q on %q (buttons %+v)", label, m.Content, m.Buttons())
}

// sleepLog answers a whole sleep log with choices; each answer brings the next question.
func (w *world) sleepLog(user string, dmsBefore int, answers [][2]string) int {
	w.t.Helper()
	n := dmsBefore + 1
	for _, a := range answers {
		m := w.lastDM(user, n)
		w.tap(user, m, a[0], a[1])
		n++
	}
	return n // the thanks
}

var (
	e2eGoodNight = [][2]string{{"10pm", "22:00"}, {"Under 15 min", "10"}, {"0", "0"}, {"7am", "07:00"}, {"4", "4"}}
	e2eBadNight  = [][2]string{{"2am", "02:00"}, {"Over an hour", "75"}, {"3", "3"}, {"5am", "05:00"}, {"2", "2"}}
)

func (w *world) get(path string) (int, string) {
	w.t.Helper()
	resp, err := http.Get(w.httpURL + path)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServeEnrolAndCheckInWithButtons(t *testing.T) {
	w := newWorld(t)
	if code, body := w.get("/readyz"); code != 200 {
		t.Fatalf("/readyz = %d %s", code, body)
	}
	if code, _ := w.get("/healthz"); code != 200 {
		t.Fatalf("/healthz = %d", code)
	}
	client := w.enrol("alex", "anonymous")
	w.morning(0)
	first := w.lastDM(client, 1)
	if !strings.Contains(first.Content, "sleep log") {
		t.Fatalf("first DM = %q", first.Content)
	}
	thanks := w.sleepLog(client, 0, e2eGoodNight)
	if got := w.lastDM(client, thanks).Content; !strings.Contains(got, "that's logged") {
		t.Fatalf("after the last answer: %q", got)
	}
	// The first prompt now shows the chosen answer and has no buttons left.
	if m, _ := w.fake.Message(first.ID); len(m.Buttons()) != 0 || !strings.Contains(m.Content, "✓ 10pm") {
		t.Fatalf("answered prompt = %q %+v", m.Content, m.Buttons())
	}
	// A tap on that old prompt's button (from before the update) gets "closed".
	w.tap(client, first, "10pm", "22:00")
	if got := w.lastDM(client, thanks+1).Content; !strings.Contains(got, "has closed") {
		t.Fatalf("old prompt tap: %q", got)
	}
	_, metrics := w.get("/metrics")
	for _, want := range []string{"steady_prompts_sent_total 1", "steady_answers_total 6", "steady_discord_rate_limited_total 0", "steady_discord_outbox_queue_depth"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// room waits for a member of staff's private Steady channel and returns its id.
func (w *world) room(user string) string {
	w.t.Helper()
	id := ""
	w.await("the private channel of "+user, func() bool {
		id = roomOf(w.fake, user)
		return id != ""
	})
	return id
}

// roomOf is the private Steady channel of a member of staff, or "".
func roomOf(fake *fakediscord.Server, user string) string {
	for _, ch := range fake.Channels() {
		if !strings.HasPrefix(ch.Name, "steady-") {
			continue
		}
		for _, o := range ch.Overwrites {
			if o.Type == 1 && o.ID == user {
				return ch.ID
			}
		}
	}
	return ""
}

// staffPing waits for the ping about a client in the worker's private channel.
func (w *world) staffPing(name string) fakediscord.Message {
	w.t.Helper()
	return w.pingIn(w.room(w.worker), name)
}

// pingIn waits for a ping about a client, with both its buttons, in a channel.
func (w *world) pingIn(channel, name string) fakediscord.Message {
	w.t.Helper()
	var ping fakediscord.Message
	w.await("a staff ping about "+name, func() bool {
		for _, m := range w.fake.Messages(channel) {
			if strings.Contains(m.Content, name+":") && len(m.Buttons()) == 2 {
				ping = m
				return true
			}
		}
		return false
	})
	return ping
}

// noClientIn fails if any message everyone in a channel can read names a
// client (an ephemeral answer is its asker's alone).
func (w *world) noClientIn(channel string, names ...string) {
	w.t.Helper()
	for _, m := range w.fake.Messages(channel) {
		if m.Ephemeral {
			continue
		}
		for _, n := range names {
			if strings.Contains(m.Content, n) {
				w.t.Errorf("the shared channel names %s: %q", n, m.Content)
			}
		}
	}
}

func (w *world) click(user string, m fakediscord.Message, label string) string {
	w.t.Helper()
	for _, b := range m.Buttons() {
		if b.Label == label {
			return w.fake.Click(user, m, b.CustomID)
		}
	}
	w.t.Fatalf("no %q button on %q", label, m.Content)
	return ""
}

// twoBadNights runs two disrupted nights' sleep logs for each client.
func (w *world) twoBadNights(clients ...string) {
	w.t.Helper()
	w.morning(0)
	for _, c := range clients {
		w.sleepLog(c, 0, e2eBadNight)
	}
	for _, c := range clients {
		w.lastDM(c, 6) // the thanks
	}
	w.morning(1)
	for _, c := range clients {
		w.sleepLog(c, 6, e2eBadNight)
	}
}

func TestServeTwoNightEscalationWithWorkingButtons(t *testing.T) {
	w := newWorld(t)
	client := w.enrol("alex", "anonymous")
	other := w.fake.AddUser("kim")
	w.fake.AddMember(other, w.staffRole) // staff, but Alex is not on her caseload
	w.twoBadNights(client)

	// The ping lands in Sam's own channel, which only Sam, the lead role and
	// Steady can see, beside the staff channel.
	room := w.room(w.worker)
	ping := w.staffPing("Alex")
	if !strings.HasPrefix(ping.Content, "<@"+w.worker+">") || len(ping.AllowedUsers) != 1 || ping.AllowedUsers[0] != w.worker {
		t.Fatalf("ping does not mention the worker: %q, allowed %v", ping.Content, ping.AllowedUsers)
	}
	if !strings.Contains(ping.Content, "two disrupted nights") {
		t.Fatalf("ping = %q", ping.Content)
	}
	for user, want := range map[string]bool{w.worker: true, w.leadUser: true, w.fake.BotID: true, other: false, client: false, w.fake.AddUser("passer-by"): false} {
		if got := w.fake.CanSee(user, room); got != want {
			t.Errorf("can %s see Sam's channel: %v, want %v", user, got, want)
		}
	}
	if ch := channelByID(w.fake, room); ch.ParentID != w.staffCategory {
		t.Errorf("Sam's channel is in category %q, want the staff channel's %q", ch.ParentID, w.staffCategory)
	}
	w.noClientIn(w.staffCh, "Alex", "alex")
	// The client hears first, with their plan's options.
	w.await("the client's plan check", func() bool {
		for _, m := range w.fake.DMsTo(client) {
			if strings.Contains(m.Content, "early warning sign") && len(m.Buttons()) > 0 {
				return true
			}
		}
		return false
	})
	// Kim cannot see the channel, so cannot press its buttons.
	if id := w.click(other, ping, "Acknowledge"); id != "" {
		t.Fatalf("another worker pressed a button in Sam's channel: %q", w.reply(id))
	}
	ack := w.click(w.worker, ping, "Acknowledge")
	if got := w.reply(ack); got != "Done." {
		t.Fatalf("Acknowledge answered %q", got)
	}
	if m, _ := w.fake.Message(w.fake.Interaction(ack).Original); !m.Ephemeral {
		t.Fatal("a staff answer was posted for the whole channel to see")
	}
	w.await("the acknowledgement in Sam's channel", func() bool {
		for _, m := range w.fake.Messages(room) {
			if strings.Contains(m.Content, "has acknowledged Alex") {
				return true
			}
		}
		return false
	})
	// The ping now says who has it, and only Resolve is left on it.
	w.await("the ping rewritten", func() bool {
		m, _ := w.fake.Message(ping.ID)
		b := m.Buttons()
		return strings.Contains(m.Content, "Acknowledged by sam") && len(b) == 1 && b[0].Label == "Resolve"
	})

	resolve := w.click(w.worker, ping, "Resolve")
	w.await("the resolve modal", func() bool { _, _, ok := w.fake.Modal(resolve); return ok })
	submit, err := w.fake.SubmitModal(w.worker, resolve, map[string]string{"outcome": "Spoke with Alex; hours reduced for a week"})
	if err != nil {
		t.Fatal(err)
	}
	if got := w.reply(submit); got != "Done." {
		t.Fatalf("resolving answered %q", got)
	}
	// A press on an old copy's button (the lead has the channel open from
	// before) is told what became of it.
	if got := w.reply(w.click(w.leadUser, ping, "Acknowledge")); !strings.Contains(got, "already resolved") {
		t.Fatalf("the lead's Acknowledge after resolution: %q", got)
	}
	w.await("the ping's buttons gone", func() bool {
		m, _ := w.fake.Message(ping.ID)
		return strings.Contains(m.Content, "Resolved by sam") && len(m.Buttons()) == 0
	})
	// /incident acknowledge on someone else's client is refused like an id
	// nobody has, not "Acknowledged 0".
	if got := w.command(other, "incident", map[string]any{"acknowledge": map[string]any{"client": "alex"}}); !strings.Contains(got, "no client with that id on your caseload") {
		t.Fatalf("another worker's /incident acknowledge: %q", got)
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

func TestServePeerNudgeFollowsConsent(t *testing.T) {
	w := newWorld(t)
	off, anon, named := w.enrol("olly", "off"), w.enrol("ana", "anonymous"), w.enrol("nia", "named")
	w.twoBadNights(off, anon, named)
	for _, name := range []string{"Olly", "Ana", "Nia"} {
		w.staffPing(name)
	}
	var peer []string
	w.await("two peer nudges", func() bool {
		peer = nil
		for _, m := range w.fake.Messages(w.peerCh) {
			peer = append(peer, m.Content)
		}
		return len(peer) >= 2
	})
	// Everything is in before the last ping; nothing more is coming.
	if len(peer) != 2 {
		t.Fatalf("peer channel = %q, want one anonymous and one named nudge", peer)
	}
	joined := strings.Join(peer, "\n")
	if strings.Contains(joined, "Olly") || strings.Contains(joined, "Ana") || !strings.Contains(joined, "Nia") {
		t.Fatalf("peer nudges break consent: %q", peer)
	}
	for _, p := range peer {
		if strings.ContainsAny(p, "0123456789") {
			t.Fatalf("a peer nudge carries a figure: %q", p)
		}
	}
}

func TestServeStrangerGetsAPoliteAnswerAndNothingIsKept(t *testing.T) {
	w := newWorld(t)
	stranger := w.fake.AddUser("passer-by")
	w.fake.UserSendsDM(stranger, "hi, I'm feeling rough today")
	reply := w.lastDM(stranger, 1)
	if !strings.Contains(reply.Content, "not signed up") {
		t.Fatalf("stranger got %q", reply.Content)
	}
	rdb := redisClient(t)
	keys, err := rdb.Keys(w.ctx, w.main.Config.Prefix+":*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if strings.Contains(k, "{c:") {
			t.Errorf("a client record exists after a stranger's DM: %s", k)
		}
		// Nothing about them is kept for good: not their DM channel, and the
		// reply's delivery key only briefly.
		if ok, _ := rdb.HExists(w.ctx, k, stranger).Result(); ok {
			t.Errorf("%s remembers the stranger", k)
		}
		if ttl, _ := rdb.TTL(w.ctx, k).Result(); strings.Contains(k, "stranger/") && (ttl < 0 || ttl > time.Hour) {
			t.Errorf("%s is kept for %v", k, ttl)
		}
		if v, _ := rdb.Dump(w.ctx, k).Result(); strings.Contains(v, "feeling rough") {
			t.Errorf("the stranger's words are stored under %s", k)
		}
	}
}

func TestServeClientWithDMsClosedReachesTheWorker(t *testing.T) {
	w := newWorld(t)
	client := w.enrol("alex", "off")
	w.fake.CloseDMs(client)
	w.morning(0)
	w.await("the worker hears Alex can't be reached", func() bool {
		for _, m := range w.fake.Messages(w.room(w.worker)) {
			if strings.Contains(m.Content, "can't reach Alex") && strings.HasPrefix(m.Content, "<@"+w.worker+">") {
				return true
			}
		}
		return false
	})
	if n := len(w.fake.DMsTo(client)) - w.welcomed[client]; n != 0 {
		t.Fatalf("%d DMs got through to a client with DMs closed", n)
	}
	// The undeliverable prompt was tried once and dropped, not retried for ever.
	if err := w.main.Engine().FlushAll(w.ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := redisClient(t).LLen(w.ctx, w.main.Config.Prefix+":{c:alex}:outbox").Result(); n != 0 {
		t.Fatalf("%d messages still queued for the unreachable client", n)
	}
	if n := w.fake.Count(http.StatusForbidden); n != 1 {
		t.Fatalf("the closed DM was tried %d times, want once", n)
	}
}

func TestServeGatewayResumeMidConversation(t *testing.T) {
	w := newWorld(t)
	client := w.enrol("alex", "off")
	w.morning(0)
	w.tap(client, w.lastDM(client, 1), "10pm", "22:00")
	w.lastDM(client, 2) // how long to fall asleep?

	w.fake.DropGateway()
	w.fake.UserSendsDM(client, "half 11") // not a duration: the bot must re-ask, after resuming
	reask := w.lastDM(client, 3)
	if !strings.Contains(reask.Content, "length of time") {
		t.Fatalf("after resume: %q", reask.Content)
	}
	w.fake.UserSendsDM(client, "about 20 mins")
	if got := w.lastDM(client, 4).Content; !strings.Contains(got, "wake in the night") {
		t.Fatalf("next question after resume: %q", got)
	}
	ready, identifies, resumes := w.fake.GatewayState()
	if !ready || identifies != 1 || resumes != 1 {
		t.Fatalf("gateway ready=%v identifies=%d resumes=%d, want one session resumed once", ready, identifies, resumes)
	}
}

func TestServeNonStaffCannotEnrol(t *testing.T) {
	w := newWorld(t)
	someone := w.fake.AddUser("visitor")
	w.fake.AddMember(someone) // in the server, without the staff role
	got := w.command(someone, "enrol", map[string]any{"user": someone, "id": "x", "name": "X", "time_zone": "Europe/London",
		"worker_sees_answers": true, "peer_group": "off"})
	if !strings.Contains(got, "Only staff") {
		t.Fatalf("a non-staff /enrol answered %q", got)
	}
	if got := w.command(w.worker, "enrol", map[string]any{"user": someone, "id": "Bad Id", "name": "X", "time_zone": "Mars/Olympus",
		"worker_sees_answers": true, "peer_group": "off", "sleep_log": "25:99"}); !strings.Contains(got, "couldn't enrol") || strings.Count(got, "\n- ") < 3 {
		t.Fatalf("a bad /enrol answered %q; want one line per mistake", got)
	}
	// No consents recorded and none to be asked for: nothing is enrolled.
	if got := w.command(w.worker, "enrol", map[string]any{"user": someone, "id": "x", "name": "X", "time_zone": "Europe/London",
		"peer_group": "off"}); !strings.Contains(got, "needs the client's consents") {
		t.Fatalf("an /enrol without consents answered %q", got)
	}
	if n := len(w.fake.DMsTo(someone)); n != 0 {
		t.Fatalf("a refused enrolment sent %d DMs", n)
	}
}

func redisClient(t *testing.T) *redis.Client {
	rdb := redis.NewClient(&redis.Options{Addr: redistest.Shared(t).Addr})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

func TestServeWatchesThePeerChannelForCrisisLanguage(t *testing.T) {
	w := newWorld(t)
	member := w.fake.AddUser("river")
	w.fake.AddMember(member)
	before := len(w.fake.Messages(w.peerCh))
	w.fake.UserPosts(member, w.peerCh, "i want to end my own life")
	w.await("a kind reply in the peer channel", func() bool {
		for _, m := range w.fake.Messages(w.peerCh)[before:] {
			if m.AuthorID == w.fake.BotID && strings.Contains(m.Content, "116 123") {
				return true
			}
		}
		return false
	})
	if strings.Contains(w.logs.String(), "end my own life") {
		t.Fatal("the peer post's words reached the logs")
	}
}

func TestServeStaffAndClientCommands(t *testing.T) {
	w := newWorld(t)
	client := w.enrol("alex", "off")
	other := w.fake.AddUser("kim")
	w.fake.AddMember(other, w.staffRole)

	if got := w.command(w.worker, "caseload", nil); !strings.Contains(got, "Alex (alex): active") {
		t.Fatalf("the worker's /caseload: %q", got)
	}
	if got := w.command(other, "caseload", nil); strings.Contains(got, "alex") {
		t.Fatalf("another worker's /caseload shows Alex: %q", got)
	}
	if got := w.command(w.leadUser, "caseload", nil); !strings.Contains(got, "Alex (alex)") {
		t.Fatalf("the lead's /caseload: %q", got)
	}
	filesBefore := uploads(w.fake)
	if got := w.command(w.worker, "client", map[string]any{"client": "alex"}); !strings.Contains(got, "Alex") {
		t.Fatalf("/client: %q", got)
	}
	w.await("the chart attached to /client's answer", func() bool { return uploads(w.fake) == filesBefore+1 })
	if got := w.command(other, "client", map[string]any{"client": "alex"}); strings.Contains(got, "Alex:") || uploads(w.fake) != filesBefore+1 {
		t.Fatalf("another worker's /client: %q", got)
	}
	if got := w.command(w.worker, "report", map[string]any{"kind": "contact", "from": "2026-11-01", "to": "2026-11-30"}); !strings.Contains(got, "report") {
		t.Fatalf("/report: %q", got)
	}
	w.await("the report file", func() bool { return uploads(w.fake) == filesBefore+2 })

	// A client asks for their data in their DM with the bot.
	w.morning(0)
	dm := w.lastDM(client, 1).ChannelID
	id, err := w.fake.Command(client, dm, "mydata", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := w.reply(id); !strings.Contains(got, "everything Steady holds") {
		t.Fatalf("/mydata: %q", got)
	}
	w.await("the export file", func() bool { return uploads(w.fake) == filesBefore+3 })
}

func uploads(fake *fakediscord.Server) int {
	n := 0
	for _, e := range fake.Traffic() {
		n += e.Files
	}
	return n
}

// A client's own slash commands start conversations in their DMs; a
// stranger's change nothing.
func TestServeClientSlashCommandsStartConversations(t *testing.T) {
	w := newWorld(t)
	client := w.enrol("alex", "off")
	clientCommand := func(name string, opts map[string]any) string {
		t.Helper()
		id, err := w.fake.Command(client, w.general, name, opts)
		if err != nil {
			t.Fatal(err)
		}
		return w.reply(id)
	}
	dmWith := func(n int, want string) fakediscord.Message {
		t.Helper()
		m := w.lastDM(client, n)
		if !strings.Contains(m.Content, want) {
			t.Fatalf("DM %d is %q, want it to contain %q", n, m.Content, want)
		}
		return m
	}

	if got := clientCommand("checkin", nil); !strings.Contains(got, "in your DMs") {
		t.Fatalf("/checkin answered %q", got)
	}
	w.tap(client, dmWith(1, "How have you been coping this week?"), "3", "3")
	dmWith(2, "How has work been this week?") // no sleep question: they have a daily sleep log

	// Pausing mid-check-in, with the date as an option.
	if got := clientCommand("pause", map[string]any{"until": "friday"}); !strings.Contains(got, "in your DMs") {
		t.Fatalf("/pause answered %q", got)
	}
	dmWith(3, "Paused until")
	if got := clientCommand("pause", map[string]any{"until": "someday maybe"}); !strings.Contains(got, "couldn't read") {
		t.Fatalf("/pause with an unreadable date answered %q", got)
	}
	clientCommand("resume", nil)
	dmWith(4, "Welcome back")
	clientCommand("sleep", nil)
	if got := w.lastDM(client, 5).Content; !strings.Contains(strings.ToLower(got), "bed") {
		t.Fatalf("/sleep opened %q, want the bedtime question", got)
	}
	n := w.sleepLog(client, 4, e2eGoodNight)
	w.lastDM(client, n) // the thanks
	clientCommand("consent", nil)
	dmWith(n+1, "Here's what you've agreed to now:")

	stranger := w.fake.AddUser("kim")
	id, err := w.fake.Command(stranger, w.general, "checkin", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := w.reply(id); !strings.Contains(got, "not signed up") {
		t.Fatalf("a stranger's /checkin answered %q", got)
	}
	if n := len(w.fake.DMsTo(stranger)); n != 0 {
		t.Fatalf("a stranger got %d DMs", n)
	}
}

// A debrief's early-warning signs come as one multi-select menu; the client
// ticks two and both count, so reaching the plan's threshold raises the rule.
func TestServeDebriefSignsAreAMultiSelect(t *testing.T) {
	w := newWorld(t)
	client := w.enrol("alex", "off")
	for field, value := range map[string]string{"early_warning_signs": "snapping at people;skipping lunch;not sleeping"} {
		if got := w.command(w.worker, "plan", map[string]any{"edit": map[string]any{"client": "alex", "field": field, "value": value, "reason": "agreed at review"}}); !strings.Contains(strings.ToLower(got), "plan") {
			t.Fatalf("/plan edit %s answered %q", field, got)
		}
	}
	if got := w.command(w.worker, "plan", map[string]any{"edit": map[string]any{"client": "alex", "field": "warning_signs_threshold", "value": "2", "reason": "agreed at review"}}); !strings.Contains(strings.ToLower(got), "plan") {
		t.Fatalf("/plan edit threshold answered %q", got)
	}
	id, err := w.fake.Command(client, w.general, "debrief", nil)
	if err != nil {
		t.Fatal(err)
	}
	w.reply(id)
	w.tap(client, w.lastDM(client, 1), "Worked the whole shift", "completed")
	w.tap(client, w.lastDM(client, 2), "4", "4")
	signs := w.lastDM(client, 3)
	if !strings.Contains(signs.Content, "early warning signs") {
		t.Fatalf("third debrief question is %q", signs.Content)
	}
	menu, values := signs.SelectOptions()
	if menu == "" || len(values) != 4 { // three signs and "none of these"
		t.Fatalf("signs menu %q with values %q", menu, values)
	}
	if max := signs.MenuMaxValues(); max != 4 {
		t.Fatalf("the signs menu lets the client pick %d, want all 4: %+v", max, signs.Components)
	}
	w.fake.Choose(client, signs, menu, values[0], values[1])
	w.await("the picked signs shown in place of the menu", func() bool {
		m, ok := w.fake.Message(signs.ID)
		return ok && strings.Contains(m.Content, "snapping at people, skipping lunch")
	})
	conflict := w.lastDM(client, 4)
	if !strings.Contains(conflict.Content, "conflict") {
		t.Fatalf("after two signs the bot said %q", conflict.Content)
	}
	w.tap(client, conflict, "No", "no")
	w.tap(client, w.lastDM(client, 5), "Nothing to add", "-")
	if thanks := w.lastDM(client, 6); !strings.Contains(thanks.Content, "that's logged") {
		t.Fatalf("the debrief ended with %q", thanks.Content)
	}
	// Two signs reach the plan's threshold of two: the worker is told.
	ping := w.staffPing("Alex")
	if !strings.Contains(ping.Content, "warning signs") {
		t.Fatalf("worker ping %q", ping.Content)
	}
}

// The adjustments register from Discord: a vague one refused, a measurable
// one added, changed with a reason, reviewed with the next date.
func TestServeAdjustmentAddChangeReview(t *testing.T) {
	w := newWorld(t)
	w.enrol("alex", "off")
	adj := func(sub string, opts map[string]any) string {
		t.Helper()
		opts["client"] = "alex"
		return w.command(w.worker, "adjustment", map[string]any{sub: opts})
	}
	if got := adj("add", map[string]any{"what": "be supportive", "for": "six weeks"}); !strings.Contains(got, "can't be checked") {
		t.Fatalf("a vague adjustment was not refused: %q", got)
	}
	if got := adj("add", map[string]any{"what": "shift starts no earlier than 10:00", "for": "six weeks", "review": "4 weeks"}); !strings.Contains(got, "Added alex.adj1") || !strings.Contains(got, "Review on 2026-12-21") {
		t.Fatalf("/adjustment add: %q", got)
	}
	if got := adj("change", map[string]any{"id": "alex.adj1", "field": "what", "value": "shift starts no earlier than 11:00", "reason": "mornings still hard"}); !strings.Contains(got, "Updated alex.adj1: what is now shift starts no earlier than 11:00") {
		t.Fatalf("/adjustment change: %q", got)
	}
	if got := adj("change", map[string]any{"id": "alex.adj1", "field": "what", "value": "be flexible", "reason": "x"}); !strings.Contains(got, "can't be checked") {
		t.Fatalf("a change to vague wording was not refused: %q", got)
	}
	if got := adj("review", map[string]any{"id": "alex.adj1", "outcome": "continue", "honoured": "partly", "next": "2027-01-11"}); !strings.Contains(got, "Review of alex.adj1 recorded: continue. Next review 2027-01-11") {
		t.Fatalf("/adjustment review: %q", got)
	}
	if got := adj("list", map[string]any{}); !strings.Contains(got, "alex.adj1: shift starts no earlier than 11:00") || !strings.Contains(got, "review 2027-01-11") {
		t.Fatalf("/adjustment list after the review: %q", got)
	}
}

// With consent_in_chat the client chooses their consents in their DMs: the
// first DM is the onboarding's introduction, and nothing is prompted before.
func TestServeEnrolWithConsentInChat(t *testing.T) {
	w := newWorld(t)
	user := w.fake.AddUser("alex")
	got := w.command(w.worker, "enrol", map[string]any{
		"user": user, "id": "alex", "name": "Alex", "time_zone": "Europe/London", "consent_in_chat": true, "sleep_log": "07:30",
	})
	if !strings.Contains(got, "is enrolled") {
		t.Fatalf("/enrol answered %q", got)
	}
	intro := w.lastDM(user, 1)
	if !strings.Contains(intro.Content, "I'm not a crisis service") || len(intro.Buttons()) == 0 {
		t.Fatalf("the first DM is %q", intro.Content)
	}
	w.click(user, intro, "OK, carry on")
	if q := w.lastDM(user, 2); !strings.Contains(q.Content, "will see your answers") {
		t.Fatalf("after the introduction: %q", q.Content)
	}
}

// Staff change a client's schedule, record a job and discharge them; the
// client deletes everything with /erase and a code.
func TestServeScheduleJobDischargeAndErase(t *testing.T) {
	w := newWorld(t)
	client := w.enrol("alex", "off")
	staff := func(name string, opts map[string]any) string {
		t.Helper()
		return w.command(w.worker, name, opts)
	}
	if got := staff("schedule", map[string]any{"quiet_hours": map[string]any{"client": "alex", "hours": "22:00-07:00"}}); !strings.Contains(got, "Saved.") {
		t.Fatalf("/schedule quiet_hours: %q", got)
	}
	if got := staff("schedule", map[string]any{"sleep_log": map[string]any{"client": "alex", "at": "25:00"}}); !strings.Contains(got, "isn't a time I can use") {
		t.Fatalf("/schedule sleep_log with a bad time: %q", got)
	}
	if got := staff("schedule", map[string]any{"checkin": map[string]any{"client": "alex", "when": "mon 10:00"}}); !strings.Contains(got, "Saved.") {
		t.Fatalf("/schedule checkin: %q", got)
	}
	if got := staff("job", map[string]any{"client": "alex", "status": "started", "date": "2026-11-23"}); !strings.Contains(got, "Recorded: Alex started work on 2026-11-23") {
		t.Fatalf("/job: %q", got)
	}

	// The client asks to delete everything: a code first, then the deletion.
	id, err := w.fake.Command(client, w.general, "erase", nil)
	if err != nil {
		t.Fatal(err)
	}
	ask := w.reply(id)
	code := regexp.MustCompile(`\b\d{6}\b`).FindString(ask)
	if code == "" || !strings.Contains(ask, "can't be undone") {
		t.Fatalf("/erase answered %q", ask)
	}
	if id, err = w.fake.Command(client, w.general, "erase", map[string]any{"code": "000000"}); err != nil {
		t.Fatal(err)
	}
	if got := w.reply(id); !strings.Contains(got, "doesn't match") && code != "000000" {
		t.Fatalf("/erase with a wrong code: %q", got)
	}
	if id, err = w.fake.Command(client, w.general, "erase", map[string]any{"code": code}); err != nil {
		t.Fatal(err)
	}
	if got := w.reply(id); !strings.Contains(got, "has been deleted") {
		t.Fatalf("/erase with the code: %q", got)
	}
	if got := staff("caseload", nil); strings.Contains(got, "alex") {
		t.Fatalf("an erased client is still in the caseload: %q", got)
	}

	// Another client is discharged: nothing more is sent to them.
	kim := w.enrol("kim", "off")
	if got := staff("discharge", map[string]any{"client": "kim", "reason": "settled in work, support ended"}); !strings.Contains(got, "is discharged") {
		t.Fatalf("/discharge: %q", got)
	}
	lee := w.enrol("lee", "off")
	before := len(w.fake.DMsTo(kim))
	w.morning(1)     // 07:30 the next day: Kim's sleep log would have come
	w.lastDM(lee, 1) // Lee's has, so the scheduler has run
	if err := w.main.Engine().FlushAll(w.ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(w.fake.DMsTo(kim)); n != before {
		t.Fatalf("a discharged client got %d more DMs", n-before)
	}
}
