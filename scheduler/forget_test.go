package scheduler_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"steady/scheduler"
	"steady/store/redistest"
)

func TestForgetLeavesNothingOfTheClient(t *testing.T) {
	ctx := context.Background()
	rdb, prefix := redistest.New(t)
	clock := scheduler.NewFakeClock(time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC))
	s := scheduler.New(rdb, clock, scheduler.Options{Prefix: prefix})
	for _, c := range []string{"alex", "alexa"} { // "alexa" shares a prefix and must survive
		if err := s.PutSeries(ctx, scheduler.Series{Client: c, Kind: "sleep_log", Zone: "Europe/London", Rule: "daily 07:30"}); err != nil {
			t.Fatal(err)
		}
		o, err := scheduler.After(c, "adjustment_review", c+".adj1", "Europe/London", clock.Now(), 3*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Add(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	// Fire the first sleep logs so the done record and watermark exist too.
	clock.Set(time.Date(2026, 11, 23, 7, 31, 0, 0, time.UTC))
	if _, err := s.Tick(ctx, &recorder{}); err != nil {
		t.Fatal(err)
	}
	n, err := s.Forget(ctx, "alex")
	if err != nil || n < 2 {
		t.Fatalf("forget = %d, %v", n, err)
	}
	dump := redistest.Dump(ctx, t, rdb, prefix)
	for key, vals := range dump {
		for _, v := range vals {
			if strings.HasPrefix(v, "alex|") {
				t.Errorf("%s still holds %q", key, v)
			}
		}
	}
	if p, _ := s.Pending(ctx, "alex"); len(p) != 0 {
		t.Errorf("alex still has %v", p)
	}
	if p, _ := s.Pending(ctx, "alexa"); len(p) != 2 {
		t.Errorf("alexa lost her occurrences: %v", p)
	}
	// Nothing fires for alex afterwards.
	clock.Set(time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC))
	r := &recorder{}
	if _, err := s.Tick(ctx, r); err != nil {
		t.Fatal(err)
	}
	for _, id := range r.firedIDs() {
		if strings.HasPrefix(id, "alex|") {
			t.Errorf("fired %s after Forget", id)
		}
	}
}
