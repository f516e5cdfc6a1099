package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"

	"steady/bot"
	"steady/bot/discord"
	"steady/scheduler"
	"steady/store"
	"steady/store/redisstore"
)

const serveHelp = `usage: steady serve [--config FILE]

Runs the Discord bot: gateway and REST, the scheduler, and /healthz, /readyz
and /metrics on STEADY_HTTP_ADDR. Settings come from environment variables
(see docs/examples/steady.env); --config FILE reads the same NAME=value lines,
and the environment wins. SIGTERM or Ctrl-C finishes in-flight work and exits.

flags:`

func runServe(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, serveHelp); fs.PrintDefaults() }
	file := fs.String("config", "", "read settings from `FILE` (NAME=value lines)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	var fromFile map[string]string
	if *file != "" {
		var warnings []string
		var err error
		if fromFile, warnings, err = readConfigFile(*file); err != nil {
			printLines(stderr, err)
			return 2
		}
		for _, w := range warnings {
			fmt.Fprintln(stderr, "steady serve: warning:", w)
		}
	}
	cfg, err := loadConfig(os.Getenv, fromFile)
	if err != nil {
		printLines(stderr, err)
		return 2
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	// go-redis prints its own pool errors; route them into the JSON log at
	// debug (the error a caller sees is logged where it is handled).
	redis.SetLogger(redisLog{log.With("part", "redis")})
	m := &Main{Config: cfg, Log: log}
	if err := m.Run(ctx); err != nil {
		fmt.Fprintln(stderr, "steady serve:", err)
		return 1
	}
	return 0
}

type redisLog struct{ l *slog.Logger }

func (r redisLog) Printf(ctx context.Context, format string, v ...any) {
	r.l.DebugContext(ctx, fmt.Sprintf(format, v...))
}

// printLines writes each error of a joined error on its own line.
func printLines(w io.Writer, err error) {
	for _, line := range strings.Split(err.Error(), "\n") {
		fmt.Fprintln(w, "steady serve:", line)
	}
}

// Main is `steady serve`: everything wired together. The end-to-end tests
// run it against the fake Discord with a fake clock.
type Main struct {
	Config serveConfig
	Log    *slog.Logger
	// Clock drives the engine and scheduler (default the system clock).
	Clock scheduler.AlarmClock
	// Listener serves the HTTP endpoints instead of listening on Config.HTTPAddr.
	Listener net.Listener

	mu      sync.Mutex
	cancel  context.CancelFunc
	done    chan struct{}
	rdb     *redis.Client
	engine  *bot.Engine
	discord *discord.Client
	sched   *scheduler.Scheduler
}

// Engine returns the running engine (nil before Run has connected).
func (m *Main) Engine() *bot.Engine {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.engine
}

// Close stops a running Main and waits for its shutdown.
func (m *Main) Close() {
	m.mu.Lock()
	cancel, done := m.cancel, m.done
	m.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// Run connects to Redis and Discord and serves until ctx ends, then finishes
// in-flight work and returns. A failure to start returns at once.
func (m *Main) Run(ctx context.Context) (err error) {
	ctx, cancel := context.WithCancel(ctx)
	m.mu.Lock()
	m.cancel, m.done = cancel, make(chan struct{})
	m.mu.Unlock()
	defer func() { cancel(); close(m.done) }()
	cfg := m.Config
	if m.Clock == nil {
		m.Clock = scheduler.SystemClock{}
	}
	if m.Log == nil {
		m.Log = slog.New(slog.DiscardHandler)
	}
	log := m.Log

	cat, err := loadCatalog(cfg.MessagesFile)
	if err != nil {
		return err
	}

	rdb := redis.NewClient(cfg.RedisOptions)
	defer rdb.Close()
	pingCtx, pingCancel := context.WithTimeout(ctx, 10*time.Second)
	err = rdb.Ping(pingCtx).Err()
	pingCancel()
	if err != nil {
		return fmt.Errorf("cannot reach Redis at %s: %v", redactURL(cfg.RedisURL), err)
	}

	metrics := newServeMetrics()
	st := redisstore.New(rdb, cfg.Prefix, redisstore.WithKeys(cfg.Keys), redisstore.WithAuditRetention(cfg.Retention))
	sched := scheduler.New(rdb, m.Clock, scheduler.Options{Prefix: cfg.Prefix, Log: log.With("part", "scheduler")})
	dc, err := discord.New(discord.Options{
		Token: cfg.Token, APIURL: cfg.APIURL, GuildID: cfg.GuildID, StaffRoleID: cfg.StaffRoleID, LeadRoleID: cfg.LeadRoleID,
		PeerChannelID: cfg.PeerChannelID, StaffChannelID: cfg.StaffChannelID,
		Redis: rdb, Prefix: cfg.Prefix, Records: st, Rate: cfg.Rate, Catalog: cat, Log: log.With("part", "discord"),
	})
	if err != nil {
		return err
	}
	engine := bot.New(bot.Deps{
		Store: st, Scheduler: sched, Messenger: dc, Clock: m.Clock, Catalog: cat, Log: log.With("part", "engine"),
		Config: bot.Config{StaffChannel: cfg.StaffChannelID, PeerChannel: cfg.PeerChannelID, LeadID: cfg.LeadID, Retention: cfg.Retention,
			CrisisHold: cfg.CrisisHold,
			Escalation: cfg.Escalation, ModeratorChannel: cfg.ModeratorChannelID, Moderators: cfg.Moderators,
			ServiceZone: cfg.ServiceZone, HuddleAt: cfg.HuddleAt, CrisisContacts: cfg.CrisisContacts, DangerContacts: cfg.DangerContacts},
		Observe: metrics.observe,
	})
	if err := engine.ScheduleService(ctx); err != nil {
		return fmt.Errorf("schedule the weekly huddle: %w", err)
	}
	if n, err := engine.ResumeErasures(ctx); err != nil {
		return fmt.Errorf("finish interrupted erasures: %w", err)
	} else if n > 0 {
		log.Info("finished interrupted erasures", "count", n)
	}
	metrics.register(dc, st)
	m.mu.Lock()
	m.rdb, m.engine, m.discord, m.sched = rdb, engine, dc, sched
	m.mu.Unlock()

	// HTTP first, so /healthz answers and /readyz says "not yet" while Discord connects.
	ln := m.Listener
	if ln == nil {
		if ln, err = net.Listen("tcp", cfg.HTTPAddr); err != nil {
			return fmt.Errorf("listen on STEADY_HTTP_ADDR %s: %w", cfg.HTTPAddr, err)
		}
	}
	srv := &http.Server{Handler: m.routes(rdb, dc, metrics.reg), ReadHeaderTimeout: 5 * time.Second}
	httpDone := make(chan struct{})
	go func() {
		defer close(httpDone)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server stopped", "err", err)
		}
	}()
	defer func() {
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer scancel()
		_ = srv.Shutdown(sctx)
		<-httpDone
	}()

	if err := dc.Open(ctx, engine); err != nil {
		if ctx.Err() != nil {
			return nil // told to stop while connecting: a clean stop, not a failure
		}
		return err
	}
	log.Info("steady serve started", "version", version, "http", ln.Addr().String())

	// Deliver whatever a crash left in the durable outboxes, then keep sweeping.
	var loops sync.WaitGroup
	loops.Add(2)
	go func() {
		defer loops.Done()
		if err := sched.Run(ctx, detached{engine}); err != nil {
			log.Error("scheduler stopped", "err", err)
		}
	}()
	go func() { defer loops.Done(); m.flushLoop(ctx, engine, cfg.FlushEvery) }()

	<-ctx.Done()
	log.Info("shutting down: finishing in-flight work")
	// Stop taking events and wait for those in hand; the loops finish their
	// current pass (their work runs on a context that outlives the signal).
	closeErr := dc.Close()
	loops.Wait()
	final, fcancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
	defer fcancel()
	if err := engine.FlushAll(final); err != nil {
		log.Warn("some messages stay queued for the next start", "err", err)
	}
	if closeErr != nil {
		log.Warn("closing the gateway", "err", closeErr)
	}
	log.Info("steady serve stopped")
	return nil
}

// detached hands occurrences to the engine on a context that a shutdown
// signal does not cancel, so an occurrence in hand is finished, not cut off
// half-delivered; the scheduler stops claiming new ones.
type detached struct{ h scheduler.Handler }

func (d detached) Fire(ctx context.Context, o scheduler.Occurrence) error {
	return d.h.Fire(context.WithoutCancel(ctx), o)
}

func (d detached) Missed(ctx context.Context, o scheduler.Occurrence) error {
	return d.h.Missed(context.WithoutCancel(ctx), o)
}

func (m *Main) flushLoop(ctx context.Context, engine *bot.Engine, every time.Duration) {
	work := context.WithoutCancel(ctx)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := engine.FlushAll(work); err != nil {
			m.Log.Warn("outbox sweep left messages queued", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (m *Main) routes(rdb *redis.Client, dc *discord.Client, reg *prometheus.Registry) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		var problems []string
		if err := rdb.Ping(ctx).Err(); err != nil {
			problems = append(problems, "redis: unreachable")
		}
		if !dc.Ready() {
			problems = append(problems, "discord: gateway not connected")
		}
		if len(problems) > 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, strings.Join(problems, "\n"))
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return mux
}

// serveMetrics are the Prometheus series serve exports.
type serveMetrics struct {
	reg       *prometheus.Registry
	prompts   prometheus.Counter
	incidents *prometheus.CounterVec
	audit     *prometheus.CounterVec
}

func newServeMetrics() *serveMetrics {
	m := &serveMetrics{
		reg: prometheus.NewRegistry(),
		prompts: prometheus.NewCounter(prometheus.CounterOpts{Name: "steady_prompts_sent_total",
			Help: "Scheduled prompts (sleep logs, check-ins, debriefs) started."}),
		incidents: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "steady_incidents_opened_total",
			Help: "Incidents opened, by rule."}, []string{"rule"}),
		audit: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "steady_audit_events_total",
			Help: "Audited decisions, by action."}, []string{"action"}),
	}
	m.reg.MustRegister(m.prompts, m.incidents, m.audit, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *serveMetrics) observe(ev store.AuditEvent) {
	m.audit.WithLabelValues(ev.Action).Inc()
	switch ev.Action {
	case "prompt.sent":
		m.prompts.Inc()
	case "incident.opened":
		m.incidents.WithLabelValues(ev.Rule).Inc()
	}
}

func (m *serveMetrics) register(dc *discord.Client, st *redisstore.Store) {
	stat := func(f func(discord.Stats) int64) func() float64 {
		return func() float64 { return float64(f(dc.Stats())) }
	}
	m.reg.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "steady_answers_total",
			Help: "Client DMs, taps and typed answers handed to the engine."}, func() float64 { return float64(dc.Inbound()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "steady_discord_outbox_queue_depth",
			Help: "Discord REST calls waiting in the outbox for their turn or answer."}, stat(func(s discord.Stats) int64 { return s.QueueDepth })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "steady_discord_rate_limited_total",
			Help: "429 answers from Discord."}, stat(func(s discord.Stats) int64 { return s.RateLimited })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "steady_discord_requests_total",
			Help: "REST requests sent to Discord, retries included."}, stat(func(s discord.Stats) int64 { return s.Requests })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "steady_discord_retries_total",
			Help: "REST retries after a 429, a 5xx or a network error."}, stat(func(s discord.Stats) int64 { return s.Retries })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "steady_discord_failures_total",
			Help: "REST calls that gave up; their messages stay in the durable outbox."}, stat(func(s discord.Stats) int64 { return s.Failures })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "steady_outbox_pending_clients",
			Help: "Clients with messages waiting in their durable outbox."}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			ids, err := st.OutboxClients(ctx)
			if err != nil {
				return -1
			}
			return float64(len(ids))
		}),
	)
}
