package main

import (
	"context"
	"testing"
	"time"
)

// Issue 13, the short form of the chaos run: three real `steady serve`
// processes on one real Redis (append-only file) and the fake Discord as its
// own process; a replica SIGKILLed and restarted, Redis restarted on its
// files, Discord down for a while. Every prompt reaches its client exactly
// once. The long run (go run ./bench/chaos) is in docs/performance.md.
func TestChaosShort(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes; not with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	plan := Plan{Clients: 60, Answer: true, CrisisEvery: 12, Replicas: 3, Spread: 16 * time.Second, KillEvery: 9 * time.Second,
		RedisRestartAt: 10 * time.Second, OutageAt: 4 * time.Second, OutageFor: 5 * time.Second,
		Settle: 30 * time.Second, Quiet: 3 * time.Second}
	res, err := Run(ctx, root, t.TempDir(), plan, testLog{t})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s(%s)", res, res.Elapsed.Round(time.Second))
	if res.Twice != 0 || res.Never != 0 || res.Once != res.Due {
		t.Errorf("of %d prompts due, %d arrived once, %d more than once, %d never", res.Due, res.Once, res.Twice, res.Never)
	}
	if res.Lost != 0 || res.NotThanked != 0 || res.ThankedTwice != 0 || res.StoredTwice != 0 {
		t.Errorf("answers: %d thanked but lost, %d never thanked, %d thanked twice, %d stored twice", res.Lost, res.NotThanked, res.ThankedTwice, res.StoredTwice)
	}
	if res.CrisisOnce != res.Crises || res.Incidents != res.Crises {
		t.Errorf("%d crisis DMs: %d answered once, %d twice, %d never; %d incidents opened", res.Crises, res.CrisisOnce, res.CrisisTwice, res.CrisisNever, res.Incidents)
	}
	if res.Refused != 0 {
		t.Errorf("Discord refused %d requests (400)", res.Refused)
	}
	if res.LeftQueued != 0 {
		t.Errorf("%d outboxes still hold messages", res.LeftQueued)
	}
}

type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) { l.t.Log(string(p)); return len(p), nil }
