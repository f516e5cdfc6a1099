// Command scheduler measures Steady's scheduler against the peer a user
// would otherwise pick (hibiken/asynq) and against the floor Redis itself
// sets (a bare sorted-set drain), all in one run on the same private
// redis-server; then the idle tick's cost, a claiming process's peak RSS
// and Redis memory per enrolled client. Figures go to docs/performance.md.
//
//	cd bench/scheduler && go run . [-n 100000]
package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"steady/bot"
	"steady/scheduler"
	"steady/store/redisstore"
)

func main() {
	n := flag.Int("n", 100_000, "clients / occurrences")
	role := flag.String("role", "", "internal: run as the claiming child process")
	only := flag.String("only", "", "run only the named steps (comma-separated; for profiling)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of this process")
	addr := flag.String("redis", "", "internal: the child's Redis")
	flag.Parse()
	ctx := context.Background()
	if *role == "claimer" {
		if err := claimAll(ctx, *addr, *n); err != nil {
			log.Fatal(err)
		}
		return
	}
	srv, err := startRedis()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.stop()
	rdb := redis.NewClient(&redis.Options{Addr: srv.addr, PoolSize: 64})
	defer rdb.Close()

	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	out := &report{}
	steps := []struct {
		name string
		run  func(context.Context, *redis.Client, int, *report) error
	}{
		{"steady", benchSteady},
		{"asynq", benchAsynq},
		{"bare drain", benchDrain},
		{"idle tick", benchIdle},
		{"claimer RSS", func(ctx context.Context, rdb *redis.Client, n int, r *report) error {
			return benchRSS(ctx, rdb, srv.addr, n, r)
		}},
		{"memory per client", benchMemory},
	}
	for _, s := range steps {
		if *only != "" && !slices.Contains(strings.Split(*only, ","), s.name) {
			continue
		}
		if err := rdb.FlushAll(ctx).Err(); err != nil {
			log.Fatal(err)
		}
		fmt.Fprintf(os.Stderr, "%s…\n", s.name)
		if err := s.run(ctx, rdb, *n, out); err != nil {
			log.Fatalf("%s: %v", s.name, err)
		}
	}
	if *only == "steady" {
		fmt.Fprintln(os.Stderr, rdb.Info(ctx, "commandstats").Val())
	}
	out.print(os.Stdout, *n)
}

type report struct {
	steady, asynq, drain     time.Duration
	idleCalls                int
	idleTick                 time.Duration
	rssKB                    int64 // the claimer's own peak (VmHWM)
	rssParentKB              int64 // getrusage's ru_maxrss for the child, which includes the driver's peak
	perClient, perSchedules  float64
	perProfile, perAudit     float64
	steadyCalls, asynqRedisN int64
}

func (r *report) print(w io.Writer, n int) {
	rate := func(d time.Duration) string { return fmt.Sprintf("%.0f/s", float64(n)/d.Seconds()) }
	fmt.Fprintf(w, "| measure | figure | target |\n|---|---|---|\n")
	fmt.Fprintf(w, "| Steady: %d due at once → claimed, no-op handler, fired, next stored | %.2f s (%s, %d Redis calls) | ≤ 2 s |\n", n, r.steady.Seconds(), rate(r.steady), r.steadyCalls)
	fmt.Fprintf(w, "| asynq v0.26: %d `ProcessAt` tasks, Concurrency 50 | %.2f s (%s) | Steady ≥ 10× faster: %.1f× |\n", n, r.asynq.Seconds(), rate(r.asynq), r.asynq.Seconds()/r.steady.Seconds())
	fmt.Fprintf(w, "| bare drain: Lua pops ≤ 1,000 due per call into a lease set | %.2f s (%s) | Steady within 4×: %.1f× |\n", r.drain.Seconds(), rate(r.drain), r.steady.Seconds()/r.drain.Seconds())
	fmt.Fprintf(w, "| idle tick with %d clients enrolled, nothing due | %d Redis call, %.0f µs | constant |\n", n, r.idleCalls, float64(r.idleTick.Microseconds()))
	fmt.Fprintf(w, "| peak RSS of a claiming process, %d clients enrolled and due | %.1f MB (VmHWM; getrusage said %.1f MB, the driver's peak carried over) | ≤ 30 MB |\n", n, float64(r.rssKB)/1024, float64(r.rssParentKB)/1024)
	fmt.Fprintf(w, "| Redis used_memory per enrolled client: profile + schedules | %.0f B (profile and indexes %.0f B, schedules %.0f B) | ≤ 3 KB |\n", r.perProfile+r.perSchedules, r.perProfile, r.perSchedules)
	fmt.Fprintf(w, "| … plus the enrolment's audit entries (a Redis stream per client) | %.0f B | |\n", r.perAudit)
}

// countCalls counts the commands (or pipelines) a client sends.
type countCalls struct{ n atomic.Int64 }

func (c *countCalls) DialHook(next redis.DialHook) redis.DialHook { return next }
func (c *countCalls) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { c.n.Add(1); return next(ctx, cmd) }
}
func (c *countCalls) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { c.n.Add(1); return next(ctx, cmds) }
}

type noop struct{ fired atomic.Int64 }

func (h *noop) Fire(context.Context, scheduler.Occurrence) error { h.fired.Add(1); return nil }
func (h *noop) Missed(context.Context, scheduler.Occurrence) error {
	return errors.New("unexpected miss")
}

// due is the moment every occurrence falls due.
var due = time.Date(2026, 11, 23, 7, 30, 0, 0, time.UTC)

// enrolSeries gives n clients a daily sleep log due at `due`, put from the
// day before so today's is the pending one.
func enrolSeries(ctx context.Context, rdb *redis.Client, prefix string, n int) error {
	s := scheduler.New(rdb, scheduler.NewFakeClock(due.Add(-time.Hour)), scheduler.Options{Prefix: prefix})
	return parallel(n, 32, func(i int) error {
		return s.PutSeries(ctx, scheduler.Series{Client: fmt.Sprintf("c%06d", i), Kind: "sleep_log", Zone: "Europe/London", Rule: "daily 07:30"})
	})
}

func benchSteady(ctx context.Context, rdb *redis.Client, n int, r *report) error {
	if err := enrolSeries(ctx, rdb, "bench", n); err != nil {
		return err
	}
	rdb.ConfigResetStat(ctx)
	clock := scheduler.NewFakeClock(due)
	counted := redis.NewClient(&redis.Options{Addr: rdb.Options().Addr})
	defer counted.Close()
	calls := &countCalls{}
	counted.AddHook(calls)
	s := scheduler.New(counted, clock, scheduler.Options{Prefix: "bench", Batch: 1000})
	h := &noop{}
	start := time.Now()
	for h.fired.Load() < int64(n) {
		if _, err := s.Tick(ctx, h); err != nil {
			return err
		}
	}
	r.steady, r.steadyCalls = time.Since(start), calls.n.Load()
	// Every series has its next occurrence stored: tomorrow's.
	tomorrow := strconv.FormatInt(due.Add(24*time.Hour).UnixMilli(), 10)
	if got := rdb.ZCount(ctx, "bench:{sched}:due", tomorrow, tomorrow).Val(); got != int64(n) {
		return fmt.Errorf("%d next occurrences stored, want %d", got, n)
	}
	return nil
}

func benchAsynq(ctx context.Context, rdb *redis.Client, n int, r *report) error {
	opt := asynq.RedisClientOpt{Addr: rdb.Options().Addr, PoolSize: 64}
	client := asynq.NewClient(opt)
	defer client.Close()
	at := time.Now().Add(time.Hour) // far enough to enqueue everything first
	if err := parallel(n, 32, func(i int) error {
		_, err := client.Enqueue(asynq.NewTask("sleep_log", []byte(fmt.Sprintf("c%06d", i))), asynq.ProcessAt(at))
		return err
	}); err != nil {
		return err
	}
	// Make them all due now, as time passing would.
	dueNow := strconv.FormatInt(time.Now().Unix(), 10)
	if err := rdb.Eval(ctx, `for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do redis.call('ZADD', KEYS[1], ARGV[1], m) end return 1`,
		[]string{"asynq:{default}:scheduled"}, dueNow).Err(); err != nil {
		return err
	}
	var done atomic.Int64
	finished := make(chan struct{})
	srv := asynq.NewServer(opt, asynq.Config{Concurrency: 50, LogLevel: asynq.ErrorLevel})
	start := time.Now()
	err := srv.Start(asynq.HandlerFunc(func(context.Context, *asynq.Task) error {
		if done.Add(1) == int64(n) {
			close(finished)
		}
		return nil
	}))
	if err != nil {
		return err
	}
	select {
	case <-finished:
	case <-time.After(10 * time.Minute):
		return fmt.Errorf("asynq handled %d of %d in 10 min", done.Load(), n)
	}
	r.asynq = time.Since(start)
	srv.Shutdown()
	return nil
}

// drainScript is the floor: pop up to ARGV[2] due members into a lease set.
var drainScript = redis.NewScript(`
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #ids == 0 then return 0 end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, #ids - 1)
local lease = {}
for i, id in ipairs(ids) do lease[2*i-1] = ARGV[3]; lease[2*i] = id end
redis.call('ZADD', KEYS[2], unpack(lease))
return #ids
`)

func benchDrain(ctx context.Context, rdb *redis.Client, n int, r *report) error {
	ms := due.UnixMilli()
	if err := parallel(n/1000, 8, func(b int) error {
		z := make([]redis.Z, 0, 1000)
		for i := b * 1000; i < (b+1)*1000; i++ {
			z = append(z, redis.Z{Score: float64(ms), Member: fmt.Sprintf("c%06d|sleep_log||2026-11-23T07:30", i)})
		}
		return rdb.ZAdd(ctx, "drain:due", z...).Err()
	}); err != nil {
		return err
	}
	start := time.Now()
	total := 0
	for {
		k, err := drainScript.Run(ctx, rdb, []string{"drain:due", "drain:lease"}, ms, 1000, ms+30000).Int()
		if err != nil {
			return err
		}
		if k == 0 {
			break
		}
		total += k
	}
	r.drain = time.Since(start)
	if total != n/1000*1000 {
		return fmt.Errorf("drained %d", total)
	}
	return nil
}

func benchIdle(ctx context.Context, rdb *redis.Client, n int, r *report) error {
	if err := enrolSeries(ctx, rdb, "bench", n); err != nil {
		return err
	}
	counted := redis.NewClient(&redis.Options{Addr: rdb.Options().Addr})
	defer counted.Close()
	calls := &countCalls{}
	counted.AddHook(calls)
	s := scheduler.New(counted, scheduler.NewFakeClock(due.Add(-time.Minute)), scheduler.Options{Prefix: "bench"})
	h := &noop{}
	if _, err := s.Tick(ctx, h); err != nil { // loads the script
		return err
	}
	const ticks = 1000
	calls.n.Store(0)
	start := time.Now()
	for i := 0; i < ticks; i++ {
		if _, err := s.Tick(ctx, h); err != nil {
			return err
		}
	}
	r.idleTick = time.Since(start) / ticks
	r.idleCalls = int(calls.n.Load() / ticks)
	if h.fired.Load() != 0 {
		return errors.New("idle ticks fired something")
	}
	return nil
}

// benchRSS runs the claim of n due occurrences in a child process and reads
// its peak resident set from the kernel.
func benchRSS(ctx context.Context, rdb *redis.Client, addr string, n int, r *report) error {
	if err := enrolSeries(ctx, rdb, "bench", n); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, self, "-role", "claimer", "-redis", addr, "-n", strconv.Itoa(n))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return err
	}
	// The child reports its own high-water mark (VmHWM). getrusage's
	// ru_maxrss for a child is no use here: Go starts children with
	// clone(CLONE_VFORK|CLONE_VM), so until exec the child runs in the
	// parent's address space, and Linux carries that space's peak RSS (this
	// driver's, with 100,000 clients enrolled) into the child's ru_maxrss.
	if _, err := fmt.Sscanf(strings.TrimSpace(string(out)), "vmhwm_kb %d", &r.rssKB); err != nil {
		return fmt.Errorf("claimer's peak RSS %q: %w", out, err)
	}
	r.rssParentKB = cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
	return nil
}

// vmHWM is this process's peak resident set (VmHWM in /proc/self/status), in KB.
func vmHWM() (int64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			return strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
		}
	}
	return 0, errors.New("no VmHWM in /proc/self/status")
}

// claimAll is the child: a scheduler as `steady serve` runs it, claiming
// everything due.
func claimAll(ctx context.Context, addr string, n int) error {
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	s := scheduler.New(rdb, scheduler.NewFakeClock(due), scheduler.Options{Prefix: "bench"})
	h := &noop{}
	for h.fired.Load() < int64(n) {
		if _, err := s.Tick(ctx, h); err != nil {
			return err
		}
	}
	kb, err := vmHWM()
	if err != nil {
		return err
	}
	fmt.Printf("vmhwm_kb %d\n", kb)
	return nil
}

// benchMemory enrols clients through the engine, as a worker would, and
// reads what Redis holds for them.
func benchMemory(ctx context.Context, rdb *redis.Client, n int, r *report) error {
	used := func() (int64, error) {
		info, err := rdb.Info(ctx, "memory").Result()
		if err != nil {
			return 0, err
		}
		for _, l := range strings.Split(info, "\r\n") {
			if v, ok := strings.CutPrefix(l, "used_memory:"); ok {
				return strconv.ParseInt(v, 10, 64)
			}
		}
		return 0, errors.New("no used_memory")
	}
	keys, err := redisstore.ParseKeys(base64.StdEncoding.EncodeToString([]byte(strings.Repeat("k", 32))))
	if err != nil {
		return err
	}
	clock := scheduler.NewFakeClock(time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC))
	st := redisstore.New(rdb, "steady", redisstore.WithKeys(keys))
	sched := scheduler.New(rdb, clock, scheduler.Options{Prefix: "steady"})
	e := bot.New(bot.Deps{Store: st, Scheduler: sched, Messenger: nowhere{}, Clock: clock})
	before, err := used()
	if err != nil {
		return err
	}
	if err := parallel(n, 32, func(i int) error {
		p, err := bot.ParseProfile([]byte(fmt.Sprintf(benchProfile, i, i)))
		if err != nil {
			return err
		}
		return e.Enrol(ctx, p, "sam")
	}); err != nil {
		return err
	}
	after, err := used()
	if err != nil {
		return err
	}
	total := float64(after-before) / float64(n)
	// Split it: the audit streams and the scheduler's keys, by MEMORY USAGE
	// of every stream and the {sched} keys; the rest is profile and indexes.
	var audit, schedules float64
	iter := rdb.Scan(ctx, 0, "steady:*", 5000).Iterator()
	for iter.Next(ctx) {
		k := iter.Val()
		switch {
		case strings.HasSuffix(k, "}:audit"):
			audit += float64(rdb.MemoryUsage(ctx, k).Val())
		case strings.Contains(k, "{sched}"):
			schedules += float64(rdb.MemoryUsage(ctx, k, 0).Val())
		}
	}
	if err := iter.Err(); err != nil {
		return err
	}
	r.perAudit, r.perSchedules = audit/float64(n), schedules/float64(n)
	r.perProfile = total - r.perAudit - r.perSchedules
	return nil
}

// benchProfile is a client as the sample enrols them, with a sleep log, a
// weekly check-in, a weekly rota and a job start (so planning ahead runs).
const benchProfile = `
client: {id: c%06d, name: Alex, discord_id: "1%017d", time_zone: Europe/London, job_start: "2026-11-23"}
worker: {id: sam, name: Sam, discord_id: "200000000000000002", time_zone: Europe/London}
consents: {worker_sees_answers: true, peer_group: anonymous, supervisor_liaison: functional}
schedules: {sleep_log: "07:30", weekly_checkin: "mon 10:00", quiet_hours: "22:00-07:00", debrief_after: 30m}
rota: {weekly: ["mon 09:00-17:00", "wed 09:00-17:00", "fri 12:00-20:00"]}
plan:
  early_warning_signs: [racing thoughts, skipping meals, snapping at colleagues]
  warning_signs_threshold: 2
  pause_script: "Step away for five minutes. Breathe in for 4, out for 6. Tell the shift lead: I need a short break, back in five."
  grounding: "Name 5 things you can see, 4 you can hear, 3 you can touch."
  actions:
    two_disrupted_nights: [reduced hours for one week, a review with the supervisor (functional information only)]
`

type nowhere struct{}

func (nowhere) SendDM(context.Context, string, bot.Outgoing) (bot.MessageRef, error) {
	return bot.MessageRef{}, nil
}
func (nowhere) Post(context.Context, string, bot.Outgoing) (bot.MessageRef, error) {
	return bot.MessageRef{}, nil
}
func (nowhere) SendStaff(context.Context, string, bot.Outgoing) (bot.MessageRef, error) {
	return bot.MessageRef{}, nil
}
func (nowhere) Update(context.Context, bot.MessageRef, bot.Outgoing) error { return nil }
func (nowhere) UpdateSent(context.Context, string, bot.Outgoing) error     { return nil }
func (nowhere) OpenThread(context.Context, string, string) (string, error) { return "", nil }
func (nowhere) Delete(context.Context, bot.MessageRef) error               { return nil }

// parallel runs f(0..n-1) on workers goroutines, stopping at the first error.
func parallel(n, workers int, f func(i int) error) error {
	var next atomic.Int64
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := f(i); err != nil {
					once.Do(func() { first = err })
					next.Store(int64(n))
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

type redisServer struct {
	addr string
	dir  string
	cmd  *exec.Cmd
}

// startRedis runs a private redis-server (no persistence) on a free port.
func startRedis() (*redisServer, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	dir, err := os.MkdirTemp("", "steady-bench-")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
		"--save", "", "--appendonly", "no", "--logfile", "",
		"--stream-node-max-bytes", "1024") // as docker-compose.yml runs it
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start redis-server (apt-get install -y redis-server): %w", err)
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if strings.Contains(sc.Text(), "Ready to accept connections") {
			go io.Copy(io.Discard, out)
			return &redisServer{addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), dir: dir, cmd: cmd}, nil
		}
	}
	cmd.Wait()
	return nil, errors.New("redis-server exited before it was ready")
}

func (s *redisServer) stop() {
	s.cmd.Process.Kill()
	s.cmd.Wait()
	os.RemoveAll(filepath.Clean(s.dir))
}
