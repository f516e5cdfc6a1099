package flows

import (
	"bytes"
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"text/template"

	"gopkg.in/yaml.v3"
)

//go:embed messages.en-GB.yaml
var defaultMessages []byte

// Catalog holds every client- and staff-facing sentence, keyed by name, as
// text/template strings. A service overrides any of them with its own YAML file
// of the same shape, without code changes.
type Catalog struct {
	tmpl map[string]*template.Template
}

// DefaultCatalog returns the built-in en-GB catalogue.
func DefaultCatalog() *Catalog {
	c, err := NewCatalog(nil)
	if err != nil {
		panic(err) // the embedded file is checked by tests; this cannot fail in a build that passed them
	}
	return c
}

// NewCatalog returns the built-in catalogue with override's entries replacing
// the built-in ones of the same key. Unknown keys in override are an error,
// so a typo does not silently leave the default in place.
func NewCatalog(override []byte) (*Catalog, error) {
	base, err := parseMessages(defaultMessages)
	if err != nil {
		return nil, fmt.Errorf("flows: built-in messages: %w", err)
	}
	if len(override) > 0 {
		over, err := parseMessages(override)
		if err != nil {
			return nil, fmt.Errorf("flows: message overrides: %w", err)
		}
		var unknown []string
		for k, v := range over {
			if _, ok := base[k]; !ok {
				unknown = append(unknown, k)
				continue
			}
			base[k] = v
		}
		if len(unknown) > 0 {
			sort.Strings(unknown)
			return nil, fmt.Errorf("flows: message overrides: unknown keys %s", strings.Join(unknown, ", "))
		}
	}
	c := &Catalog{tmpl: make(map[string]*template.Template, len(base))}
	for k, v := range base {
		t, err := template.New(k).Option("missingkey=zero").Parse(v)
		if err != nil {
			return nil, fmt.Errorf("flows: message %s: %w", k, err)
		}
		c.tmpl[k] = t
	}
	return c, nil
}

func parseMessages(b []byte) (map[string]string, error) {
	m := map[string]string{}
	if err := yaml.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// T renders the message key with data (a map or struct). A missing key
// renders as the key itself, so a gap shows up in tests rather than as silence.
func (c *Catalog) T(key string, data any) string {
	t, ok := c.tmpl[key]
	if !ok {
		return key
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return key
	}
	return strings.TrimRight(b.String(), "\n")
}

// Has reports whether the catalogue defines key.
func (c *Catalog) Has(key string) bool { _, ok := c.tmpl[key]; return ok }

// Keys lists every key, sorted.
func (c *Catalog) Keys() []string {
	keys := make([]string, 0, len(c.tmpl))
	for k := range c.tmpl {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
