package redisstore

import (
	"bytes"
	"compress/flate"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
)

// EnvKeys names the environment variable that holds the encryption keys:
// comma-separated base64 of 32-byte keys, newest first. The newest seals new
// writes; every listed key can open what it sealed, so rotation is "put the
// new key first", and an old key may be dropped once Reseal has run.
const EnvKeys = "STEADY_ENCRYPTION_KEYS"

// A sealed value is: magic (3 bytes) | key id (4) | nonce (12) | AES-256-GCM
// ciphertext and tag. The magic's last byte is the format: 1, the plaintext
// as is; 2, the plaintext deflated first (larger records such as a profile
// with its plan shrink by half, and Redis memory per client is what limits a
// small charity's server). The key id lets any replica pick the right key after a
// rotation without trying each one. The additional data binds a value to its
// client and record, so a blob copied into another client's record (or from
// a check-in into an incident) fails to open instead of being misattributed.
var sealMagic = []byte{'S', 'x', formatPlain}

const (
	formatPlain    = 1
	formatDeflated = 2
	// compressFrom is the smallest plaintext worth deflating: below it the
	// saving is a few bytes and the cost a compressor reset.
	compressFrom = 256
	// maxOpened caps what a deflated record may expand to. Only this keyring
	// can produce one (GCM authenticates it), so this guards against our own
	// bugs, not an attacker.
	maxOpened = 4 << 20
)

// Compressors and decompressors are large (hundreds of KB and tens of KB):
// reuse them rather than allocate one per record.
var inflaters = sync.Pool{New: func() any { return flate.NewReader(bytes.NewReader(nil)) }}

var deflaters = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.BestSpeed) // the level is valid: no error
	return w
}}

const (
	keyIDLen  = 4
	nonceLen  = 12
	sealedMin = 3 + keyIDLen + nonceLen + 16
)

// ErrUnsealable means a stored value could not be opened: it was sealed
// under a key no longer configured, or it was tampered with.
var ErrUnsealable = errors.New("redisstore: stored value cannot be decrypted (missing key or tampered)")

type sealKey struct {
	id   [keyIDLen]byte
	aead cipher.AEAD
}

// Keyring holds the AES-GCM keys that protect records at rest.
type Keyring struct {
	keys      []sealKey // newest first
	ephemeral bool
}

// ParseKeys reads keys in the EnvKeys format. An empty string is an error:
// the caller decides whether running without a configured key is allowed.
func ParseKeys(s string) (*Keyring, error) {
	var kr Keyring
	seen := map[[keyIDLen]byte]bool{}
	for i, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(part)
		if err != nil {
			return nil, fmt.Errorf("%s: key %d is not base64", EnvKeys, i+1)
		}
		if len(raw) != 32 {
			return nil, fmt.Errorf("%s: key %d is %d bytes, want 32 (head -c32 /dev/urandom | base64)", EnvKeys, i+1, len(raw))
		}
		k, err := newSealKey(raw)
		if err != nil {
			return nil, err
		}
		if seen[k.id] {
			return nil, fmt.Errorf("%s: key %d is listed twice", EnvKeys, i+1)
		}
		seen[k.id] = true
		kr.keys = append(kr.keys, k)
	}
	if len(kr.keys) == 0 {
		return nil, fmt.Errorf("%s is empty: set it to the base64 of a 32-byte key", EnvKeys)
	}
	return &kr, nil
}

// KeysFromEnv reads EnvKeys with getenv (os.Getenv in production). ok is
// false when the variable is unset or blank, so the caller can refuse to
// start (serve) or fall back to a practice key (try).
func KeysFromEnv(getenv func(string) string) (kr *Keyring, ok bool, err error) {
	v := strings.TrimSpace(getenv(EnvKeys))
	if v == "" {
		return nil, false, nil
	}
	kr, err = ParseKeys(v)
	return kr, err == nil, err
}

// GenerateKey returns a fresh random key in the EnvKeys format.
func GenerateKey() (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("redisstore: generate key: %w", err)
	}
	return base64.StdEncoding.EncodeToString(raw), nil
}

var (
	processKeyOnce sync.Once
	processKey     *Keyring
)

// EphemeralKeyring returns a random key that lives as long as this process.
// Every Store in the process shares it, so two Stores over the same Redis
// read each other's writes; nothing written under it survives a restart.
func EphemeralKeyring() *Keyring {
	processKeyOnce.Do(func() {
		k, err := GenerateKey()
		if err != nil {
			panic(err) // the system's random source failed; nothing secure can run
		}
		kr, err := ParseKeys(k)
		if err != nil {
			panic(err)
		}
		kr.ephemeral = true
		processKey = kr
	})
	return processKey
}

// Ephemeral reports whether the keys were generated for this process only.
func (kr *Keyring) Ephemeral() bool { return kr.ephemeral }

// KeyIDs returns the keys' ids in hex, newest first, for an operator checking a rotation.
func (kr *Keyring) KeyIDs() []string {
	out := make([]string, len(kr.keys))
	for i, k := range kr.keys {
		out[i] = fmt.Sprintf("%x", k.id)
	}
	return out
}

func newSealKey(raw []byte) (sealKey, error) {
	block, err := aes.NewCipher(raw)
	if err != nil {
		return sealKey{}, fmt.Errorf("redisstore: key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return sealKey{}, fmt.Errorf("redisstore: key: %w", err)
	}
	// The id is a hash of the key so operators need not name keys, and it
	// reveals nothing useful about the key itself.
	sum := sha256.Sum256(append([]byte("steady key id\x00"), raw...))
	var k sealKey
	copy(k.id[:], sum[:keyIDLen])
	k.aead = aead
	return k, nil
}

// seal encrypts plaintext under the newest key, bound to aad; with compact,
// it deflates the plaintext first when that makes it smaller.
func (kr *Keyring) seal(aad string, plaintext []byte, compact bool) []byte {
	k := kr.keys[0]
	format := byte(formatPlain)
	if compact && len(plaintext) >= compressFrom {
		if z := deflate(plaintext); len(z) < len(plaintext) {
			plaintext, format = z, formatDeflated
		}
	}
	out := make([]byte, 0, sealedMin+len(plaintext))
	out = append(out, sealMagic[0], sealMagic[1], format)
	out = append(out, k.id[:]...)
	nonce := make([]byte, nonceLen)
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // see EphemeralKeyring
	}
	out = append(out, nonce...)
	return k.aead.Seal(out, nonce, plaintext, []byte(aad))
}

// open decrypts a sealed value with whichever configured key sealed it.
func (kr *Keyring) open(aad string, sealed []byte) ([]byte, error) {
	if !isSealed(sealed) {
		return nil, fmt.Errorf("%w: not a sealed value", ErrUnsealable)
	}
	id := sealed[len(sealMagic) : len(sealMagic)+keyIDLen]
	for _, k := range kr.keys {
		if string(k.id[:]) != string(id) {
			continue
		}
		nonce := sealed[len(sealMagic)+keyIDLen : len(sealMagic)+keyIDLen+nonceLen]
		pt, err := k.aead.Open(nil, nonce, sealed[len(sealMagic)+keyIDLen+nonceLen:], []byte(aad))
		if err != nil {
			return nil, ErrUnsealable
		}
		if sealed[len(sealMagic)-1] == formatDeflated {
			return inflate(pt)
		}
		return pt, nil
	}
	return nil, fmt.Errorf("%w: sealed under key %x, which is not in %s", ErrUnsealable, id, EnvKeys)
}

// current reports whether a sealed value is under the newest key already.
func (kr *Keyring) current(sealed []byte) bool {
	return isSealed(sealed) && string(sealed[len(sealMagic):len(sealMagic)+keyIDLen]) == string(kr.keys[0].id[:])
}

func isSealed(b []byte) bool {
	return len(b) >= sealedMin && string(b[:len(sealMagic)-1]) == string(sealMagic[:len(sealMagic)-1]) &&
		(b[len(sealMagic)-1] == formatPlain || b[len(sealMagic)-1] == formatDeflated)
}

func deflate(b []byte) []byte {
	var buf bytes.Buffer
	w := deflaters.Get().(*flate.Writer)
	defer deflaters.Put(w)
	w.Reset(&buf)
	// Writes to a bytes.Buffer cannot fail.
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func inflate(b []byte) ([]byte, error) {
	r := inflaters.Get().(io.ReadCloser)
	defer inflaters.Put(r)
	if err := r.(flate.Resetter).Reset(bytes.NewReader(b), nil); err != nil {
		return nil, fmt.Errorf("%w: deflated record unreadable", ErrUnsealable)
	}
	out, err := io.ReadAll(io.LimitReader(r, maxOpened+1))
	if err != nil || len(out) > maxOpened {
		return nil, fmt.Errorf("%w: deflated record unreadable", ErrUnsealable)
	}
	return out, nil
}

// compactRecord says whether a record is deflated before sealing: yes for
// the records that stay in Redis for months (profile, plans, check-ins,
// incidents…), no for the conversation and the outbox, rewritten at every
// step, where the compressor's cost would land on each answer.
func compactRecord(record string) bool { return record != recConv && record != recOutbox }

// aadFor names what a value is, for binding: the client and the record,
// never the key prefix, so a deployment can move prefixes without re-sealing.
func aadFor(clientID, record string) string { return clientID + "\x00" + record }

// sealJSON encodes v and seals it as one of a client's records.
func (s *Store) sealJSON(clientID, record string, v any) ([]byte, error) {
	pt, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return s.keys.seal(aadFor(clientID, record), pt, compactRecord(record)), nil
}

// openJSON opens a client's record and decodes it into v.
func (s *Store) openJSON(clientID, record string, sealed []byte, v any) error {
	pt, err := s.keys.open(aadFor(clientID, record), sealed)
	if err != nil {
		return err
	}
	return json.Unmarshal(pt, v)
}
