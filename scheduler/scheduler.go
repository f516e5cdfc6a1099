package scheduler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Series is a recurring schedule: a rule in a zone.
type Series struct {
	Client string `json:"client"`
	Kind   string `json:"kind"`
	Ref    string `json:"ref,omitempty"`
	Zone   string `json:"zone"`
	Rule   string `json:"rule"` // see ParseRule
}

// Key returns the series key.
func (s Series) Key() string { return SeriesKey(s.Client, s.Kind, s.Ref) }

// Options tune a Scheduler. Zero fields take the defaults documented here.
type Options struct {
	// Prefix starts every key (default "steady").
	Prefix string
	// Lease is how long a claim is held before another process may take it
	// over; work in progress renews it every third of it (default 30s).
	Lease time.Duration
	// Batch is how many occurrences one claim takes (default 500, at most 1000).
	Batch int
	// Grace is how late an occurrence may still fire after downtime (default 2h);
	// later ones are handed to Handler.Missed. GraceByKind overrides it per kind.
	Grace       time.Duration
	GraceByKind map[string]time.Duration
	// DoneRetention is how long fired one-off ids are remembered, counted from
	// when they were due (default 25h, never less than the longest grace plus
	// an hour). One-offs due longer ago than this cannot be added at all, so
	// none can fire twice. Series remember their watermark for as long as they exist.
	DoneRetention time.Duration
	// LateAfter is how late an occurrence must be to count as catching up
	// (default 1m). CatchUpGap spaces one client's catch-up occurrences, so
	// after downtime nobody gets a burst of prompts (default 2m).
	LateAfter  time.Duration
	CatchUpGap time.Duration
	// Workers is how many occurrences Run and Tick handle at once (default 8).
	// One client's occurrences always go to the same worker, in due order.
	Workers int
	// Poll is the longest Run waits before looking for work other processes
	// added (default 5s). It wakes sooner for anything due sooner.
	Poll time.Duration
	// Log receives operational events (never message text). Default: discard.
	Log *slog.Logger
}

// maxBatch keeps every script's argument list well inside Lua's stack.
const maxBatch = 1000

func (o Options) withDefaults() Options {
	if o.Prefix == "" {
		o.Prefix = "steady"
	}
	if o.Lease <= 0 {
		o.Lease = 30 * time.Second
	}
	if o.Batch <= 0 {
		o.Batch = 500
	}
	o.Batch = min(o.Batch, maxBatch)
	if o.Grace <= 0 {
		o.Grace = 2 * time.Hour
	}
	if o.DoneRetention <= 0 {
		o.DoneRetention = 25 * time.Hour
	}
	longest := o.Grace
	for _, g := range o.GraceByKind {
		longest = max(longest, g)
	}
	o.DoneRetention = max(o.DoneRetention, longest+time.Hour)
	if o.LateAfter <= 0 {
		o.LateAfter = time.Minute
	}
	if o.CatchUpGap <= 0 {
		o.CatchUpGap = 2 * time.Minute
	}
	if o.Workers <= 0 {
		o.Workers = 8
	}
	if o.Poll <= 0 {
		o.Poll = 5 * time.Second
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return o
}

// Scheduler stores occurrences in Redis and hands due ones to a Handler.
// It holds no state a restart would lose: everything lives in Redis.
type Scheduler struct {
	rdb   redis.UniversalClient
	clock Clock
	opt   Options
	keys  []string
	wake  chan struct{}
	rules sync.Map // rule text → Recurrence
	memo  memo
}

// New returns a Scheduler.
func New(rdb redis.UniversalClient, clock Clock, opt Options) *Scheduler {
	opt = opt.withDefaults()
	p := opt.Prefix + ":{sched}:"
	return &Scheduler{rdb: rdb, clock: clock, opt: opt, wake: make(chan struct{}, 1),
		keys: []string{p + "due", p + "occ", p + "lease", p + "holder", p + "done", p + "series"}}
}

// Clock returns the scheduler's clock.
func (s *Scheduler) Clock() Clock { return s.clock }

func (s *Scheduler) dueKey() string    { return s.keys[0] }
func (s *Scheduler) occKey() string    { return s.keys[1] }
func (s *Scheduler) seriesKey() string { return s.keys[5] }

// nudge wakes Run in this process: something may now be due sooner.
func (s *Scheduler) nudge() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Add stores one-off occurrences in one call. One that already fired, is in
// flight, or was due before the retention horizon is left alone; adding
// the same one twice stores it once.
func (s *Scheduler) Add(ctx context.Context, occs ...Occurrence) error {
	_, err := s.AddCount(ctx, occs...)
	return err
}

// AddCount is Add, reporting how many occurrences it stored.
func (s *Scheduler) AddCount(ctx context.Context, occs ...Occurrence) (int, error) {
	if len(occs) == 0 {
		return 0, nil
	}
	args := make([]any, 0, 2+3*len(occs))
	args = append(args, s.clock.Now().UnixMilli(), s.opt.DoneRetention.Milliseconds())
	for _, o := range occs {
		if err := checkNames(o.Client, o.Kind); err != nil {
			return 0, err
		}
		o.Series = ""
		args = append(args, o.ID, o.Due.UnixMilli(), encodeBody(o))
	}
	n, err := addScript.Run(ctx, s.rdb, s.keys, args...).Int()
	if err != nil {
		return 0, fmt.Errorf("scheduler: add %d occurrences: %w", len(occs), err)
	}
	s.nudge()
	return n, nil
}

// Cancel removes pending one-off occurrences. One already in flight is not
// interrupted; its handler must find it moot.
func (s *Scheduler) Cancel(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	if err := cancelScript.Run(ctx, s.rdb, s.keys, args...).Err(); err != nil {
		return fmt.Errorf("scheduler: cancel: %w", err)
	}
	return nil
}

func (s *Scheduler) rule(text string) (Recurrence, error) {
	if r, ok := s.rules.Load(text); ok {
		return r.(Recurrence), nil
	}
	r, err := ParseRule(text)
	if err != nil {
		return nil, err
	}
	s.rules.Store(text, r)
	return r, nil
}

// PutSeries creates or changes a recurring schedule at run time. A changed
// schedule's next occurrence replaces its pending one, so an edit leaves
// nothing stale; putting an unchanged one again changes nothing.
func (s *Scheduler) PutSeries(ctx context.Context, sr Series) error {
	if err := checkNames(sr.Client, sr.Kind); err != nil {
		return err
	}
	if strings.Contains(sr.Zone+sr.Rule, sep) {
		return errors.New("scheduler: zone and rule must not contain control characters")
	}
	return s.putSeries(ctx, sr.Key(), sr.Zone, sr.Rule)
}

func (s *Scheduler) putSeries(ctx context.Context, key, zone, ruleText string) error {
	rec, err := s.rule(ruleText)
	if err != nil {
		return err
	}
	loc, err := Zone(zone)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	after := Civil(now, loc)
	for attempt := 0; attempt < 3; attempt++ {
		// The first occurrence due after now: in a repeated hour a civil time
		// still ahead on the clock may already have happened.
		local := rec.Next(after)
		for i := 0; i < 4 && !local.IsZero() && !Resolve(local, loc).After(now); i++ {
			local = rec.Next(local)
		}
		nextLocal, nextDue := "", int64(0)
		if !local.IsZero() {
			nextLocal, nextDue = local.Format(CivilLayout), Resolve(local, loc).UnixMilli()
		}
		res, err := putSeriesScript.Run(ctx, s.rdb, s.keys, key, zone+sep+ruleText, nextLocal, nextDue).Text()
		if err != nil {
			return fmt.Errorf("scheduler: put series: %w", err)
		}
		mark, refused := strings.CutPrefix(res, "mark:")
		if !refused {
			s.nudge()
			return nil
		}
		if after, err = time.Parse(CivilLayout, mark); err != nil {
			return fmt.Errorf("scheduler: series watermark %q: %w", mark, err)
		}
	}
	return fmt.Errorf("scheduler: put series %s: could not plan past its watermark", key)
}

// RemoveSeries deletes a recurring schedule and its pending occurrence.
func (s *Scheduler) RemoveSeries(ctx context.Context, key string) error {
	if err := removeSeriesScript.Run(ctx, s.rdb, s.keys, key).Err(); err != nil {
		return fmt.Errorf("scheduler: remove series: %w", err)
	}
	return nil
}

// NextDue returns when the earliest pending occurrence is due, or false if none is.
func (s *Scheduler) NextDue(ctx context.Context) (time.Time, bool, error) {
	z, err := s.rdb.ZRangeWithScores(ctx, s.dueKey(), 0, 0).Result()
	if err != nil {
		return time.Time{}, false, fmt.Errorf("scheduler: next due: %w", err)
	}
	if len(z) == 0 {
		return time.Time{}, false, nil
	}
	return time.UnixMilli(int64(z[0].Score)), true, nil
}

// Pending returns one client's pending occurrences, earliest first. It scans
// the whole due set: for display and tests, not for a hot path.
func (s *Scheduler) Pending(ctx context.Context, client string) ([]Occurrence, error) {
	var out []Occurrence
	iter := s.rdb.ZScan(ctx, s.dueKey(), 0, escapeGlob(client)+"|*", 1000).Iterator()
	var ids []string
	for iter.Next(ctx) {
		id := iter.Val()
		if !iter.Next(ctx) {
			break
		}
		ids = append(ids, id)
	}
	if err := iter.Err(); err != nil {
		return nil, fmt.Errorf("scheduler: list pending: %w", err)
	}
	for _, id := range ids {
		o, ok, err := s.lookup(ctx, id)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, o)
		}
	}
	sortByDue(out)
	return out, nil
}

// Lookup returns those of ids that are pending (stored and waiting to be
// claimed: not in flight, not fired), earliest due first, in one round trip
// (two for a series occurrence never handed back). Unlike Pending it reads
// only the ids asked about, so a step may use it.
func (s *Scheduler) Lookup(ctx context.Context, ids ...string) ([]Occurrence, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	pipe := s.rdb.Pipeline()
	scores := make([]*redis.FloatCmd, len(ids))
	bodies := make([]*redis.StringCmd, len(ids))
	for i, id := range ids {
		scores[i] = pipe.ZScore(ctx, s.dueKey(), id)
		bodies[i] = pipe.HGet(ctx, s.occKey(), id)
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("scheduler: look up occurrences: %w", err)
	}
	var out []Occurrence
	for i, id := range ids {
		if scores[i].Err() != nil {
			continue // not pending
		}
		if body, err := bodies[i].Result(); err == nil {
			if o, err := decodeBody(id, body); err == nil {
				out = append(out, o)
			}
			continue
		}
		o, ok, err := s.lookup(ctx, id)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, o)
		}
	}
	sortByDue(out)
	return out, nil
}

// lookup decodes a pending occurrence from its stored form.
func (s *Scheduler) lookup(ctx context.Context, id string) (Occurrence, bool, error) {
	body, err := s.rdb.HGet(ctx, s.occKey(), id).Result()
	if err == nil {
		o, err := decodeBody(id, body)
		return o, err == nil, nil
	}
	if !errors.Is(err, redis.Nil) {
		return Occurrence{}, false, fmt.Errorf("scheduler: read occurrence: %w", err)
	}
	key, _, _ := cutLast(id, "|")
	v, err := s.rdb.HGet(ctx, s.seriesKey(), key).Result()
	if errors.Is(err, redis.Nil) {
		return Occurrence{}, false, nil
	}
	if err != nil {
		return Occurrence{}, false, fmt.Errorf("scheduler: read series: %w", err)
	}
	rec, err := decodeSeriesRecord(v)
	if err != nil {
		return Occurrence{}, false, nil
	}
	o, err := s.seriesOccurrence(id, rec)
	return o, err == nil, nil
}

func (s *Scheduler) seriesOccurrence(id string, rec seriesRecord) (Occurrence, error) {
	client, kind, ref, local, err := ParseID(id)
	if err != nil {
		return Occurrence{}, err
	}
	key := "d" + rec.zone + sep + local.Format(CivilLayout)
	var due time.Time
	if v, ok := s.memo.get(key); ok {
		ms, _ := strconv.ParseInt(v, 10, 64)
		due = time.UnixMilli(ms)
	} else {
		loc, err := Zone(rec.zone)
		if err != nil {
			return Occurrence{}, err
		}
		due = Resolve(local, loc)
		s.memo.put(key, strconv.FormatInt(due.UnixMilli(), 10))
	}
	return Occurrence{ID: id, Client: client, Kind: kind, Ref: ref, Zone: rec.zone, Local: local,
		Due: due, Series: SeriesKey(client, kind, ref)}, nil
}

func cutLast(s, sepr string) (before, after string, found bool) {
	i := strings.LastIndex(s, sepr)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sepr):], true
}

func escapeGlob(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`, `]`, `\]`)
	return r.Replace(s)
}

func newToken() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on Linux
	return hex.EncodeToString(b[:])
}

func parseMillis(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.UnixMilli(int64(f)), true
}
