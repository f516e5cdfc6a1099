package scheduler

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"
	"time"
)

// Handler does what an occurrence is due for. Handlers must be idempotent
// per occurrence id: a process that dies after handling one but before
// settling it leaves it to be handled again when its lease runs out.
type Handler interface {
	// Fire handles an occurrence within its grace window. Returning Later or
	// MoveTo hands it back; any other error leaves it leased, to be retried
	// once the lease runs out (and in the end recorded missed).
	Fire(ctx context.Context, o Occurrence) error
	// Missed is told of an occurrence too late to fire (it fell due while
	// nothing was running, or kept failing); it records the miss.
	Missed(ctx context.Context, o Occurrence) error
}

// Grace returns how late an occurrence of a kind may still fire.
func (s *Scheduler) Grace(kind string) time.Duration {
	if g, ok := s.opt.GraceByKind[kind]; ok {
		return g
	}
	return s.opt.Grace
}

// Tick handles everything due now and returns how many occurrences it
// settled (fired, recorded missed, or handed back). Handler errors do not
// stop it; they are returned together at the end.
func (s *Scheduler) Tick(ctx context.Context, h Handler) (int, error) {
	n, _, err := s.pass(ctx, h)
	return n, err
}

// Run handles occurrences as they fall due until ctx ends: the loop of
// `steady serve`. Between passes it waits on the clock until the next
// occurrence is due, a lease may need recovering, something is added in this
// process, or Poll passes (for work other processes add). It needs an
// AlarmClock. Errors are logged and retried; only ctx ends it.
func (s *Scheduler) Run(ctx context.Context, h Handler) error {
	clock, ok := s.clock.(AlarmClock)
	if !ok {
		return errors.New("scheduler: Run needs a clock that can wait (an AlarmClock)")
	}
	for {
		_, wake, err := s.pass(ctx, h)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			s.opt.Log.Error("scheduler: pass failed", "err", err)
		}
		wait := s.opt.Poll
		if !wake.IsZero() {
			wait = min(wait, max(wake.Sub(clock.Now()), time.Millisecond))
		}
		t := clock.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-s.wake:
			t.Stop()
		case <-t.C():
		}
	}
}

// pass claims and handles batches until nothing more is due now. It returns
// how many it settled and when something next needs attention.
func (s *Scheduler) pass(ctx context.Context, h Handler) (int, time.Time, error) {
	pace := map[string]time.Time{}
	total := 0
	var errs []error
	r, err := s.claim(ctx)
	for {
		if err != nil {
			return total, time.Time{}, errors.Join(append(errs, err)...)
		}
		// A full batch means more is due: claim the next one while this one's
		// handlers run, so Redis and this process work at the same time.
		var next claimResult
		var nextErr error
		prefetched := make(chan struct{})
		if len(r.batch) == s.opt.Batch {
			go func() { next, nextErr = s.claim(ctx); close(prefetched) }()
		} else {
			close(prefetched)
		}
		if r.claimedAt.Before(s.clock.Now().Add(-s.opt.Lease / 3)) {
			// Claimed ahead and kept waiting: renew before starting on it.
			if err := s.Renew(ctx, r.batch); err != nil {
				errs = append(errs, err)
			}
		}
		n, again, herr := s.handleBatch(ctx, h, r.batch, pace)
		total += n
		if herr != nil {
			errs = append(errs, herr)
		}
		<-prefetched
		if len(r.batch) < s.opt.Batch {
			if again {
				r, err = s.claim(ctx)
				continue
			}
			wake := r.nextDue
			if !r.nextLease.IsZero() && (wake.IsZero() || r.nextLease.Before(wake)) {
				wake = r.nextLease
			}
			return total, wake, errors.Join(errs...)
		}
		r, err = next, nextErr
	}
}

// flushEvery bounds how many handled occurrences wait to be settled, so a
// crash mid-batch repeats little work while a large batch still settles in
// a few calls.
const flushEvery = 256

// batchRun tracks one claimed batch while its handlers run.
type batchRun struct {
	s        *Scheduler
	mu       sync.Mutex
	held     map[string]Claimed // still leased by us: being handled or awaiting settlement
	ready    []settlement
	settled  int
	dueAgain bool // a series' next occurrence is already due (catching up)
	errs     []error
}

// handleBatch runs a batch's handlers, one goroutine per worker, each
// client's occurrences on one worker in due order; it renews the batch's
// leases while they run and settles them in a few calls.
func (s *Scheduler) handleBatch(ctx context.Context, h Handler, batch []Claimed, pace map[string]time.Time) (int, bool, error) {
	if len(batch) == 0 {
		return 0, false, nil
	}
	b := &batchRun{s: s, held: make(map[string]Claimed, len(batch))}
	now := s.clock.Now()
	lanes := make([][]job, min(s.opt.Workers, len(batch)))
	for _, c := range batch {
		b.held[c.ID] = c
		late := now.Sub(c.Due)
		j := job{c: c}
		switch {
		case late > s.Grace(c.Kind):
			j.missed = true
		case late > s.opt.LateAfter:
			// Catching up: one late occurrence per client per gap, in due order.
			if next, ok := pace[c.Client]; ok {
				j.later = &Deferral{At: next, Why: "catching up after downtime, one at a time"}
				pace[c.Client] = next.Add(s.opt.CatchUpGap)
			} else {
				pace[c.Client] = now.Add(s.opt.CatchUpGap)
			}
		}
		lane := 0
		if len(lanes) > 1 {
			f := fnv.New32a()
			f.Write([]byte(c.Client))
			lane = int(f.Sum32() % uint32(len(lanes)))
		}
		lanes[lane] = append(lanes[lane], j)
	}

	stopRenew := b.renewWhileRunning(ctx)
	var wg sync.WaitGroup
	for _, lane := range lanes {
		if len(lane) == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, j := range lane {
				b.finish(ctx, j.c, b.run(ctx, h, j))
			}
		}()
	}
	wg.Wait()
	stopRenew()
	b.flush(ctx, true)
	return b.settled, b.dueAgain, errors.Join(b.errs...)
}

type job struct {
	c      Claimed
	missed bool
	later  *Deferral
}

// run calls the handler; a panic in one handler must not take down the
// process and every other client's prompts with it.
func (b *batchRun) run(ctx context.Context, h Handler, j job) (err error) {
	if j.later != nil {
		return j.later
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("handler panicked: %v", r)
		}
	}()
	if j.missed {
		return h.Missed(ctx, j.c.Occurrence)
	}
	return h.Fire(ctx, j.c.Occurrence)
}

// finish records how an occurrence's handling ended.
func (b *batchRun) finish(ctx context.Context, c Claimed, err error) {
	var st *settlement
	var d *Deferral
	switch {
	case errors.As(err, &d):
		x := b.s.handBack(c, d)
		st = &x
	case err != nil:
		// Left leased and no longer renewed: offered again once the lease runs out.
		b.mu.Lock()
		delete(b.held, c.ID)
		b.errs = append(b.errs, fmt.Errorf("scheduler: %s for %s: %w", c.Kind, c.Client, err))
		b.mu.Unlock()
		return
	default:
		x := b.s.fired(c)
		st = &x
		if x.d != "" {
			if due, ok := parseMillis(x.d); ok && !due.After(b.s.clock.Now()) {
				b.mu.Lock()
				b.dueAgain = true
				b.mu.Unlock()
			}
		}
	}
	b.mu.Lock()
	b.ready = append(b.ready, *st)
	full := len(b.ready) >= flushEvery
	b.mu.Unlock()
	if full {
		b.flush(ctx, false)
	}
}

// flush settles what is ready (all of it at the end of the batch).
func (b *batchRun) flush(ctx context.Context, final bool) {
	b.mu.Lock()
	if len(b.ready) == 0 || (!final && len(b.ready) < flushEvery) {
		b.mu.Unlock()
		return
	}
	ready := b.ready
	b.ready = nil
	b.mu.Unlock()
	err := b.s.settle(ctx, ready)
	b.mu.Lock()
	defer b.mu.Unlock()
	if err != nil {
		b.errs = append(b.errs, err)
		return
	}
	for _, x := range ready {
		delete(b.held, x.c.ID)
	}
	b.settled += len(ready)
}

// renewWhileRunning renews the leases still held every third of a lease,
// until the returned stop is called.
func (b *batchRun) renewWhileRunning(ctx context.Context) (stop func()) {
	clock, ok := b.s.clock.(AlarmClock)
	if !ok {
		return func() {}
	}
	done := make(chan struct{})
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		for {
			t := clock.NewTimer(b.s.opt.Lease / 3)
			select {
			case <-done:
				t.Stop()
				return
			case <-t.C():
			}
			b.mu.Lock()
			held := make([]Claimed, 0, len(b.held))
			for _, c := range b.held {
				held = append(held, c)
			}
			b.mu.Unlock()
			if err := b.s.Renew(ctx, held); err != nil {
				b.s.opt.Log.Warn("scheduler: renewing leases failed", "err", err)
			}
		}
	}()
	return func() { close(done); <-exited }
}
