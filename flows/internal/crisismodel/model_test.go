package crisismodel

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

var tiny = []Example{
	{Crisis, "i want to kill myself"}, {Crisis, "kms tonight"}, {Crisis, "taken 30 tablets"},
	{Danger, "he hit me again"}, {Danger, "scared to go home he will hurt me"},
	{Check, "i cant cope"}, {Check, "everything is too much"},
	{Safe, "slept ok"}, {Safe, "the rota is killing me"}, {Safe, "7"}, {Safe, "good shift thanks"},
}

func TestTrainIsDeterministicAndLearns(t *testing.T) {
	o := DefaultOptions
	o.Bits = 12
	a, b := Train(tiny, o), Train(tiny, o)
	var ea, eb bytes.Buffer
	if err := a.Encode(&ea); err != nil {
		t.Fatal(err)
	}
	if err := b.Encode(&eb); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ea.Bytes(), eb.Bytes()) {
		t.Fatal("two trainings on the same data gave different models")
	}
	for _, e := range tiny {
		p := a.Scores(e.Text)
		best := 0
		for c := range p {
			if p[c] > p[best] {
				best = c
			}
		}
		if best != e.Class {
			t.Errorf("%q: scores %v, want class %s on its own training data", e.Text, p, ClassNames[e.Class])
		}
	}
}

func TestEncodeDecodeKeepsScores(t *testing.T) {
	o := DefaultOptions
	o.Bits = 12
	m := Train(tiny, o)
	var buf bytes.Buffer
	if err := m.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	d, err := Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range tiny {
		a, b := m.Scores(e.Text), d.Scores(e.Text)
		for c := range a {
			if math.Abs(a[c]-b[c]) > 1e-3 {
				t.Errorf("%q: class %d %.4f before encoding, %.4f after", e.Text, c, a[c], b[c])
			}
		}
	}
	for _, bad := range [][]byte{nil, []byte("not gzip"), {0x1f, 0x8b}} {
		if _, err := Decode(bytes.NewReader(bad)); err == nil {
			t.Errorf("Decode(%q) accepted a bad file", bad)
		}
	}
}

func TestEmbeddedModelLoads(t *testing.T) {
	m := Embedded()
	p := m.Scores("i want to kill myself")
	if p[Crisis] < 0.5 {
		t.Errorf("the committed model gives %v to a plain crisis message", p)
	}
	if p := m.Scores("slept ok thanks"); p[Safe] < 0.5 {
		t.Errorf("the committed model gives %v to a routine answer", p)
	}
}

func FuzzFeatures(f *testing.F) {
	for _, s := range []string{"", "kms", "taken 30 sertraline", "don't", "su1c1de", "🙂🙂", "\xff\xfe", strings.Repeat("a", 5000), "1 2 3 99999999999999"} {
		f.Add(s)
	}
	m := Embedded()
	f.Fuzz(func(t *testing.T, s string) {
		feats := Features(s, 16, nil)
		for _, h := range feats {
			if h >= 1<<16 {
				t.Fatalf("feature %d out of range", h)
			}
		}
		if len(feats) > 6*(maxFeatureRunes+2) {
			t.Fatalf("%d features from one message", len(feats))
		}
		p := m.Scores(s)
		sum := 0.0
		for _, v := range p {
			if v < 0 || v > 1 || math.IsNaN(v) {
				t.Fatalf("Scores(%q) = %v", s, p)
			}
			sum += v
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Fatalf("Scores(%q) sums to %v", s, sum)
		}
	})
}
