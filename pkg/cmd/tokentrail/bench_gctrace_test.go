package main

import (
	"os"
	"os/exec"
	"runtime"
	"testing"
)

// TestGCTraceReadsTheRuntimesOwnLines runs this test binary again with
// GODEBUG=gctrace=1, holding 40 MiB live across a collection, and checks
// that the trace it prints gives that live heap: the runtime's real
// format, not a copy of it, so a change of format fails here.
func TestGCTraceReadsTheRuntimesOwnLines(t *testing.T) {
	if os.Getenv("TOKENTRAIL_GCTRACE_CHILD") == "1" {
		held := make([][]byte, 40)
		for i := range held {
			held[i] = make([]byte, 1<<20)
			held[i][0] = 1
		}
		runtime.GC()
		runtime.KeepAlive(held)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestGCTraceReadsTheRuntimesOwnLines$", "-test.count=1")
	cmd.Env = append(os.Environ(), "TOKENTRAIL_GCTRACE_CHILD=1", "GODEBUG=gctrace=1")
	var g gcTrace
	cmd.Stderr = &g
	if out, err := cmd.Output(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	peak, seen := g.peak()
	if seen == 0 {
		t.Fatal("no gctrace line matched: has the runtime's format changed? (see runtime/extern.go, GODEBUG gctrace)")
	}
	if peak < 40<<20 || peak > 60<<20 {
		t.Errorf("peak live heap %d MiB over %d collections, want 40 to 60 MiB", peak>>20, seen)
	}
}

func TestGCTraceLines(t *testing.T) {
	const line = "gc 7 @1.204s 3%: 0.019+2.1+0.003 ms clock, 0.038+0.21/1.9/3.1+0.007 ms cpu, 61->63->47 MB, 64 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
	var g gcTrace
	// Pieces that split a line, a log record and a forced collection.
	for _, piece := range []string{line[:20], line[20:], `{"@level":"info","@message":"gc 1 @ nothing"}` + "\n",
		"gc 8 @1.5s 3%: 0.01+1+0.01 ms clock, 0.02+0/1/2+0.01 ms cpu, 50->52->12 MB, 94 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)\n"} {
		if _, err := g.Write([]byte(piece)); err != nil {
			t.Fatal(err)
		}
	}
	if peak, seen := g.peak(); peak != 47<<20 || seen != 2 {
		t.Errorf("peak %d MiB over %d collections, want 47 MiB over 2", peak>>20, seen)
	}
	g.reset()
	if peak, seen := g.peak(); peak != 0 || seen != 0 {
		t.Errorf("after reset: %d bytes over %d collections", peak, seen)
	}
}
