package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"steady/bot"
	"steady/scheduler"
	"steady/store/redisstore"
)

// Plan is one chaos run. Every offset counts from the first prompt due.
type Plan struct {
	Clients  int
	Replicas int
	// Spread is how long the prompts take to fall due, evenly apart.
	Spread time.Duration
	// KillEvery SIGKILLs a replica (in turn) this often while prompts fall
	// due, restarting it at once; 0 kills none.
	KillEvery time.Duration
	// RedisRestartAt shuts Redis down and starts it again on the same files.
	RedisRestartAt time.Duration
	// OutageAt and OutageFor take Discord down (503s, gateway refused).
	OutageAt, OutageFor time.Duration
	// Answer has every client answer their sleep log as it arrives.
	Answer bool
	// CrisisEvery has every so many clients (0: none), once thanked, write
	// a DM in crisis, which must open one incident and be answered once.
	CrisisEvery int
	// Settle bounds the wait, after the last prompt and fault, for every
	// prompt to arrive; the run then watches Quiet longer for late duplicates.
	Settle, Quiet time.Duration
}

// Result is what a run counted.
type Result struct {
	Due, Once, Twice, Never int
	Kills, RedisRestarts    int
	Outage                  time.Duration
	LeftQueued              int // clients with messages still in their outbox
	// Answers, when the clients answer: thanked (the last answer was
	// acknowledged), of which stored (the night is in Redis) and lost (not);
	// thanked more than once; never thanked; replies "that prompt has
	// closed" (a tap handled again, or late); entries stored twice.
	Thanked, Stored, Lost, ThankedTwice, NotThanked, Closed, StoredTwice int
	Taps                                                                 int
	// Discord's answers over the run: refused as invalid (400, e.g. a second
	// callback to one interaction), rate limited (429), down (503).
	Refused, RateLimited, Unavailable int
	// Crisis DMs written, answered once, more than once, never; incidents
	// opened in all (one is expected per crisis DM, none otherwise).
	Crises, CrisisOnce, CrisisTwice, CrisisNever, Incidents int
	Elapsed                                                 time.Duration
}

func (r Result) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "| prompts due | delivered once | delivered twice or more | never delivered | replicas SIGKILLed | Redis restarts | Discord down | outboxes left queued |\n")
	fmt.Fprintf(&b, "|---|---|---|---|---|---|---|---|\n")
	fmt.Fprintf(&b, "| %d | %d | %d | %d | %d | %d | %s | %d |\n", r.Due, r.Once, r.Twice, r.Never, r.Kills, r.RedisRestarts, r.Outage, r.LeftQueued)
	if r.Taps > 0 {
		fmt.Fprintf(&b, "\n| taps | thanked | of which stored | thanked but lost | thanked twice | never thanked | \"prompt has closed\" replies | nights stored twice |\n")
		fmt.Fprintf(&b, "|---|---|---|---|---|---|---|---|\n")
		fmt.Fprintf(&b, "| %d | %d | %d | %d | %d | %d | %d | %d |\n", r.Taps, r.Thanked, r.Stored, r.Lost, r.ThankedTwice, r.NotThanked, r.Closed, r.StoredTwice)
	}
	if r.Crises > 0 {
		fmt.Fprintf(&b, "\n| crisis DMs | answered once | answered twice or more | never answered | incidents opened (expected %d) |\n", r.Crises)
		fmt.Fprintf(&b, "|---|---|---|---|---|\n")
		fmt.Fprintf(&b, "| %d | %d | %d | %d | %d |\n", r.Crises, r.CrisisOnce, r.CrisisTwice, r.CrisisNever, r.Incidents)
	}
	fmt.Fprintf(&b, "\nDiscord answered %d requests 400 (refused), %d 429 (rate limited), %d 503 (down).\n", r.Refused, r.RateLimited, r.Unavailable)
	return b.String()
}

// harnessKey encrypts the run's records at rest (a throwaway Redis).
const harnessKey = "Y2hhb3MtaGFybmVzcy1rZXktMzItYnl0ZXMtbG9uZyE="

const prefix = "chaos"

// Run builds steady and the fake Discord from the module at root, runs plan
// in dir, and counts what was delivered. log gets progress lines.
func Run(ctx context.Context, root, dir string, plan Plan, log io.Writer) (Result, error) {
	var res Result
	start := time.Now()
	bin := func(name string) string { return filepath.Join(dir, name) }
	for name, pkg := range map[string]string{"steady": "./cmd/steady", "fakediscord": "./bot/discord/fakediscord/cmd/fakediscord"} {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", bin(name), pkg)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return res, fmt.Errorf("build %s: %v\n%s", pkg, err, out)
		}
	}

	rs, err := startRedis(ctx, dir)
	if err != nil {
		return res, err
	}
	defer rs.stop()
	rdb := redis.NewClient(&redis.Options{Addr: rs.addr})
	defer rdb.Close()

	fake, setup, err := startFake(ctx, bin("fakediscord"), dir)
	if err != nil {
		return res, err
	}
	defer func() { _ = fake.Process.Signal(syscall.SIGTERM); _ = fake.Wait() }()
	var users []string
	if err := post(ctx, setup.Control+"/users?n="+strconv.Itoa(plan.Clients), &users); err != nil {
		return res, err
	}

	env := []string{
		"STEADY_DISCORD_TOKEN=" + setup.Token, "REDIS_URL=redis://" + rs.addr + "/0", "STEADY_REDIS_PREFIX=" + prefix,
		"STEADY_GUILD_ID=" + setup.Guild, "STEADY_STAFF_ROLE_ID=" + setup.StaffRole, "STEADY_LEAD_ROLE_ID=" + setup.LeadRole,
		"STEADY_STAFF_CHANNEL_ID=" + setup.StaffChannel, "STEADY_PEER_CHANNEL_ID=" + setup.PeerChannel,
		"STEADY_DISCORD_API_URL=" + setup.URL, "STEADY_ENCRYPTION_KEYS=" + harnessKey, "STEADY_HUDDLE_AT=off",
		"STEADY_FLUSH_INTERVAL=2s", "STEADY_LOG_LEVEL=warn", "PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
	}
	fleet := make([]*replica, plan.Replicas)
	for i := range fleet {
		fleet[i] = &replica{bin: bin("steady"), env: env, log: bin(fmt.Sprintf("replica%d.log", i))}
		if err := fleet[i].start(ctx); err != nil {
			return res, err
		}
	}
	defer func() {
		for _, r := range fleet {
			r.stop()
		}
	}()
	for _, r := range fleet {
		if err := r.awaitReady(ctx); err != nil {
			return res, err
		}
	}
	fmt.Fprintf(log, "chaos: %d replicas ready; enrolling %d clients\n", len(fleet), plan.Clients)

	first, err := enrol(ctx, rdb, setup, users, plan.Spread)
	if err != nil {
		return res, err
	}
	res.Due = len(users)
	crisis := map[string]bool{}
	for i, u := range users {
		if plan.CrisisEvery > 0 && i%plan.CrisisEvery == 0 {
			crisis[u] = true
		}
	}
	clients := newAnswerer(setup.Control, crisis)
	answering, stopAnswering := context.WithCancel(ctx)
	answered := make(chan struct{})
	if plan.Answer {
		go func() { defer close(answered); clients.run(answering) }()
	} else {
		close(answered)
	}
	defer func() { stopAnswering(); <-answered }()
	fmt.Fprintf(log, "chaos: prompts fall due from %s over %s\n", first.Format(time.TimeOnly), plan.Spread)

	// Faults, on their timeline from the first prompt due.
	faults := []fault{}
	if plan.KillEvery > 0 {
		for at, n := plan.KillEvery, 0; at <= plan.Spread; at, n = at+plan.KillEvery, n+1 {
			r := fleet[n%len(fleet)]
			faults = append(faults, fault{at, fmt.Sprintf("SIGKILL replica %d", n%len(fleet)), func() error {
				res.Kills++
				return r.kill(ctx)
			}})
		}
	}
	if plan.RedisRestartAt > 0 {
		faults = append(faults, fault{plan.RedisRestartAt, "restart Redis on its files", func() error {
			res.RedisRestarts++
			return rs.restart(ctx)
		}})
	}
	if plan.OutageFor > 0 {
		faults = append(faults, fault{plan.OutageAt, "Discord down", func() error {
			return post(ctx, setup.Control+"/down?on=true", nil)
		}}, fault{plan.OutageAt + plan.OutageFor, "Discord back", func() error {
			res.Outage = plan.OutageFor
			return post(ctx, setup.Control+"/down?on=false", nil)
		}})
	}
	sortFaults(faults)
	for _, f := range faults {
		if err := sleepUntil(ctx, first.Add(f.at)); err != nil {
			return res, err
		}
		fmt.Fprintf(log, "chaos: +%s %s\n", f.at.Round(time.Second), f.what)
		if err := f.do(); err != nil {
			return res, fmt.Errorf("%s: %w", f.what, err)
		}
	}
	if err := sleepUntil(ctx, first.Add(plan.Spread)); err != nil {
		return res, err
	}

	// Every prompt should now arrive; then watch a while for late duplicates.
	deadline := time.Now().Add(plan.Settle)
	var dms map[string][]fakeDM
	for {
		if err := get(ctx, setup.Control+"/dms", &dms); err != nil {
			return res, err
		}
		if settled(dms, users, plan.Answer, crisis) || time.Now().After(deadline) {
			break
		}
		if err := sleepUntil(ctx, time.Now().Add(500*time.Millisecond)); err != nil {
			return res, err
		}
	}
	if err := sleepUntil(ctx, time.Now().Add(plan.Quiet)); err != nil {
		return res, err
	}
	stopAnswering()
	<-answered
	if err := get(ctx, setup.Control+"/dms", &dms); err != nil {
		return res, err
	}
	kr, err := redisstore.ParseKeys(harnessKey)
	if err != nil {
		return res, err
	}
	st := redisstore.New(rdb, prefix, redisstore.WithKeys(kr))
	res.Taps = clients.taps
	for i, u := range users {
		if plan.Answer {
			thanks := countText(dms[u], thanksText)
			res.Closed += countText(dms[u], closedText)
			nights, err := st.SleepEntries(ctx, fmt.Sprintf("c%d", i), "1970-01-01")
			if err != nil {
				return res, err
			}
			switch {
			case thanks == 0:
				res.NotThanked++
				fmt.Fprintf(log, "chaos: client c%d was never thanked; what they saw:\n", i)
				for _, m := range dms[u] {
					fmt.Fprintf(log, "  %s %q (buttons %d, menu %t)\n", m.ID, m.Content, len(m.Buttons), m.Menu != "")
				}
				for _, line := range clients.trace(u) {
					fmt.Fprintf(log, "  client: %s\n", line)
				}
			case len(nights) == 0:
				res.Thanked++
				res.Lost++
			default:
				res.Thanked++
				res.Stored++
			}
			if thanks > 1 {
				res.ThankedTwice++
			}
			if len(nights) > 1 {
				res.StoredTwice++
			}
			incidents, err := st.Incidents(ctx, fmt.Sprintf("c%d", i))
			if err != nil {
				return res, err
			}
			res.Incidents += len(incidents)
			if crisis[u] {
				res.Crises++
				switch countText(dms[u], crisisReply) {
				case 0:
					res.CrisisNever++
				case 1:
					res.CrisisOnce++
				default:
					res.CrisisTwice++
				}
			}
		}
		switch n := countText(dms[u], promptText); {
		case n == 0:
			res.Never++
		case n == 1:
			res.Once++
		default:
			res.Twice++
		}
	}
	left, err := rdb.SCard(ctx, prefix+":outboxes").Result()
	if err != nil {
		return res, fmt.Errorf("count queued outboxes: %w", err)
	}
	res.LeftQueued = int(left)
	var stats struct {
		ByStatus map[string]int `json:"by_status"`
	}
	if err := get(ctx, setup.Control+"/stats", &stats); err != nil {
		return res, err
	}
	res.Refused, res.RateLimited, res.Unavailable = stats.ByStatus["400"], stats.ByStatus["429"], stats.ByStatus["503"]
	res.Elapsed = time.Since(start)
	return res, nil
}

// settled says every prompt has arrived and, if the clients answer, every
// client has been thanked.
func settled(dms map[string][]fakeDM, users []string, answer bool, crisis map[string]bool) bool {
	for _, u := range users {
		if !hasText(dms[u], promptText) || (answer && !hasText(dms[u], thanksText)) {
			return false
		}
		if answer && crisis[u] && !hasText(dms[u], crisisReply) {
			return false
		}
	}
	return true
}

type fault struct {
	at   time.Duration
	what string
	do   func() error
}

func sortFaults(fs []fault) {
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && fs[j].at < fs[j-1].at; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}

// sleepUntil waits for a moment on the run's timeline: the faults are
// scheduled in real time, as an operator's would be.
func sleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// enrol enrols every client straight into Redis (their welcome DMs are not
// part of the count and are dropped) and schedules one sleep-log prompt for
// each, evenly over spread from a few seconds ahead. It returns the first due.
func enrol(ctx context.Context, rdb *redis.Client, setup fakeSetup, users []string, spread time.Duration) (time.Time, error) {
	kr, err := redisstore.ParseKeys(harnessKey)
	if err != nil {
		return time.Time{}, err
	}
	st := redisstore.New(rdb, prefix, redisstore.WithKeys(kr))
	sched := scheduler.New(rdb, scheduler.SystemClock{}, scheduler.Options{Prefix: prefix})
	engine := bot.New(bot.Deps{Store: st, Scheduler: sched, Messenger: dropped{}, Clock: scheduler.SystemClock{},
		Config: bot.Config{StaffChannel: setup.StaffChannel, PeerChannel: setup.PeerChannel, LeadID: "jo"}})
	// The profile's own daily prompt is twelve hours away: only the prompts
	// scheduled below fall due during the run.
	daily := time.Now().UTC().Add(12 * time.Hour).Format("15:04")
	errs := make(chan error, len(users))
	slots := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i, u := range users {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			p, err := bot.ParseProfile(fmt.Appendf(nil, `
client: {id: c%d, name: Client %d, discord_id: %q, time_zone: UTC}
worker: {id: sam, name: Sam, discord_id: %q}
lead: {id: jo, name: Jo, discord_id: %q}
consents: {worker_sees_answers: true, peer_group: "off", supervisor_liaison: none}
schedules: {sleep_log: %q}
`, i, i, u, setup.Worker, setup.Lead, daily))
			if err == nil {
				err = engine.Enrol(ctx, p, "sam")
			}
			if err != nil {
				errs <- fmt.Errorf("enrol client %d: %w", i, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := errors.Join(collect(errs)...); err != nil {
		return time.Time{}, err
	}
	first := time.Now().Add(3 * time.Second)
	occs := make([]scheduler.Occurrence, len(users))
	for i := range users {
		due := first.Add(spread * time.Duration(i) / time.Duration(len(users))).UTC()
		client := fmt.Sprintf("c%d", i)
		local := scheduler.Civil(due, time.UTC)
		occs[i] = scheduler.Occurrence{ID: scheduler.OccurrenceID(client, bot.KindSleepLog, "chaos", local),
			Client: client, Kind: bot.KindSleepLog, Ref: "chaos", Zone: "UTC", Local: local, Due: due}
	}
	if err := sched.Add(ctx, occs...); err != nil {
		return time.Time{}, fmt.Errorf("schedule prompts: %w", err)
	}
	return first, nil
}

func collect(errs chan error) []error {
	var out []error
	for err := range errs {
		out = append(out, err)
	}
	return out
}

// dropped is the messenger of the harness's own engine, which only enrols:
// the welcome DMs it would send are not what the run counts.
type dropped struct{}

func (dropped) SendDM(context.Context, string, bot.Outgoing) (bot.MessageRef, error) {
	return bot.MessageRef{}, nil
}
func (dropped) Post(context.Context, string, bot.Outgoing) (bot.MessageRef, error) {
	return bot.MessageRef{}, nil
}
func (dropped) SendStaff(context.Context, string, bot.Outgoing) (bot.MessageRef, error) {
	return bot.MessageRef{}, nil
}
func (dropped) Update(context.Context, bot.MessageRef, bot.Outgoing) error { return nil }
func (dropped) UpdateSent(context.Context, string, bot.Outgoing) error     { return nil }
func (dropped) Delete(context.Context, bot.MessageRef) error               { return nil }
func (dropped) OpenThread(_ context.Context, ch, _ string) (string, error) { return ch, nil }

// --- processes ----------------------------------------------------------------

type redisProc struct {
	dir, addr string
	cmd       *exec.Cmd
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), nil
}

func startRedis(ctx context.Context, dir string) (*redisProc, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	rs := &redisProc{dir: dir, addr: "127.0.0.1:" + port}
	return rs, rs.start(ctx)
}

func (rs *redisProc) start(ctx context.Context) error {
	_, port, _ := net.SplitHostPort(rs.addr)
	rs.cmd = exec.Command("redis-server", "--port", port, "--bind", "127.0.0.1", "--dir", rs.dir,
		"--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--logfile", filepath.Join(rs.dir, "redis.log"))
	if err := rs.cmd.Start(); err != nil {
		return fmt.Errorf("start redis-server: %w", err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: rs.addr, MaxRetries: -1})
	defer rdb.Close()
	return poll(ctx, 10*time.Second, "redis-server to answer", func() bool {
		return rdb.Ping(ctx).Err() == nil
	})
}

// restart shuts Redis down as an operator would (SHUTDOWN: the append-only
// file is written out) and starts it again on the same files.
func (rs *redisProc) restart(ctx context.Context) error {
	rdb := redis.NewClient(&redis.Options{Addr: rs.addr, MaxRetries: -1})
	_ = rdb.Shutdown(ctx).Err() // the connection closes under the answer
	rdb.Close()
	_ = rs.cmd.Wait()
	return rs.start(ctx)
}

func (rs *redisProc) stop() {
	if rs.cmd != nil && rs.cmd.Process != nil {
		_ = rs.cmd.Process.Signal(syscall.SIGTERM)
		_ = rs.cmd.Wait()
	}
}

type replica struct {
	bin  string
	env  []string
	log  string
	http string
	cmd  *exec.Cmd
}

func (r *replica) start(ctx context.Context) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	r.http = "127.0.0.1:" + port
	logf, err := os.OpenFile(r.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close()
	r.cmd = exec.Command(r.bin, "serve")
	r.cmd.Env = append(append([]string(nil), r.env...), "STEADY_HTTP_ADDR="+r.http)
	r.cmd.Stdout, r.cmd.Stderr = logf, logf
	if err := r.cmd.Start(); err != nil {
		return fmt.Errorf("start steady serve: %w", err)
	}
	return nil
}

func (r *replica) awaitReady(ctx context.Context) error {
	return poll(ctx, 60*time.Second, "a replica to be ready", func() bool {
		resp, err := http.Get("http://" + r.http + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

// kill SIGKILLs the replica and starts it again at once, as a supervisor
// would; it does not wait for the new one to be ready.
func (r *replica) kill(ctx context.Context) error {
	_ = r.cmd.Process.Kill()
	_ = r.cmd.Wait()
	return r.start(ctx)
}

func (r *replica) stop() {
	if r.cmd != nil && r.cmd.Process != nil && r.cmd.ProcessState == nil {
		_ = r.cmd.Process.Signal(syscall.SIGTERM)
		_ = r.cmd.Wait()
	}
}

func poll(ctx context.Context, limit time.Duration, what string, ok func() bool) error {
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out waiting for %s", what)
		}
		if err := sleepUntil(ctx, time.Now().Add(50*time.Millisecond)); err != nil {
			return err
		}
	}
	return nil
}

// --- the fake Discord's process -----------------------------------------------

type fakeSetup struct {
	URL, Token, Control        string
	Guild, StaffRole, LeadRole string
	StaffChannel, PeerChannel  string
	Worker, Lead               string
}

type fakeDM struct {
	ID, Content string
	Buttons     []struct{ Label, CustomID string }
	Menu        string
	Options     []string
}

func startFake(ctx context.Context, bin, dir string) (*exec.Cmd, fakeSetup, error) {
	var setup fakeSetup
	cmd := exec.Command(bin)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, setup, err
	}
	logf, err := os.Create(filepath.Join(dir, "fakediscord.log"))
	if err != nil {
		return nil, setup, err
	}
	cmd.Stderr = logf
	if err := cmd.Start(); err != nil {
		return nil, setup, fmt.Errorf("start fakediscord: %w", err)
	}
	line, err := bufio.NewReader(out).ReadBytes('\n')
	if err != nil {
		return nil, setup, fmt.Errorf("fakediscord's setup line: %w", err)
	}
	if err := json.Unmarshal(line, &setup); err != nil {
		return nil, setup, fmt.Errorf("fakediscord's setup line: %w", err)
	}
	return cmd, setup, nil
}

func post(ctx context.Context, url string, v any) error { return call(ctx, http.MethodPost, url, v) }
func get(ctx context.Context, url string, v any) error  { return call(ctx, http.MethodGet, url, v) }

func call(ctx context.Context, method, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("%s %s: %s: %s", method, url, resp.Status, b)
	}
	if v == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(v)
}
