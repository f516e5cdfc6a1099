// Command outbox measures Steady's Discord side on this machine:
//
//  1. outbound: check-in DMs to distinct users (DM channel creation
//     included) through the real adapter and its REST outbox, against the
//     fake Discord enforcing Discord's 50/s global limit and validating every
//     request: achieved request rate and 429s;
//  2. inbound: a client's answer from the gateway event to the reply queued
//     (committed to the client's durable outbox and flushed), through the
//     real engine on a real redis-server: p50, p99, Redis round trips per
//     answer, answers/s.
//
// Run from the repository root: go run ./bench/outbox (see docs/performance.md).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"steady/bot"
	"steady/bot/discord"
	"steady/bot/discord/fakediscord"
	"steady/flows"
	"steady/scheduler"
	"steady/store/redisstore"
	"steady/store/redistest"
)

func main() {
	users := flag.Int("users", 3000, "check-in DMs to send, one per distinct user")
	rate := flag.Float64("rate", 45, "the outbox's configured global rate (requests/s)")
	workers := flag.Int("workers", 64, "concurrent senders (the engine flushes clients concurrently)")
	answers := flag.Int("answers", 20000, "inbound answers to handle")
	clients := flag.Int("clients", 500, "clients the inbound answers are spread over")
	skipOut := flag.Bool("skip-outbound", false, "run only the inbound part")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the inbound part to this file")
	flag.Parse()
	log.SetFlags(0)

	srv, err := redistest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Stop()
	fmt.Printf("machine: %d cores (GOMAXPROCS %d), %s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version())
	if !*skipOut {
		if err := outbound(srv.Addr, *users, *rate, *workers); err != nil {
			log.Fatal(err)
		}
	}
	if err := inbound(srv.Addr, *answers, *clients, *cpuProfile); err != nil {
		log.Fatal(err)
	}
}

func outbound(addr string, n int, rate float64, workers int) error {
	fake, err := fakediscord.Start(fakediscord.Options{GlobalLimit: 50})
	if err != nil {
		return err
	}
	defer fake.Close()
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	dc, err := discord.New(discord.Options{Token: fake.Token(), APIURL: fake.URL, Redis: rdb, Prefix: "bench-out",
		Records: redisstore.New(rdb, "bench-out"), Rate: rate})
	if err != nil {
		return err
	}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fake.AddUser("user" + strconv.Itoa(i))
	}
	choices := []flows.Choice{{Label: "1", Value: "1"}, {Label: "2", Value: "2"}, {Label: "3", Value: "3"}, {Label: "4", Value: "4"}, {Label: "5", Value: "5"}}
	work := make(chan int)
	var failed atomic.Int64
	var wg sync.WaitGroup
	ctx := context.Background()
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				_, err := dc.SendDM(ctx, ids[i], bot.Outgoing{
					Audience: flows.ToClient, Text: "Hi. Time for your weekly check-in: how are you coping at work this week? 1 is not at all, 5 is very well.",
					Choices: choices, Prompt: fmt.Sprintf("c%d|weekly_checkin||2026-11-23T10:00", i), Key: fmt.Sprintf("c%d|weekly_checkin||2026-11-23T10:00/q/0", i),
				})
				if err != nil {
					failed.Add(1)
					log.Printf("send %d: %v", i, err)
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		work <- i
	}
	close(work)
	wg.Wait()
	elapsed := time.Since(start)
	traffic := fake.Traffic()
	st := dc.Stats()
	achieved := float64(len(traffic)) / elapsed.Seconds()
	fmt.Printf("\noutbound: %d check-in DMs to %d distinct users, DM channel creation included\n", n, n)
	fmt.Printf("  requests:        %d in %.1fs (%d DM channels + %d messages)\n", len(traffic), elapsed.Seconds(), countRoute(traffic, "/users/@me/channels"), countRoute(traffic, "/channels/{channel_id}/messages"))
	fmt.Printf("  achieved rate:   %.2f requests/s = %.3f of the configured %.0f/s (Discord's limit: 50/s)\n", achieved, achieved/rate, rate)
	fmt.Printf("  429 answers:     %d (fake) / %d (seen by the outbox)\n", fake.Count(429), st.RateLimited)
	fmt.Printf("  invalid requests: %d; failed sends: %d\n", len(fake.Invalid()), failed.Load())
	return nil
}

func countRoute(ex []fakediscord.Exchange, route string) int {
	n := 0
	for _, e := range ex {
		if e.Route == route {
			n++
		}
	}
	return n
}

// roundTrips counts commands and pipelines sent to Redis: one each is one round trip.
type roundTrips struct {
	n      atomic.Int64
	byName sync.Map
}

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		r.count(cmd.Name())
		return next(ctx, cmd)
	}
}
func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		name := "pipeline("
		for i, c := range cmds {
			if i > 0 {
				name += ","
			}
			name += c.Name()
		}
		r.count(name + ")")
		return next(ctx, cmds)
	}
}
func (r *roundTrips) count(name string) {
	r.n.Add(1)
	v, _ := r.byName.LoadOrStore(name, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
}

// recorder is the Messenger for the inbound part: the reply is queued and
// flushed to it, which is where the adapter's REST outbox would take over.
type recorder struct{ sent atomic.Int64 }

func (r *recorder) SendDM(context.Context, string, bot.Outgoing) (bot.MessageRef, error) {
	r.sent.Add(1)
	return bot.MessageRef{}, nil
}
func (r *recorder) Post(context.Context, string, bot.Outgoing) (bot.MessageRef, error) {
	r.sent.Add(1)
	return bot.MessageRef{}, nil
}
func (r *recorder) SendStaff(context.Context, string, bot.Outgoing) (bot.MessageRef, error) {
	r.sent.Add(1)
	return bot.MessageRef{}, nil
}
func (r *recorder) Update(context.Context, bot.MessageRef, bot.Outgoing) error { return nil }
func (r *recorder) UpdateSent(context.Context, string, bot.Outgoing) error     { return nil }
func (r *recorder) OpenThread(context.Context, string, string) (string, error) {
	return "", nil
}
func (r *recorder) Delete(context.Context, bot.MessageRef) error { return nil }

func inbound(addr string, answers, clients int, cpuProfile string) error {
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: addr, PoolSize: 4 * runtime.GOMAXPROCS(0)})
	defer rdb.Close()
	// Enrolled before 07:30, so the day's 07:30 sleep log is theirs to answer.
	clock := scheduler.NewFakeClock(time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC))
	st := redisstore.New(rdb, "bench-in")
	sched := scheduler.New(rdb, clock, scheduler.Options{Prefix: "bench-in"})
	rec := &recorder{}
	engine := bot.New(bot.Deps{Store: st, Scheduler: sched, Messenger: rec, Clock: clock,
		// Every answer comes at the same simulated instant; the limit on how
		// fast one person is answered is not what this measures.
		Config: bot.Config{StaffChannel: "1", PeerChannel: "2", Inbound: bot.InboundLimit{Burst: answers}}})
	// Enrol the clients and open each one's sleep log, as the scheduler would.
	for i := 0; i < clients; i++ {
		var p bot.Profile
		p.Client.ID, p.Client.Name, p.Client.DiscordID, p.Client.TimeZone = fmt.Sprintf("c%d", i), "Client", fmt.Sprintf("9%017d", i), "Europe/London"
		p.Worker = bot.StaffProfile{ID: "sam", Name: "Sam", DiscordID: "200000000000000002"}
		p.Consents.WorkerSeesAnswers, p.Consents.PeerGroup, p.Consents.SupervisorLiaison = true, "off", "none"
		p.Schedules.SleepLog = "07:30"
		if err := engine.Enrol(ctx, p, "sam"); err != nil {
			return err
		}
	}
	clock.Set(time.Date(2026, 11, 23, 7, 30, 0, 0, time.UTC))
	if _, err := sched.Tick(ctx, engine); err != nil {
		return err
	}
	// Each answer is a sleep-log answer that the flow re-asks or moves on
	// from: a full step (load, decide, commit, reply queued and flushed).
	// Taps alternate with typed answers the flow must parse. A finished log
	// is opened again by asking for one, so every answer is routine (idle
	// talk would go on the worker's to-read list, a different path).
	inputs := []string{"23:00", "20", "1", "07:00", "4", "sleep log"}
	hook := &roundTrips{}
	rdb.AddHook(hook)
	lat := make([]time.Duration, answers)
	var next atomic.Int64
	step := make([]atomic.Int64, clients)
	workers := 2 * runtime.GOMAXPROCS(0)
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= answers {
					return
				}
				c := i % clients
				k := step[c].Add(1) - 1
				in := bot.Inbound{UserID: fmt.Sprintf("9%017d", c), Key: "msg:" + strconv.Itoa(i), Text: inputs[k%int64(len(inputs))]}
				t := time.Now()
				if err := engine.HandleMessage(ctx, in); err != nil {
					log.Printf("answer %d: %v", i, err)
				}
				lat[i] = time.Since(t)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	fmt.Printf("\ninbound: %d answers over %d clients, %d concurrent handlers, real redis-server\n", answers, clients, workers)
	fmt.Printf("  latency:         p50 %s, p99 %s (gateway event handed to the engine → reply committed and flushed)\n",
		lat[answers/2].Round(time.Microsecond), lat[answers*99/100].Round(time.Microsecond))
	fmt.Printf("  throughput:      %.0f answers/s\n", float64(answers)/elapsed.Seconds())
	fmt.Printf("  Redis round trips per answer: %.2f\n", float64(hook.n.Load())/float64(answers))
	type kv struct {
		name string
		n    int64
	}
	var rows []kv
	hook.byName.Range(func(k, v any) bool { rows = append(rows, kv{k.(string), v.(*atomic.Int64).Load()}); return true })
	sort.Slice(rows, func(i, j int) bool { return rows[i].n > rows[j].n })
	for _, r := range rows {
		fmt.Printf("    %-60s %.2f per answer\n", r.name, float64(r.n)/float64(answers))
	}
	fmt.Printf("  replies delivered to the messenger: %d\n", rec.sent.Load())
	_ = os.Stdout.Sync()
	return nil
}
