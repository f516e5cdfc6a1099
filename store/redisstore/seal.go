package redisstore

import (
	"bytes"
	"compress/flate"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
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

// A sealed value is: magic (2 bytes) | format (1) | key id (4) | nonce (12) |
// AES-256-GCM ciphertext and tag. The format says how the value was made:
//
//	1, 2  the first formats: the plaintext as is (1) or deflated first (2),
//	      bound to the client and record only. Still read; steady rekey
//	      rewrites them as 3 and 4.
//	3, 4  as 1 and 2, and bound to the value's whole slot: the header bytes
//	      (magic, format, key id), the client, the record, the field (hash
//	      field, night, audit entry) and the write id of records rewritten in
//	      place (profile, conversation). A value copied into another slot, an
//	      older copy of a profile or conversation put back, or a header byte
//	      changed, fails to open instead of being read as something it is not.
//
// Deflating halves larger records such as a profile with its plan, and Redis
// memory per client is what limits a small charity's server. The key id
// lets any replica pick the right key after a rotation without trying each
// one.
var sealMagic = []byte{'S', 'x', formatBound}

const (
	formatPlain    = 1
	formatDeflated = 2
	formatBound    = 3
	formatBoundZ   = 4
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

// slot is where a sealed value lives, bound into it as additional data
// (formats 3 and 4): the value opens only there.
type slot struct {
	client string // the client whose record it is; "" for service-wide values
	record string // the record's name (keys.go), never the key prefix, so a deployment can move prefixes without re-sealing
	field  string // hash field, night, or an audit entry's clear fields; "" for strings, lists and sets
	// version is the write id of a record rewritten in place (profile,
	// conversation), kept beside it in the conversation hash: an older copy
	// put back carries an older write id than the one Redis says is current.
	version string
}

// headerLen is the clear part of a sealed value before the nonce.
const headerLen = 3 + keyIDLen

// aad is the additional data of a bound value: its header and its slot, each
// part length-prefixed so no two slots can spell the same bytes.
func (sl slot) aad(header []byte) []byte {
	b := make([]byte, 0, 24+len(header)+len(sl.client)+len(sl.record)+len(sl.field)+len(sl.version))
	b = append(b, "steady seal 3\x00"...)
	b = append(b, header...)
	for _, part := range [...]string{sl.client, sl.record, sl.field, sl.version} {
		b = binary.AppendUvarint(b, uint64(len(part)))
		b = append(b, part...)
	}
	return b
}

// legacyAAD is what formats 1 and 2 were bound to: the client and the record.
func (sl slot) legacyAAD() []byte { return []byte(sl.client + "\x00" + sl.record) }

// seal encrypts plaintext under the newest key, bound to its slot; with
// compact, it deflates the plaintext first when that makes it smaller.
func (kr *Keyring) seal(sl slot, plaintext []byte, compact bool) []byte {
	k := kr.keys[0]
	format := byte(formatBound)
	if compact && len(plaintext) >= compressFrom {
		if z := deflate(plaintext); len(z) < len(plaintext) {
			plaintext, format = z, formatBoundZ
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
	return k.aead.Seal(out, nonce, plaintext, sl.aad(out[:headerLen]))
}

// open decrypts a sealed value with whichever configured key sealed it,
// checking it was sealed for this slot.
func (kr *Keyring) open(sl slot, sealed []byte) ([]byte, error) {
	if !isSealed(sealed) {
		return nil, fmt.Errorf("%w: not a sealed value", ErrUnsealable)
	}
	format := sealed[len(sealMagic)-1]
	id := sealed[len(sealMagic):headerLen]
	for _, k := range kr.keys {
		if string(k.id[:]) != string(id) {
			continue
		}
		aad := sl.legacyAAD()
		if format == formatBound || format == formatBoundZ {
			aad = sl.aad(sealed[:headerLen])
		}
		nonce := sealed[headerLen : headerLen+nonceLen]
		pt, err := k.aead.Open(nil, nonce, sealed[headerLen+nonceLen:], aad)
		if err != nil {
			return nil, ErrUnsealable
		}
		if format == formatDeflated || format == formatBoundZ {
			return inflate(pt)
		}
		return pt, nil
	}
	return nil, fmt.Errorf("%w: sealed under key %x, which is not in %s", ErrUnsealable, id, EnvKeys)
}

// current reports whether a sealed value is under the newest key already,
// in a bound format: one that steady rekey need not rewrite.
func (kr *Keyring) current(sealed []byte) bool {
	return isSealed(sealed) && bound(sealed) && string(sealed[len(sealMagic):headerLen]) == string(kr.keys[0].id[:])
}

// bound reports whether a sealed value is bound to its whole slot (format 3 or 4).
func bound(sealed []byte) bool {
	f := sealed[len(sealMagic)-1]
	return f == formatBound || f == formatBoundZ
}

func isSealed(b []byte) bool {
	if len(b) < sealedMin || string(b[:len(sealMagic)-1]) != string(sealMagic[:len(sealMagic)-1]) {
		return false
	}
	f := b[len(sealMagic)-1]
	return f >= formatPlain && f <= formatBoundZ
}

// NewIncidentID returns a random, opaque incident id: it reaches Redis
// keys, scheduler entries and Discord buttons, so it must say nothing about
// the client, the rule or the date (the incidents index maps it to the client).
func NewIncidentID() string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // see EphemeralKeyring
	}
	return "i" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// legacyIncidentID reports whether an incident id is in the readable form
// earlier versions used: "<client>.<rule>.<episode>".
func legacyIncidentID(id string) bool { return strings.Count(id, ".") >= 2 }

// newWriteID returns a fresh write id for a record rewritten in place.
func newWriteID() string {
	var b [9]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // see EphemeralKeyring
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
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

// sealJSON encodes v and seals it into a slot.
func (s *Store) sealJSON(sl slot, v any) ([]byte, error) {
	pt, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return s.keys.seal(sl, pt, compactRecord(sl.record)), nil
}

// openJSON opens a slot's sealed value and decodes it into v.
func (s *Store) openJSON(sl slot, sealed []byte, v any) error {
	pt, err := s.keys.open(sl, sealed)
	if err != nil {
		return err
	}
	return json.Unmarshal(pt, v)
}
