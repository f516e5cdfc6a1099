package main

import (
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"steady/bot"
	"steady/bot/console"
	"steady/flows"
	"steady/scheduler"
	"steady/store"
	"steady/store/redisstore"
)

//go:embed sample-client.yaml
var sampleProfile []byte

const tryHelp = `usage: steady try [--profile FILE] [--start TIME] [--redis URL [--reset]]

Runs Steady for one client on a simulated clock: you type as the client, and
every line shows who would receive it ([client], [worker], [lead], [peer],
[audit]). Lines starting with ":" are simulator commands (:help lists them).
Reads a script from a pipe as well as a person at a terminal.

By default it uses an in-process Redis that lives as long as the command.
With --redis URL (or ` + tryRedisEnv + `; e.g. redis://localhost:6379/0) state
survives a restart: run it again and it resumes at the same question and
time. It never reads the service's REDIS_URL or STEADY_ENCRYPTION_KEYS, and
refuses a --prefix that holds a service's data.

flags:`

// tryRedisEnv names try's own Redis setting: a practice run must never
// pick up a live service's REDIS_URL (or keys) from the shell by accident.
const tryRedisEnv = "STEADY_TRY_REDIS_URL"

type tryOptions struct {
	profile  string
	start    string
	prefix   string
	redis    string
	messages string
	reset    bool
	onboard  bool

	peerApproval bool

	// detect replaces the crisis detector. No flag sets it: only tests do,
	// to give a phrase a meaning the detector of the day may not (danger
	// from someone else) and show what Steady does with it.
	detect func(recent []string, text string) flows.Detection
}

func runTry(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var o tryOptions
	fs := flag.NewFlagSet("try", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, tryHelp); fs.PrintDefaults() }
	fs.StringVar(&o.profile, "profile", "", "client profile `FILE` (YAML, see docs/examples/client.yaml); default: the sample client")
	fs.StringVar(&o.start, "start", "", "simulated start `TIME` in the client's zone: \"2026-11-23 06:00\" (default: today 06:00)")
	fs.StringVar(&o.prefix, "prefix", "steady-try", "Redis key `PREFIX`, so a try never touches a service's keys")
	fs.StringVar(&o.redis, "redis", os.Getenv(tryRedisEnv), "practise against this Redis `URL`, so a second run resumes (default $"+tryRedisEnv+"; none: in-process)")
	fs.BoolVar(&o.reset, "reset", false, "with --redis: forget earlier runs under --prefix and start afresh")
	fs.BoolVar(&o.peerApproval, "peer-approval", false, "hold every peer nudge until a moderator approves it (:approve / :decline)")
	fs.BoolVar(&o.onboard, "onboard", false, "the client gives their consents in chat first, instead of the profile's")
	fs.StringVar(&o.messages, "messages", "", "message `FILE` rewording any of Steady's sentences (default: $"+messagesEnv+")")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if err := try(ctx, o, stdin, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "steady try:", err)
		return 1
	}
	return 0
}

func try(ctx context.Context, o tryOptions, stdin io.Reader, stdout, stderr io.Writer) error {
	raw := sampleProfile
	if o.profile != "" {
		b, err := os.ReadFile(o.profile)
		if err != nil {
			return fmt.Errorf("read profile: %w", err)
		}
		raw = b
	}
	profile, err := bot.ParseProfile(raw)
	if err != nil {
		return err
	}
	if o.onboard {
		profile.Onboarding = true
	}
	catalog, err := loadCatalog(o.messages)
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(profile.Client.TimeZone)
	if err != nil {
		return err
	}

	if os.Getenv("REDIS_URL") != "" && o.redis == "" {
		fmt.Fprintf(stderr, "steady try: REDIS_URL is set, and ignored: a practice run uses its own in-process Redis (--redis URL to keep one)\n")
	}
	rdb, closeRedis, err := tryRedis(o.redis)
	if err != nil {
		return err
	}
	defer closeRedis()
	if err := refuseServicePrefix(ctx, rdb, o.prefix); err != nil {
		return err
	}
	if o.reset {
		if err := deletePrefix(ctx, rdb, o.prefix); err != nil {
			return err
		}
	}

	clockKey := o.prefix + ":try:clock"
	start, resumed, err := tryStart(ctx, rdb, clockKey, o.start, loc)
	if err != nil {
		return err
	}
	keys, keyNote, err := tryKeys(ctx, rdb, o.prefix, o.redis != "")
	if err != nil {
		return err
	}
	clock := scheduler.NewFakeClock(start)
	st := redisstore.New(rdb, o.prefix, redisstore.WithKeys(keys))
	sched := scheduler.New(rdb, clock, scheduler.Options{Prefix: o.prefix})
	con := console.New(stdout, clock.Now, loc)
	leadID := ""
	if profile.Lead != nil {
		leadID = profile.Lead.ID
	}
	engine := bot.New(bot.Deps{
		Store: st, Scheduler: sched, Messenger: con, Clock: clock, Catalog: catalog, Detect: o.detect,
		Config: bot.Config{StaffChannel: "staff", PeerChannel: "peer", LeadID: leadID,
			Escalation: bot.EscalationConfig{PeerApproval: o.peerApproval},
			// The simulated clock stands still while you type, so a whole
			// check-in, sleep log and debrief happen "at once": a person at
			// a terminal is not the flood the inbound limit is for.
			Inbound: bot.InboundLimit{Burst: 200},
			// A practice run is one process: a run killed mid-delivery must
			// show its question again at once when started again.
			Alone: true},
	})
	if err := engine.ScheduleService(ctx); err != nil {
		return err
	}
	sim := &console.Simulator{
		Engine: engine, Sched: sched, Store: st, Clock: clock, Console: con,
		ClientID: profile.Client.ID, WorkerID: profile.Worker.ID, Loc: loc,
		Interactive: isTerminal(stdin),
		SaveClock: func(ctx context.Context, t time.Time) error {
			return rdb.Set(ctx, clockKey, t.UnixMilli(), 0).Err()
		},
	}

	if keyNote != "" {
		con.Note("%s", keyNote)
	}
	c, err := st.Client(ctx, profile.Client.ID)
	switch {
	case err == nil && resumed:
		sim.UserID = c.DiscordID
		con.SetClient(c.DiscordID)
		con.Note("resuming %s's week at %s; :help lists commands", c.DisplayName, start.In(loc).Format("Mon 2 Jan 15:04 MST"))
		if err := sim.Upcoming(ctx); err != nil {
			return err
		}
		if err := sim.SkipAudit(ctx); err != nil {
			return err
		}
		if err := engine.FlushAll(ctx); err != nil {
			return err
		}
		if err := engine.Resume(ctx, c.ID); err != nil {
			return err
		}
	case err == nil || errors.Is(err, store.ErrNotFound):
		if err == nil {
			return fmt.Errorf("client %s already exists under prefix %q but the simulated clock is gone; rerun with --reset", c.ID, o.prefix)
		}
		if err := engine.Enrol(ctx, profile, profile.Worker.ID); err != nil {
			return err
		}
		if err := sim.SaveClock(ctx, start); err != nil {
			return err
		}
		c, err = st.Client(ctx, profile.Client.ID)
		if err != nil {
			return err
		}
		sim.UserID = c.DiscordID
		con.SetClient(c.DiscordID)
		con.Note("%s is enrolled (%s), worker %s; it is %s", c.DisplayName, c.TimeZone, profile.Worker.Name, start.In(loc).Format("Mon 2 Jan 15:04 MST"))
		if err := sim.Upcoming(ctx); err != nil {
			return err
		}
		con.Note("type :advance 1d to let a day pass (:at 07:30 to go to a time), :help for all commands")
	default:
		return err
	}
	return sim.Run(ctx, stdin, stdout)
}

// tryRedis connects to url, or starts an in-process Redis when it is "".
func tryRedis(url string) (redis.UniversalClient, func(), error) {
	if url != "" {
		opt, err := redis.ParseURL(url)
		if err != nil {
			return nil, nil, fmt.Errorf("--redis: %w", err)
		}
		rdb := redis.NewClient(opt)
		return rdb, func() { rdb.Close() }, nil
	}
	mr := miniredis.NewMiniRedis()
	if err := mr.Start(); err != nil {
		return nil, nil, fmt.Errorf("start in-process Redis: %w", err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	return rdb, func() { rdb.Close(); mr.Close() }, nil
}

// tryKeys picks the keys that encrypt the simulated client's records,
// never the service's (STEADY_ENCRYPTION_KEYS is not read): with the
// in-process Redis, a key that dies with it (nothing outlives the run, so
// nothing to say); with --redis, a practice key kept beside the data so a
// second run can resume — said out loud, because that is no protection at all.
func tryKeys(ctx context.Context, rdb redis.UniversalClient, prefix string, kept bool) (*redisstore.Keyring, string, error) {
	if !kept {
		return redisstore.EphemeralKeyring(), "", nil
	}
	fresh, err := redisstore.GenerateKey()
	if err != nil {
		return nil, "", err
	}
	keyKey := prefix + ":try:key"
	if err := rdb.SetNX(ctx, keyKey, fresh, 0).Err(); err != nil {
		return nil, "", fmt.Errorf("store practice key: %w", err)
	}
	saved, err := rdb.Get(ctx, keyKey).Result()
	if err != nil {
		return nil, "", fmt.Errorf("read practice key: %w", err)
	}
	kr, err := redisstore.ParseKeys(saved)
	if err != nil {
		return nil, "", fmt.Errorf("practice key under %s is unreadable; rerun with --reset", keyKey)
	}
	return kr, "this practice run keeps its key in Redis beside the data: fine for trying Steady, never for real people's data", nil
}

// refuseServicePrefix stops a practice run (and above all --reset, which
// deletes every key under the prefix) on a prefix holding data steady try
// did not write: a service's, whose erasure tombstones and records it would
// delete or mix with a sample client.
func refuseServicePrefix(ctx context.Context, rdb redis.UniversalClient, prefix string) error {
	marks, err := rdb.Exists(ctx, prefix+":try:clock", prefix+":try:key").Result()
	if err != nil {
		return fmt.Errorf("check prefix %q: %w", prefix, err)
	}
	if marks > 0 {
		return nil
	}
	iter := rdb.Scan(ctx, 0, prefix+":*", 1000).Iterator()
	found := iter.Next(ctx)
	if err := iter.Err(); err != nil {
		return fmt.Errorf("check prefix %q: %w", prefix, err)
	}
	if !found {
		return nil // empty: a first run
	}
	return fmt.Errorf("prefix %q holds data steady try did not write (a running service's?); steady try will not use or reset it: pick another --prefix", prefix)
}

// tryStart picks the simulated start: the saved clock of an earlier run,
// --start, or today at 06:00 on the client's clock.
func tryStart(ctx context.Context, rdb redis.UniversalClient, key, flagStart string, loc *time.Location) (time.Time, bool, error) {
	saved, err := rdb.Get(ctx, key).Result()
	if err == nil {
		ms, err := strconv.ParseInt(saved, 10, 64)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("saved simulated clock %q is unreadable; rerun with --reset", saved)
		}
		return time.UnixMilli(ms), true, nil
	}
	if !errors.Is(err, redis.Nil) {
		return time.Time{}, false, fmt.Errorf("read simulated clock: %w", err)
	}
	if flagStart == "" {
		now := time.Now().In(loc)
		return time.Date(now.Year(), now.Month(), now.Day(), 6, 0, 0, 0, loc), false, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, flagStart, loc); err == nil {
			if layout == "2006-01-02" {
				t = t.Add(6 * time.Hour)
			}
			return t, false, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, flagStart); err == nil {
		return t, false, nil
	}
	return time.Time{}, false, fmt.Errorf("--start %q: use \"2026-11-23 06:00\"", flagStart)
}

func deletePrefix(ctx context.Context, rdb redis.UniversalClient, prefix string) error {
	iter := rdb.Scan(ctx, 0, prefix+":*", 1000).Iterator()
	for iter.Next(ctx) {
		if err := rdb.Del(ctx, iter.Val()).Err(); err != nil {
			return fmt.Errorf("reset: %w", err)
		}
	}
	return iter.Err()
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
