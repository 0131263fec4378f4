package chlocal

import (
	"context"
	"path/filepath"
	"testing"
)

func TestStartAndQuery(t *testing.T) {
	s := ForTest(t)
	out, err := s.Exec(context.Background(), "SELECT version()", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(out)
	db := s.TempDatabase(t)
	if _, err := s.Exec(context.Background(), "CREATE TABLE "+db+".x (t DateTime('UTC'), s String) ENGINE=MergeTree PARTITION BY toYYYYMM(t) ORDER BY t", nil); err != nil {
		t.Fatal(err)
	}
}

func TestNewIsAbsolute(t *testing.T) {
	if s := New("."); !filepath.IsAbs(s.Dir) {
		t.Errorf("server folder %q is relative; the server would look for its config twice nested", s.Dir)
	}
}
