package scheduler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Occurrence is one moment something is due for a client.
type Occurrence struct {
	ID     string    `json:"id"`
	Client string    `json:"client"`
	Kind   string    `json:"kind"`          // what is due: "sleep_log", "reminder", …
	Ref    string    `json:"ref,omitempty"` // kind-specific: a prompt id, an incident id
	Zone   string    `json:"zone"`          // the client's IANA zone
	Local  time.Time `json:"local"`         // civil time in Zone (see civil.go)
	Due    time.Time `json:"due"`           // the instant it fires
	Series string    `json:"series,omitempty"`
}

// OccurrenceID is deterministic: the same client, kind, ref and civil minute
// always name the same occurrence, so it can be stored and fired only once.
func OccurrenceID(client, kind, ref string, local time.Time) string {
	return client + "|" + kind + "|" + ref + "|" + local.Format(CivilLayout)
}

// SeriesKey names a client's recurring schedule of one kind.
func SeriesKey(client, kind, ref string) string { return client + "|" + kind + "|" + ref }

// Series is a recurring schedule: a rule in a client's zone.
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
	// over; work in progress renews it (default 30s).
	Lease time.Duration
	// Batch is how many occurrences one claim takes (default 500).
	Batch int
	// Grace is how late an occurrence may still fire after downtime (default 2h);
	// later ones are reported missed. GraceByKind overrides it per kind.
	Grace       time.Duration
	GraceByKind map[string]time.Duration
	// DoneRetention is how long fired one-off ids are remembered so they cannot
	// be re-added (default 14 days). Series remember their last fired time forever.
	DoneRetention time.Duration
}

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
	if o.Grace <= 0 {
		o.Grace = 2 * time.Hour
	}
	if o.DoneRetention <= 0 {
		o.DoneRetention = 14 * 24 * time.Hour
	}
	return o
}

// Scheduler stores occurrences in Redis and hands due ones to a Handler.
type Scheduler struct {
	rdb   redis.UniversalClient
	clock Clock
	opt   Options
	keys  keys
}

type keys struct{ due, lease, occ, holder, done, mark, pending, series string }

// New returns a Scheduler.
func New(rdb redis.UniversalClient, clock Clock, opt Options) *Scheduler {
	opt = opt.withDefaults()
	p := opt.Prefix + ":{sched}:"
	return &Scheduler{rdb: rdb, clock: clock, opt: opt, keys: keys{
		due: p + "due", lease: p + "lease", occ: p + "occ", holder: p + "holder",
		done: p + "done", mark: p + "mark", pending: p + "pending", series: p + "series",
	}}
}

// Clock returns the scheduler's clock.
func (s *Scheduler) Clock() Clock { return s.clock }

// At builds a one-off occurrence at a civil time in a zone.
func At(client, kind, ref, zone string, local time.Time) (Occurrence, error) {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return Occurrence{}, fmt.Errorf("scheduler: zone %q: %w", zone, err)
	}
	local = local.Truncate(time.Minute)
	return Occurrence{
		ID: OccurrenceID(client, kind, ref, local), Client: client, Kind: kind, Ref: ref,
		Zone: zone, Local: local, Due: Resolve(local, loc),
	}, nil
}

// After builds a one-off occurrence d after instant t, named by its civil time in zone.
func After(client, kind, ref, zone string, t time.Time, d time.Duration) (Occurrence, error) {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return Occurrence{}, fmt.Errorf("scheduler: zone %q: %w", zone, err)
	}
	due := t.Add(d).Truncate(time.Minute)
	local := Civil(due, loc)
	return Occurrence{
		ID: OccurrenceID(client, kind, ref, local), Client: client, Kind: kind, Ref: ref,
		Zone: zone, Local: local, Due: due,
	}, nil
}

// Add stores one-off occurrences. One that already fired or is in flight is
// left alone; adding the same one twice stores it once.
func (s *Scheduler) Add(ctx context.Context, occs ...Occurrence) error {
	for _, o := range occs {
		o.Series = ""
		if _, err := s.add(ctx, o); err != nil {
			return err
		}
	}
	return nil
}

func (s *Scheduler) add(ctx context.Context, o Occurrence) (bool, error) {
	b, err := json.Marshal(o)
	if err != nil {
		return false, fmt.Errorf("scheduler: encode occurrence: %w", err)
	}
	n, err := addScript.Run(ctx, s.rdb,
		[]string{s.keys.due, s.keys.occ, s.keys.done, s.keys.mark, s.keys.pending, s.keys.lease},
		o.ID, o.Due.UnixMilli(), b, o.Series, o.Local.Format(CivilLayout)).Int()
	if err != nil {
		return false, fmt.Errorf("scheduler: add %s: %w", o.Kind, err)
	}
	return n == 1, nil
}

// Cancel removes a pending one-off occurrence. One already in flight is not
// interrupted; its handler must find it moot.
func (s *Scheduler) Cancel(ctx context.Context, id string) error {
	if err := cancelScript.Run(ctx, s.rdb, []string{s.keys.due, s.keys.occ, s.keys.lease}, id).Err(); err != nil {
		return fmt.Errorf("scheduler: cancel: %w", err)
	}
	return nil
}

// PutSeries creates or changes a recurring schedule at run time. Its next
// occurrence after now replaces any pending one, so an edit leaves nothing stale.
func (s *Scheduler) PutSeries(ctx context.Context, sr Series) error {
	rec, err := ParseRule(sr.Rule)
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(sr.Zone)
	if err != nil {
		return fmt.Errorf("scheduler: zone %q: %w", sr.Zone, err)
	}
	b, err := json.Marshal(sr)
	if err != nil {
		return fmt.Errorf("scheduler: encode series: %w", err)
	}
	if err := s.rdb.HSet(ctx, s.keys.series, sr.Key(), b).Err(); err != nil {
		return fmt.Errorf("scheduler: save series: %w", err)
	}
	next, ok := nextOf(sr, rec, loc, Civil(s.clock.Now(), loc))
	if !ok {
		return s.RemoveSeries(ctx, sr.Key())
	}
	if _, err := s.add(ctx, next); err != nil {
		return err
	}
	return nil
}

// RemoveSeries deletes a recurring schedule and its pending occurrence.
func (s *Scheduler) RemoveSeries(ctx context.Context, key string) error {
	err := removeSeriesScript.Run(ctx, s.rdb,
		[]string{s.keys.due, s.keys.occ, s.keys.pending, s.keys.lease, s.keys.series}, key).Err()
	if err != nil {
		return fmt.Errorf("scheduler: remove series: %w", err)
	}
	return nil
}

func nextOf(sr Series, rec Recurrence, loc *time.Location, after time.Time) (Occurrence, bool) {
	local := rec.Next(after)
	if local.IsZero() {
		return Occurrence{}, false
	}
	return Occurrence{
		ID: OccurrenceID(sr.Client, sr.Kind, sr.Ref, local), Client: sr.Client, Kind: sr.Kind,
		Ref: sr.Ref, Zone: sr.Zone, Local: local, Due: Resolve(local, loc), Series: sr.Key(),
	}, true
}

// Claimed is an occurrence held under a lease by this process.
type Claimed struct {
	Occurrence
	token string
}

// Claim takes up to the batch size of due occurrences. Each is held by
// exactly one caller until Complete, or until its lease runs out.
func (s *Scheduler) Claim(ctx context.Context) ([]Claimed, error) {
	now := s.clock.Now()
	token := newToken()
	vals, err := claimScript.Run(ctx, s.rdb, []string{s.keys.due, s.keys.lease, s.keys.occ, s.keys.holder},
		now.UnixMilli(), s.opt.Lease.Milliseconds(), s.opt.Batch, token).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("scheduler: claim: %w", err)
	}
	out := make([]Claimed, 0, len(vals)/2)
	for i := 0; i+1 < len(vals); i += 2 {
		var o Occurrence
		if err := json.Unmarshal([]byte(vals[i+1]), &o); err != nil || o.ID != vals[i] {
			// An id without a readable body cannot be handled; drop its lease so it is not retried forever.
			c := Claimed{Occurrence: Occurrence{ID: vals[i]}, token: token}
			if cerr := s.complete(ctx, c, nil); cerr != nil {
				return out, cerr
			}
			continue
		}
		out = append(out, Claimed{Occurrence: o, token: token})
	}
	return out, nil
}

// Renew extends the leases of occurrences still being worked on.
func (s *Scheduler) Renew(ctx context.Context, cs []Claimed) error {
	if len(cs) == 0 {
		return nil
	}
	args := []any{s.clock.Now().Add(s.opt.Lease).UnixMilli(), cs[0].token}
	for _, c := range cs {
		args = append(args, c.ID)
	}
	if err := renewScript.Run(ctx, s.rdb, []string{s.keys.lease, s.keys.holder}, args...).Err(); err != nil {
		return fmt.Errorf("scheduler: renew leases: %w", err)
	}
	return nil
}

// Recover returns occurrences whose holder died to the due set.
func (s *Scheduler) Recover(ctx context.Context) (int, error) {
	n, err := recoverScript.Run(ctx, s.rdb, []string{s.keys.due, s.keys.lease, s.keys.holder},
		s.clock.Now().UnixMilli(), s.opt.Batch).Int()
	if err != nil {
		return 0, fmt.Errorf("scheduler: recover leases: %w", err)
	}
	return n, nil
}

// ErrLeaseLost means another process now holds the occurrence.
var ErrLeaseLost = errors.New("scheduler: lease lost")

// Complete marks a claimed occurrence fired and, for a series, stores its next occurrence.
func (s *Scheduler) Complete(ctx context.Context, c Claimed) error {
	var next *Occurrence
	if c.Series != "" {
		n, ok, err := s.nextInSeries(ctx, c.Occurrence)
		if err != nil {
			return err
		}
		if ok {
			next = &n
		}
	}
	return s.complete(ctx, c, next)
}

func (s *Scheduler) nextInSeries(ctx context.Context, o Occurrence) (Occurrence, bool, error) {
	b, err := s.rdb.HGet(ctx, s.keys.series, o.Series).Bytes()
	if errors.Is(err, redis.Nil) {
		return Occurrence{}, false, nil // the series was removed while this one was in flight
	}
	if err != nil {
		return Occurrence{}, false, fmt.Errorf("scheduler: load series: %w", err)
	}
	var sr Series
	if err := json.Unmarshal(b, &sr); err != nil {
		return Occurrence{}, false, fmt.Errorf("scheduler: decode series: %w", err)
	}
	rec, err := ParseRule(sr.Rule)
	if err != nil {
		return Occurrence{}, false, err
	}
	loc, err := time.LoadLocation(sr.Zone)
	if err != nil {
		return Occurrence{}, false, fmt.Errorf("scheduler: zone %q: %w", sr.Zone, err)
	}
	n, ok := nextOf(sr, rec, loc, o.Local)
	return n, ok, nil
}

func (s *Scheduler) complete(ctx context.Context, c Claimed, next *Occurrence) error {
	nextID, nextDue, nextLocal := "", int64(0), ""
	var nextJSON []byte
	if next != nil {
		var err error
		if nextJSON, err = json.Marshal(next); err != nil {
			return fmt.Errorf("scheduler: encode occurrence: %w", err)
		}
		nextID, nextDue, nextLocal = next.ID, next.Due.UnixMilli(), next.Local.Format(CivilLayout)
	}
	n, err := completeScript.Run(ctx, s.rdb,
		[]string{s.keys.lease, s.keys.holder, s.keys.occ, s.keys.done, s.keys.mark, s.keys.pending, s.keys.due},
		c.ID, c.token, s.clock.Now().UnixMilli(), c.Series, c.Local.Format(CivilLayout),
		nextID, nextDue, nextJSON, nextLocal, s.opt.DoneRetention.Milliseconds()).Int()
	if err != nil {
		return fmt.Errorf("scheduler: complete %s: %w", c.Kind, err)
	}
	if n == 0 {
		return ErrLeaseLost
	}
	return nil
}

// NextDue returns when the earliest pending occurrence is due, or false if none is.
func (s *Scheduler) NextDue(ctx context.Context) (time.Time, bool, error) {
	z, err := s.rdb.ZRangeWithScores(ctx, s.keys.due, 0, 0).Result()
	if err != nil {
		return time.Time{}, false, fmt.Errorf("scheduler: next due: %w", err)
	}
	if len(z) == 0 {
		return time.Time{}, false, nil
	}
	return time.UnixMilli(int64(z[0].Score)), true, nil
}

// Pending returns the pending occurrences of one client, for display and tests.
func (s *Scheduler) Pending(ctx context.Context, client string) ([]Occurrence, error) {
	ids, err := s.rdb.ZRange(ctx, s.keys.due, 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("scheduler: list pending: %w", err)
	}
	var out []Occurrence
	for _, id := range ids {
		b, err := s.rdb.HGet(ctx, s.keys.occ, id).Bytes()
		if err != nil {
			continue
		}
		var o Occurrence
		if json.Unmarshal(b, &o) == nil && o.Client == client {
			out = append(out, o)
		}
	}
	return out, nil
}

// Handler does what an occurrence is due for.
type Handler interface {
	// Fire handles an occurrence on time (within its grace window). An error
	// leaves it leased; it is retried once the lease runs out.
	Fire(ctx context.Context, o Occurrence) error
	// Missed is told of an occurrence that fell due while nothing was running
	// and is now too late to fire; it records the miss.
	Missed(ctx context.Context, o Occurrence) error
}

// Grace returns how late an occurrence of a kind may still fire.
func (s *Scheduler) Grace(kind string) time.Duration {
	if g, ok := s.opt.GraceByKind[kind]; ok {
		return g
	}
	return s.opt.Grace
}

// Tick recovers expired leases, then claims and handles everything due now,
// in due order. It returns how many occurrences it handled.
func (s *Scheduler) Tick(ctx context.Context, h Handler) (int, error) {
	if _, err := s.Recover(ctx); err != nil {
		return 0, err
	}
	total := 0
	for {
		batch, err := s.Claim(ctx)
		if err != nil {
			return total, err
		}
		if len(batch) == 0 {
			return total, nil
		}
		for _, c := range batch {
			if err := s.handle(ctx, h, c); err != nil {
				return total, err
			}
			total++
		}
		if len(batch) < s.opt.Batch {
			return total, nil
		}
	}
}

func (s *Scheduler) handle(ctx context.Context, h Handler, c Claimed) error {
	var err error
	if s.clock.Now().Sub(c.Due) > s.Grace(c.Kind) {
		err = h.Missed(ctx, c.Occurrence)
	} else {
		err = h.Fire(ctx, c.Occurrence)
	}
	if err != nil {
		return fmt.Errorf("scheduler: handle %s for %s: %w", c.Kind, c.Client, err)
	}
	if err := s.Complete(ctx, c); err != nil && !errors.Is(err, ErrLeaseLost) {
		return err
	}
	return nil
}

func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on Linux
	return hex.EncodeToString(b[:])
}
