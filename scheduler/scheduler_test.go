package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"steady/scheduler"
	"steady/store/redistest"
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(claimChild())
	}
	redistest.Main(m)
}

// recorder is a Handler that records what it was given.
type recorder struct {
	mu     sync.Mutex
	fired  []scheduler.Occurrence
	missed []scheduler.Occurrence
	// fire, if set, decides what Fire returns.
	fire func(o scheduler.Occurrence) error
}

func (r *recorder) Fire(ctx context.Context, o scheduler.Occurrence) error {
	if r.fire != nil {
		if err := r.fire(o); err != nil {
			return err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fired = append(r.fired, o)
	return nil
}

func (r *recorder) Missed(ctx context.Context, o scheduler.Occurrence) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.missed = append(r.missed, o)
	return nil
}

func (r *recorder) firedIDs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ids []string
	for _, o := range r.fired {
		ids = append(ids, o.ID)
	}
	return ids
}

type env struct {
	ctx   context.Context
	rdb   *redis.Client
	clock *scheduler.FakeClock
	sched *scheduler.Scheduler
	opt   scheduler.Options
}

func newEnv(t *testing.T, start time.Time, opt scheduler.Options) *env {
	t.Helper()
	rdb, prefix := redistest.New(t)
	opt.Prefix = prefix
	clock := scheduler.NewFakeClock(start)
	return &env{ctx: context.Background(), rdb: rdb, clock: clock, sched: scheduler.New(rdb, clock, opt), opt: opt}
}

// replica is another process sharing the same Redis and clock.
func (e *env) replica() *scheduler.Scheduler { return scheduler.New(e.rdb, e.clock, e.opt) }

func (e *env) tick(t *testing.T, h scheduler.Handler) int {
	t.Helper()
	n, err := e.sched.Tick(e.ctx, h)
	if err != nil {
		t.Fatalf("tick: %v", err)
	}
	return n
}

// stepTo moves the clock to each due occurrence up to end in turn and ticks,
// as `steady try` does, so everything fires at its own time.
func (e *env) stepTo(t *testing.T, end time.Time, h scheduler.Handler) {
	t.Helper()
	for {
		next, ok, err := e.sched.NextDue(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !ok || next.After(end) {
			break
		}
		e.clock.Set(next)
		e.tick(t, h)
	}
	e.clock.Set(end)
}

func mustAt(t *testing.T, client, kind, ref, zone string, local time.Time) scheduler.Occurrence {
	t.Helper()
	o, err := scheduler.At(client, kind, ref, zone, local)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func civil(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func instant(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Daily and weekly schedules at local times inside the spring gap and the
// autumn overlap fire exactly once per day, at the instant DESIGN §5 names.
func TestSeriesAcrossDST(t *testing.T) {
	tests := []struct {
		name, zone, rule string
		from, to         string   // RFC3339 instants the clock runs between
		want             []string // RFC3339 instants it fires at, in order
	}{
		{"london daily in spring gap", "Europe/London", "daily 01:30", "2026-03-27T12:00:00Z", "2026-03-31T00:00:00Z",
			[]string{"2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"}},
		{"london daily in autumn overlap", "Europe/London", "daily 01:30", "2026-10-23T12:00:00Z", "2026-10-27T00:00:00Z",
			[]string{"2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"}},
		{"london weekly sunday in spring gap", "Europe/London", "weekly sun 01:30", "2026-03-20T00:00:00Z", "2026-04-06T00:00:00Z",
			[]string{"2026-03-22T01:30:00Z", "2026-03-29T01:00:00Z", "2026-04-05T00:30:00Z"}},
		{"london weekly sunday in autumn overlap", "Europe/London", "weekly sun 01:30", "2026-10-20T00:00:00Z", "2026-11-02T00:00:00Z",
			[]string{"2026-10-25T00:30:00Z", "2026-11-01T01:30:00Z"}},
		{"new york daily in spring gap", "America/New_York", "daily 02:30", "2026-03-06T12:00:00Z", "2026-03-10T12:00:00Z",
			[]string{"2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"}},
		{"new york daily in autumn overlap", "America/New_York", "daily 01:30", "2026-10-30T12:00:00Z", "2026-11-03T12:00:00Z",
			[]string{"2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z", "2026-11-03T06:30:00Z"}},
		{"new york weekly sunday in spring gap", "America/New_York", "weekly sun 02:15", "2026-03-01T12:00:00Z", "2026-03-16T00:00:00Z",
			[]string{"2026-03-08T07:00:00Z", "2026-03-15T06:15:00Z"}},
		{"new york weekly sunday in autumn overlap", "America/New_York", "cron 45 1 * * 0", "2026-10-25T12:00:00Z", "2026-11-09T00:00:00Z",
			[]string{"2026-11-01T05:45:00Z", "2026-11-08T06:45:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, instant(tt.from), scheduler.Options{})
			if err := e.sched.PutSeries(e.ctx, scheduler.Series{Client: "c1", Kind: "sleep_log", Zone: tt.zone, Rule: tt.rule}); err != nil {
				t.Fatal(err)
			}
			h := &recorder{}
			e.stepTo(t, instant(tt.to), h)
			var got []string
			for _, o := range h.fired {
				got = append(got, o.Due.UTC().Format(time.RFC3339))
				if !o.Due.Equal(e.clock.Now()) && o.Due.After(e.clock.Now()) {
					t.Errorf("%s fired before it was due", o.ID)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("fired at %v, want %v", got, tt.want)
			}
			if len(h.missed) > 0 {
				t.Errorf("missed %v", h.missed)
			}
		})
	}
}

// A series put during the second pass of a repeated hour does not fire the
// civil time that already happened in the first pass.
func TestSeriesPutInRepeatedHourDoesNotRefire(t *testing.T) {
	// 01:10 GMT on 25 Oct 2026 is the second 01:10 in London; 01:30 BST was at 00:30Z.
	e := newEnv(t, instant("2026-10-25T01:10:00Z"), scheduler.Options{})
	if err := e.sched.PutSeries(e.ctx, scheduler.Series{Client: "c1", Kind: "k", Zone: "Europe/London", Rule: "daily 01:30"}); err != nil {
		t.Fatal(err)
	}
	pending, err := e.sched.Pending(e.ctx, "c1")
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending %v, %v", pending, err)
	}
	if got := pending[0].Local.Format(scheduler.CivilLayout); got != "2026-10-26T01:30" {
		t.Errorf("next is %s, want the next day's 01:30", got)
	}
}

func TestOneOffFiresOnceEvenIfAddedAgain(t *testing.T) {
	e := newEnv(t, instant("2026-11-23T06:00:00Z"), scheduler.Options{})
	o := mustAt(t, "c1", "debrief", "s1", "Europe/London", civil("2026-11-23 17:30"))
	for i := 0; i < 2; i++ {
		if err := e.sched.Add(e.ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	h := &recorder{}
	e.stepTo(t, instant("2026-11-23T18:00:00Z"), h)
	n, err := e.sched.AddCount(e.ctx, o)
	if err != nil || n != 0 {
		t.Fatalf("re-adding a fired occurrence stored %d, %v", n, err)
	}
	e.stepTo(t, instant("2026-11-24T18:00:00Z"), h)
	if got := h.firedIDs(); len(got) != 1 {
		t.Fatalf("fired %v, want once", got)
	}
	// Past the retention horizon the id is forgotten, and so it cannot be added either.
	e.clock.Set(instant("2026-11-25T19:00:00Z"))
	if n, err := e.sched.AddCount(e.ctx, o); err != nil || n != 0 {
		t.Fatalf("re-adding after the done set forgot it stored %d, %v", n, err)
	}
}

func TestSeriesWatermarkSurvivesEdits(t *testing.T) {
	e := newEnv(t, instant("2026-11-23T06:00:00Z"), scheduler.Options{})
	sr := scheduler.Series{Client: "c1", Kind: "sleep_log", Zone: "Europe/London", Rule: "daily 07:30"}
	if err := e.sched.PutSeries(e.ctx, sr); err != nil {
		t.Fatal(err)
	}
	h := &recorder{}
	e.stepTo(t, instant("2026-11-23T07:31:00Z"), h)
	// Putting it again, unchanged or changed back and forth, never refires today's.
	for _, rule := range []string{"daily 07:30", "daily 07:00", "daily 07:30"} {
		sr.Rule = rule
		if err := e.sched.PutSeries(e.ctx, sr); err != nil {
			t.Fatal(err)
		}
		e.tick(t, h)
	}
	e.stepTo(t, instant("2026-11-24T08:00:00Z"), h)
	want := []string{"c1|sleep_log||2026-11-23T07:30", "c1|sleep_log||2026-11-24T07:30"}
	if got := h.firedIDs(); !slices.Equal(got, want) {
		t.Fatalf("fired %v, want %v", got, want)
	}
}

func TestEditedSeriesLeavesNothingStale(t *testing.T) {
	e := newEnv(t, instant("2026-11-23T06:00:00Z"), scheduler.Options{})
	sr := scheduler.Series{Client: "c1", Kind: "weekly_checkin", Zone: "Europe/London", Rule: "weekly mon 10:00"}
	if err := e.sched.PutSeries(e.ctx, sr); err != nil {
		t.Fatal(err)
	}
	sr.Rule = "weekly tue 09:00"
	if err := e.sched.PutSeries(e.ctx, sr); err != nil {
		t.Fatal(err)
	}
	pending, _ := e.sched.Pending(e.ctx, "c1")
	if len(pending) != 1 || pending[0].ID != "c1|weekly_checkin||2026-11-24T09:00" {
		t.Fatalf("after edit pending = %v", pending)
	}
	if err := e.sched.RemoveSeries(e.ctx, sr.Key()); err != nil {
		t.Fatal(err)
	}
	if pending, _ := e.sched.Pending(e.ctx, "c1"); len(pending) != 0 {
		t.Fatalf("after removal pending = %v", pending)
	}
	h := &recorder{}
	e.stepTo(t, instant("2026-12-10T00:00:00Z"), h)
	if len(h.fired) != 0 {
		t.Fatalf("removed series fired %v", h.firedIDs())
	}
}

// A worker edits a series while its occurrence is being handled: the edit
// wins, and the series neither stalls nor forks.
func TestSeriesEditedInFlight(t *testing.T) {
	e := newEnv(t, instant("2026-11-23T09:59:00Z"), scheduler.Options{})
	sr := scheduler.Series{Client: "c1", Kind: "weekly_checkin", Zone: "Europe/London", Rule: "weekly mon 10:00"}
	if err := e.sched.PutSeries(e.ctx, sr); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(instant("2026-11-23T10:00:00Z"))
	h := &recorder{fire: func(o scheduler.Occurrence) error {
		// While Monday's is in flight the worker adds Thursdays.
		edit := sr
		edit.Rule = "weekly mon,thu 10:00"
		return e.sched.PutSeries(context.Background(), edit)
	}}
	if n := e.tick(t, h); n != 1 {
		t.Fatalf("ticked %d", n)
	}
	h.fire = nil
	e.stepTo(t, instant("2026-12-01T00:00:00Z"), h)
	want := []string{"c1|weekly_checkin||2026-11-23T10:00", "c1|weekly_checkin||2026-11-26T10:00", "c1|weekly_checkin||2026-11-30T10:00"}
	if got := h.firedIDs(); !slices.Equal(got, want) {
		t.Fatalf("fired %v, want %v", got, want)
	}
}

func TestCancelOneOff(t *testing.T) {
	e := newEnv(t, instant("2026-11-23T06:00:00Z"), scheduler.Options{})
	a := mustAt(t, "c1", "debrief", "s1", "Europe/London", civil("2026-11-23 17:30"))
	b := mustAt(t, "c1", "debrief", "s2", "Europe/London", civil("2026-11-23 18:30"))
	if err := e.sched.Add(e.ctx, a, b); err != nil {
		t.Fatal(err)
	}
	if err := e.sched.Cancel(e.ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	h := &recorder{}
	e.stepTo(t, instant("2026-11-24T00:00:00Z"), h)
	if got := h.firedIDs(); !slices.Equal(got, []string{b.ID}) {
		t.Fatalf("fired %v", got)
	}
}

// Downtime: what fell due within the grace window fires, in due order, one
// per client at a time; what is older is reported missed, never fired.
func TestGraceWindowAfterDowntime(t *testing.T) {
	e := newEnv(t, instant("2026-11-23T06:00:00Z"), scheduler.Options{GraceByKind: map[string]time.Duration{"prompt_expiry": 12 * time.Hour}})
	zone := "Europe/London"
	occs := []scheduler.Occurrence{
		mustAt(t, "c1", "weekly_checkin", "", zone, civil("2026-11-23 06:30")),   // 3h late: missed
		mustAt(t, "c1", "debrief", "s1", zone, civil("2026-11-23 08:00")),        // 1.5h late: fires first
		mustAt(t, "c1", "debrief", "s2", zone, civil("2026-11-23 08:30")),        // 1h late: paced
		mustAt(t, "c1", "prompt_expiry", "p", zone, civil("2026-11-23 07:00")),   // its own grace: fires
		mustAt(t, "c2", "debrief", "s1", zone, civil("2026-11-23 09:00")),        // another client: not held back
		mustAt(t, "c1", "debrief", "future", zone, civil("2026-11-23 11:00")),    // not due yet
		mustAt(t, "c1", "worker_reminder", "w", zone, civil("2026-11-23 09:29")), // on time
	}
	if err := e.sched.Add(e.ctx, occs...); err != nil {
		t.Fatal(err)
	}
	// Nothing ran from 06:00 to 09:30.
	e.clock.Set(instant("2026-11-23T09:30:00Z"))
	h := &recorder{}
	e.tick(t, h)
	if len(h.missed) != 1 || h.missed[0].Kind != "weekly_checkin" {
		t.Fatalf("missed %v, want the 06:30 check-in only", h.missed)
	}
	want := []string{
		"c1|prompt_expiry|p|2026-11-23T07:00",
		"c2|debrief|s1|2026-11-23T09:00",
		"c1|worker_reminder|w|2026-11-23T09:29",
	}
	got := h.firedIDs()
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("first pass fired %v, want %v", got, want)
	}
	// c1's debriefs follow one per gap, in due order.
	h.fired = nil
	e.clock.Advance(2 * time.Minute)
	e.tick(t, h)
	e.clock.Advance(2 * time.Minute)
	e.tick(t, h)
	if got := h.firedIDs(); !slices.Equal(got, []string{"c1|debrief|s1|2026-11-23T08:00", "c1|debrief|s2|2026-11-23T08:30"}) {
		t.Fatalf("catch-up fired %v", got)
	}
	for _, o := range h.fired {
		if o.Due.After(instant("2026-11-23T08:30:00Z")) {
			t.Errorf("%s: pacing moved its due time to %v; its grace must still count from when it was due", o.ID, o.Due)
		}
	}
}

// A series missed for days is recorded missed day by day, then carries on.
func TestSeriesMissedDuringLongDowntime(t *testing.T) {
	e := newEnv(t, instant("2026-11-23T06:00:00Z"), scheduler.Options{})
	if err := e.sched.PutSeries(e.ctx, scheduler.Series{Client: "c1", Kind: "sleep_log", Zone: "Europe/London", Rule: "daily 07:30"}); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(instant("2026-11-26T08:00:00Z"))
	h := &recorder{}
	e.tick(t, h)
	var missed []string
	for _, o := range h.missed {
		missed = append(missed, o.Local.Format(scheduler.CivilLayout))
	}
	if !slices.Equal(missed, []string{"2026-11-23T07:30", "2026-11-24T07:30", "2026-11-25T07:30"}) {
		t.Errorf("missed %v", missed)
	}
	if got := h.firedIDs(); !slices.Equal(got, []string{"c1|sleep_log||2026-11-26T07:30"}) {
		t.Errorf("fired %v, want today's only", got)
	}
}

func TestLaterKeepsGraceMoveToRestartsIt(t *testing.T) {
	e := newEnv(t, instant("2026-11-23T07:00:00Z"), scheduler.Options{})
	later := mustAt(t, "c1", "a", "", "Europe/London", civil("2026-11-23 07:00"))
	moved := mustAt(t, "c1", "b", "", "Europe/London", civil("2026-11-23 07:00"))
	if err := e.sched.Add(e.ctx, later, moved); err != nil {
		t.Fatal(err)
	}
	h := &recorder{fire: func(o scheduler.Occurrence) error {
		now := e.clock.Now()
		if o.Kind == "a" {
			return scheduler.Later(now.Add(90*time.Minute), "busy")
		}
		if o.Due.Before(instant("2026-11-23T10:00:00Z")) {
			return scheduler.MoveTo(instant("2026-11-23T10:00:00Z"), "quiet hours")
		}
		return nil
	}}
	e.stepTo(t, instant("2026-11-23T12:00:00Z"), h)
	if len(h.missed) != 1 || h.missed[0].Kind != "a" || h.missed[0].Note != "busy" {
		t.Fatalf("missed %+v, want a (deferred past its grace, with the reason)", h.missed)
	}
	if len(h.fired) != 1 || h.fired[0].Kind != "b" || !h.fired[0].Due.Equal(instant("2026-11-23T10:00:00Z")) {
		t.Fatalf("fired %+v, want b at 10:00", h.fired)
	}
}

// Claims come in batches: everything due is handled, each once, in due order
// per client, whatever the batch size.
func TestBatchedClaimHandlesEverythingOnce(t *testing.T) {
	e := newEnv(t, instant("2026-11-23T06:00:00Z"), scheduler.Options{Batch: 100, Workers: 4})
	var occs []scheduler.Occurrence
	for i := 0; i < 1050; i++ {
		client := fmt.Sprintf("c%d", i%50)
		occs = append(occs, mustAt(t, client, "k", fmt.Sprint(i), "Europe/London", civil("2026-11-23 06:00").Add(time.Duration(i%30)*time.Second)))
	}
	if err := e.sched.Add(e.ctx, occs...); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		if err := e.sched.PutSeries(e.ctx, scheduler.Series{Client: fmt.Sprintf("s%d", i), Kind: "sleep_log", Zone: "Europe/London", Rule: "daily 06:01"}); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.Set(instant("2026-11-23T06:01:00Z"))
	h := &recorder{}
	if n := e.tick(t, h); n != 1100 {
		t.Fatalf("handled %d, want 1100", n)
	}
	seen := map[string]bool{}
	for _, id := range h.firedIDs() {
		if seen[id] {
			t.Fatalf("%s handled twice", id)
		}
		seen[id] = true
	}
	// Every series has its next occurrence stored.
	pending, err := e.sched.Pending(e.ctx, "s7")
	if err != nil || len(pending) != 1 || pending[0].Local.Format(scheduler.CivilLayout) != "2026-11-24T06:01" {
		t.Fatalf("s7 pending %v, %v", pending, err)
	}
}

// countingHook counts the commands a client sends to Redis.
type countingHook struct {
	mu sync.Mutex
	n  int
}

func (h *countingHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *countingHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.mu.Lock()
		h.n++
		h.mu.Unlock()
		return next(ctx, cmd)
	}
}
func (h *countingHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.mu.Lock()
		h.n++
		h.mu.Unlock()
		return next(ctx, cmds)
	}
}

// An idle tick costs one Redis call, however many clients are enrolled; a
// busy one a few calls per batch, not per occurrence.
func TestTickCostDoesNotGrowWithClients(t *testing.T) {
	e := newEnv(t, instant("2026-11-23T06:00:00Z"), scheduler.Options{Batch: 500})
	for i := 0; i < 2000; i++ {
		if err := e.sched.PutSeries(e.ctx, scheduler.Series{Client: fmt.Sprintf("c%d", i), Kind: "sleep_log", Zone: "Europe/London", Rule: "daily 07:30"}); err != nil {
			t.Fatal(err)
		}
	}
	hook := &countingHook{}
	e.rdb.AddHook(hook)
	h := &recorder{}
	e.tick(t, h) // warms the script cache
	hook.n = 0
	e.tick(t, h)
	if hook.n != 1 {
		t.Errorf("idle tick made %d Redis calls, want 1", hook.n)
	}
	e.clock.Set(instant("2026-11-23T07:30:00Z"))
	hook.n = 0
	if n := e.tick(t, h); n != 2000 {
		t.Fatalf("handled %d", n)
	}
	// 5 claims (the last finds nothing), each full batch settled in 2 calls
	// (256 + rest), and loading the settle script on first use.
	if hook.n > 16 {
		t.Errorf("2000 due occurrences took %d Redis calls, want at most 16", hook.n)
	}
}

// A process that dies holding a claim loses it when its lease runs out;
// another process handles the occurrence and the dead one's late completion
// is refused.
func TestExpiredLeaseIsRecovered(t *testing.T) {
	e := newEnv(t, instant("2026-11-23T07:30:00Z"), scheduler.Options{Lease: 30 * time.Second})
	o := mustAt(t, "c1", "k", "", "Europe/London", civil("2026-11-23 07:30"))
	if err := e.sched.Add(e.ctx, o); err != nil {
		t.Fatal(err)
	}
	dead := e.replica()
	claimed, err := dead.Claim(e.ctx)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim %v, %v", claimed, err)
	}
	h := &recorder{}
	if n := e.tick(t, h); n != 0 {
		t.Fatalf("took over a live lease")
	}
	e.clock.Advance(31 * time.Second)
	if n := e.tick(t, h); n != 1 {
		t.Fatalf("expired lease not recovered: handled %d", n)
	}
	if err := dead.Complete(e.ctx, claimed...); !errors.Is(err, scheduler.ErrLeaseLost) {
		t.Fatalf("late completion: %v, want ErrLeaseLost", err)
	}
	e.clock.Advance(time.Hour)
	if n := e.tick(t, h); n != 0 || len(h.fired) != 1 {
		t.Fatalf("fired %d times", len(h.fired))
	}
}

// While a batch's handlers run, its leases are renewed, so a slow handler is
// not mistaken for a dead process.
func TestLeaseRenewedWhileHandlerRuns(t *testing.T) {
	e := newEnv(t, instant("2026-11-23T07:30:00Z"), scheduler.Options{Lease: 30 * time.Second})
	o := mustAt(t, "c1", "k", "", "Europe/London", civil("2026-11-23 07:30"))
	if err := e.sched.Add(e.ctx, o); err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	slow := &recorder{fire: func(scheduler.Occurrence) error {
		close(started)
		<-release
		return nil
	}}
	done := make(chan int)
	go func() {
		n, _ := e.sched.Tick(e.ctx, slow)
		done <- n
	}()
	<-started
	other := e.replica()
	h := &recorder{}
	ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
	defer cancel()
	for i := 0; i < 6; i++ { // two minutes: four leases' worth
		if err := e.clock.BlockUntilTimers(ctx, 1); err != nil {
			t.Fatal(err)
		}
		next, _ := e.clock.NextTimer()
		e.clock.Set(next)
		// The renewal runs on the timer just fired; wait until it has renewed
		// and gone back to waiting before looking.
		if err := e.clock.BlockUntilTimers(ctx, 1); err != nil {
			t.Fatal(err)
		}
		if n, err := other.Tick(e.ctx, h); err != nil || n != 0 {
			t.Fatalf("another process took the occurrence while it was being handled (%d, %v)", n, err)
		}
	}
	close(release)
	if n := <-done; n != 1 {
		t.Fatalf("slow handler's tick settled %d", n)
	}
	if len(h.fired) != 0 || len(slow.fired) != 1 {
		t.Fatalf("fired: slow %d, other %d", len(slow.fired), len(h.fired))
	}
}

// A handler error leaves the occurrence to be retried after its lease, and
// in the end recorded missed.
func TestFailingHandlerRetriedThenMissed(t *testing.T) {
	e := newEnv(t, instant("2026-11-23T07:30:00Z"), scheduler.Options{Lease: 30 * time.Minute})
	o := mustAt(t, "c1", "k", "", "Europe/London", civil("2026-11-23 07:30"))
	if err := e.sched.Add(e.ctx, o); err != nil {
		t.Fatal(err)
	}
	attempts := 0
	h := &recorder{fire: func(scheduler.Occurrence) error { attempts++; return errors.New("discord is down") }}
	for i := 0; i < 6; i++ {
		e.sched.Tick(e.ctx, h)
		e.clock.Advance(31 * time.Minute)
	}
	if attempts != 4 || len(h.missed) != 1 {
		t.Fatalf("attempts %d, missed %d; want 4 attempts within the 2h grace, then missed", attempts, len(h.missed))
	}
}

func TestPanickingHandlerDoesNotStopOthers(t *testing.T) {
	e := newEnv(t, instant("2026-11-23T07:30:00Z"), scheduler.Options{})
	bad := mustAt(t, "c1", "bad", "", "Europe/London", civil("2026-11-23 07:30"))
	good := mustAt(t, "c2", "good", "", "Europe/London", civil("2026-11-23 07:30"))
	if err := e.sched.Add(e.ctx, bad, good); err != nil {
		t.Fatal(err)
	}
	h := &recorder{fire: func(o scheduler.Occurrence) error {
		if o.Kind == "bad" {
			panic("boom")
		}
		return nil
	}}
	if _, err := e.sched.Tick(e.ctx, h); err == nil {
		t.Error("the panic was not reported")
	}
	if got := h.firedIDs(); !slices.Equal(got, []string{good.ID}) {
		t.Fatalf("fired %v", got)
	}
}

// Run waits on the clock, not in a busy loop, and wakes for what is added.
func TestRunWaitsOnTheClock(t *testing.T) {
	e := newEnv(t, instant("2026-11-23T07:00:00Z"), scheduler.Options{Poll: time.Hour})
	fired := make(chan scheduler.Occurrence, 4)
	h := &recorder{fire: func(o scheduler.Occurrence) error { fired <- o; return nil }}
	ctx, cancel := context.WithCancel(e.ctx)
	stopped := make(chan error)
	go func() { stopped <- e.sched.Run(ctx, h) }()
	wait, waitCancel := context.WithTimeout(e.ctx, 10*time.Second)
	defer waitCancel()
	if err := e.clock.BlockUntilTimers(wait, 1); err != nil {
		t.Fatal(err)
	}
	o := mustAt(t, "c1", "k", "", "Europe/London", civil("2026-11-23 07:20"))
	if err := e.sched.Add(e.ctx, o); err != nil {
		t.Fatal(err)
	}
	// Run wakes for the add, then sleeps until 07:20 instead of the hour's poll.
	if err := e.clock.BlockUntilTimerAt(wait, instant("2026-11-23T07:20:00Z")); err != nil {
		t.Fatal("Run never waited for the occurrence's due time")
	}
	select {
	case got := <-fired:
		t.Fatalf("%s fired before its time", got.ID)
	default:
	}
	e.clock.Set(instant("2026-11-23T07:20:00Z"))
	select {
	case got := <-fired:
		if got.ID != o.ID {
			t.Fatalf("fired %s", got.ID)
		}
	case <-wait.Done():
		t.Fatal("Run did not fire the occurrence when it fell due")
	}
	cancel()
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
}

func TestParseRuleRejectsBadSpecsWithoutPanic(t *testing.T) {
	for _, bad := range []string{
		"", "daily", "daily 25:00", "daily 7:5", "weekly xyz 10:00", "weekly mon", "cron TZ=0 * * * *",
		"cron CRON_TZ=Europe/London 0 9 * * *", "cron 61 * * * *", "cron @every 1h", "cron @daily",
		"cron 0 0 30 2 *", "cron * * * *", "cron 0 0 * * * *", "cron 0-70 * * * *", "cron */0 * * * *",
		"cron 5-1 * * * *", "hourly", "once", "once 2027-02-30 10:00", "once 2027-01-04", "once 2027-01-04 25:00",
	} {
		if _, err := scheduler.ParseRule(bad); err == nil {
			t.Errorf("ParseRule(%q) accepted", bad)
		}
	}
	for _, good := range []string{"daily 07:30", "weekly mon,thu 10:00", "cron 30 1 * * sun", "cron 0 9 1-7 * mon", "once 2027-01-04 10:00"} {
		r, err := scheduler.ParseRule(good)
		if err != nil {
			t.Errorf("ParseRule(%q): %v", good, err)
			continue
		}
		if r.String() != good {
			t.Errorf("ParseRule(%q).String() = %q", good, r.String())
		}
	}
}

// Workers type schedules; whatever they type is an error or a rule that
// moves forward, never a panic or a hang.
func FuzzParseRule(f *testing.F) {
	for _, s := range []string{"daily 07:30", "weekly mon,thu 10:00", "cron 30 1 * * sun", "cron TZ=0 * * * *",
		"cron 0 0 30 2 *", "cron */0 * * * *", "weekly ,,, 10:00", "cron 0 0 29 2 mon", "cron 59 23 31 12 *", "once 2027-01-04 10:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := scheduler.ParseRule(s)
		if err != nil {
			return
		}
		from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		if strings.HasPrefix(r.String(), "once ") {
			from = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC) // a one-shot may be in the past
		}
		next := r.Next(from)
		if next.IsZero() || !next.After(from) {
			t.Fatalf("ParseRule(%q) accepted a rule whose next after %v is %v", s, from, next)
		}
		if again, err := scheduler.ParseRule(r.String()); err != nil || !again.Next(from).Equal(next) {
			t.Fatalf("ParseRule(%q).String() = %q does not read back the same", s, r.String())
		}
	})
}

// Lookup finds a client's pending occurrences by id, without a scan: a
// one-off, a series' pending occurrence, one handed back with MoveTo (at
// its new time); not one already fired, nor an id never stored.
func TestLookupFindsOnlyPendingOccurrences(t *testing.T) {
	start := time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC)
	e := newEnv(t, start, scheduler.Options{})
	if err := e.sched.PutSeries(e.ctx, scheduler.Series{Client: "c1", Kind: "sleep_log", Zone: "Europe/London", Rule: "daily 07:30"}); err != nil {
		t.Fatal(err)
	}
	at := func(kind, ref string, h, m int) scheduler.Occurrence {
		o, err := scheduler.At("c1", kind, ref, "Europe/London", time.Date(2026, 11, 23, h, m, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	early, debrief, moved := at("grounding", "s1", 6, 30), at("debrief", "s1", 16, 30), at("weekly_checkin", "", 10, 0)
	if err := e.sched.Add(e.ctx, early, debrief, moved); err != nil {
		t.Fatal(err)
	}
	later := time.Date(2026, 11, 23, 16, 0, 0, 0, time.UTC)
	h := &recorder{fire: func(o scheduler.Occurrence) error {
		if o.ID == moved.ID && o.Due.Before(later) {
			return scheduler.MoveTo(later, "on shift")
		}
		return nil
	}}
	e.stepTo(t, time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), h) // fires the grounding and the 07:30 sleep log; moves the check-in
	sleep := scheduler.OccurrenceID("c1", "sleep_log", "", time.Date(2026, 11, 24, 7, 30, 0, 0, time.UTC))
	got, err := e.sched.Lookup(e.ctx, early.ID, debrief.ID, moved.ID, sleep,
		scheduler.OccurrenceID("c1", "sleep_log", "", time.Date(2026, 11, 23, 7, 30, 0, 0, time.UTC)), "c1|nothing||2026-11-23T09:00")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, o := range got {
		ids = append(ids, o.ID+" "+o.Due.Format("15:04"))
	}
	want := []string{moved.ID + " 16:00", debrief.ID + " 16:30", sleep + " 07:30"}
	if !slices.Equal(ids, want) {
		t.Errorf("Lookup = %q, want %q", ids, want)
	}
}
