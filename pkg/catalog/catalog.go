// Package catalog maps vendor audit actions to the normalized event
// categories and sensitivities that the AN0020 detection rules are written
// against.
//
// The mapping is data, not code: an embedded YAML file (catalog.yaml) holds
// the default, and a SOC team can merge its own file over it with Load
// without rebuilding the plugin. See README.md in this directory for the file
// format and the precedence rules.
package catalog

import (
	_ "embed"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/tokentrail/tokentrail/pkg/event"
)

//go:embed catalog.yaml
var defaultYAML []byte

// defaultOrigin names the embedded file in errors and in Entry.Origin.
const defaultOrigin = "embedded catalog.yaml"

// Facts are boolean observations a normalizer extracts from one vendor
// record (for example that the repository is private). Rules in the
// catalogue use them to raise an entry's base sensitivity.
type Facts map[string]bool

// Fact names understood by the catalogue. The set is closed so that a typo in
// a user file is reported instead of silently never matching.
const (
	// FactPrivateRepo: the event touches a private or internal repository.
	FactPrivateRepo = "private_repo"
	// FactMailbox: the event reads mailbox content, or grants a scope that can.
	FactMailbox = "mailbox"
	// FactBulk: the event copies data wholesale (full sync, folder sync, export).
	FactBulk = "bulk"
	// FactSecuritySetting: the event changes an authentication or security
	// control such as MFA, SSO, sign-on policy or audit logging.
	FactSecuritySetting = "security_setting"
	// FactForwarding: the event makes mail leave the mailbox automatically
	// (forwarding, redirect or blind copy).
	FactForwarding = "forwarding"
	// FactAdminRole: the event grants a top-level administrator role.
	FactAdminRole = "admin_role"
	// FactTenantWide: the grant applies to every user of the tenant (admin
	// consent, domain-wide delegation).
	FactTenantWide = "tenant_wide"
	// FactExternalSharing: the event exposes data outside the organisation.
	FactExternalSharing = "external_sharing"
)

// KnownFacts lists every fact name a rule may reference, in a stable order.
var KnownFacts = []string{
	FactPrivateRepo, FactMailbox, FactBulk, FactSecuritySetting,
	FactForwarding, FactAdminRole, FactTenantWide, FactExternalSharing,
}

// Entry maps one vendor action, or a family of actions, to a category and a
// base sensitivity.
type Entry struct {
	Source string
	// Action is either an exact action name or a prefix pattern ending in a
	// single "*". Matching ignores case and surrounding spaces.
	Action      string
	Category    event.Category
	Sensitivity uint8
	Note        string
	// Origin says where the entry was defined ("embedded catalog.yaml line
	// 12" or the user file and line), so an analyst can tell which file won.
	Origin string
}

// IsPattern reports whether the entry matches a family of actions.
func (e Entry) IsPattern() bool { return strings.HasSuffix(e.Action, "*") }

// Rule raises the sensitivity of a matched entry to at least Sensitivity
// when Fact is true. Empty Sources or Categories mean "any". Rules never
// lower a sensitivity; a rule with Sensitivity 0 therefore does nothing,
// which is how a user file switches a default rule off.
type Rule struct {
	Name        string
	Fact        string
	Sensitivity uint8
	Sources     []string
	Categories  []event.Category
	Note        string
	Origin      string
}

// Catalog is an immutable, validated set of entries and rules. It is safe
// for concurrent use.
type Catalog struct {
	entries []Entry
	rules   []Rule
	// exact maps source and folded action to an index in entries.
	exact map[matchKey]int
	// patterns maps a source to indexes of its pattern entries, longest
	// prefix first, so the first prefix that matches is the most specific.
	patterns map[string][]int
}

type matchKey struct{ source, action string }

var (
	defaultOnce sync.Once
	defaultCat  *Catalog
)

// Default returns the embedded catalogue, parsed once. It panics only if the
// embedded file is invalid, which TestDefaultParses guards at build time.
func Default() *Catalog {
	defaultOnce.Do(func() {
		c, err := parse(defaultYAML, defaultOrigin)
		if err != nil {
			panic(fmt.Sprintf("catalog: the embedded catalog.yaml is invalid: %v", err))
		}
		defaultCat = c
	})
	return defaultCat
}

// Load returns the embedded catalogue with the user file at path merged over
// it (see Merge). An empty path returns Default unchanged.
func Load(path string) (*Catalog, error) {
	if path == "" {
		return Default(), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("catalog: read user catalogue: %w", err)
	}
	user, err := parse(b, path)
	if err != nil {
		return nil, err
	}
	return Default().Merge(user), nil
}

// Parse validates a standalone catalogue document. It does not merge the
// default; use Load for that.
func Parse(b []byte) (*Catalog, error) {
	return parse(b, "catalogue")
}

// Merge returns a new catalogue with over's entries and rules layered on c.
// An entry of over replaces the entry of c with the same source and action
// (compared case-insensitively); a rule of over replaces the rule of c with
// the same name. Everything else from both is kept.
func (c *Catalog) Merge(over *Catalog) *Catalog {
	entries := make([]Entry, 0, len(c.entries)+len(over.entries))
	replaced := make(map[matchKey]bool, len(over.entries))
	for _, e := range over.entries {
		replaced[keyOf(e.Source, e.Action)] = true
	}
	for _, e := range c.entries {
		if !replaced[keyOf(e.Source, e.Action)] {
			entries = append(entries, e)
		}
	}
	entries = append(entries, over.entries...)

	rules := make([]Rule, 0, len(c.rules)+len(over.rules))
	overridden := make(map[string]bool, len(over.rules))
	for _, r := range over.rules {
		overridden[r.Name] = true
	}
	for _, r := range c.rules {
		if !overridden[r.Name] {
			rules = append(rules, r)
		}
	}
	rules = append(rules, over.rules...)
	return build(entries, rules)
}

// Classify returns the category and sensitivity of a vendor action. The
// lookup takes, in order: the exact entry for the action, else the matching
// pattern with the longest prefix. Every rule whose fact is true and whose
// sources and categories fit then raises the sensitivity to at least its
// level. ok is false when no entry matched; the result is then
// CategoryOther with sensitivity 0 and no rule applies.
func (c *Catalog) Classify(source, action string, facts Facts) (cat event.Category, sensitivity uint8, ok bool) {
	e, ok := c.lookup(source, action)
	if !ok {
		return event.CategoryOther, event.SensitivityNone, false
	}
	sensitivity = e.Sensitivity
	for _, r := range c.rules {
		if r.Sensitivity > sensitivity && facts[r.Fact] && r.applies(e) {
			sensitivity = r.Sensitivity
		}
	}
	return e.Category, sensitivity, true
}

// Lookup returns the entry that Classify would use for the action.
func (c *Catalog) Lookup(source, action string) (Entry, bool) {
	return c.lookup(source, action)
}

func (c *Catalog) lookup(source, action string) (Entry, bool) {
	k := keyOf(source, action)
	if i, ok := c.exact[k]; ok {
		return c.entries[i], true
	}
	if refused(k.action) {
		// A family pattern ("protected_branch.*") is written for the
		// actions that happened; an action whose name says it was refused
		// or failed is not one of them. Only an exact entry maps it.
		return Entry{}, false
	}
	for _, i := range c.patterns[k.source] {
		if strings.HasPrefix(k.action, prefixOf(c.entries[i].Action)) {
			return c.entries[i], true
		}
	}
	return Entry{}, false
}

// refusalWords are stems that mark an action as refused or failed in every
// vendor's naming: protected_branch.rejected_ref_update,
// app.oauth2.as.authorize.scope_denied, application.policy.sign_on.deny_access.
var refusalWords = []string{"reject", "denied", "deny", "fail", "refus", "invalid", "violation"}

// refused reports whether a folded action name says the action was refused
// or failed.
func refused(action string) bool {
	for _, w := range refusalWords {
		if strings.Contains(action, w) {
			return true
		}
	}
	return false
}

func (r Rule) applies(e Entry) bool {
	return (len(r.Sources) == 0 || slices.Contains(r.Sources, e.Source)) &&
		(len(r.Categories) == 0 || slices.Contains(r.Categories, e.Category))
}

// Entries returns a copy of all entries sorted by source, then action.
func (c *Catalog) Entries() []Entry {
	return append([]Entry(nil), c.entries...)
}

// Rules returns a copy of all rules in evaluation order.
func (c *Catalog) Rules() []Rule {
	out := make([]Rule, len(c.rules))
	for i, r := range c.rules {
		r.Sources = append([]string(nil), r.Sources...)
		r.Categories = append([]event.Category(nil), r.Categories...)
		out[i] = r
	}
	return out
}

// build indexes already validated entries and rules.
func build(entries []Entry, rules []Rule) *Catalog {
	sort.SliceStable(entries, func(i, j int) bool {
		if entries[i].Source != entries[j].Source {
			return entries[i].Source < entries[j].Source
		}
		return foldAction(entries[i].Action) < foldAction(entries[j].Action)
	})
	c := &Catalog{
		entries:  entries,
		rules:    rules,
		exact:    make(map[matchKey]int, len(entries)),
		patterns: make(map[string][]int),
	}
	for i, e := range entries {
		if e.IsPattern() {
			c.patterns[e.Source] = append(c.patterns[e.Source], i)
			continue
		}
		c.exact[keyOf(e.Source, e.Action)] = i
	}
	for _, idx := range c.patterns {
		sort.SliceStable(idx, func(a, b int) bool {
			return len(prefixOf(entries[idx[a]].Action)) > len(prefixOf(entries[idx[b]].Action))
		})
	}
	return c
}

func keyOf(source, action string) matchKey {
	return matchKey{source: strings.ToLower(strings.TrimSpace(source)), action: foldAction(action)}
}

// foldAction is the form actions are compared in: lower case, runs of white
// space as one space, every dash variant as "-", and no trailing period.
// Microsoft writes the same operation as "Update application – Certificates
// and secrets management." (en dash, period) in the Management Activity API
// and with a hyphen and no period elsewhere; both must find one entry.
func foldAction(action string) string {
	a := strings.Join(strings.Fields(strings.ToLower(action)), " ")
	a = dashes.Replace(a)
	return strings.TrimSuffix(a, ".")
}

var dashes = strings.NewReplacer("\u2013", "-", "\u2014", "-", "\u2212", "-", "\u2010", "-", "\u2011", "-")

// prefixOf returns the folded literal part of a pattern.
func prefixOf(pattern string) string { return strings.TrimSuffix(foldAction(pattern), "*") }
