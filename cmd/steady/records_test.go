package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"steady/bot"
	"steady/scheduler"
	"steady/store"
	"steady/store/redisstore"
	"steady/store/redistest"
)

// steadyRun runs the real binary with env added to a clean environment and
// returns its exit code, standard output and standard error.
func steadyRun(t *testing.T, env []string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, steadyBin, args...)
	cmd.Env = append(append(os.Environ(), "REDIS_URL=", redisstore.EnvKeys+"="), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), out.String(), errb.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, out.String(), errb.String()
}

func TestRecordsCommandsOnAServiceRedis(t *testing.T) {
	ctx := context.Background()
	rdb, prefix := redistest.New(t)
	key, err := redisstore.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	kr, err := redisstore.ParseKeys(key)
	if err != nil {
		t.Fatal(err)
	}
	// The service: alex (sample profile, job start 23 Nov 2026, worker sam, lead jo).
	st := redisstore.New(rdb, prefix, redisstore.WithKeys(kr))
	clock := scheduler.NewFakeClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	e := bot.New(bot.Deps{Store: st, Scheduler: scheduler.New(rdb, clock, scheduler.Options{Prefix: prefix}), Messenger: offline{}, Clock: clock})
	p, err := bot.ParseProfile(sampleProfile)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Enrol(ctx, p, "sam"); err != nil {
		t.Fatal(err)
	}
	b := st.Batch("alex")
	b.PutCheckIn(store.CheckIn{ID: "c6", Date: "2027-01-04", StillInJob: store.Yes, NoteForWorker: "all good"})
	if _, err := b.Commit(ctx, -1); err != nil {
		t.Fatal(err)
	}
	env := []string{"REDIS_URL=redis://" + redistest.Shared(t).Addr + "/0", redisstore.EnvKeys + "=" + key}
	base := []string{"--prefix", prefix}

	code, out, errs := steadyRun(t, env, "", append([]string{"report", "sustainment", "--from", "2026-11-01", "--to", "2026-11-30", "--as-of", "2027-01-10", "--by", "jo"}, base...)...)
	if code != 0 || !strings.Contains(out, "Week 6: 1 due, 1 in work (100%)") || !strings.Contains(out, "| alex | Sam | 2026-11-23 | in_work | not_due | not_due |") {
		t.Fatalf("report: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, _ = steadyRun(t, env, "", append([]string{"report", "incidents", "--from", "2026-11-01", "--to", "2026-11-30", "--by", "sam", "--format", "csv"}, base...)...)
	if code != 0 || !strings.HasPrefix(out, "rule,opened,urgent,acknowledged") {
		t.Fatalf("csv report: exit %d\n%s", code, out)
	}
	// A worker cannot report on someone else's caseload.
	if code, _, errs := steadyRun(t, env, "", append([]string{"report", "contact", "--from", "2026-11-01", "--to", "2026-11-30", "--by", "sam", "--worker", "kim"}, base...)...); code != 1 || !strings.Contains(errs, "own caseload") {
		t.Fatalf("scope: exit %d, %s", code, errs)
	}
	// Without the keys nothing can be read, and it says so.
	if code, _, errs := steadyRun(t, env[:1], "", append([]string{"report", "contact", "--from", "2026-11-01", "--to", "2026-11-30", "--by", "jo"}, base...)...); code != 1 || !strings.Contains(errs, "STEADY_ENCRYPTION_KEYS is not set") {
		t.Fatalf("no keys: exit %d, %s", code, errs)
	}

	code, out, errs = steadyRun(t, env, "", append([]string{"export", "alex", "--by", "sam", "--out", "-"}, base...)...)
	var exp bot.Export
	if code != 0 || json.Unmarshal([]byte(out), &exp) != nil || !strings.Contains(out, "all good") || !strings.Contains(out, `"display_name": "Alex"`) {
		t.Fatalf("export: exit %d\n%s\n%s", code, out, errs)
	}

	// Rotate: a new key first, rekey, then the old key can go.
	newer, _ := redisstore.GenerateKey()
	rotated := []string{env[0], redisstore.EnvKeys + "=" + newer + "," + key}
	code, out, errs = steadyRun(t, rotated, "", append([]string{"rekey"}, base...)...)
	if code != 0 || !strings.Contains(out, "re-encrypted") {
		t.Fatalf("rekey: exit %d\n%s\n%s", code, out, errs)
	}
	onlyNew := []string{env[0], redisstore.EnvKeys + "=" + newer}

	// Erase asks for the client id; a wrong answer erases nothing.
	code, out, _ = steadyRun(t, onlyNew, "bea\n", append([]string{"erase", "alex", "--by", "sam"}, base...)...)
	if code != 1 || !strings.Contains(out, "repeat their client id") {
		t.Fatalf("erase, wrong confirmation: exit %d\n%s", code, out)
	}
	code, out, errs = steadyRun(t, onlyNew, "alex\n", append([]string{"erase", "alex", "--by", "sam"}, base...)...)
	if code != 0 || !strings.Contains(out, "Erased") {
		t.Fatalf("erase: exit %d\n%s\n%s", code, out, errs)
	}
	for k, vals := range redistest.Dump(ctx, t, rdb, prefix) {
		for _, v := range append(vals, k) {
			if strings.Contains(v, "alex") && !strings.HasSuffix(k, ":audit") {
				t.Errorf("after erase, %s holds %q", k, v)
			}
		}
	}

	for _, help := range [][]string{{"report", "sustainment", "--help"}, {"export", "--help"}, {"erase", "--help"}, {"rekey", "--help"}} {
		code, _, errs := steadyRun(t, nil, "", help...)
		if code != 0 || !strings.Contains(errs, "usage: steady "+help[0]) || !strings.Contains(errs, "STEADY_ENCRYPTION_KEYS") {
			t.Errorf("%v: exit %d\n%s", help, code, errs)
		}
	}
}
