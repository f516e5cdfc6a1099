package scheduler_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"steady/scheduler"
	"steady/store/redistest"
)

// The child processes of TestClaimersAcrossProcessesWithOneKilled are this
// test binary started again with these variables set.
const (
	childEnv    = "STEADY_SCHED_CHILD" // "claimer" or "victim"
	childAddr   = "STEADY_SCHED_REDIS"
	childPrefix = "STEADY_SCHED_PREFIX"
	// victimAfter is how many occurrences the victim handles before it stops
	// mid-batch, holding its claim, and says so on stdout.
	victimAfter = 150
	childBatch  = 200
)

const (
	oneOffs = 19000
	series  = 1000
)

func handledKey(prefix string) string { return prefix + ":{sched}:test:handled" }
func runsKey(prefix string) string    { return prefix + ":{sched}:test:runs" }

// claimChild is a claiming process: it runs the scheduler until nothing is
// left pending or in flight. Its handler works as Steady's do: its effect
// is idempotent per occurrence id (first writer wins), and every run is
// counted so the test can see work that was repeated.
func claimChild() int {
	role := os.Getenv(childEnv)
	prefix := os.Getenv(childPrefix)
	rdb := redis.NewClient(&redis.Options{Addr: os.Getenv(childAddr)})
	defer rdb.Close()
	s := scheduler.New(rdb, scheduler.SystemClock{}, scheduler.Options{
		Prefix: prefix, Lease: time.Second, Batch: childBatch, Poll: 20 * time.Millisecond,
	})
	pid := strconv.Itoa(os.Getpid())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var handled atomic.Int64
	h := handlerFunc(func(ctx context.Context, o scheduler.Occurrence) error {
		_, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			p.HSetNX(ctx, handledKey(prefix), o.ID, pid)
			p.HIncrBy(ctx, runsKey(prefix), o.ID, 1)
			return nil
		})
		if err != nil {
			return err
		}
		if n := handled.Add(1); role == "victim" && n == victimAfter {
			fmt.Println("holding")
			<-make(chan struct{}) // killed here, with a claimed batch unsettled
		}
		return nil
	})
	go func() {
		// Stop once everything is settled.
		for {
			t := time.NewTimer(50 * time.Millisecond)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			due, _ := rdb.ZCard(ctx, prefix+":{sched}:due").Result()
			leased, _ := rdb.ZCard(ctx, prefix+":{sched}:lease").Result()
			// Only the series' next (tomorrow's) occurrences may remain.
			if due <= series && leased == 0 {
				if n, _ := rdb.ZCount(ctx, prefix+":{sched}:due", "-inf", strconv.FormatInt(time.Now().UnixMilli(), 10)).Result(); n == 0 {
					cancel()
					return
				}
			}
		}
	}()
	if err := s.Run(ctx, h); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("done %d\n", handled.Load())
	return 0
}

type handlerFunc func(ctx context.Context, o scheduler.Occurrence) error

func (f handlerFunc) Fire(ctx context.Context, o scheduler.Occurrence) error   { return f(ctx, o) }
func (f handlerFunc) Missed(ctx context.Context, o scheduler.Occurrence) error { return f(ctx, o) }

// Three real processes claim 20,000 occurrences from one Redis; one of them
// is killed with SIGKILL while it holds a claimed batch. Every occurrence's
// effect happens exactly once, nothing is left behind, and the only repeated
// work is the dead process's unsettled claim.
func TestClaimersAcrossProcessesWithOneKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	rdb, prefix := redistest.New(t)
	ctx := context.Background()
	s := scheduler.New(rdb, scheduler.SystemClock{}, scheduler.Options{Prefix: prefix})
	now := time.Now()
	var occs []scheduler.Occurrence
	for i := 0; i < oneOffs; i++ {
		o, err := scheduler.After(fmt.Sprintf("c%05d", i), "debrief", "s1", "Europe/London", now, -time.Duration(i%600)*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		occs = append(occs, o)
		if len(occs) == 1000 {
			if err := s.Add(ctx, occs...); err != nil {
				t.Fatal(err)
			}
			occs = occs[:0]
		}
	}
	loc, _ := time.LoadLocation("Europe/London")
	at := scheduler.Civil(now.Add(-time.Minute), loc).Format("15:04")
	for i := 0; i < series; i++ {
		if err := s.PutSeries(ctx, scheduler.Series{Client: fmt.Sprintf("s%04d", i), Kind: "sleep_log", Zone: "Europe/London", Rule: "daily " + at}); err != nil {
			t.Fatal(err)
		}
	}
	// The series were planned from now, so their first occurrence is
	// tomorrow; make today's due by putting them back a day.
	yesterday := now.Add(-24 * time.Hour)
	backdated := scheduler.New(rdb, fixedClock{yesterday}, scheduler.Options{Prefix: prefix})
	for i := 0; i < series; i++ {
		sr := scheduler.Series{Client: fmt.Sprintf("s%04d", i), Kind: "sleep_log", Zone: "Europe/London", Rule: "daily " + at}
		if err := backdated.RemoveSeries(ctx, sr.Key()); err != nil {
			t.Fatal(err)
		}
		if err := backdated.PutSeries(ctx, sr); err != nil {
			t.Fatal(err)
		}
	}

	srv := redistest.Shared(t)
	start := func(role string) (*exec.Cmd, *bufio.Scanner) {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+role, childAddr+"="+srv.Addr, childPrefix+"="+prefix)
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		return cmd, bufio.NewScanner(out)
	}
	victim, victimOut := start("victim")
	claimers := []*exec.Cmd{}
	outs := []*bufio.Scanner{}
	for i := 0; i < 2; i++ {
		c, out := start("claimer")
		claimers, outs = append(claimers, c), append(outs, out)
	}
	if !victimOut.Scan() || victimOut.Text() != "holding" {
		t.Fatalf("victim did not reach the middle of its run: %q", victimOut.Text())
	}
	if err := victim.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	victim.Wait()
	victimPID := strconv.Itoa(victim.Process.Pid)

	results := make(chan string, len(claimers))
	for i, c := range claimers {
		go func() {
			var last string
			for outs[i].Scan() {
				last = outs[i].Text()
			}
			c.Wait()
			results <- fmt.Sprintf("%s (exit %d)", last, c.ProcessState.ExitCode())
		}()
	}
	deadline := time.NewTimer(2 * time.Minute)
	defer deadline.Stop()
	for range claimers {
		select {
		case r := <-results:
			if !strings.HasPrefix(r, "done ") || !strings.HasSuffix(r, "(exit 0)") || strings.HasPrefix(r, "done 0 ") {
				t.Errorf("a claimer ended with %q; want it to have done some of the work", r)
			}
		case <-deadline.C:
			t.Fatal("claimers did not finish")
		}
	}

	handled, err := rdb.HGetAll(ctx, handledKey(prefix)).Result()
	if err != nil {
		t.Fatal(err)
	}
	runs, err := rdb.HGetAll(ctx, runsKey(prefix)).Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(handled) != oneOffs+series {
		t.Fatalf("%d occurrences handled, want %d", len(handled), oneOffs+series)
	}
	repeated := 0
	for id, n := range runs {
		switch n {
		case "1":
		case "2":
			// Only work the dead process had claimed and not settled is repeated.
			if handled[id] != victimPID {
				t.Errorf("%s ran twice but was first handled by %s, not the killed process", id, handled[id])
			}
			repeated++
		default:
			t.Errorf("%s ran %s times", id, n)
		}
	}
	if repeated == 0 || repeated > childBatch {
		t.Errorf("%d occurrences were run again; want the killed process's unsettled claim (1–%d)", repeated, childBatch)
	}
	// Nothing is left behind: no lease, no holder, nothing due now; each
	// series has exactly its next occurrence pending, and one-offs are in the done set.
	for _, k := range []string{"lease", "holder"} {
		if n := rdb.Exists(ctx, prefix+":{sched}:"+k).Val(); n != 0 {
			t.Errorf("%s left behind", k)
		}
	}
	pending, _ := rdb.ZRangeWithScores(ctx, prefix+":{sched}:due", 0, -1).Result()
	if len(pending) != series {
		t.Errorf("%d pending after the run, want %d (each series' next)", len(pending), series)
	}
	for _, z := range pending {
		if !strings.Contains(z.Member.(string), "|sleep_log|") || time.UnixMilli(int64(z.Score)).Before(now) {
			t.Errorf("%s still pending at %v", z.Member, time.UnixMilli(int64(z.Score)))
		}
	}
	if n := rdb.ZCard(ctx, prefix+":{sched}:done").Val(); n != oneOffs {
		t.Errorf("done set holds %d, want %d", n, oneOffs)
	}
}

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }
