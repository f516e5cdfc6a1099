package flows

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The hazard log must keep step with the rules: every rule id has a row.
func TestHazardLogCoversEveryRule(t *testing.T) {
	b, err := os.ReadFile("../docs/safety.md")
	if err != nil {
		t.Fatal(err)
	}
	for id := range DefaultRules() {
		if !strings.Contains(string(b), "`"+id+"`") {
			t.Errorf("docs/safety.md does not mention rule `%s`", id)
		}
	}
}

// Every test the hazard log names as proof of a control must exist.
func TestHazardLogNamesRealTests(t *testing.T) {
	b, err := os.ReadFile("../docs/safety.md")
	if err != nil {
		t.Fatal(err)
	}
	defined := map[string]bool{}
	err = filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range testFunc.FindAllStringSubmatch(string(src), -1) {
			defined[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	named := namedTest.FindAllStringSubmatch(string(b), -1)
	if len(named) < 20 {
		t.Fatalf("the hazard log names only %d tests", len(named))
	}
	for _, m := range named {
		if !defined[m[1]] {
			t.Errorf("docs/safety.md names %s, which does not exist", m[1])
		}
	}
}

var (
	testFunc  = regexp.MustCompile(`(?m)^func ((?:Test|Fuzz)\w+)\(`)
	namedTest = regexp.MustCompile("`((?:Test|Fuzz)\\w+)`")
)
