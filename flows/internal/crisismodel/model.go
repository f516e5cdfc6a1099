package crisismodel

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The classes, in the order of a Scores array.
const (
	Crisis = iota
	Danger
	Check
	Safe
	Classes
)

// ClassNames are the labels of the tuning files, in class order.
var ClassNames = [Classes]string{"crisis", "danger", "check", "safe"}

// ClassOf maps a tuning-file label to its class.
func ClassOf(label string) (int, bool) {
	for i, n := range ClassNames {
		if n == label {
			return i, true
		}
	}
	return 0, false
}

// Model is a trained classifier: one weight per hashed feature and class.
type Model struct {
	bits uint
	w    []float32 // bucket*Classes + class
	b    [Classes]float32
}

// Scores returns the probability of each class for one message.
func (m *Model) Scores(text string) [Classes]float64 {
	fb := featurePool.Get().(*[]uint32)
	f := Features(text, m.bits, (*fb)[:0])
	s := m.scoreFeatures(f)
	*fb = f
	featurePool.Put(fb)
	return s
}

var featurePool = sync.Pool{New: func() any { b := make([]uint32, 0, 512); return &b }}

func (m *Model) scoreFeatures(f []uint32) [Classes]float64 {
	var z [Classes]float64
	for c := range z {
		z[c] = float64(m.b[c])
	}
	if len(f) > 0 {
		v := featureValue(len(f))
		for _, i := range f {
			row := m.w[int(i)*Classes : int(i)*Classes+Classes]
			for c := range z {
				z[c] += v * float64(row[c])
			}
		}
	}
	return softmax(z)
}

func featureValue(n int) float64 { return 1 / math.Sqrt(float64(n)) }

func softmax(z [Classes]float64) [Classes]float64 {
	hi := z[0]
	for _, v := range z[1:] {
		hi = max(hi, v)
	}
	var sum float64
	for c := range z {
		z[c] = math.Exp(z[c] - hi)
		sum += z[c]
	}
	for c := range z {
		z[c] /= sum
	}
	return z
}

// maxFeatureRunes bounds the text a message contributes features from, so a
// pasted essay costs no more than a long message; the rules read all of it.
const maxFeatureRunes = 1200

// Features appends the hashed features of text to dst: word unigrams and
// bigrams (numbers also as "a number" and "a number of ten or more", so
// "taken 30" and "taken 45" look alike), and character 3-, 4- and 5-grams
// across the words, which is what lets the model see "kms", "thinkin" and
// "su1cide" without a spelling list. Apostrophes are dropped ("don't" and
// "dont" are one word); other punctuation separates words.
func Features(text string, bits uint, dst []uint32) []uint32 {
	var norm [maxFeatureRunes + 2]rune
	n := 0
	norm[n] = ' '
	n++
	space := true
	for _, r := range text {
		if n >= maxFeatureRunes {
			break
		}
		switch {
		case r == '\'' || r == '’' || r == '‘' || r == '`':
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			norm[n] = unicode.ToLower(r)
			n++
			space = false
		default:
			if !space {
				norm[n] = ' '
				n++
				space = true
			}
		}
	}
	if !space {
		norm[n] = ' '
		n++
	}
	s := norm[:n]
	mask := uint32(1)<<bits - 1
	// Words and word bigrams.
	prevStart, prevEnd := -1, -1
	for i := 1; i < len(s); {
		j := i
		for j < len(s) && s[j] != ' ' {
			j++
		}
		if j > i {
			w := s[i:j]
			dst = append(dst, hashRunes(seedWord, w)&mask)
			if num, ok := number(w); ok {
				dst = append(dst, hashRunes(seedNumber, nil)&mask)
				if num >= 10 {
					dst = append(dst, hashRunes(seedBigNumber, nil)&mask)
				}
			}
			if prevStart >= 0 {
				h := hashRunes(seedBigram, s[prevStart:prevEnd])
				h = hashMore(h, ' ')
				for _, r := range w {
					h = hashMore(h, r)
				}
				dst = append(dst, h&mask)
			}
			prevStart, prevEnd = i, j
		}
		i = j + 1
	}
	// Character n-grams across the whole normalised text.
	for k := 3; k <= 5; k++ {
		for i := 0; i+k <= len(s); i++ {
			dst = append(dst, hashRunes(seedChar+uint32(k), s[i:i+k])&mask)
		}
	}
	return dst
}

func number(w []rune) (int, bool) {
	v := 0
	for _, r := range w {
		if r < '0' || r > '9' {
			return 0, false
		}
		if v < 1000 {
			v = v*10 + int(r-'0')
		}
	}
	return v, true
}

// Seeds keep the feature families apart in the hash space.
const (
	seedWord uint32 = 2166136261 + iota*16777619
	seedBigram
	seedNumber
	seedBigNumber
	seedChar
)

// FNV-1a over runes.
func hashRunes(seed uint32, rs []rune) uint32 {
	h := seed
	for _, r := range rs {
		h = hashMore(h, r)
	}
	return h
}

func hashMore(h uint32, r rune) uint32 {
	var b [utf8.UTFMax]byte
	n := utf8.EncodeRune(b[:], r)
	for _, c := range b[:n] {
		h ^= uint32(c)
		h *= 16777619
	}
	return h
}

// Example is one labelled message.
type Example struct {
	Class int
	Text  string
}

// Options are the training settings. The zero value is not useful; start
// from DefaultOptions.
type Options struct {
	Bits   uint    // 2^Bits hashed feature buckets
	Epochs int     // passes over the data
	Rate   float64 // initial learning rate
	L2     float64 // weight decay per step
	Seed   uint64  // the shuffle order; the same seed gives the same model
	// ClassWeight scales each class's loss: missing a crisis costs more
	// than a false check.
	ClassWeight [Classes]float64
}

// DefaultOptions are the settings the committed model is trained with.
var DefaultOptions = Options{
	Bits: 16, Epochs: 60, Rate: 0.5, L2: 1e-3, Seed: 11,
	ClassWeight: [Classes]float64{1.5, 1.5, 1.2, 1},
}

// Train fits a model to the examples. It is deterministic: the same
// examples and options give the same model.
func Train(examples []Example, o Options) *Model {
	m := &Model{bits: o.Bits, w: make([]float32, (1<<o.Bits)*Classes)}
	feats := make([][]uint32, len(examples))
	for i, e := range examples {
		feats[i] = Features(e.Text, o.Bits, nil)
	}
	order := make([]int, len(examples))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	// Float64 while training; the file keeps 16 bits per weight.
	w := make([]float64, len(m.w))
	var b [Classes]float64
	step := 0
	total := o.Epochs * len(examples)
	for range o.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			rate := o.Rate * (1 - float64(step)/float64(total+1))
			step++
			f := feats[i]
			v := featureValue(max(len(f), 1))
			var z [Classes]float64
			z = b
			for _, k := range f {
				for c := range z {
					z[c] += v * w[int(k)*Classes+c]
				}
			}
			p := softmax(z)
			cw := o.ClassWeight[examples[i].Class]
			for c := range p {
				g := p[c]
				if c == examples[i].Class {
					g--
				}
				g *= cw * rate
				b[c] -= g
				for _, k := range f {
					j := int(k)*Classes + c
					w[j] -= g*v + rate*o.L2*w[j]
				}
			}
		}
	}
	for i, x := range w {
		m.w[i] = float32(x)
	}
	for c := range b {
		m.b[c] = float32(b[c])
	}
	return m
}

const magic = "SCM1"

// Encode writes the model in its file format: gzip of a header (magic,
// bits, weight scale, biases) and one little-endian int16 per weight.
func (m *Model) Encode(w io.Writer) error {
	var scale float32
	for _, x := range m.w {
		scale = max(scale, float32(math.Abs(float64(x))))
	}
	if scale == 0 {
		scale = 1
	}
	scale /= math.MaxInt16
	var raw bytes.Buffer
	raw.WriteString(magic)
	raw.WriteByte(byte(m.bits))
	le := binary.LittleEndian
	raw.Write(le.AppendUint32(nil, math.Float32bits(scale)))
	for _, x := range m.b {
		raw.Write(le.AppendUint32(nil, math.Float32bits(x)))
	}
	buf := make([]byte, 2*len(m.w))
	for i, x := range m.w {
		le.PutUint16(buf[2*i:], uint16(int16(math.Round(float64(x/scale)))))
	}
	raw.Write(buf)
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("crisismodel: encode: %w", err)
	}
	if _, err := zw.Write(raw.Bytes()); err != nil {
		return fmt.Errorf("crisismodel: encode: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("crisismodel: encode: %w", err)
	}
	return nil
}

// Decode reads a model written by Encode.
func Decode(r io.Reader) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("crisismodel: decode: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("crisismodel: decode: %w", err)
	}
	const head = len(magic) + 1 + 4 + 4*Classes
	if len(raw) < head || string(raw[:len(magic)]) != magic {
		return nil, errors.New("crisismodel: decode: not a model file")
	}
	le := binary.LittleEndian
	m := &Model{bits: uint(raw[len(magic)])}
	if m.bits < 8 || m.bits > 24 {
		return nil, fmt.Errorf("crisismodel: decode: %d bits is out of range", m.bits)
	}
	p := len(magic) + 1
	scale := math.Float32frombits(le.Uint32(raw[p:]))
	p += 4
	for c := range m.b {
		m.b[c] = math.Float32frombits(le.Uint32(raw[p:]))
		p += 4
	}
	n := (1 << m.bits) * Classes
	if len(raw)-p != 2*n {
		return nil, fmt.Errorf("crisismodel: decode: %d weight bytes, want %d", len(raw)-p, 2*n)
	}
	m.w = make([]float32, n)
	for i := range m.w {
		m.w[i] = float32(int16(le.Uint16(raw[p+2*i:]))) * scale
	}
	return m, nil
}

//go:embed model.bin.gz
var embedded []byte

// Embedded is the committed model, decoded once.
var Embedded = sync.OnceValue(func() *Model {
	m, err := Decode(bytes.NewReader(embedded))
	if err != nil {
		// The file is compiled in and checked by the tests; a bad one is a
		// build mistake, not a run-time condition.
		panic(err)
	}
	return m
})
