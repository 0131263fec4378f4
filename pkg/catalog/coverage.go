package catalog

import (
	"bufio"
	"embed"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/tokentrail/tokentrail/pkg/event"
)

// publishedFS holds the vendors' published action lists, one file per
// source: comment lines ("# ...") say what the list is and where it comes
// from, then one action per line, spelled as the normalizer writes it.
//
//go:embed published/*.txt
var publishedFS embed.FS

// Published is a vendor's published list of audit actions.
type Published struct {
	Source  string
	About   []string // the file's comment lines: title, origin, version
	Actions []string // unique, in file order
}

// PublishedList returns the list shipped for source; ok is false when the
// project ships none (pkg/catalog/README.md says which exist).
func PublishedList(source string) (p Published, ok bool, err error) {
	f, err := publishedFS.Open("published/" + source + ".txt")
	if err != nil {
		return Published{}, false, nil
	}
	defer f.Close()
	p, err = ParsePublished(source, f)
	return p, err == nil, err
}

// ParsePublished reads a list in the published/ format: "#" comment lines,
// blank lines, and one action per line. It lets a user measure coverage
// against a list they saved themselves (tokentrail catalog coverage --list).
func ParsePublished(source string, r io.Reader) (Published, error) {
	if err := checkSource(source); err != nil {
		return Published{}, err
	}
	p := Published{Source: source}
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
		case strings.HasPrefix(line, "#"):
			p.About = append(p.About, strings.TrimSpace(strings.TrimPrefix(line, "#")))
		case strings.ContainsAny(line, " \t") && source != event.SourceMicrosoft:
			return Published{}, fmt.Errorf("published %s list line %d: %q holds a space; write one action per line", source, n, line)
		default:
			if k := foldAction(line); !seen[k] {
				seen[k] = true
				p.Actions = append(p.Actions, line)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return Published{}, fmt.Errorf("read the published %s list: %w", source, err)
	}
	if len(p.Actions) == 0 {
		return Published{}, fmt.Errorf("the published %s list holds no action", source)
	}
	return p, nil
}

// Coverage is how much of a published list the catalogue maps.
type Coverage struct {
	Source     string
	Published  int                    // actions in the list
	Mapped     int                    // of those, the ones an entry classifies
	ByCategory map[event.Category]int // mapped actions per category
	Unmapped   []string               // the list's actions no entry classifies, sorted
}

// Share is Mapped / Published, between 0 and 1.
func (c Coverage) Share() float64 {
	if c.Published == 0 {
		return 0
	}
	return float64(c.Mapped) / float64(c.Published)
}

// Coverage measures the catalogue against a published list. An action
// counts as mapped when Classify would match an entry for it: exactly, or
// through a pattern (patterns skip refused and failed actions).
func (c *Catalog) Coverage(p Published) Coverage {
	cov := Coverage{Source: p.Source, Published: len(p.Actions), ByCategory: map[event.Category]int{}}
	for _, a := range p.Actions {
		if e, ok := c.lookup(p.Source, a); ok {
			cov.Mapped++
			cov.ByCategory[e.Category]++
			continue
		}
		cov.Unmapped = append(cov.Unmapped, a)
	}
	slices.Sort(cov.Unmapped)
	return cov
}
