package flows

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

type labelled struct{ label, text string }

// crisisLabels are the labels of a crisis phrase set.
var crisisLabels = []string{"crisis", "danger", "check", "safe"}

func readPhrases(path string) ([]labelled, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
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
		label = strings.TrimSpace(label)
		known := false
		for _, l := range crisisLabels {
			known = known || l == label
		}
		if !ok || !known {
			return nil, fmt.Errorf("%s:%d: want crisis|danger|check|safe<TAB>message, got %q", path, n, line)
		}
		out = append(out, labelled{label, text})
	}
	return out, sc.Err()
}

func loadPhrases(t testing.TB, path string) []labelled {
	t.Helper()
	set, err := readPhrases(path)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// tuningSet is every labelled phrase under testdata/crisis/tuning.
func tuningSet(t testing.TB) []labelled {
	t.Helper()
	paths, err := filepath.Glob("testdata/crisis/tuning/*.tsv")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no tuning files: %v", err)
	}
	sort.Strings(paths)
	var all []labelled
	for _, p := range paths {
		all = append(all, loadPhrases(t, p)...)
	}
	return all
}

// labelScore is how a detector did on the phrases of one label.
type labelScore struct {
	n, escalated, checked int // checked: at least the check (Worry or Crisis)
	kinds                 map[string]int
	missed, falseAlarms   []string
}

// crisisScore is how a detector did on a labelled set, by label.
type crisisScore map[string]*labelScore

func scoreWith(set []labelled, detect func(i int, text string) Detection) crisisScore {
	s := crisisScore{}
	for _, l := range crisisLabels {
		s[l] = &labelScore{kinds: map[string]int{}}
	}
	for i, p := range set {
		d := detect(i, p.text)
		ls := s[p.label]
		ls.n++
		if d.Concern == Crisis {
			ls.escalated++
		}
		if d.Concern >= Worry {
			ls.checked++
		}
		if d.Kind != "" {
			ls.kinds[d.Kind]++
		}
		switch {
		case (p.label == "crisis" || p.label == "danger") && d.Concern != Crisis,
			p.label == "check" && d.Concern == NoConcern:
			ls.missed = append(ls.missed, fmt.Sprintf("%q → %v %s", p.text, d.Concern, d.Kind))
		case p.label == "safe" && d.Concern != NoConcern:
			ls.falseAlarms = append(ls.falseAlarms, fmt.Sprintf("%q → %v %s", p.text, d.Concern, d.Kind))
		}
	}
	return s
}

func score(set []labelled) crisisScore {
	return scoreWith(set, func(_ int, text string) Detection { return DetectCrisis(text) })
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func pct(a, b int) string { return fmt.Sprintf("%.1f%%", 100*ratio(a, b)) }

// report writes a score the way TestScoreCrisisSet prints it.
func (s crisisScore) report(logf func(string, ...any)) {
	for _, l := range crisisLabels {
		ls := s[l]
		if ls.n == 0 {
			continue
		}
		var kinds []string
		for k, n := range ls.kinds {
			kinds = append(kinds, fmt.Sprintf("%s %d", k, n))
		}
		sort.Strings(kinds)
		logf("%-6s n=%-4d escalated %-6s at least checked %-6s kinds: %s", l, ls.n,
			pct(ls.escalated, ls.n), pct(ls.checked, ls.n), strings.Join(kinds, ", "))
	}
	if safe := s["safe"]; safe.n > 0 {
		logf("safe false alarms: %s escalated, %s checked only", pct(safe.escalated, safe.n), pct(safe.checked-safe.escalated, safe.n))
	}
}

// crisisTargets are issue 11's targets. Safety first: a crisis that gets
// nothing is the harm this exists to prevent, so nearly every crisis must
// at least get the "are you safe?" check with the contacts; a false alarm
// costs a kind message and, escalated, a worker's call, and too many teach
// clients to ignore it.
//
// Labels with fewer than minN phrases are not judged (a file of danger
// lines has no crisis lines to score).
func (s crisisScore) failures(minN int) []string {
	var out []string
	c, d, k, safe := s["crisis"], s["danger"], s["check"], s["safe"]
	check := func(ls *labelScore, ok bool, format string, args ...any) {
		if ls.n >= max(minN, 1) && !ok {
			out = append(out, fmt.Sprintf(format, args...))
		}
	}
	check(c, ratio(c.checked, c.n) >= 0.95, "crisis at least checked %s, want ≥ 95%%", pct(c.checked, c.n))
	check(c, ratio(c.escalated, c.n) >= 0.85, "crisis escalated %s, want ≥ 85%%", pct(c.escalated, c.n))
	check(d, ratio(d.escalated, d.n) >= 0.85, "danger escalated %s, want ≥ 85%%", pct(d.escalated, d.n))
	check(k, ratio(k.checked, k.n) >= 0.85, "check at least checked %s, want ≥ 85%%", pct(k.checked, k.n))
	check(safe, ratio(safe.escalated, safe.n) <= 0.02, "safe escalated %s, want ≤ 2%%", pct(safe.escalated, safe.n))
	check(safe, ratio(safe.checked-safe.escalated, safe.n) <= 0.08, "safe checked %s, want ≤ 8%%", pct(safe.checked-safe.escalated, safe.n))
	return out
}

func logMisses(t *testing.T, s crisisScore) {
	t.Helper()
	for _, l := range crisisLabels {
		for _, m := range s[l].missed {
			t.Logf("%s missed: %s", l, m)
		}
		for _, m := range s[l].falseAlarms {
			t.Logf("false alarm: %s", m)
		}
	}
}

// The whole tuning set must meet issue 11's targets, and so must each of its
// files (a file is a round written at one time, and a regression on one
// round should not hide inside the total).
func TestCrisisPhraseSet(t *testing.T) {
	all := tuningSet(t)
	s := score(all)
	s.report(t.Logf)
	if s["crisis"].n < 500 || s["danger"].n < 100 || s["check"].n < 200 || s["safe"].n < 500 {
		t.Fatalf("the tuning set is too small to mean anything")
	}
	if f := s.failures(0); len(f) > 0 {
		logMisses(t, s)
		for _, m := range f {
			t.Error(m)
		}
	}
	paths, _ := filepath.Glob("testdata/crisis/*/*.tsv")
	for _, p := range paths {
		t.Run(p, func(t *testing.T) {
			s := score(loadPhrases(t, p))
			s.report(t.Logf)
			if f := s.failures(40); len(f) > 0 {
				logMisses(t, s)
				for _, m := range f {
					t.Error(m)
				}
			}
		})
	}
}

// TestScoreCrisisSet scores a set it is pointed at and asserts nothing: it
// is how a sealed held-out round gets its first score.
//
//	STEADY_CRISIS_SET=/path/to/set.tsv go test ./flows -run TestScoreCrisisSet -v
func TestScoreCrisisSet(t *testing.T) {
	path := os.Getenv("STEADY_CRISIS_SET")
	if path == "" {
		t.Skip("set STEADY_CRISIS_SET=/path/to/set.tsv to score a labelled set")
	}
	set := loadPhrases(t, path)
	s := score(set)
	t.Logf("%s: %d messages", path, len(set))
	s.report(t.Logf)
	if os.Getenv("STEADY_CRISIS_SET_LIST") != "" {
		logMisses(t, s)
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
		// Issue 11's misses.
		{"thinkin of ending it tonight", Crisis, KindSuicide},
		{"taken 30 sertraline", Crisis, KindSuicide},
		{"got a knife next to me", Crisis, KindSuicide},
		{"im on the roof of the car park", Crisis, KindSuicide},
		{"this is my last check in. thanks for everything", Crisis, KindSuicide},
		{"been giving all my stuff away this week", Crisis, KindSuicide},
		{"the voices want me to jump", Crisis, KindSuicide},
		{"honestly I don't see the point in being here anymore", Crisis, KindSuicide},
		{"cut too deep and it wont stop bleeding", Crisis, KindSelfHarm},
		{"the voices told me to hurt my flatmate", Crisis, KindHarmOthers},
		// Danger from someone else is its own kind, not harm to others.
		{"he said hes going to kill me", Crisis, KindDanger},
		{"scared to go home he'll hurt me", Crisis, KindDanger},
		{"my partner hit me again", Crisis, KindDanger},
		{"my ex keeps following me home", Crisis, KindDanger},
		{"i was raped at the weekend", Crisis, KindDanger},
		{"he wont let me leave the house", Crisis, KindDanger},
		{"i dont feel safe at home", Crisis, KindDanger},
		{"he gets angry when he drinks", Worry, KindDanger},
		// Issue 11's false alarms: never escalated.
		{"shot myself in the foot with that email", NoConcern, ""},
		{"overdosed on caffeine lol", NoConcern, ""},
		{"id rather die than do karaoke lol", NoConcern, ""},
		{"someone jumped in front of a train so my train was cancelled", NoConcern, ""},
		{"my boss will kill me if I'm late", NoConcern, ""},
		{"the customer was a nightmare", NoConcern, ""},
		{"she beat me at darts again", NoConcern, ""},
		// Negation lowers to a check, not to nothing.
		{"no thoughts of hurting myself, just stressed", Worry, KindSelfHarm},
		// Concepts round 4 showed missing (docs/safety.md), in wordings of
		// their own. Weak signals that combine: affairs put in order and a
		// goodbye; a time with the means; doing it once alone.
		{"sorted my will and gave my cat to next door", Crisis, KindSuicide},
		{"paid off my overdraft so my dad wont be left with it, then im off for good", Crisis, KindSuicide},
		{"as soon as my flatmate goes to work tomorrow im doing it", Crisis, KindSuicide},
		{"parked at the top of the multi storey and i keep looking over the side", Crisis, KindSuicide},
		{"finally made a will now the baby is here", NoConcern, ""},
		// Means: a ligature, fire, a gun got out, research into how.
		{"got a cable tied round my neck", Crisis, KindSuicide},
		{"doused myself in lighter fluid", Crisis, KindSuicide},
		{"got the shotgun down from the loft", Crisis, KindSuicide},
		{"took the rifle out for clay pigeon shooting with my uncle", NoConcern, ""},
		{"been googling the lethal dose of my sertraline", Crisis, KindSuicide},
		{"the train tracks keep calling to me", Crisis, KindSuicide},
		{"my bed is calling me after that shift", NoConcern, ""},
		// Stretched text-speak, and "odd" is not an overdose.
		{"kmssss", Crisis, KindSuicide},
		{"that's odd, the rota hasn't changed", NoConcern, ""},
		// Voices with a command and no "me to".
		{"the voice keeps whispering kill her", Crisis, KindHarmOthers},
		{"my sat nav voice keeps saying turn left", NoConcern, ""},
		// Self-harm done on purpose where an accident would be read.
		{"cut my arm in the work loos with the stanley knife deliberately", Crisis, KindSelfHarm},
		{"cut my finger on a box cutter at work", NoConcern, ""},
		// Danger: a weapon drawn, forced sex, a photo of the house, fleeing.
		{"he held a knife to my throat", Crisis, KindDanger},
		{"he keeps making me have sex even when im crying", Crisis, KindDanger},
		{"got a text with a photo of my front door, no name", Crisis, KindDanger},
		{"had to grab the baby and run out the flat, hes smashing the place up", Crisis, KindDanger},
		{"she slaps me on the back every time i tell a joke", NoConcern, ""},
		// A past the writer has come through, a screening question answered
		// no, someone else who is fine now: nothing to ask.
		{"tried to kill myself in 2019 but im doing really well now", NoConcern, ""},
		{"the gp asked about self harm, i said no", NoConcern, ""},
		{"my sister self harmed as a teenager, shes doing really well now", NoConcern, ""},
		{"used to self harm but im not ok now", Crisis, KindSelfHarm},
		// A laugh lowers a threat with a petty cause, and a death wish with an
		// everyday cause, to a check; "i want to die lol" stays a crisis.
		{"my housemate ate my leftovers, im going to kill him", Worry, KindHarmOthers},
		{"he took my kids, im going to kill him", Crisis, KindHarmOthers},
		{"this meeting makes me want to die lol", Worry, KindSuicide},
		{"i want to die lol", Crisis, KindSuicide},
		// Dialect and a second language.
		{"cannae dae this nae mair, gonnae end it the nicht", Crisis, KindSuicide},
		{"am no wantin tae be here anymore", Crisis, KindSuicide},
		{"i am no good at maths", NoConcern, ""},
		{"I am thinking to kill me because the problems are too much", Crisis, KindSuicide},
		{"my boss will kill me because i am late", NoConcern, ""},
		{"up at 5am for work again", NoConcern, ""},
		// Said at work and to the worker.
		{"i could just walk in front of the forklift and make it look like an accident", Crisis, KindSuicide},
		{"i walked in front of the forklift and got a telling off", NoConcern, ""},
		{"coping 1, i wont be filling these in after this week", Crisis, KindSuicide},
		{"thanks for all your help, you did everything you could, its not on you", Crisis, KindSuicide},
		{"time to log off permanently", Crisis, KindSuicide},
		{"time to log off, see you tomorrow", NoConcern, ""},
		{"my partner is going to kill me, i forgot our anniversary", NoConcern, ""},
		// Distress said short.
		{"mood is on the floor", Worry, KindDistress},
		{"hanging on by a thread", Worry, KindDistress},
		{"20 mins", NoConcern, ""},
	}
	for _, tt := range tests {
		d := DetectCrisis(tt.in)
		if d.Concern != tt.concern || d.Kind != tt.kind {
			t.Errorf("DetectCrisis(%.60q) = %+v, want %v %q", tt.in, d, tt.concern, tt.kind)
		}
	}
}

// The detector is shared by every goroutine that handles a message.
func TestDetectCrisisConcurrent(t *testing.T) {
	msgs := []string{"i want to kill myself", "he hit me again", "slept ok", "taken 30 sertraline", "the rota is killing me"}
	want := make([]Detection, len(msgs))
	for i, m := range msgs {
		want[i] = DetectCrisis(m)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 20 {
				k := (g + i) % len(msgs)
				if got := DetectCrisis(msgs[k]); got != want[k] {
					t.Errorf("DetectCrisis(%q) = %+v concurrently, %+v alone", msgs[k], got, want[k])
				}
			}
		})
	}
	wg.Wait()
}

func FuzzDetectCrisis(f *testing.F) {
	for _, s := range []string{"i want to kill myself", "kms", "this rota is killing me", "not suicidal", "i cut myself on the slicer",
		"su1c1de", "diiiie", "", "🙂", "no", "i'll kill him", "myslef", "he'll hurt me", "taken 30 sertraline", "ï¿½\x00\xff"} {
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
		if bad := skippedMatch(canonical(s)); bad != "" {
			t.Fatalf("%q: the gate skipped %s, which matches", s, bad)
		}
		// Context that raised nothing never lowers what the message says.
		if got := DetectInContext([]string{"ok"}, s); got.Concern < d.Concern {
			t.Fatalf("DetectInContext([ok], %q) = %+v, less than alone %+v", s, got, d)
		}
		if got := DetectInContext(nil, s); got != d {
			t.Fatalf("DetectInContext(nil, %q) = %+v, alone %+v", s, got, d)
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
	b.Run("in context of three", func(b *testing.B) {
		recent := []string{"slept badly", "the rota is a mess again", "i want to"}
		for b.Loop() {
			DetectInContext(recent, "go home")
		}
	})
}

func TestDetectInContext(t *testing.T) {
	for _, tc := range []struct {
		name   string
		recent []string
		text   string
		want   Concern
		kind   string
	}{
		{"split across two messages", []string{"i want to"}, "die", Crisis, KindSuicide},
		{"split across three messages", []string{"i cant do this", "i want to"}, "end it", Crisis, KindSuicide},
		{"alone it is nothing", nil, "die", NoConcern, ""},
		{"an earlier crisis is not raised again", []string{"i want to kill myself"}, "ok", NoConcern, ""},
		{"nor by the message after that", []string{"i want to kill myself", "ok"}, "sorry", NoConcern, ""},
		{"a split crisis is not raised again", []string{"i want to", "die"}, "ok", NoConcern, ""},
		{"a new crisis after an earlier one still counts", []string{"i want to kill myself"}, "i have the pills ready", Crisis, KindSuicide},
		{"a crisis after a worry is new", []string{"i cant cope"}, "ive taken 30 of them", Crisis, KindSuicide},
		{"danger split across messages", []string{"scared to go home"}, "he said he'll hurt me", Crisis, KindDanger},
		{"danger after a worry", []string{"things are bad at home"}, "he hit me again", Crisis, KindDanger},
		{"routine context stays routine", []string{"slept ok"}, "7", NoConcern, ""},
		{"bad answers joined are not a worry", []string{"11", "four out of ten", "😩👍"}, strings.Repeat("x", 4000), NoConcern, ""},
		{"routine words are not joined into a crisis", []string{"the train was late"}, "i jumped on the next one", NoConcern, ""},
		{"a worry after routine talk is raised", []string{"slept ok"}, "i cant cope any more", Worry, KindDistress},
		{"an earlier worry is not raised again", []string{"i cant cope"}, "yeah", NoConcern, ""},
		{"the message alone is read even with no context", []string{}, "kms", Crisis, KindSuicide},
		// The rules doubt a game; alone, the model's disagreement makes it a
		// check. An answer before it must not make it an escalation.
		{"a doubted crisis is not escalated by joining", []string{"7"}, "the game im playing you jump off buildings the whole time, its class", Worry, KindSuicide},
		{"a doubted crisis the model agrees with still escalates joined", []string{"i want to"}, "die lol", Crisis, KindSuicide},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := DetectInContext(tc.recent, tc.text)
			if got.Concern != tc.want || got.Kind != tc.kind {
				t.Errorf("DetectInContext(%q, %q) = %+v, want %v %q", tc.recent, tc.text, got, tc.want, tc.kind)
			}
		})
	}
}

// A gate only skips an expression that cannot match: checked for the
// constructs the patterns use, over a tenth of the tuning phrases (every
// expression against each is slow under the race detector), and in
// FuzzDetectCrisis over whatever the fuzzer makes.
func TestCrisisGatesNeverSkipAMatch(t *testing.T) {
	for _, tc := range []struct{ expr, text string }{
		{`kill (?:myself|me)`, "i will kill me"},
		{`end(?:ing)? it`, "thinking of ending it"},
		{`forc\S* me`, "he forced me"},
		{`(?:a|the)? ?(?:rope|noose)`, "got the noose"},
		{`(?:[^.\s]\S* ){0,4}on purpose`, "did it on purpose"},
		{`(?:\d+) tablets`, "took 30 tablets"},
		{`(?:he|she) (?:\S+ ){0,2}violent`, "he has been violent"},
		{`x?y?z?`, "anything"},
	} {
		g := gate(compile(tc.expr))
		if g.re.MatchString(tc.text) && !g.mayMatch(index(tc.text)) {
			t.Errorf("gate %q of %s skips %q, which matches", g.gates, tc.expr, tc.text)
		}
	}
	for i, p := range tuningSet(t) {
		if i%10 != 0 {
			continue
		}
		if bad := skippedMatch(canonical(p.text)); bad != "" {
			t.Errorf("%q: the gate skipped %s, which matches", p.text, bad)
		}
	}
}

func skippedMatch(s string) string {
	t := index(s)
	all := concat(shields, patterns, conceptPatterns, dangerPatterns, distressConcepts)
	for _, p := range all {
		if !p.mayMatch(t) && p.re.MatchString(s) {
			return p.re.String()
		}
	}
	for _, g := range safeIdioms {
		if !g.mayMatch(t) && g.re.MatchString(s) {
			return g.re.String()
		}
	}
	return ""
}
