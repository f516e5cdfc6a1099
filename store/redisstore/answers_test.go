package redisstore_test

import (
	"reflect"
	"testing"

	"steady/store"
)

func TestCheckInsByDateRangeReplaceByID(t *testing.T) {
	b := setup(t)
	batch := b.store.Batch("alex")
	for _, c := range []store.CheckIn{
		{ID: "p3", Date: "2026-12-07", Coping: 4, LoggedAt: t0},
		{ID: "p1", Date: "2026-11-23", Coping: 2, Rights: []string{store.RightsBreaks}, RightsAsked: true,
			Adjustments: map[string]string{"adj-1": store.Partly}, StillInJob: store.Yes, NoteForWorker: "rota changed", LoggedAt: t0},
		{ID: "p2", Date: "2026-11-30", Coping: 3, Skipped: []string{"sleep"}, LoggedAt: t0},
	} {
		batch.PutCheckIn(c)
	}
	if _, err := batch.Commit(b.ctx, -1); err != nil {
		t.Fatal(err)
	}
	// Answering p2 again replaces it, even under a different date.
	batch = b.store.Batch("alex")
	batch.PutCheckIn(store.CheckIn{ID: "p2", Date: "2026-12-01", Coping: 5, LoggedAt: t0})
	if _, err := batch.Commit(b.ctx, -1); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		from, to string
		want     []int // coping, in date order
	}{
		{"2026-11-01", "", []int{2, 5, 4}},
		{"2026-11-24", "2026-12-06", []int{5}},
		{"2026-11-23", "2026-11-23", []int{2}},
		{"2026-12-08", "", nil},
	}
	for _, tt := range tests {
		got, err := b.store.CheckIns(b.ctx, "alex", tt.from, tt.to)
		if err != nil {
			t.Fatal(err)
		}
		var coping []int
		for _, c := range got {
			coping = append(coping, c.Coping)
		}
		if !reflect.DeepEqual(coping, tt.want) {
			t.Errorf("CheckIns(%s..%s) coping = %v, want %v", tt.from, tt.to, coping, tt.want)
		}
	}
	all, _ := b.store.CheckIns(b.ctx, "alex", "2026-11-01", "")
	first := all[0]
	if first.NoteForWorker != "rota changed" || first.Adjustments["adj-1"] != store.Partly || !first.RightsAsked ||
		len(first.Rights) != 1 || first.StillInJob != store.Yes || !first.LoggedAt.Equal(t0) {
		t.Errorf("round trip lost fields: %+v", first)
	}
	if all[1].Answered("coping") != true {
		t.Errorf("Answered(coping) = false for an answered question")
	}
	if _, err := b.store.CheckIns(b.ctx, "alex", "yesterday", ""); err == nil {
		t.Error("a bad from date was accepted")
	}
}

func TestDebriefsByShiftDate(t *testing.T) {
	b := setup(t)
	batch := b.store.Batch("alex")
	batch.PutDebrief(store.Debrief{ID: "d1", ShiftID: "s1", Date: "2026-11-23", FirstShift: 1, Outcome: store.ShiftCompleted,
		Stress: 0, StressAnswered: true, SleepImpact: store.SleepImpactSome, LoggedAt: t0})
	batch.PutDebrief(store.Debrief{ID: "d2", ShiftID: "s2", Date: "2026-11-23", Outcome: store.ShiftLeftEarly,
		Stress: 9, StressAnswered: true, WarningSigns: []string{"racing thoughts"}, Offered: store.UsedPauseScript,
		Used: store.UsedPauseScript, Conflict: store.Yes, WhatHelped: "walking", LoggedAt: t0})
	batch.PutDebrief(store.Debrief{ID: "d3", ShiftID: "s3", Date: "2026-11-25", Outcome: store.ShiftAbsent, LoggedAt: t0})
	if _, err := batch.Commit(b.ctx, -1); err != nil {
		t.Fatal(err)
	}
	got, err := b.store.Debriefs(b.ctx, "alex", "2026-11-23", "2026-11-24")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("two shifts on one day: got %d debriefs, want 2", len(got))
	}
	byID := map[string]store.Debrief{}
	for _, d := range got {
		byID[d.ID] = d
	}
	if d := byID["d1"]; !d.StressAnswered || d.Stress != 0 || d.FirstShift != 1 || d.SleepImpact != store.SleepImpactSome {
		t.Errorf("d1 = %+v", d)
	}
	if d := byID["d2"]; d.WhatHelped != "walking" || d.Conflict != store.Yes || d.UsedToStay() || len(d.WarningSigns) != 1 {
		t.Errorf("d2 = %+v", d)
	}
	all, _ := b.store.Debriefs(b.ctx, "alex", "2026-11-01", "")
	if len(all) != 3 || !all[2].Absent() {
		t.Errorf("all debriefs = %+v", all)
	}
}
