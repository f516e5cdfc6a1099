package flows

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"steady/flows/internal/crisismodel"
)

// crossValidationFolds: each phrase is scored by a model trained on the
// other four fifths, never on itself.
const crossValidationFolds = 5

// outOfFold trains one model per fold and returns, for each phrase, the
// scores of the model that did not see it. Folds are stratified by label
// and fixed (every k-th phrase of a label), so the figures are repeatable.
func outOfFold(set []labelled, k int, o crisismodel.Options) [][crisismodel.Classes]float64 {
	fold := make([]int, len(set))
	seen := map[string]int{}
	for i, p := range set {
		fold[i] = seen[p.label] % k
		seen[p.label]++
	}
	out := make([][crisismodel.Classes]float64, len(set))
	var wg sync.WaitGroup
	for f := range k {
		var train []crisismodel.Example
		for i, p := range set {
			if fold[i] != f {
				c, _ := crisismodel.ClassOf(p.label)
				train = append(train, crisismodel.Example{Class: c, Text: p.text})
			}
		}
		wg.Go(func() {
			m := crisismodel.Train(train, o)
			for i, p := range set {
				if fold[i] == f {
					out[i] = m.Scores(p.text)
				}
			}
		})
	}
	wg.Wait()
	return out
}

// modelAlone decides from the model's scores only, with the same
// thresholds the combination uses.
func modelAlone(p [crisismodel.Classes]float64) Detection {
	switch {
	case p[crisismodel.Danger] >= modelDangerAt:
		return Detection{Concern: Crisis, Kind: KindDanger}
	case p[crisismodel.Crisis]+p[crisismodel.Danger] >= modelCrisisAt:
		if p[crisismodel.Danger] > p[crisismodel.Crisis] {
			return Detection{Concern: Crisis, Kind: KindDanger}
		}
		return Detection{Concern: Crisis, Kind: KindSuicide}
	case 1-p[crisismodel.Safe] >= modelWorryAt:
		return Detection{Concern: Worry, Kind: modelKind(p)}
	}
	return Detection{}
}

// The model is scored only on phrases it was not trained on. The rules
// were written with the whole tuning set in view, so their part of every
// figure here is in-sample; what cross-validation measures honestly is
// what the model adds. The combination that ships (combine) must meet
// issue 11's targets, and must not do worse than the rules alone.
func TestCrisisModelCrossValidated(t *testing.T) {
	set := tuningSet(t)
	oof := outOfFold(set, crossValidationFolds, crisismodel.DefaultOptions)
	rules := make([]ruleReading, len(set))
	for i, p := range set {
		rules[i] = readRules(p.text)
	}
	readers := []struct {
		name   string
		detect func(i int) Detection
	}{
		{"rules alone", func(i int) Detection { return rules[i].Detection }},
		{"model alone (cross-validated)", func(i int) Detection { return modelAlone(oof[i]) }},
		{"rules + model (cross-validated)", func(i int) Detection { return combine(rules[i], wordCount(set[i].text), oof[i]) }},
	}
	scores := map[string]crisisScore{}
	for _, r := range readers {
		s := scoreWith(set, func(i int, _ string) Detection { return r.detect(i) })
		scores[r.name] = s
		t.Logf("%s:", r.name)
		s.report(func(f string, a ...any) { t.Logf("  "+f, a...) })
	}
	combined, alone := scores["rules + model (cross-validated)"], scores["rules alone"]
	if f := combined.failures(0); len(f) > 0 {
		logMisses(t, combined)
		for _, m := range f {
			t.Error("rules + model: " + m)
		}
	}
	for _, l := range []string{"crisis", "danger", "check"} {
		if combined[l].checked < alone[l].checked || combined[l].escalated < alone[l].escalated {
			t.Errorf("%s: the model lowered the rules' reading", l)
		}
	}
}

// TestCrisisCombinationGrid prints how other settings and thresholds would
// measure. It is how the shipped ones were chosen:
//
//	STEADY_CRISIS_GRID=1 go test ./flows -run TestCrisisCombinationGrid -v
func TestCrisisCombinationGrid(t *testing.T) {
	if os.Getenv("STEADY_CRISIS_GRID") == "" {
		t.Skip("set STEADY_CRISIS_GRID=1 to print the grid")
	}
	set := tuningSet(t)
	rules := make([]ruleReading, len(set))
	for i, p := range set {
		rules[i] = readRules(p.text)
	}
	variants := map[string]crisismodel.Options{"default": crisismodel.DefaultOptions}
	for _, bits := range []uint{14, 17} {
		o := crisismodel.DefaultOptions
		o.Bits = bits
		variants[fmt.Sprintf("bits=%d", bits)] = o
	}
	for _, ep := range []int{10, 60} {
		o := crisismodel.DefaultOptions
		o.Epochs = ep
		variants[fmt.Sprintf("epochs=%d", ep)] = o
	}
	o := crisismodel.DefaultOptions
	o.ClassWeight = [crisismodel.Classes]float64{1, 1, 1, 1}
	variants["unweighted"] = o
	for name, o := range variants {
		oof := outOfFold(set, crossValidationFolds, o)
		for _, worry := range []float64{0.65, 0.75, 0.8, 0.9} {
			for _, alone := range []float64{0.8, 0.9, 0.95, 1.01} {
				th := thresholds{worry, modelWorryClearedAt, modelCrisisAt, alone, modelDangerAt, modelDoubtAt}
				s := scoreWith(set, func(i int, text string) Detection { return combineAt(rules[i], wordCount(text), oof[i], th) })
				t.Logf("%-10s worry≥%.2f alone≥%.2f | %s", name, worry, alone, s.oneLine())
			}
		}
		s := scoreWith(set, func(i int, _ string) Detection { return modelAlone(oof[i]) })
		t.Logf("%-10s model alone | %s", name, s.oneLine())
	}
}

// oneLine is a score in one line, for grids.
func (s crisisScore) oneLine() string {
	c, d, k, sf := s["crisis"], s["danger"], s["check"], s["safe"]
	return fmt.Sprintf("crisis esc %-6s chk %-6s | danger esc %-6s | check chk %-6s | safe esc %-5s chk %s",
		pct(c.escalated, c.n), pct(c.checked, c.n), pct(d.escalated, d.n), pct(k.checked, k.n),
		pct(sf.escalated, sf.n), pct(sf.checked-sf.escalated, sf.n))
}

// unseenRounds are the independent rounds whose readings by the rules
// before them are kept in testdata/crisis-before, with the tuning files a
// model must not see to score them as new: the round itself and the
// batches written from its misses.
var unseenRounds = []struct {
	file    string
	without []string
}{
	{"round3.tsv", []string{"round3.tsv"}},
	{"heldout4.tsv", []string{"heldout4.tsv", "concepts6.tsv", "concepts7.tsv"}},
	{"heldout5.tsv", []string{"heldout5.tsv", "concepts10.tsv", "concepts11.tsv"}},
	{"heldout6.tsv", []string{"heldout6.tsv", "concepts12.tsv"}},
}

// roundsBefore are thresholds as they were before round 5: no doubt, no
// danger on its own, the same check whatever the rules cleared.
var roundsBefore = thresholds{worry: 0.75, worryCleared: 0.75, crisis: 0.80, alone: 0.85, danger: 2, doubt: 0}

// TestCrisisUnseenRounds measures the combination where cross-validation
// on the tuning set cannot: on phrasing the rules were not written for.
// Each independent round is read by the rules as they stood before it
// (testdata/crisis-before) and by a model trained without it, so both
// readers are out of sample; it prints the rules alone, the model alone,
// the thresholds before round 5, the shipped ones and a grid. This is how
// the shipped thresholds were chosen (docs/safety.md).
//
//	STEADY_CRISIS_UNSEEN=1 go test ./flows -run TestCrisisUnseenRounds -v
func TestCrisisUnseenRounds(t *testing.T) {
	if os.Getenv("STEADY_CRISIS_UNSEEN") == "" {
		t.Skip("set STEADY_CRISIS_UNSEEN=1 to print the unseen rounds")
	}
	names, sets := tuningFiles(t)
	var pooled []labelled
	var pooledRules []ruleReading
	var pooledProbs [][crisismodel.Classes]float64
	line := func(name string, s crisisScore) { t.Logf("  %-40s %s", name, s.oneLine()) }
	for _, round := range unseenRounds {
		set, before := rulesBefore(t, "testdata/crisis-before/"+round.file)
		skip := map[string]bool{}
		for _, f := range round.without {
			skip[f] = true
		}
		var train []crisismodel.Example
		for i, n := range names {
			if skip[n] {
				continue
			}
			for _, p := range sets[i] {
				c, _ := crisismodel.ClassOf(p.label)
				train = append(train, crisismodel.Example{Class: c, Text: p.text})
			}
		}
		m := crisismodel.Train(train, crisismodel.DefaultOptions)
		probs := make([][crisismodel.Classes]float64, len(set))
		for i, p := range set {
			probs[i] = m.Scores(p.text)
		}
		with := func(th thresholds) func(int, string) Detection {
			return func(i int, text string) Detection { return combineAt(before[i], wordCount(text), probs[i], th) }
		}
		t.Logf("%s", round.file)
		line("rules before it", scoreWith(set, func(i int, _ string) Detection { return before[i].Detection }))
		line("model alone", scoreWith(set, func(i int, _ string) Detection { return modelAlone(probs[i]) }))
		line("rules + model, thresholds before round 5", scoreWith(set, with(roundsBefore)))
		line("rules + model, shipped", scoreWith(set, with(shipped)))
		pooled = append(pooled, set...)
		pooledRules = append(pooledRules, before...)
		pooledProbs = append(pooledProbs, probs...)
	}
	t.Logf("all rounds pooled")
	for _, worry := range []float64{0.65, 0.70, 0.75} {
		for _, alone := range []float64{0.80, 0.85} {
			for _, danger := range []float64{0.5, 0.6, 2} {
				for _, doubt := range []float64{0, 0.5} {
					th := thresholds{worry, modelWorryClearedAt, modelCrisisAt, alone, danger, doubt}
					line(fmt.Sprintf("worry≥%.2f alone≥%.2f danger≥%.1f doubt<%.1f", worry, alone, danger, doubt),
						scoreWith(pooled, func(i int, text string) Detection {
							return combineAt(pooledRules[i], wordCount(text), pooledProbs[i], th)
						}))
				}
			}
		}
	}
}

// rulesBefore reads a file of earlier rule readings
// (label<TAB>concern<TAB>kind<TAB>lowered<TAB>message). What the rules
// doubt is a property of the words, so it is read today.
func rulesBefore(t *testing.T, path string) ([]labelled, []ruleReading) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var set []labelled
	var readings []ruleReading
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.SplitN(line, "\t", 5)
		if len(f) != 5 {
			t.Fatalf("%s: bad line %q", path, line)
		}
		c, err := strconv.Atoi(f[1])
		if err != nil {
			t.Fatalf("%s: bad concern in %q", path, line)
		}
		set = append(set, labelled{f[0], f[4]})
		readings = append(readings, ruleReading{
			Detection: Detection{Concern: Concern(c), Kind: f[2]},
			lowered:   f[3] == "true",
			doubt:     doubted(f[4], canonical(f[4])),
		})
	}
	return set, readings
}

// TestDumpRuleReadings writes what today's rules read in a labelled set,
// in the form TestCrisisUnseenRounds reads. Run it on a new sealed round
// after its first score and before any change made on it, and keep the
// file in testdata/crisis-before:
//
//	STEADY_CRISIS_DUMP=/path/to/set.tsv STEADY_CRISIS_DUMP_TO=/tmp/before.tsv \
//	  go test ./flows -run TestDumpRuleReadings
func TestDumpRuleReadings(t *testing.T) {
	in, out := os.Getenv("STEADY_CRISIS_DUMP"), os.Getenv("STEADY_CRISIS_DUMP_TO")
	if in == "" || out == "" {
		t.Skip("set STEADY_CRISIS_DUMP and STEADY_CRISIS_DUMP_TO")
	}
	var b strings.Builder
	for _, p := range loadPhrases(t, in) {
		r := readRules(p.text)
		fmt.Fprintf(&b, "%s\t%d\t%s\t%v\t%s\n", p.label, r.Concern, r.Kind, r.lowered, p.text)
	}
	if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The committed model must be the one the tuning data trains: a tuning
// line added without `make crisis-model` fails here.
func TestCommittedModelMatchesTuningData(t *testing.T) {
	set := tuningSet(t)
	var examples []crisismodel.Example
	for _, p := range set {
		c, _ := crisismodel.ClassOf(p.label)
		examples = append(examples, crisismodel.Example{Class: c, Text: p.text})
	}
	fresh, committed := crisismodel.Train(examples, crisismodel.DefaultOptions), crisismodel.Embedded()
	worst := 0.0
	for _, p := range set {
		a, b := fresh.Scores(p.text), committed.Scores(p.text)
		for c := range a {
			worst = max(worst, a[c]-b[c], b[c]-a[c])
		}
	}
	// Weights are stored in 16 bits; anything beyond rounding is a stale file.
	if worst > 0.02 {
		t.Fatalf("the committed model differs from one trained on the tuning data by up to %.3f: run make crisis-model", worst)
	}
	t.Logf("largest difference from a fresh training: %.5f", worst)
}

// tuningFiles is the tuning set file by file, in name order.
func tuningFiles(t testing.TB) (names []string, sets [][]labelled) {
	t.Helper()
	paths, err := filepath.Glob("testdata/crisis/tuning/*.tsv")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no tuning files: %v", err)
	}
	sort.Strings(paths)
	for _, p := range paths {
		names = append(names, filepath.Base(p))
		sets = append(sets, loadPhrases(t, p))
	}
	return names, sets
}

// leaveOneFileOut scores every tuning file with a model trained on the
// other files only. A file is a round written at one time, often by one
// writer, so this is the nearest the tuning set comes to a new writer's
// round: the model has seen none of that file's phrasing.
func leaveOneFileOut(sets [][]labelled, o crisismodel.Options) [][][crisismodel.Classes]float64 {
	out := make([][][crisismodel.Classes]float64, len(sets))
	var wg sync.WaitGroup
	for f := range sets {
		var train []crisismodel.Example
		for g, set := range sets {
			if g == f {
				continue
			}
			for _, p := range set {
				c, _ := crisismodel.ClassOf(p.label)
				train = append(train, crisismodel.Example{Class: c, Text: p.text})
			}
		}
		wg.Go(func() {
			m := crisismodel.Train(train, o)
			out[f] = make([][crisismodel.Classes]float64, len(sets[f]))
			for i, p := range sets[f] {
				out[f][i] = m.Scores(p.text)
			}
		})
	}
	wg.Wait()
	return out
}

// TestCrisisLeaveOneFileOut prints, file by file and pooled, the model
// alone and rules + model with each file scored by a model that never saw
// it. The rules were written with every tuning file in view, so only the
// model's part is out of sample; for a round the rules were not revised on
// (a new sealed round, before any change), the rules + model line is its
// honest estimate.
//
//	STEADY_CRISIS_LOFO=1 go test ./flows -run TestCrisisLeaveOneFileOut -v
func TestCrisisLeaveOneFileOut(t *testing.T) {
	if os.Getenv("STEADY_CRISIS_LOFO") == "" {
		t.Skip("set STEADY_CRISIS_LOFO=1 to print the leave-one-file-out scores")
	}
	names, sets := tuningFiles(t)
	probs := leaveOneFileOut(sets, crisismodel.DefaultOptions)
	var pooled []labelled
	var pooledRules []ruleReading
	var pooledProbs [][crisismodel.Classes]float64
	for f, set := range sets {
		rules := make([]ruleReading, len(set))
		for i, p := range set {
			rules[i] = readRules(p.text)
		}
		t.Logf("%s", names[f])
		t.Logf("  %-14s %s", "model alone", scoreWith(set, func(i int, _ string) Detection { return modelAlone(probs[f][i]) }).oneLine())
		t.Logf("  %-14s %s", "rules + model", scoreWith(set, func(i int, text string) Detection { return combine(rules[i], wordCount(text), probs[f][i]) }).oneLine())
		pooled = append(pooled, set...)
		pooledRules = append(pooledRules, rules...)
		pooledProbs = append(pooledProbs, probs[f]...)
	}
	t.Logf("all files")
	t.Logf("  %-14s %s", "model alone", scoreWith(pooled, func(i int, _ string) Detection { return modelAlone(pooledProbs[i]) }).oneLine())
	t.Logf("  %-14s %s", "rules + model", scoreWith(pooled, func(i int, text string) Detection {
		return combine(pooledRules[i], wordCount(text), pooledProbs[i])
	}).oneLine())
}
