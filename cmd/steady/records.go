package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"steady/bot"
	"steady/bot/discord"
	"steady/flows/report"
	"steady/scheduler"
	"steady/store"
	"steady/store/redisstore"
)

// The records commands work on a service's Redis directly, for staff acting
// on a client's request or a commissioner's: they read REDIS_URL and
// STEADY_ENCRYPTION_KEYS like steady serve (the environment, or --config
// FILE), and every use is audited under the member of staff named by --by.

const connectionHelp = `Reads REDIS_URL (e.g. redis://localhost:6379/0) and STEADY_ENCRYPTION_KEYS
(the keys steady serve uses) from the environment, or from --config FILE (the
file steady serve reads; the environment wins).`

const reportHelp = `usage: steady report KIND --from DATE --to DATE --by STAFF [flags]

Writes a service report, as readable markdown (the default) or CSV, for the
whole service or one worker's caseload. KIND is one of:

  sustainment   clients whose job started in the period, and whether they
                were in work at 6, 13 and 26 weeks (from weekly check-ins and
                the job changes workers record)
  contact       month one against the minimum offer (contact in each of the
                first four weeks, a check after each of the first three
                shifts): per week and shift check, answered, missed (sent, not
                answered), paused (held back: the client had paused) or not
                offered; whether the offer was made, and the minimum met
  adjustments   adjustment reviews due in the period, each counted once
                (client's and worker's entries for one date are one review):
                on time, late, outstanding
  incidents     incidents opened in the period by rule, with time to acknowledge
  audit-sample  a random sample of clients with their consent history, plan
                and escalation decisions (--size, --seed to draw it again)

Dates are YYYY-MM-DD, both ends included. A lead may report on any worker
(--worker) or the whole service; a worker reports on their own caseload.
The report is recorded in the service audit log under --by.

` + connectionHelp + `

Examples:
  steady report sustainment --from 2026-01-01 --to 2026-03-31 --by jo
  steady report contact --from 2026-01-01 --to 2026-03-31 --by jo --worker sam --format csv --out contact.csv
  steady report audit-sample --from 2026-01-01 --to 2026-03-31 --by jo --size 10

flags:`

const exportHelp = `usage: steady export CLIENT --by STAFF [--out FILE]

Writes everything Steady holds about a client as JSON, decrypted: profile,
consents and their history, plan versions, adjustments, sleep logs,
check-ins, debriefs, incidents, audit log and the prompts still scheduled.
Use it when a client asks for their data; give them the file. The export is
recorded in the client's audit log under --by (their worker or a lead).

` + connectionHelp + `

flags:`

const eraseHelp = `usage: steady erase CLIENT --by STAFF [--yes]

Permanently deletes everything Steady holds about a client, on their
request: their records, schedules and index entries, and the messages Steady
posted on Discord about them (their DMs, staff pings about them). One
tombstone stays in the service audit log saying when, by whom and why, with
nothing of the content. Export first if the client wants a copy. Without
--yes it asks you to type the client id to confirm. --by is their worker or
a lead.

It deletes the Discord messages with the bot's token (STEADY_DISCORD_TOKEN,
and STEADY_DISCORD_API_URL if serve uses a proxy). When Discord cannot be
reached, or no token is set, the erasure still completes in Redis and the
deletions wait on a list that steady serve works through.

` + connectionHelp + `

flags:`

const rekeyHelp = `usage: steady rekey

Re-encrypts every record still sealed under an older key with the newest
key in STEADY_ENCRYPTION_KEYS, so the older key can then be removed. Safe to
run while steady serve is running, and to run again.

To rotate: put a new key first ("NEW,OLD") and restart steady serve; run
steady rekey; then drop OLD.

` + connectionHelp + `

flags:`

// recordsConn is what the records commands share.
type recordsConn struct {
	prefix string
	config string
	// discord: erase deletes what Steady posted about the client.
	discord bool
}

func (c *recordsConn) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.prefix, "prefix", "", "Redis key `PREFIX` of the service (default: STEADY_REDIS_PREFIX, else steady)")
	fs.StringVar(&c.config, "config", "", "read settings from `FILE` (NAME=value lines, as steady serve --config)")
}

// setting reads a service setting: the environment, then --config.
func (c *recordsConn) settings() (func(string) string, error) {
	file := map[string]string{}
	if c.config != "" {
		var warnings []string
		var err error
		if file, warnings, err = readConfigFile(c.config); err != nil {
			return nil, err
		}
		for _, w := range warnings {
			fmt.Fprintln(os.Stderr, "warning:", w)
		}
	}
	return func(k string) string {
		if v := strings.TrimSpace(os.Getenv(k)); v != "" {
			return v
		}
		return file[k]
	}, nil
}

// offline is the Messenger of the records commands: they never message
// anyone, and a delivery they triggered by mistake must fail (and stay
// queued for steady serve) rather than vanish.
type offline struct{}

var errOffline = errors.New("the steady command line does not deliver messages; steady serve will")

func (offline) SendDM(context.Context, string, bot.Outgoing) (bot.MessageRef, error) {
	return bot.MessageRef{}, errOffline
}
func (offline) Post(context.Context, string, bot.Outgoing) (bot.MessageRef, error) {
	return bot.MessageRef{}, errOffline
}
func (offline) Update(context.Context, bot.MessageRef, bot.Outgoing) error { return errOffline }
func (offline) OpenThread(context.Context, string, string) (string, error) { return "", errOffline }
func (offline) Delete(context.Context, bot.MessageRef) error               { return errOffline }
func (offline) SendStaff(context.Context, string, bot.Outgoing) (bot.MessageRef, error) {
	return bot.MessageRef{}, errOffline
}
func (offline) UpdateSent(context.Context, string, bot.Outgoing) error { return errOffline }

// open connects to the service's Redis with its keys. Both are required: a
// records command without the keys could read nothing. With c.discord the
// engine's messenger is the Discord adapter over REST (no gateway), for
// erasure to delete what Steady posted; without a token it only queues the
// deletions for steady serve.
func (c *recordsConn) open() (*bot.Engine, *redisstore.Store, func(), error) {
	get, err := c.settings()
	if err != nil {
		return nil, nil, nil, err
	}
	url := get("REDIS_URL")
	if url == "" {
		return nil, nil, nil, errors.New("REDIS_URL is not set: point it at the service's Redis")
	}
	opt, err := redisOptions(url, get("REDIS_PASSWORD"))
	if err != nil {
		return nil, nil, nil, err
	}
	keys, ok, err := redisstore.KeysFromEnv(get)
	if err != nil {
		return nil, nil, nil, err
	}
	if !ok {
		return nil, nil, nil, errors.New("STEADY_ENCRYPTION_KEYS is not set: records cannot be read without the keys the service uses")
	}
	if c.prefix == "" {
		c.prefix = get("STEADY_REDIS_PREFIX")
	}
	if c.prefix == "" {
		c.prefix = "steady"
	}
	retention, err := retentionSetting(get)
	if err != nil {
		return nil, nil, nil, err
	}
	rdb := redis.NewClient(opt)
	clock := scheduler.SystemClock{}
	st := redisstore.New(rdb, c.prefix, redisstore.WithKeys(keys), redisstore.WithAuditRetention(retention))
	sched := scheduler.New(rdb, clock, scheduler.Options{Prefix: c.prefix})
	var msg bot.Messenger = offline{}
	if c.discord {
		token := get("STEADY_DISCORD_TOKEN")
		dc, err := discord.New(discord.Options{Token: token, Offline: token == "", APIURL: get("STEADY_DISCORD_API_URL"),
			Redis: rdb, Prefix: c.prefix, Records: st, MaxRetries: 2})
		if err != nil {
			rdb.Close()
			return nil, nil, nil, err
		}
		msg = dc
	}
	e := bot.New(bot.Deps{Store: st, Scheduler: sched, Messenger: msg, Clock: clock, Config: bot.Config{Retention: retention}})
	return e, st, func() { rdb.Close() }, nil
}

// parseFlags parses args, allowing flags after the positional argument
// ("steady export alex --by sam"), and returns the positional ones.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func newFlagSet(name, help string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, help); fs.PrintDefaults() }
	return fs
}

func flagExit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}

func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var c recordsConn
	var from, to, asOf, by, worker, format, out string
	var size int
	var seed uint64
	fs := newFlagSet("report", reportHelp, stderr)
	c.flags(fs)
	fs.StringVar(&from, "from", "", "first `DATE` of the period (YYYY-MM-DD)")
	fs.StringVar(&to, "to", "", "last `DATE` of the period (YYYY-MM-DD)")
	fs.StringVar(&asOf, "as-of", "", "count milestones and reviews due up to this `DATE` (default: today)")
	fs.StringVar(&by, "by", "", "your staff `ID` (recorded in the audit log)")
	fs.StringVar(&worker, "worker", "", "one worker's caseload (`ID`); default: the whole service, for a lead")
	fs.StringVar(&format, "format", "md", "md (readable markdown) or csv")
	fs.StringVar(&out, "out", "-", "write to `FILE` (- for standard output)")
	fs.IntVar(&size, "size", report.DefaultSampleSize, "audit-sample: how many clients to draw")
	fs.Uint64Var(&seed, "seed", 0, "audit-sample: random seed, to draw the same sample again (default: a new one)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(pos) != 1 {
		fmt.Fprintf(stderr, "steady report: name one report: %s\n", strings.Join(report.Kinds, ", "))
		return 2
	}
	if by == "" || from == "" || to == "" {
		fmt.Fprintln(stderr, "steady report: --from, --to and --by are required (steady report --help)")
		return 2
	}
	if format != "md" && format != "csv" {
		fmt.Fprintln(stderr, "steady report: --format is md or csv")
		return 2
	}
	var o report.Options
	for _, d := range []struct {
		flag, val string
		into      *time.Time
	}{{"--from", from, &o.From}, {"--to", to, &o.To}, {"--as-of", asOf, &o.AsOf}} {
		if d.val == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, d.val)
		if err != nil {
			fmt.Fprintf(stderr, "steady report: %s %q: use YYYY-MM-DD\n", d.flag, d.val)
			return 2
		}
		*d.into = t
	}
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	o.Worker, o.SampleSize, o.Seed = worker, size, seed
	e, _, closeConn, err := c.open()
	if err != nil {
		fmt.Fprintln(stderr, "steady report:", err)
		return 1
	}
	defer closeConn()
	rep, deny, err := e.Report(ctx, by, bot.ReportRequest{Kind: pos[0], Options: o})
	if err != nil {
		fmt.Fprintln(stderr, "steady report:", err)
		return 1
	}
	if deny != "" {
		fmt.Fprintln(stderr, "steady report:", deny)
		return 1
	}
	body := []byte(rep.Markdown())
	if format == "csv" {
		body = rep.CSV()
	}
	return writeOut(out, body, stdout, stderr, "report")
}

func writeOut(path string, body []byte, stdout, stderr io.Writer, cmd string) int {
	if path == "-" {
		if _, err := stdout.Write(body); err != nil {
			fmt.Fprintf(stderr, "steady %s: %v\n", cmd, err)
			return 1
		}
		return 0
	}
	// Client data: readable by the owner only.
	if err := os.WriteFile(path, body, 0o600); err != nil {
		fmt.Fprintf(stderr, "steady %s: %v\n", cmd, err)
		return 1
	}
	fmt.Fprintf(stderr, "wrote %s\n", path)
	return 0
}

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var c recordsConn
	var by, out string
	fs := newFlagSet("export", exportHelp, stderr)
	c.flags(fs)
	fs.StringVar(&by, "by", "", "your staff `ID` (recorded in the client's audit log)")
	fs.StringVar(&out, "out", "", "write to `FILE` (- for standard output; default steady-CLIENT-DATE.json)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(pos) != 1 || by == "" {
		fmt.Fprintln(stderr, "steady export: name one client and give --by (steady export --help)")
		return 2
	}
	e, _, closeConn, err := c.open()
	if err != nil {
		fmt.Fprintln(stderr, "steady export:", err)
		return 1
	}
	defer closeConn()
	body, deny, err := e.ExportClient(ctx, by, pos[0])
	if err != nil {
		fmt.Fprintln(stderr, "steady export:", err)
		return 1
	}
	if deny != "" {
		fmt.Fprintln(stderr, "steady export:", deny)
		return 1
	}
	if out == "" {
		out = bot.ExportFileName(pos[0], time.Now())
	}
	return writeOut(out, append(body, '\n'), stdout, stderr, "export")
}

func runErase(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var c recordsConn
	var by string
	var yes bool
	fs := newFlagSet("erase", eraseHelp, stderr)
	c.flags(fs)
	c.discord = true
	fs.StringVar(&by, "by", "", "your staff `ID` (recorded on the tombstone)")
	fs.BoolVar(&yes, "yes", false, "do not ask for confirmation")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(pos) != 1 || by == "" {
		fmt.Fprintln(stderr, "steady erase: name one client and give --by (steady erase --help)")
		return 2
	}
	client := pos[0]
	confirm := client
	if !yes {
		fmt.Fprintf(stdout, "This permanently deletes everything Steady holds about %s. Type the client id to confirm: ", client)
		line, _ := bufio.NewReader(stdin).ReadString('\n')
		confirm = strings.TrimSpace(line)
	}
	e, st, closeConn, err := c.open()
	if err != nil {
		fmt.Fprintln(stderr, "steady erase:", err)
		return 1
	}
	defer closeConn()
	reply, err := e.EraseClient(ctx, by, client, confirm)
	if err != nil {
		fmt.Fprintln(stderr, "steady erase:", err)
		return 1
	}
	fmt.Fprintln(stdout, reply)
	if _, err := st.Client(ctx, client); !errors.Is(err, store.ErrNotFound) {
		return 1 // refused: not staff, not their caseload, or not confirmed
	}
	return 0
}

func runRekey(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var c recordsConn
	fs := newFlagSet("rekey", rekeyHelp, stderr)
	c.flags(fs)
	if _, err := parseFlags(fs, args); err != nil {
		return flagExit(err)
	}
	_, st, closeConn, err := c.open()
	if err != nil {
		fmt.Fprintln(stderr, "steady rekey:", err)
		return 1
	}
	defer closeConn()
	rep, err := st.Reseal(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "steady rekey:", err)
		return 1
	}
	fmt.Fprintf(stdout, "%d sealed values, %d re-encrypted under key %s, %d changed meanwhile (already current)\n",
		rep.Values, rep.Resealed, st.Keys().KeyIDs()[0], rep.Skipped)
	return 0
}
