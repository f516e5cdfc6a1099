package flows

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

type labelled struct{ label, text string }

func loadPhrases(t *testing.T, path string) []labelled {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		label, text, ok := strings.Cut(line, "\t")
		if !ok || (label != "crisis" && label != "check" && label != "safe") {
			t.Fatalf("%s:%d: want crisis|check|safe<TAB>phrase, got %q", path, n, line)
		}
		out = append(out, labelled{label, text})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// crisisScore is how the interceptor did on a labelled set.
type crisisScore struct {
	crisis, check, safe        int
	crisisAsCrisis, crisisSeen int // crisis phrases escalated; given at least the check
	checkSeen                  int // check phrases given at least the check
	safeAsCrisis, safeAsWorry  int // false alarms: escalated; checked
	missedCrisis, missedCheck  []string
	falseCrisis, falseWorry    []string
}

func score(set []labelled) crisisScore {
	var s crisisScore
	for _, p := range set {
		d := DetectCrisis(p.text)
		switch p.label {
		case "crisis":
			s.crisis++
			if d.Concern == Crisis {
				s.crisisAsCrisis++
			} else {
				s.missedCrisis = append(s.missedCrisis, p.text)
			}
			if d.Concern >= Worry {
				s.crisisSeen++
			}
		case "check":
			s.check++
			if d.Concern >= Worry {
				s.checkSeen++
			} else {
				s.missedCheck = append(s.missedCheck, p.text)
			}
		case "safe":
			s.safe++
			switch d.Concern {
			case Crisis:
				s.safeAsCrisis++
				s.falseCrisis = append(s.falseCrisis, p.text)
			case Worry:
				s.safeAsWorry++
				s.falseWorry = append(s.falseWorry, p.text)
			}
		}
	}
	return s
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// The thresholds put safety first. Every crisis phrase must at least get
// the "are you OK?" check with the crisis contacts (a miss is the harm this
// exists to prevent), and at least 95% must raise the urgent escalation
// outright. A false alarm costs a kind message and, at crisis level, a
// worker's call; at most 1% of everyday messages may escalate and at most
// 5% may get the check, or clients learn to ignore it.
func TestCrisisPhraseSet(t *testing.T) {
	for _, path := range []string{"testdata/crisis/tuning/phrases.tsv", "testdata/crisis/tuning/round1.tsv", "testdata/crisis/tuning/round2.tsv", "testdata/crisis/tuning/round3.tsv"} {
		t.Run(path, func(t *testing.T) {
			if _, err := os.Stat(path); os.IsNotExist(err) && strings.Contains(path, "heldout") {
				t.Skip("no held-out set")
			}
			s := score(loadPhrases(t, path))
			if s.crisis < 50 || s.safe < 50 {
				t.Fatalf("the set is too small to mean anything: %d crisis, %d safe", s.crisis, s.safe)
			}
			t.Logf("%s: %d phrases (%d crisis, %d check, %d safe)", path, s.crisis+s.check+s.safe, s.crisis, s.check, s.safe)
			t.Logf("crisis recall: %.1f%% escalated, %.1f%% at least checked", 100*ratio(s.crisisAsCrisis, s.crisis), 100*ratio(s.crisisSeen, s.crisis))
			t.Logf("check recall: %.1f%% at least checked", 100*ratio(s.checkSeen, s.check))
			t.Logf("false positives on safe: %.1f%% escalated, %.1f%% checked", 100*ratio(s.safeAsCrisis, s.safe), 100*ratio(s.safeAsWorry, s.safe))
			for _, m := range s.missedCrisis {
				t.Logf("crisis not escalated: %q (%v)", m, DetectCrisis(m))
			}
			for _, m := range s.missedCheck {
				t.Logf("check missed: %q", m)
			}
			for _, m := range s.falseCrisis {
				t.Logf("false crisis: %q", m)
			}
			for _, m := range s.falseWorry {
				t.Logf("false worry: %q", m)
			}
			if s.crisisSeen != s.crisis {
				t.Errorf("crisis phrases with no response at all: %d", s.crisis-s.crisisSeen)
			}
			if r := ratio(s.crisisAsCrisis, s.crisis); r < 0.95 {
				t.Errorf("crisis recall %.3f, want ≥ 0.95", r)
			}
			if r := ratio(s.checkSeen, s.check); r < 0.90 {
				t.Errorf("check recall %.3f, want ≥ 0.90", r)
			}
			if r := ratio(s.safeAsCrisis, s.safe); r > 0.01 {
				t.Errorf("false crisis rate %.3f, want ≤ 0.01", r)
			}
			if r := ratio(s.safeAsCrisis+s.safeAsWorry, s.safe); r > 0.05 {
				t.Errorf("false check rate %.3f, want ≤ 0.05", r)
			}
		})
	}
}

func TestDetectCrisisKinds(t *testing.T) {
	tests := []struct {
		in      string
		concern Concern
		kind    string
	}{
		{"i want to kill myself", Crisis, KindSuicide},
		{"kms", Crisis, KindSuicide},
		{"everyone would be better off without me", Crisis, KindSuicide},
		{"been cutting again", Crisis, KindSelfHarm},
		{"im going to stab my supervisor", Crisis, KindHarmOthers},
		{"i'm not suicidal, just exhausted", Worry, KindSuicide},
		{"i would never hurt myself", Worry, KindSelfHarm},
		{"my mate said he wants to kill himself", Worry, KindSuicide},
		{"i can't cope", Worry, KindDistress},
		{"this rota is killing me", NoConcern, ""},
		{"dead on my feet", NoConcern, ""},
		{"I could murder a coffee", NoConcern, ""},
		{"", NoConcern, ""},
		{"🙂", NoConcern, ""},
		// The words around a crisis phrase never hide it.
		{"this rota is killing me and i want to kill myself", Crisis, KindSuicide},
		{"no. i want to die", Crisis, KindSuicide},
		{strings.Repeat("long shift today ", 250) + "i want to die", Crisis, KindSuicide},
	}
	for _, tt := range tests {
		d := DetectCrisis(tt.in)
		if d.Concern != tt.concern || d.Kind != tt.kind {
			t.Errorf("DetectCrisis(%.40q) = %+v, want %v %q", tt.in, d, tt.concern, tt.kind)
		}
	}
}

func FuzzDetectCrisis(f *testing.F) {
	for _, s := range []string{"i want to kill myself", "kms", "this rota is killing me", "not suicidal", "i cut myself on the slicer",
		"su1c1de", "diiiie", "", "🙂", "no", "i'll kill him", "myslef"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := DetectCrisis(s)
		if d != DetectCrisis(s) {
			t.Fatalf("DetectCrisis(%q) is not deterministic", s)
		}
		if d.Concern < NoConcern || d.Concern > Crisis || (d.Concern == NoConcern) != (d.Kind == "") {
			t.Fatalf("DetectCrisis(%q) = %+v", s, d)
		}
		// Whatever else a message says, a clear crisis sentence in it is seen.
		for _, m := range []string{s + ". i want to kill myself", "i want to kill myself. " + s} {
			if got := DetectCrisis(m); got.Concern != Crisis {
				t.Fatalf("DetectCrisis(%q) = %+v: the crisis sentence was masked", m, got)
			}
		}
	})
}

// A long message is read whole: a crisis sentence may come at its end.
func BenchmarkDetectCrisis(b *testing.B) {
	short := "honestly the rota is killing me and i cant be bothered"
	long := strings.Repeat("long shift today and the customers were rude ", 90)
	b.Run("short", func(b *testing.B) {
		for b.Loop() {
			DetectCrisis(short)
		}
	})
	b.Run("4000 chars", func(b *testing.B) {
		for b.Loop() {
			DetectCrisis(long)
		}
	})
}

func TestDetectInContext(t *testing.T) {
	for _, tc := range []struct {
		name   string
		recent []string
		text   string
		want   Concern
	}{
		{"split across two messages", []string{"i want to"}, "die", Crisis},
		{"alone it is nothing", nil, "die", NoConcern},
		{"an earlier crisis is not raised again", []string{"i want to kill myself"}, "ok", NoConcern},
		{"a new crisis after an earlier one still counts", []string{"i want to kill myself"}, "i have the pills ready", Crisis},
		{"routine context stays routine", []string{"slept ok"}, "7", NoConcern},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := DetectInContext(tc.recent, tc.text).Concern; got != tc.want {
				t.Errorf("DetectInContext(%q, %q) = %v, want %v", tc.recent, tc.text, got, tc.want)
			}
		})
	}
}
