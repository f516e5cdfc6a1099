package bot_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"steady/bot"
	"steady/flows"
	"steady/scheduler"
	"steady/store"
	"steady/store/redistest"
)

// richClient gives alex records of every kind, through the engine where it
// can: a sleep log answered in the flow, an adjustment, a plan edit, a job
// start; check-ins, a debrief and an incident written directly. bea is
// another client who must come through alex's erasure untouched.
func richClient(t *testing.T, b *bundle) {
	t.Helper()
	fireSleepLog(t, b)
	for i, answer := range []string{"2am", "an hour", "3", "6am", "1"} {
		if err := b.engine.HandleMessage(b.ctx, bot.Inbound{UserID: "u-alex", Key: "m" + string(rune('a'+i)), Text: answer}); err != nil {
			t.Fatal(err)
		}
	}
	if r, err := b.engine.AddAdjustment(b.ctx, "sam", "alex", flows.AdjustmentDraft{What: "shift starts no earlier than 10:00", For: "six weeks"}); err != nil || !strings.Contains(r, "Added") {
		t.Fatalf("adjustment: %q %v", r, err)
	}
	if r, err := b.engine.EditPlan(b.ctx, "sam", "alex", flows.PlanPauseScript, "ALEXPAUSE breathe out slowly", "agreed"); err != nil || !strings.Contains(r, "version 2") {
		t.Fatalf("plan: %q %v", r, err)
	}
	if _, err := b.engine.RecordJob(b.ctx, "sam", "alex", store.JobStarted, "2026-11-30", "ALEXJOB warehouse"); err != nil {
		t.Fatal(err)
	}
	batch := b.store.Batch("alex")
	batch.PutCheckIn(store.CheckIn{ID: "c1", Date: "2026-11-23", Coping: 2, NoteForWorker: "ALEXNOTE rota"})
	batch.PutDebrief(store.Debrief{ID: "d1", Date: "2026-11-23", Stress: 9, StressAnswered: true, WhatHelped: "ALEXHELPED walk"})
	batch.PutIncident(store.Incident{ID: "alex.1", ClientID: "alex", Rule: "low_coping", State: store.IncidentWorkerNotified})
	if _, err := batch.Commit(b.ctx, -1); err != nil {
		t.Fatal(err)
	}
	// Another area's service-wide audit entry naming alex.
	if err := b.store.AppendServiceAudit(b.ctx, store.AuditEvent{At: b.clock.Now(), ClientID: "alex", Actor: "steady", Action: "peer.posted"}); err != nil {
		t.Fatal(err)
	}
	p, err := bot.ParseProfile([]byte(strings.NewReplacer("alex", "bea", "Alex", "Bea").Replace(profileYAML)))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.engine.Enrol(b.ctx, p, "sam"); err != nil {
		t.Fatal(err)
	}
}

// traces lists every key and value under the prefix that mentions the client.
func traces(t *testing.T, b *bundle, needles ...string) []string {
	t.Helper()
	var out []string
	for key, vals := range redistest.Dump(b.ctx, t, b.store.Redis(), b.store.Prefix()) {
		for _, n := range needles {
			if strings.Contains(key, n) {
				out = append(out, key)
			}
			for _, v := range vals {
				if strings.Contains(v, n) {
					out = append(out, key+" → "+v)
				}
			}
		}
	}
	return out
}

func TestExportThenEraseLeavesOnlyTheTombstone(t *testing.T) {
	b := staffBundle(t)
	richClient(t, b)

	if _, deny, _ := b.engine.ExportClient(b.ctx, "kim", "alex"); !strings.Contains(deny, "caseload") {
		t.Fatalf("kim exported alex: %q", deny)
	}
	raw, deny, err := b.engine.ExportClient(b.ctx, "sam", "alex")
	if err != nil || deny != "" {
		t.Fatalf("export: %q %v", deny, err)
	}
	var exp struct {
		Format    string                     `json:"format"`
		Records   map[string]json.RawMessage `json:"records"`
		Scheduled []struct{ Kind string }    `json:"scheduled"`
	}
	if err := json.Unmarshal(raw, &exp); err != nil {
		t.Fatalf("export is not JSON: %v", err)
	}
	for _, want := range []string{"profile", "sleep", "checkins", "debriefs", "incidents", "adjustments", "plans", "jobs", "audit"} {
		if len(exp.Records[want]) == 0 {
			t.Errorf("export lacks %s; has %v", want, keysOf(exp.Records))
		}
	}
	text := string(raw)
	for _, want := range []string{"ALEXPAUSE", "ALEXNOTE", "ALEXHELPED", "ALEXJOB", `"asleep_min": 180`, `"action": "records.viewed"`, `"reason": "export"`, "shift starts no earlier than 10:00"} {
		if !strings.Contains(text, want) {
			t.Errorf("export lacks %q", want)
		}
	}
	kinds := map[string]bool{}
	for _, s := range exp.Scheduled {
		kinds[s.Kind] = true
	}
	if !kinds[bot.KindSleepLog] || !kinds[bot.KindAdjustmentReview] {
		t.Errorf("export's scheduled prompts = %+v", exp.Scheduled)
	}

	if r, err := b.engine.EraseClient(b.ctx, "sam", "alex", "bea"); err != nil || !strings.Contains(r, "repeat their client id") {
		t.Fatalf("erase with the wrong confirmation: %q %v", r, err)
	}
	if got := traces(t, b, "alex"); len(got) == 0 {
		t.Fatal("test is broken: no trace of alex before erasure")
	}
	if r, err := b.engine.EraseClient(b.ctx, "sam", "alex", "alex"); err != nil || !strings.Contains(r, "Erased") {
		t.Fatalf("erase: %q %v", r, err)
	}

	// SCAN every key: the only mention of alex is the tombstone, and it holds no content.
	left := traces(t, b, "alex", "Alex", "u-alex", "ALEX")
	if len(left) != 1 || !strings.HasPrefix(left[0], b.store.Prefix()+":audit → alex") {
		t.Fatalf("after erasure, traces of alex:\n%s", strings.Join(left, "\n"))
	}
	tombs, err := b.store.Tombstones(b.ctx)
	if err != nil || len(tombs) != 1 {
		t.Fatalf("tombstones = %+v %v", tombs, err)
	}
	if tb := tombs[0]; tb.ClientID != "alex" || tb.Actor != "sam" || tb.Reason != bot.ErasedOnRequest || tb.Incident != "" || tb.Rule != "" {
		t.Errorf("tombstone = %+v", tb)
	}
	// bea is untouched, and alex is a stranger now.
	if _, err := b.store.Client(b.ctx, "bea"); err != nil {
		t.Errorf("bea: %v", err)
	}
	if p, _ := b.sched.Pending(b.ctx, "bea"); len(p) == 0 {
		t.Error("bea lost her schedule")
	}
	if _, err := b.store.ClientIDByDiscord(b.ctx, "u-alex"); err == nil {
		t.Error("u-alex still maps to a client")
	}
	if ids, _ := b.store.ClientIDs(b.ctx); len(ids) != 1 || ids[0] != "bea" {
		t.Errorf("client list = %v", ids)
	}
	// Nothing fires for alex any more.
	b.clock.Set(time.Date(2027, 1, 10, 12, 0, 0, 0, time.UTC))
	if _, err := b.sched.Tick(b.ctx, b.engine); err != nil {
		t.Fatal(err)
	}
	if left := traces(t, b, "alex"); len(left) != 1 {
		t.Fatalf("after the scheduler ran, traces of alex:\n%s", strings.Join(left, "\n"))
	}
}

func keysOf(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestClientErasesThemselvesAfterConfirming(t *testing.T) {
	b := staffBundle(t)
	richClient(t, b)
	reply, code, err := b.engine.RequestErasure(b.ctx, "u-alex")
	if err != nil || len(code) != 6 || !strings.Contains(reply, code) || !strings.Contains(reply, "can't be undone") {
		t.Fatalf("request: %q %q %v", reply, code, err)
	}
	if r, _ := b.engine.ConfirmErasure(b.ctx, "u-alex", "000000x"); !strings.Contains(r, "doesn't match") {
		t.Fatalf("wrong code: %q", r)
	}
	if _, err := b.store.Client(b.ctx, "alex"); err != nil {
		t.Fatal("a wrong code erased the client")
	}
	// An expired request cannot be confirmed.
	b.store.Redis().Del(b.ctx, b.store.Prefix()+":{c:alex}:erasure")
	if r, _ := b.engine.ConfirmErasure(b.ctx, "u-alex", code); !strings.Contains(r, "doesn't match") {
		t.Fatalf("expired code: %q", r)
	}
	_, code, _ = b.engine.RequestErasure(b.ctx, "u-alex")
	before := len(b.msg.texts())
	if r, err := b.engine.ConfirmErasure(b.ctx, "u-alex", code); err != nil || !strings.Contains(r, "has been deleted") {
		t.Fatalf("confirm: %q %v", r, err)
	}
	sent := b.msg.texts()[before:]
	if len(sent) != 1 || !strings.HasPrefix(sent[0], "worker: Alex asked Steady to delete") {
		t.Fatalf("worker told %q", sent)
	}
	if left := traces(t, b, "alex", "u-alex", "ALEX"); len(left) != 1 {
		t.Fatalf("traces left:\n%s", strings.Join(left, "\n"))
	}
	if tombs, _ := b.store.Tombstones(b.ctx); len(tombs) != 1 || tombs[0].Actor != "client" {
		t.Fatalf("tombstones = %+v", tombs)
	}
	if r, _ := b.engine.ConfirmErasure(b.ctx, "u-alex", code); !strings.Contains(r, "not signed up") {
		t.Errorf("after erasure, alex is a stranger; got %q", r)
	}
}

func TestDischargedClientIsErasedAfterRetention(t *testing.T) {
	b := staffBundle(t)
	richClient(t, b)
	reply, err := b.engine.Discharge(b.ctx, "sam", "alex", "job settled, support ended")
	if err != nil || !strings.Contains(reply, "deleted after 22 Nov 2028") {
		t.Fatalf("discharge: %q %v", reply, err)
	}
	pending, _ := b.sched.Pending(b.ctx, "alex")
	if len(pending) != 1 || pending[0].Kind != bot.KindRetention {
		t.Fatalf("after discharge, pending = %+v", pending)
	}
	// A year on, a sweep leaves the records alone.
	b.clock.Set(time.Date(2027, 11, 23, 6, 0, 0, 0, time.UTC))
	if n, err := b.engine.SweepRetention(b.ctx); err != nil || n != 0 {
		t.Fatalf("early sweep erased %d, %v", n, err)
	}
	// When the retention occurrence falls due, the records go.
	b.clock.Set(pending[0].Due.Add(time.Minute))
	if _, err := b.sched.Tick(b.ctx, b.engine); err != nil {
		t.Fatal(err)
	}
	if left := traces(t, b, "alex", "ALEX"); len(left) != 1 {
		t.Fatalf("traces left:\n%s", strings.Join(left, "\n"))
	}
	if tombs, _ := b.store.Tombstones(b.ctx); len(tombs) != 1 || tombs[0].Reason != bot.ErasedRetention || tombs[0].Actor != "steady" {
		t.Fatalf("tombstones = %+v", tombs)
	}
}

// The nightly sweep is the backstop: a discharged client whose retention
// occurrence is gone is still erased once their period has passed.
func TestNightlySweepErasesWhatTheRetentionOccurrenceMissed(t *testing.T) {
	b := staffBundle(t)
	richClient(t, b)
	if _, err := b.engine.Discharge(b.ctx, "sam", "alex", "support ended"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.sched.Forget(b.ctx, "alex"); err != nil { // the occurrence is lost
		t.Fatal(err)
	}
	if err := b.engine.ScheduleService(b.ctx); err != nil {
		t.Fatal(err)
	}
	pending, _ := b.sched.Pending(b.ctx, bot.ServiceID)
	if !slices.ContainsFunc(pending, func(o scheduler.Occurrence) bool { return o.Kind == bot.KindRetentionSweep }) {
		t.Fatalf("no nightly sweep scheduled: %+v", pending)
	}
	advance(t, b, 2*24*time.Hour) // two sweeps, well inside the retention period
	if left := traces(t, b, "alex", "ALEX"); len(left) <= 1 {
		t.Fatal("the sweep erased a client still inside their retention period")
	}
	// Past 22 Nov 2028, that night's sweep (fired directly: two years of
	// nightly occurrences would each be recorded missed on the way).
	b.clock.Set(time.Date(2028, 11, 23, 3, 15, 0, 0, time.UTC))
	if err := b.engine.Fire(b.ctx, scheduler.Occurrence{Client: bot.ServiceID, Kind: bot.KindRetentionSweep}); err != nil {
		t.Fatal(err)
	}
	if left := traces(t, b, "alex", "ALEX"); len(left) != 1 {
		t.Fatalf("traces left after the sweep:\n%s", strings.Join(left, "\n"))
	}
}
