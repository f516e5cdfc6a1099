// Command crisistrain retrains the crisis detector's classifier on the
// labelled tuning phrases and rewrites the committed model:
//
//	make crisis-model
//	# which runs: go run ./flows/internal/crisistrain
//
// It reads every *.tsv under flows/testdata/crisis/tuning (label<TAB>message,
// labels crisis / danger / check / safe, # comments) and writes
// flows/internal/crisismodel/model.bin.gz. Training is deterministic, so a
// rerun on unchanged data rewrites the same bytes. Run `make test`
// afterwards: the detector's thresholds and the cross-validated scores are
// checked there, not here.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"steady/flows/internal/crisismodel"
)

func main() {
	dir := flag.String("data", "flows/testdata/crisis/tuning", "directory of labelled .tsv files")
	out := flag.String("out", "flows/internal/crisismodel/model.bin.gz", "model file to write")
	flag.Parse()
	if err := run(*dir, *out); err != nil {
		fmt.Fprintln(os.Stderr, "crisistrain:", err)
		os.Exit(1)
	}
}

func run(dir, out string) error {
	examples, err := load(dir)
	if err != nil {
		return err
	}
	var counts [crisismodel.Classes]int
	for _, e := range examples {
		counts[e.Class]++
	}
	m := crisismodel.Train(examples, crisismodel.DefaultOptions)
	var buf bytes.Buffer
	if err := m.Encode(&buf); err != nil {
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	fmt.Printf("trained on %d messages (", len(examples))
	for c, n := range counts {
		if c > 0 {
			fmt.Print(", ")
		}
		fmt.Printf("%d %s", n, crisismodel.ClassNames[c])
	}
	fmt.Printf("); wrote %s (%d bytes)\n", out, buf.Len())
	return nil
}

func load(dir string) ([]crisismodel.Example, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.tsv"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("no .tsv files in %s (run from the repository root)", dir)
	}
	sort.Strings(paths)
	var out []crisismodel.Example
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			line := sc.Text()
			if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
				continue
			}
			label, text, ok := strings.Cut(line, "\t")
			c, known := crisismodel.ClassOf(label)
			if !ok || !known {
				f.Close()
				return nil, fmt.Errorf("%s:%d: want crisis|danger|check|safe<TAB>message", p, n)
			}
			out = append(out, crisismodel.Example{Class: c, Text: text})
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
	}
	return out, nil
}
