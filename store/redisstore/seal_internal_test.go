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
	good := kr.seal(slot{client: "alex", record: recProfile}, []byte(`{"id":"alex"}`), true)
	big := kr.seal(slot{client: "alex", record: recProfile}, bytes.Repeat([]byte(`{"sign":"racing thoughts"}`), 40), true)
	f.Add(good)
	f.Add(big)
	f.Add(good[:sealedMin])
	f.Add([]byte{})
	f.Add([]byte(`{"id":"alex"}`))
	f.Add(append([]byte(nil), sealMagic...))
	f.Fuzz(func(t *testing.T, b []byte) {
		pt, err := kr.open(slot{client: "alex", record: recProfile}, b)
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
	aad := slot{client: "alex", record: recConv}
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
	aad := slot{client: "alex", record: recProfile}
	random := make([]byte, 1024)
	rand.Read(random)
	profile := profileJSON(t)
	tests := []struct {
		name   string
		pt     []byte
		format byte
	}{
		{"small record stays plain", []byte(`{"night":"2026-11-22","quality":2}`), formatBound},
		{"profile is deflated", profile, formatBoundZ},
		{"incompressible stays plain", random, formatBound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sealed := kr.seal(aad, tt.pt, true)
			if got := sealed[len(sealMagic)-1]; got != tt.format {
				t.Fatalf("format %d, want %d", got, tt.format)
			}
			if tt.format == formatBoundZ && len(sealed) >= len(tt.pt) {
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
	if sealed := kr.seal(aad, profile, compactRecord(recConv)); sealed[len(sealMagic)-1] != formatBound {
		t.Error("a conversation record was deflated")
	}
	// Records written before deflating existed (format 1, however large),
	// and before values were bound to their slot (formats 1 and 2), still open.
	if pt, err := kr.open(aad, legacySeal(kr, aad, profile, formatPlain)); err != nil || !bytes.Equal(pt, profile) {
		t.Fatalf("a format-1 profile: %v", err)
	}
	if pt, err := kr.open(aad, legacySeal(kr, aad, profile, formatDeflated)); err != nil || !bytes.Equal(pt, profile) {
		t.Fatalf("a format-2 profile: %v", err)
	}
	if kr.current(legacySeal(kr, aad, profile, formatPlain)) {
		t.Error("a format-1 value counts as current: steady rekey would leave it unbound")
	}
	t.Logf("profile: %d bytes of JSON, sealed %d bytes deflated", len(profile), len(kr.seal(aad, profile, true)))
}

// BenchmarkSealOpenProfile is the same for a profile-shaped record, which is
// deflated before sealing.
func BenchmarkSealOpenProfile(b *testing.B) {
	kr := testKeyring(b)
	pt := profileJSON(b)
	aad := slot{client: "alex", record: recProfile}
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
	aad := slot{client: "alex", record: recProfile}
	sealed := kr.seal(aad, profileJSON(b), true)
	for b.Loop() {
		if _, err := kr.open(aad, sealed); err != nil {
			b.Fatal(err)
		}
	}
}

// legacySeal seals as earlier versions did (formats 1 and 2, bound to the
// client and record only).
func legacySeal(kr *Keyring, sl slot, pt []byte, format byte) []byte {
	k := kr.keys[0]
	if format == formatDeflated {
		pt = deflate(pt)
	}
	nonce := make([]byte, nonceLen)
	rand.Read(nonce)
	out := append(append(append([]byte(nil), sealMagic[0], sealMagic[1], format), k.id[:]...), nonce...)
	return k.aead.Seal(out, nonce, pt, sl.legacyAAD())
}

// A sealed value opens only in its own slot: another client's, another
// record's, another field's or another write's is refused, and so is a
// header byte changed on the way.
func TestSealedValueOpensOnlyInItsSlot(t *testing.T) {
	kr := testKeyring(t)
	home := slot{client: "alex", record: recIncidents, field: "i7", version: ""}
	sealed := kr.seal(home, []byte(`{"rule":"crisis"}`), true)
	if _, err := kr.open(home, sealed); err != nil {
		t.Fatalf("own slot: %v", err)
	}
	for _, tc := range []struct {
		name string
		sl   slot
	}{
		{"another client", slot{client: "bea", record: recIncidents, field: "i7"}},
		{"another record", slot{client: "alex", record: recCheckIns, field: "i7"}},
		{"another field (incident swapped into another's slot)", slot{client: "alex", record: recIncidents, field: "i8"}},
		{"another write (an older copy put back)", slot{client: "alex", record: recIncidents, field: "i7", version: "w2"}},
		{"parts that spell the same bytes", slot{client: "alex\x00incidents", record: "", field: "i7"}},
	} {
		if _, err := kr.open(tc.sl, sealed); !errors.Is(err, ErrUnsealable) {
			t.Errorf("%s: err = %v, want ErrUnsealable", tc.name, err)
		}
	}
	// The header is bound too: turning a bound value into a legacy one (so it
	// would be checked against the weaker binding) fails.
	for i, f := range []byte{formatPlain, formatDeflated, formatBoundZ} {
		b := append([]byte(nil), sealed...)
		b[2] = f
		if _, err := kr.open(home, b); !errors.Is(err, ErrUnsealable) {
			t.Errorf("header byte changed (%d): err = %v", i, err)
		}
	}
}
