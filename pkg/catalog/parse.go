package catalog

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// Field names accepted in a catalogue document. Anything else is rejected so
// that a misspelt key ("sensitvity") does not silently fall back to zero.
var (
	topFields   = []string{"entries", "rules"}
	entryFields = []string{"source", "action", "category", "sensitivity", "note"}
	ruleFields  = []string{"name", "fact", "sensitivity", "sources", "categories", "note"}
)

// parse decodes and validates one catalogue document. origin names the
// document in errors ("embedded catalog.yaml" or the user's path).
func parse(b []byte, origin string) (*Catalog, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("catalog %s: not valid YAML: %w", origin, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, fmt.Errorf("catalog %s: the file is empty; it needs an \"entries\" or \"rules\" list", origin)
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("catalog %s line %d: the top level must be a mapping with \"entries\" and/or \"rules\"", origin, root.Line)
	}
	fields, err := mappingFields(root, topFields)
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", origin, err)
	}

	var errs []error
	entries, err := parseEntries(fields["entries"], origin)
	errs = append(errs, err)
	rules, err := parseRules(fields["rules"], origin)
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return build(entries, rules), nil
}

func parseEntries(seq *yaml.Node, origin string) ([]Entry, error) {
	items, err := sequence(seq, "entries", origin)
	if err != nil || items == nil {
		return nil, err
	}
	var (
		entries []Entry
		errs    []error
		seen    = make(map[matchKey]string)
	)
	for i, n := range items {
		e, err := parseEntry(n, origin)
		if err != nil {
			errs = append(errs, fmt.Errorf("catalog %s line %d: entries[%d]: %w", origin, n.Line, i, err))
			continue
		}
		k := keyOf(e.Source, e.Action)
		if prev, dup := seen[k]; dup {
			errs = append(errs, fmt.Errorf("catalog %s line %d: entries[%d] (%s %q) duplicates the entry at %s; keep one", origin, n.Line, i, e.Source, e.Action, prev))
			continue
		}
		seen[k] = e.Origin
		entries = append(entries, e)
	}
	return entries, errors.Join(errs...)
}

func parseEntry(n *yaml.Node, origin string) (Entry, error) {
	f, err := mappingFields(n, entryFields)
	if err != nil {
		return Entry{}, err
	}
	e := Entry{Origin: fmt.Sprintf("%s line %d", origin, n.Line)}
	if e.Source, err = requiredString(f, "source"); err != nil {
		return e, err
	}
	e.Source = strings.ToLower(e.Source)
	if e.Action, err = requiredString(f, "action"); err != nil {
		return e, err
	}
	what := fmt.Sprintf("(%s %q)", e.Source, e.Action)
	if err := checkSource(e.Source); err != nil {
		return e, fmt.Errorf("%s %w", what, err)
	}
	if err := checkPattern(e.Action); err != nil {
		return e, fmt.Errorf("%s %w", what, err)
	}
	cat, err := requiredString(f, "category")
	if err != nil {
		return e, fmt.Errorf("%s %w", what, err)
	}
	if e.Category, err = category(cat); err != nil {
		return e, fmt.Errorf("%s %w", what, err)
	}
	if e.Sensitivity, err = sensitivity(f["sensitivity"]); err != nil {
		return e, fmt.Errorf("%s %w", what, err)
	}
	e.Note, err = optionalString(f, "note")
	return e, err
}

func parseRules(seq *yaml.Node, origin string) ([]Rule, error) {
	items, err := sequence(seq, "rules", origin)
	if err != nil || items == nil {
		return nil, err
	}
	var (
		rules []Rule
		errs  []error
		seen  = make(map[string]string)
	)
	for i, n := range items {
		r, err := parseRule(n, origin)
		if err != nil {
			errs = append(errs, fmt.Errorf("catalog %s line %d: rules[%d]: %w", origin, n.Line, i, err))
			continue
		}
		if prev, dup := seen[r.Name]; dup {
			errs = append(errs, fmt.Errorf("catalog %s line %d: rules[%d] reuses the name %q of the rule at %s; names must be unique", origin, n.Line, i, r.Name, prev))
			continue
		}
		seen[r.Name] = r.Origin
		rules = append(rules, r)
	}
	return rules, errors.Join(errs...)
}

func parseRule(n *yaml.Node, origin string) (Rule, error) {
	f, err := mappingFields(n, ruleFields)
	if err != nil {
		return Rule{}, err
	}
	r := Rule{Origin: fmt.Sprintf("%s line %d", origin, n.Line)}
	if r.Name, err = requiredString(f, "name"); err != nil {
		return r, err
	}
	what := fmt.Sprintf("(%q)", r.Name)
	if r.Fact, err = requiredString(f, "fact"); err != nil {
		return r, fmt.Errorf("%s %w", what, err)
	}
	if !slices.Contains(KnownFacts, r.Fact) {
		return r, fmt.Errorf("%s unknown fact %q; use one of %s", what, r.Fact, strings.Join(KnownFacts, ", "))
	}
	if r.Sensitivity, err = sensitivity(f["sensitivity"]); err != nil {
		return r, fmt.Errorf("%s %w", what, err)
	}
	if r.Sources, err = stringList(f["sources"], "sources"); err != nil {
		return r, fmt.Errorf("%s %w", what, err)
	}
	for i, s := range r.Sources {
		r.Sources[i] = strings.ToLower(s)
		if err := checkSource(r.Sources[i]); err != nil {
			return r, fmt.Errorf("%s sources[%d]: %w", what, i, err)
		}
	}
	cats, err := stringList(f["categories"], "categories")
	if err != nil {
		return r, fmt.Errorf("%s %w", what, err)
	}
	for i, s := range cats {
		c, err := category(s)
		if err != nil {
			return r, fmt.Errorf("%s categories[%d]: %w", what, i, err)
		}
		r.Categories = append(r.Categories, c)
	}
	r.Note, err = optionalString(f, "note")
	return r, err
}

// mappingFields returns the values of a mapping node by key, rejecting keys
// outside allowed and repeated keys.
func mappingFields(n *yaml.Node, allowed []string) (map[string]*yaml.Node, error) {
	if n.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("expected a mapping with keys %s", strings.Join(allowed, ", "))
	}
	out := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i].Value
		if !slices.Contains(allowed, k) {
			return nil, fmt.Errorf("line %d: unknown key %q; allowed keys are %s", n.Content[i].Line, k, strings.Join(allowed, ", "))
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("line %d: key %q appears twice", n.Content[i].Line, k)
		}
		out[k] = n.Content[i+1]
	}
	return out, nil
}

func sequence(n *yaml.Node, name, origin string) ([]*yaml.Node, error) {
	if n == nil {
		return nil, nil
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("catalog %s line %d: %q must be a list", origin, n.Line, name)
	}
	return n.Content, nil
}

func requiredString(f map[string]*yaml.Node, key string) (string, error) {
	s, err := optionalString(f, key)
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", fmt.Errorf("%q is missing or empty", key)
	}
	return s, nil
}

func optionalString(f map[string]*yaml.Node, key string) (string, error) {
	n, ok := f[key]
	if !ok || n.Tag == "!!null" {
		return "", nil
	}
	if n.Kind != yaml.ScalarNode {
		return "", fmt.Errorf("line %d: %q must be a string", n.Line, key)
	}
	return strings.TrimSpace(n.Value), nil
}

func stringList(n *yaml.Node, key string) ([]string, error) {
	if n == nil || n.Tag == "!!null" {
		return nil, nil
	}
	var out []string
	if err := n.Decode(&out); err != nil {
		return nil, fmt.Errorf("line %d: %q must be a list of strings", n.Line, key)
	}
	return out, nil
}

func sensitivity(n *yaml.Node) (uint8, error) {
	if n == nil {
		return 0, errors.New(`"sensitivity" is missing; use 0 (none) to 3 (high)`)
	}
	var v int
	if err := n.Decode(&v); err != nil {
		return 0, fmt.Errorf("line %d: sensitivity %q is not a whole number; use 0 (none) to 3 (high)", n.Line, n.Value)
	}
	if v < int(event.SensitivityNone) || v > int(event.SensitivityHigh) {
		return 0, fmt.Errorf("line %d: sensitivity %d is out of range; use 0 (none) to 3 (high)", n.Line, v)
	}
	return uint8(v), nil
}

func category(s string) (event.Category, error) {
	c := event.Category(strings.ToLower(s))
	if !c.Valid() {
		names := make([]string, len(event.Categories))
		for i, k := range event.Categories {
			names[i] = string(k)
		}
		return "", fmt.Errorf("unknown category %q; use one of %s", s, strings.Join(names, ", "))
	}
	return c, nil
}

func checkSource(s string) error {
	if !slices.Contains(event.Sources, s) {
		return fmt.Errorf("unknown source %q; use one of %s", s, strings.Join(event.Sources, ", "))
	}
	return nil
}

// checkPattern allows "*" only as the last character, so that precedence
// between patterns is simply "longest prefix wins".
func checkPattern(action string) error {
	if i := strings.Index(action, "*"); i >= 0 && i != len(action)-1 {
		return fmt.Errorf("has %q before the end; a pattern may only end in a single \"*\" (prefix match)", "*")
	}
	return nil
}
