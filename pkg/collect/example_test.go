package collect

import (
	"testing"
)

// TestExampleConfigIsValid keeps the README's example config honest: the
// file deploy/collect/collect.example.yaml must parse and validate.
func TestExampleConfigIsValid(t *testing.T) {
	cfg, err := LoadConfig("../../deploy/collect/collect.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Sources) != 5 {
		t.Errorf("the example names %d sources, want the five vendors", len(cfg.Sources))
	}
}
