package redisstore

import (
	"bytes"
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
	good := kr.seal(aadFor("alex", recProfile), []byte(`{"id":"alex"}`))
	f.Add(good)
	f.Add(good[:sealedMin])
	f.Add([]byte{})
	f.Add([]byte(`{"id":"alex"}`))
	f.Add(append([]byte(nil), sealMagic...))
	f.Fuzz(func(t *testing.T, b []byte) {
		pt, err := kr.open(aadFor("alex", recProfile), b)
		if err == nil && !bytes.Equal(b, good) {
			t.Fatalf("opened a value it did not seal: %q", pt)
		}
		if err != nil && !errors.Is(err, ErrUnsealable) {
			t.Fatalf("err = %v, want ErrUnsealable", err)
		}
	})
}

// BenchmarkSealOpen measures the at-rest cost per record of a typical size
// (a client profile with a plan is about 1 KiB of JSON).
func BenchmarkSealOpen(b *testing.B) {
	kr := testKeyring(b)
	pt := bytes.Repeat([]byte("x"), 1024)
	aad := aadFor("alex", recProfile)
	b.SetBytes(int64(len(pt)))
	for b.Loop() {
		if _, err := kr.open(aad, kr.seal(aad, pt)); err != nil {
			b.Fatal(err)
		}
	}
}
