package redisstore

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"testing"
)

func testKeyring(tb testing.TB) *Keyring {
	tb.Helper()
	k, err := GenerateKey()
	if err != nil {
		tb.Fatal(err)
	}
	kr, err := ParseKeys(k)
	if err != nil {
		tb.Fatal(err)
	}
	return kr
}

// FuzzOpen feeds stored bytes that may have been truncated or tampered with:
// opening must fail cleanly, never panic, and never "succeed" on a value this
// keyring did not seal.
func FuzzOpen(f *testing.F) {
	kr := testKeyring(f)
	good := kr.seal(aadFor("alex", recProfile), []byte(`{"id":"alex"}`), true)
	big := kr.seal(aadFor("alex", recProfile), bytes.Repeat([]byte(`{"sign":"racing thoughts"}`), 40), true)
	f.Add(good)
	f.Add(big)
	f.Add(good[:sealedMin])
	f.Add([]byte{})
	f.Add([]byte(`{"id":"alex"}`))
	f.Add(append([]byte(nil), sealMagic...))
	f.Fuzz(func(t *testing.T, b []byte) {
		pt, err := kr.open(aadFor("alex", recProfile), b)
		if err == nil && !bytes.Equal(b, good) && !bytes.Equal(b, big) {
			t.Fatalf("opened a value it did not seal: %q", pt)
		}
		if err != nil && !errors.Is(err, ErrUnsealable) {
			t.Fatalf("err = %v, want ErrUnsealable", err)
		}
	})
}

// BenchmarkSealOpen measures the at-rest cost per record of the kind every
// step rewrites (conversation, outbox; 1 KiB, not deflated).
func BenchmarkSealOpen(b *testing.B) {
	kr := testKeyring(b)
	pt := bytes.Repeat([]byte("x"), 1024)
	aad := aadFor("alex", recConv)
	b.SetBytes(int64(len(pt)))
	for b.Loop() {
		if _, err := kr.open(aad, kr.seal(aad, pt, compactRecord(recConv))); err != nil {
			b.Fatal(err)
		}
	}
}

// profileJSON is a client profile of a realistic shape: plan, schedules,
// consents with their history.
func profileJSON(tb testing.TB) []byte {
	tb.Helper()
	b, err := json.Marshal(map[string]any{
		"id": "alex", "display_name": "Alex", "time_zone": "Europe/London", "worker_id": "sam", "discord_id": "110000000000000001",
		"consents": map[string]any{"worker_sees_answers": map[string]any{"value": "yes", "at": "2026-11-23T09:00:00Z", "by": "sam"},
			"peer_group":         map[string]any{"value": "anonymous", "at": "2026-11-23T09:00:00Z", "by": "sam"},
			"supervisor_liaison": map[string]any{"value": "functional", "at": "2026-11-23T09:00:00Z", "by": "sam"}},
		"plan": map[string]any{"early_warning_signs": []string{"snapping at people", "skipping lunch", "not sleeping", "racing thoughts"},
			"pause_script": "Step away for five minutes, breathe out slowly, then pick one small task.",
			"grounding":    "Name five things you can see, four you can touch, three you can hear.",
			"actions":      map[string]any{"two_disrupted_nights": []string{"reduced hours for one week", "call with worker"}}},
		"schedules": map[string]any{"sleep_log": "07:30", "weekly_checkin": "mon 10:00", "quiet_hours": "22:00-07:00",
			"rota": []map[string]any{{"days": "mon,wed,fri", "start": "10:00", "end": "16:00"}}},
		"job_start": "2026-11-16", "status": "active",
	})
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestSealDeflatesWhenItHelpsAndOpensEveryFormat(t *testing.T) {
	kr := testKeyring(t)
	aad := aadFor("alex", recProfile)
	random := make([]byte, 1024)
	rand.Read(random)
	profile := profileJSON(t)
	tests := []struct {
		name   string
		pt     []byte
		format byte
	}{
		{"small record stays plain", []byte(`{"night":"2026-11-22","quality":2}`), formatPlain},
		{"profile is deflated", profile, formatDeflated},
		{"incompressible stays plain", random, formatPlain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sealed := kr.seal(aad, tt.pt, true)
			if got := sealed[len(sealMagic)-1]; got != tt.format {
				t.Fatalf("format %d, want %d", got, tt.format)
			}
			if tt.format == formatDeflated && len(sealed) >= len(tt.pt) {
				t.Errorf("deflated record is %d bytes for %d of plaintext", len(sealed), len(tt.pt))
			}
			pt, err := kr.open(aad, sealed)
			if err != nil || !bytes.Equal(pt, tt.pt) {
				t.Fatalf("open: %v, round trip equal: %v", err, bytes.Equal(pt, tt.pt))
			}
			if !kr.current(sealed) {
				t.Error("a fresh seal is not current")
			}
		})
	}
	// The conversation and outbox, rewritten every step, are never deflated.
	if sealed := kr.seal(aad, profile, compactRecord(recConv)); sealed[len(sealMagic)-1] != formatPlain {
		t.Error("a conversation record was deflated")
	}
	// Records written before deflating existed (format 1, however large) still open.
	k := kr.keys[0]
	nonce := make([]byte, nonceLen)
	old := append(append(append([]byte(nil), sealMagic...), k.id[:]...), nonce...)
	old = k.aead.Seal(old, nonce, profile, []byte(aad))
	if pt, err := kr.open(aad, old); err != nil || !bytes.Equal(pt, profile) {
		t.Fatalf("a format-1 profile: %v", err)
	}
	t.Logf("profile: %d bytes of JSON, sealed %d bytes deflated", len(profile), len(kr.seal(aad, profile, true)))
}

// BenchmarkSealOpenProfile is the same for a profile-shaped record, which is
// deflated before sealing.
func BenchmarkSealOpenProfile(b *testing.B) {
	kr := testKeyring(b)
	pt := profileJSON(b)
	aad := aadFor("alex", recProfile)
	b.SetBytes(int64(len(pt)))
	for b.Loop() {
		if _, err := kr.open(aad, kr.seal(aad, pt, true)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenProfile is the read side alone: what every conversation step
// pays to read the client's profile.
func BenchmarkOpenProfile(b *testing.B) {
	kr := testKeyring(b)
	aad := aadFor("alex", recProfile)
	sealed := kr.seal(aad, profileJSON(b), true)
	for b.Loop() {
		if _, err := kr.open(aad, sealed); err != nil {
			b.Fatal(err)
		}
	}
}
