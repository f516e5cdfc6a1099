package redisstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"steady/store"
	"steady/store/redisstore"
	"steady/store/redistest"
)

func keyring(t *testing.T, keys ...string) *redisstore.Keyring {
	t.Helper()
	kr, err := redisstore.ParseKeys(strings.Join(keys, ","))
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

func newKey(t *testing.T) string {
	t.Helper()
	k, err := redisstore.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestParseKeys(t *testing.T) {
	good := newKey(t)
	other := newKey(t)
	for _, tc := range []struct {
		name, in string
		ids      int
		wantErr  string
	}{
		{"one key", good, 1, ""},
		{"rotation, newest first", other + "," + good, 2, ""},
		{"spaces and a trailing comma", " " + other + " , " + good + ",", 2, ""},
		{"empty", "", 0, "empty"},
		{"only commas", ",,", 0, "empty"},
		{"not base64", "not-base64!", 0, "not base64"},
		{"too short", "c2hvcnQ=", 0, "want 32"},
		{"listed twice", good + "," + good, 0, "twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kr, err := redisstore.ParseKeys(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), good) {
					t.Fatal("error message leaks the key")
				}
				return
			}
			if err != nil || len(kr.KeyIDs()) != tc.ids {
				t.Fatalf("keys = %v, err = %v", kr, err)
			}
		})
	}
}

func TestKeysFromEnv(t *testing.T) {
	k := newKey(t)
	if _, ok, err := redisstore.KeysFromEnv(func(string) string { return "  " }); ok || err != nil {
		t.Fatalf("blank: ok=%v err=%v, want not set and no error", ok, err)
	}
	if _, ok, err := redisstore.KeysFromEnv(func(string) string { return "nope" }); ok || err == nil {
		t.Fatalf("malformed: ok=%v err=%v, want an error", ok, err)
	}
	kr, ok, err := redisstore.KeysFromEnv(func(name string) string {
		if name == redisstore.EnvKeys {
			return k
		}
		return ""
	})
	if !ok || err != nil || kr.Ephemeral() {
		t.Fatalf("set: ok=%v err=%v", ok, err)
	}
}

// secret strings that must never appear in Redis in the clear.
const (
	planText    = "PLAINPLAN walk round the block"
	answerText  = "PLAINANSWER my manager shouted"
	outcomeText = "PLAINOUTCOME spoke to GP"
	messageText = "PLAINMESSAGE pause script here"
	evidence    = "PLAINEVIDENCE 4h10 asleep"
	noteText    = "PLAINNOTE rota changed without notice"
	helpedText  = "PLAINHELPED breathing by the lockers"
)

func seedSecrets(t *testing.T, ctx context.Context, s *redisstore.Store, id string) {
	t.Helper()
	c := client(id)
	c.Plan.PauseScript = planText
	if err := s.Enrol(ctx, c); err != nil {
		t.Fatal(err)
	}
	b := s.Batch(id)
	b.SetConversation(store.Conversation{Flow: "checkin", State: "anything", Answers: map[string]string{"note": answerText}})
	b.PutSleep(store.SleepEntry{Night: "2026-11-22", Bedtime: "23:00", WakeTime: "03:10", AsleepMin: 250, Quality: 1})
	b.PutIncident(store.Incident{ID: id + ".1", ClientID: id, Rule: "r", State: store.IncidentResolved, Outcome: outcomeText,
		Evidence: []store.Evidence{{Key: "n", Summary: evidence}}})
	b.Enqueue([]byte(`{"text":"` + messageText + `"}`))
	b.PutCheckIn(store.CheckIn{ID: "ck1", Date: "2026-11-23", Coping: 2, NoteForWorker: noteText})
	b.PutDebrief(store.Debrief{ID: "db1", Date: "2026-11-23", Stress: 9, StressAnswered: true, WhatHelped: helpedText})
	if _, err := b.Commit(ctx, -1); err != nil {
		t.Fatal(err)
	}
}

func TestNoPlaintextAtRest(t *testing.T) {
	ctx := context.Background()
	rdb, prefix := redistest.New(t)
	s := redisstore.New(rdb, prefix, redisstore.WithKeys(keyring(t, newKey(t))))
	seedSecrets(t, ctx, s, "alex")

	dump := redistest.Dump(ctx, t, rdb, prefix)
	if len(dump) == 0 {
		t.Fatal("nothing stored")
	}
	for key, vals := range dump {
		for _, v := range vals {
			for _, secret := range []string{"PLAIN", "23:00", "03:10", `"quality"`, `"answers"`, `"pause_script"`} {
				if strings.Contains(v, secret) {
					t.Errorf("%s holds %q in the clear", key, secret)
				}
			}
		}
	}

	// And it all reads back.
	st, err := s.Load(ctx, "alex")
	if err != nil || st.Client.Plan.PauseScript != planText || st.Conversation.Answers["note"] != answerText {
		t.Fatalf("load = %+v, %v", st, err)
	}
	in, err := s.Incident(ctx, "alex", "alex.1")
	if err != nil || in.Outcome != outcomeText {
		t.Fatalf("incident = %+v, %v", in, err)
	}
	items, err := s.Outbox(ctx, "alex", 5)
	if err != nil || len(items) != 1 || !strings.Contains(string(items[0].Data), messageText) {
		t.Fatalf("outbox = %q, %v", items, err)
	}
	cks, err := s.CheckIns(ctx, "alex", "2026-11-01", "")
	if err != nil || len(cks) != 1 || cks[0].NoteForWorker != noteText {
		t.Fatalf("check-ins = %+v, %v", cks, err)
	}
	dbs, err := s.Debriefs(ctx, "alex", "2026-11-01", "")
	if err != nil || len(dbs) != 1 || dbs[0].WhatHelped != helpedText {
		t.Fatalf("debriefs = %+v, %v", dbs, err)
	}
}

func TestRotationKeepsOldDataReadable(t *testing.T) {
	ctx := context.Background()
	rdb, prefix := redistest.New(t)
	oldKey, newer := newKey(t), newKey(t)

	before := redisstore.New(rdb, prefix, redisstore.WithKeys(keyring(t, oldKey)))
	seedSecrets(t, ctx, before, "alex")

	// The operator puts a new key first; everything written before stays readable.
	after := redisstore.New(rdb, prefix, redisstore.WithKeys(keyring(t, newer, oldKey)))
	st, err := after.Load(ctx, "alex")
	if err != nil || st.Client.Plan.PauseScript != planText || st.Conversation.Answers["note"] != answerText {
		t.Fatalf("after rotation: %+v, %v", st, err)
	}
	nights, err := after.SleepEntries(ctx, "alex", "2026-11-01")
	if err != nil || len(nights) != 1 || nights[0].AsleepMin != 250 {
		t.Fatalf("sleep after rotation = %+v, %v", nights, err)
	}
	// New writes use the new key: a store holding only the new key reads them.
	if err := after.Enrol(ctx, client("bea")); err != nil {
		t.Fatal(err)
	}
	b := after.Batch("bea")
	b.PutSleep(store.SleepEntry{Night: "2026-11-23", AsleepMin: 400})
	if _, err := b.Commit(ctx, -1); err != nil {
		t.Fatal(err)
	}
	onlyNew := redisstore.New(rdb, prefix, redisstore.WithKeys(keyring(t, newer)))
	if got, err := onlyNew.SleepEntries(ctx, "bea", "2026-11-01"); err != nil || len(got) != 1 {
		t.Fatalf("new write under new key: %+v, %v", got, err)
	}
	// Dropping the old key before re-sealing makes old data unreadable, with a clear error.
	if _, err := onlyNew.Load(ctx, "alex"); !errors.Is(err, redisstore.ErrUnsealable) {
		t.Fatalf("old data with only the new key: err = %v, want ErrUnsealable", err)
	}

	// Reseal moves everything onto the new key; then the old key can go.
	rep, err := after.Reseal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// alex: profile, conversation, one night, one incident, one outbox item,
	// one check-in, one debrief; bea's profile and night are already current.
	if rep.Values != 9 || rep.Resealed != 7 {
		t.Fatalf("reseal = %+v, want 9 values, 7 resealed", rep)
	}
	st, err = onlyNew.Load(ctx, "alex")
	if err != nil || st.Client.Plan.PauseScript != planText {
		t.Fatalf("after reseal with only the new key: %+v, %v", st, err)
	}
	if in, err := onlyNew.Incident(ctx, "alex", "alex.1"); err != nil || in.Outcome != outcomeText {
		t.Fatalf("incident after reseal = %+v, %v", in, err)
	}
	if items, err := onlyNew.Outbox(ctx, "alex", 5); err != nil || len(items) != 1 {
		t.Fatalf("outbox after reseal = %q, %v", items, err)
	}
	if dbs, err := onlyNew.Debriefs(ctx, "alex", "2026-11-01", ""); err != nil || len(dbs) != 1 || dbs[0].WhatHelped != helpedText {
		t.Fatalf("debriefs after reseal = %+v, %v", dbs, err)
	}
	if rep, err := after.Reseal(ctx); err != nil || rep.Resealed != 0 {
		t.Fatalf("second reseal = %+v, %v; want nothing to do", rep, err)
	}
}

func TestSealedValueIsBoundToItsClient(t *testing.T) {
	ctx := context.Background()
	rdb, prefix := redistest.New(t)
	s := redisstore.New(rdb, prefix, redisstore.WithKeys(keyring(t, newKey(t))))
	for _, id := range []string{"alex", "bea"} {
		if err := s.Enrol(ctx, client(id)); err != nil {
			t.Fatal(err)
		}
	}
	// Someone with write access to Redis copies alex's profile over bea's.
	raw, err := rdb.Get(ctx, prefix+":{c:alex}:profile").Result()
	if err != nil {
		t.Fatal(err)
	}
	if err := rdb.Set(ctx, prefix+":{c:bea}:profile", raw, 0).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Client(ctx, "bea"); !errors.Is(err, redisstore.ErrUnsealable) {
		t.Fatalf("swapped profile: err = %v, want ErrUnsealable", err)
	}
	// A flipped bit is caught too.
	b := []byte(raw)
	b[len(b)-1] ^= 1
	rdb.Set(ctx, prefix+":{c:alex}:profile", b, 0)
	if _, err := s.Client(ctx, "alex"); !errors.Is(err, redisstore.ErrUnsealable) {
		t.Fatalf("tampered profile: err = %v, want ErrUnsealable", err)
	}
}

func TestStoresInOneProcessShareTheEphemeralKey(t *testing.T) {
	ctx := context.Background()
	rdb, prefix := redistest.New(t)
	a := redisstore.New(rdb, prefix)
	if !a.Keys().Ephemeral() {
		t.Fatal("a Store without keys should say its key is ephemeral")
	}
	if err := a.Enrol(ctx, client("alex")); err != nil {
		t.Fatal(err)
	}
	b := redisstore.New(redis.NewClient(rdb.Options()), prefix)
	if _, err := b.Client(ctx, "alex"); err != nil {
		t.Fatalf("second store in the same process: %v", err)
	}
}
