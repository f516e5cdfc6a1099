// Command chaos runs Steady as a fleet under faults and counts what reached
// the clients: a real redis-server with an append-only file, the fake Discord
// as its own process, and several `steady serve` processes on one Redis, while
// replicas are SIGKILLed, Redis restarts and Discord goes down (issue 13).
//
//	go run ./bench/chaos -clients 1000
//
// The short form runs in `make test` (chaos_test.go).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	var p Plan
	flag.IntVar(&p.Clients, "clients", 1000, "clients, each with one prompt falling due")
	flag.IntVar(&p.Replicas, "replicas", 3, "steady serve processes")
	flag.DurationVar(&p.Spread, "spread", 4*time.Minute, "prompts fall due evenly over this")
	flag.DurationVar(&p.KillEvery, "kill-every", 5*time.Second, "SIGKILL a replica this often")
	flag.DurationVar(&p.RedisRestartAt, "redis-restart-at", 90*time.Second, "restart Redis this long after the first prompt")
	flag.DurationVar(&p.OutageAt, "outage-at", 120*time.Second, "take Discord down this long after the first prompt")
	flag.DurationVar(&p.OutageFor, "outage-for", 60*time.Second, "for this long")
	flag.DurationVar(&p.Settle, "settle", 3*time.Minute, "longest wait for every prompt after the last")
	flag.DurationVar(&p.Quiet, "quiet", 10*time.Second, "then watch this long for late duplicates")
	flag.BoolVar(&p.Answer, "answer", true, "clients answer their sleep logs")
	flag.IntVar(&p.CrisisEvery, "crisis-every", 50, "every so many clients then write a DM in crisis (0: none)")
	keep := flag.Bool("keep", false, "keep the run's directory (logs, AOF)")
	flag.Parse()
	root, err := moduleRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		os.Exit(1)
	}
	dir, err := os.MkdirTemp("", "steady-chaos-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		os.Exit(1)
	}
	if !*keep {
		defer os.RemoveAll(dir)
	} else {
		fmt.Fprintln(os.Stderr, "chaos: files in", dir)
	}
	res, err := Run(context.Background(), root, dir, p, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		os.Exit(1)
	}
	fmt.Print(res)
	fmt.Printf("\n%d clients, %d replicas, run took %s\n", p.Clients, p.Replicas, res.Elapsed.Round(time.Second))
	if res.Twice > 0 || res.Never > 0 || res.Lost > 0 || res.NotThanked > 0 || res.ThankedTwice > 0 || res.StoredTwice > 0 ||
		res.CrisisOnce != res.Crises || res.Incidents != res.Crises {
		os.Exit(1)
	}
}

// moduleRoot is the directory of the steady module, from wherever this runs.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("run inside the steady module")
	}
	return filepath.Dir(mod), nil
}
