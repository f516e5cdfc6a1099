package flows

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// keyArgs are the functions whose string arguments are catalogue keys (or,
// ending in ".", key prefixes completed at run time).
var keyArgs = map[string]bool{
	"T": true, "say": true, "pick": true, "yesNo": true, "scale": true, "multi": true, "note": true,
	"choices": true, "safetyQuestion": true, "snoozeQuestion": true, "pauseQuestion": true, "Has": true,
}

var keyLike = regexp.MustCompile(`^[a-z_]+(\.[a-z_0-9]+)*\.?$`)

// Every key the code names exists in the built-in catalogue, so a service's
// override file is the only thing that can change what a client reads.
func TestEveryKeyUsedExists(t *testing.T) {
	cat := DefaultCatalog()
	var dirs []string
	for _, d := range []string{".", "report", "../bot", "../bot/console", "../cmd/steady"} {
		if _, err := os.Stat(d); err == nil {
			dirs = append(dirs, d)
		}
	}
	checked := 0
	for _, dir := range dirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				name := ""
				switch fn := call.Fun.(type) {
				case *ast.Ident:
					name = fn.Name
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				}
				if !keyArgs[name] {
					return true
				}
				for _, arg := range call.Args {
					lit, ok := arg.(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						continue
					}
					s, err := strconv.Unquote(lit.Value)
					if err != nil || s == "" || !keyLike.MatchString(s) {
						continue
					}
					checked++
					if strings.HasSuffix(s, ".") {
						if !hasPrefix(cat, s) {
							t.Errorf("%s: no message key starts with %q", fset.Position(lit.Pos()), s)
						}
					} else if !cat.Has(s) {
						t.Errorf("%s: message key %q is not in messages.en-GB.yaml", fset.Position(lit.Pos()), s)
					}
				}
				return true
			})
		}
	}
	if checked < 100 {
		t.Errorf("only %d keys found in the code: is the scan still looking in the right places?", checked)
	}
}

func hasPrefix(c *Catalog, p string) bool {
	for _, k := range c.Keys() {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

func TestOverrideFileChangesWordsAndRefusesUnknownKeys(t *testing.T) {
	c, err := NewCatalog([]byte("crisis.contacts: |-\n  Lifeline: 13 11 14\n  000 in an emergency\nidle: \"Nothing to answer right now.\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T("idle", nil); got != "Nothing to answer right now." {
		t.Errorf("override not used: %q", got)
	}
	if got := CrisisContacts(Context{Catalog: c}); len(got) != 2 || got[0] != "Lifeline: 13 11 14" {
		t.Errorf("crisis contacts from the override: %q", got)
	}
	if got := c.T("prompt.closed", nil); got != DefaultCatalog().T("prompt.closed", nil) {
		t.Errorf("a key the override leaves alone changed: %q", got)
	}
	_, err = NewCatalog([]byte("idel: \"typo\"\ncrisis.contact: \"typo\"\n"))
	if err == nil || !strings.Contains(err.Error(), "idel") || !strings.Contains(err.Error(), "crisis.contact") {
		t.Errorf("unknown keys were not refused by name: %v", err)
	}
	if _, err := NewCatalog([]byte("idle: \"{{.Broken\"\n")); err == nil {
		t.Error("a broken template was accepted")
	}
}

func TestCrisisContactsConfiguredAndFromThePlan(t *testing.T) {
	c := testContext(t)
	if got := CrisisContacts(c); len(got) != 4 || !strings.Contains(got[0], "116 123") {
		t.Errorf("UK defaults: %q", got)
	}
	c.CrisisContacts = []string{"Crisis line: 0800 000 000"}
	c.Client.Plan.CrisisContacts = []string{"My sister: 07700 900123"}
	if got := CrisisContacts(c); len(got) != 2 || got[0] != "Crisis line: 0800 000 000" || got[1] != "My sister: 07700 900123" {
		t.Errorf("configured and plan contacts: %q", got)
	}
}
