package scheduler

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// memo remembers small computed strings shared by many occurrences (the
// next occurrence of a rule in a zone, the instant of a civil time). It is
// bounded: cleared when full, as what it holds is cheap to work out again.
type memo struct {
	mu sync.Mutex
	m  map[string]string
}

const memoSize = 4096

func (c *memo) get(k string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *memo) put(k, v string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= memoSize {
		c.m = make(map[string]string, 64)
	}
	c.m[k] = v
}

// Claimed is an occurrence held under a lease by this process.
type Claimed struct {
	Occurrence
	holder string // token and due-set score, as the holder hash has it
	rule   string // for a series occurrence: the rule its next one follows
}

// claimResult is one claim call: the batch, and when to look again.
type claimResult struct {
	batch     []Claimed
	nextDue   time.Time // zero: nothing pending (only known when the batch was not full)
	nextLease time.Time // zero: nothing in flight
	claimedAt time.Time
}

// Claim recovers expired leases, then takes up to the batch size of due
// occurrences, earliest first. Each is held by exactly one caller until it
// is settled, or until its lease runs out.
func (s *Scheduler) Claim(ctx context.Context) ([]Claimed, error) {
	r, err := s.claim(ctx)
	return r.batch, err
}

func (s *Scheduler) claim(ctx context.Context) (claimResult, error) {
	r := claimResult{claimedAt: s.clock.Now()}
	token := newToken()
	vals, err := claimScript.Run(ctx, s.rdb, s.keys,
		s.clock.Now().UnixMilli(), s.opt.Lease.Milliseconds(), s.opt.Batch, token).StringSlice()
	if err != nil {
		return r, fmt.Errorf("scheduler: claim: %w", err)
	}
	if len(vals) < 2 {
		return r, fmt.Errorf("scheduler: claim: short reply")
	}
	r.nextDue, _ = parseMillis(vals[0])
	r.nextLease, _ = parseMillis(vals[1])
	r.batch = make([]Claimed, 0, (len(vals)-2)/4)
	var orphans []settlement
	for i := 2; i+3 < len(vals); i += 4 {
		id, score, typ, body := vals[i], vals[i+1], vals[i+2], vals[i+3]
		c := Claimed{holder: token + sep + score}
		var err error
		switch typ {
		case "o":
			c.Occurrence, err = decodeBody(id, body)
			if err == nil && c.Series != "" {
				c.rule, err = s.seriesRule(ctx, c.Series)
			}
		case "s":
			var rec seriesRecord
			if rec, err = decodeSeriesRecord(body); err == nil {
				c.rule = rec.rule
				c.Occurrence, err = s.seriesOccurrence(id, rec)
			}
		default:
			err = errMalformed
		}
		if err != nil {
			// Nothing can be done with it; drop it rather than retry it forever.
			s.opt.Log.Error("scheduler: dropping unreadable occurrence", "id", id, "err", err)
			orphans = append(orphans, settlement{c: Claimed{Occurrence: Occurrence{ID: id}, holder: c.holder}, mode: "x"})
			continue
		}
		r.batch = append(r.batch, c)
	}
	if len(orphans) > 0 {
		if err := s.settle(ctx, orphans); err != nil {
			return r, err
		}
	}
	return r, nil
}

// seriesRule reads a series' rule, for a series occurrence that was handed
// back (its body does not carry the rule).
func (s *Scheduler) seriesRule(ctx context.Context, key string) (string, error) {
	v, err := s.rdb.HGet(ctx, s.seriesKey(), key).Result()
	if err != nil {
		return "", nil // removed meanwhile: it completes without a next
	}
	rec, err := decodeSeriesRecord(v)
	if err != nil {
		return "", err
	}
	return rec.rule, nil
}

// Renew extends the leases of occurrences still being worked on.
func (s *Scheduler) Renew(ctx context.Context, cs []Claimed) error {
	if len(cs) == 0 {
		return nil
	}
	args := make([]any, 0, 1+2*len(cs))
	args = append(args, s.clock.Now().Add(s.opt.Lease).UnixMilli())
	for _, c := range cs {
		args = append(args, c.ID, c.holder)
	}
	if err := renewScript.Run(ctx, s.rdb, s.keys, args...).Err(); err != nil {
		return fmt.Errorf("scheduler: renew leases: %w", err)
	}
	return nil
}

// ErrLeaseLost means another process now holds the occurrence.
var ErrLeaseLost = errors.New("scheduler: lease lost")

// Complete marks claimed occurrences fired and, for series, stores their
// next occurrences: one call however many there are.
func (s *Scheduler) Complete(ctx context.Context, cs ...Claimed) error {
	st := make([]settlement, 0, len(cs))
	for _, c := range cs {
		st = append(st, s.fired(c))
	}
	lost, err := s.settleReport(ctx, st)
	if err != nil {
		return err
	}
	if len(lost) > 0 {
		return fmt.Errorf("%w: %d of %d", ErrLeaseLost, len(lost), len(cs))
	}
	return nil
}

// Deferral is returned by a Handler to hand an occurrence back for later.
type Deferral struct {
	At   time.Time
	Move bool // the occurrence is due at At: its grace window starts again there
	Why  string
}

func (d *Deferral) Error() string {
	return "scheduler: deferred until " + d.At.Format(time.RFC3339) + ": " + d.Why
}

// Later hands an occurrence back to be offered again at t. It stays due
// when it was, so its grace window keeps counting: something that cannot be
// done for long enough is in the end recorded as missed.
func Later(t time.Time, why string) error { return &Deferral{At: t, Why: why} }

// MoveTo makes an occurrence due at t instead (a prompt waiting for the end
// of someone's quiet hours); its grace window starts at t.
func MoveTo(t time.Time, why string) error { return &Deferral{At: t, Move: true, Why: why} }

// settlement is how one claimed occurrence ends: see completeScript's modes.
type settlement struct {
	c             Claimed
	mode          string
	a, b, cArg, d string
}

// fired builds the settlement of an occurrence that fired or was recorded
// missed; for a series it computes the next occurrence here, off Redis.
func (s *Scheduler) fired(c Claimed) settlement {
	if c.Series == "" {
		return settlement{c: c, mode: "o", a: strconv.FormatInt(c.Due.UnixMilli(), 10)}
	}
	local := c.Local.Format(CivilLayout)
	st := settlement{c: c, mode: "s", a: local, b: c.Zone + sep + c.rule}
	// Many clients share a zone, a rule and so a next occurrence: work it out once.
	key := "n" + st.b + sep + local
	if v, ok := s.memo.get(key); ok {
		st.cArg, st.d, _ = strings.Cut(v, sep)
		return st
	}
	rec, err := s.rule(c.rule)
	if err != nil {
		return st // an unreadable rule ends the series rather than firing it wrongly
	}
	loc, err := Zone(c.Zone)
	if err != nil {
		return st
	}
	if next := rec.Next(c.Local); !next.IsZero() {
		st.cArg, st.d = next.Format(CivilLayout), strconv.FormatInt(Resolve(next, loc).UnixMilli(), 10)
	}
	s.memo.put(key, st.cArg+sep+st.d)
	return st
}

// handBack builds the settlement of a deferred occurrence.
func (s *Scheduler) handBack(c Claimed, d *Deferral) settlement {
	now := s.clock.Now()
	at := d.At
	if !at.After(now) {
		at = now.Add(time.Second) // never straight back into the same pass
	}
	o := c.Occurrence
	if d.Move {
		o.Due = at
	}
	o.Note = d.Why
	return settlement{c: c, mode: "r", a: fmt.Sprint(at.UnixMilli()), b: encodeBody(o)}
}

func (s *Scheduler) settle(ctx context.Context, st []settlement) error {
	_, err := s.settleReport(ctx, st)
	return err
}

// settleReport settles a batch in one call, re-plans any series edited while
// in flight, and returns the ids whose lease was lost.
func (s *Scheduler) settleReport(ctx context.Context, st []settlement) ([]string, error) {
	if len(st) == 0 {
		return nil, nil
	}
	args := make([]any, 0, 2+7*len(st))
	args = append(args, s.clock.Now().UnixMilli(), s.opt.DoneRetention.Milliseconds())
	for _, x := range st {
		args = append(args, x.c.ID, x.c.holder, x.mode, x.a, x.b, x.cArg, x.d)
	}
	res, err := completeScript.Run(ctx, s.rdb, s.keys, args...).Slice()
	if err != nil {
		return nil, fmt.Errorf("scheduler: complete %d occurrences: %w", len(st), err)
	}
	lost, stale := stringList(res, 0), stringList(res, 1)
	for _, key := range stale {
		if err := s.replan(ctx, key); err != nil {
			return lost, err
		}
	}
	if len(lost) > 0 {
		s.opt.Log.Warn("scheduler: leases lost; another process will handle them again", "count", len(lost))
	}
	return lost, nil
}

// replan plans a series whose definition changed while its occurrence was in flight.
func (s *Scheduler) replan(ctx context.Context, key string) error {
	v, err := s.rdb.HGet(ctx, s.seriesKey(), key).Result()
	if err != nil {
		return nil // removed meanwhile
	}
	rec, err := decodeSeriesRecord(v)
	if err != nil {
		return err
	}
	return s.putSeries(ctx, key, rec.zone, rec.rule)
}

func stringList(res []any, i int) []string {
	if i >= len(res) {
		return nil
	}
	l, _ := res[i].([]any)
	out := make([]string, 0, len(l))
	for _, v := range l {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func sortByDue(os []Occurrence) {
	slices.SortStableFunc(os, func(a, b Occurrence) int { return a.Due.Compare(b.Due) })
}
