package main

import (
	"bytes"
	"regexp"
	"strconv"
	"sync"
)

// gcTrace reads the lines the Go runtime prints to the plugin's stderr
// under GODEBUG=gctrace=1 and keeps the largest live heap a collection
// found: the third number of "#->#-># MB", which is what
// /gc/heap/live:bytes reports, in whole MiB. It measures the plugin
// process itself, which the in-process figure cannot: the bench's own
// process also holds the generated organisation and the yardsticks.
//
// The runtime documents the line's format as subject to change; a trace
// that stops matching shows as no collections seen, never as a small heap.
type gcTrace struct {
	mu      sync.Mutex
	partial []byte
	peakMiB int
	seen    int // collections parsed since the last reset
}

// gcLine matches one gctrace line up to its heap sizes.
var gcLine = regexp.MustCompile(`^gc \d+ @[0-9.]+s \d+%: .*? (\d+)->(\d+)->(\d+) MB`)

// Write takes stderr as it comes, in pieces that need not end at a line.
func (g *gcTrace) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.partial = append(g.partial, p...)
	for {
		i := bytes.IndexByte(g.partial, '\n')
		if i < 0 {
			break
		}
		g.line(g.partial[:i])
		g.partial = g.partial[i+1:]
	}
	if len(g.partial) > 64<<10 { // not a trace line; do not grow without end
		g.partial = g.partial[:0]
	}
	return len(p), nil
}

func (g *gcTrace) line(l []byte) {
	m := gcLine.FindSubmatch(bytes.TrimSpace(l))
	if m == nil {
		return
	}
	live, err := strconv.Atoi(string(m[3]))
	if err != nil {
		return
	}
	g.seen++
	g.peakMiB = max(g.peakMiB, live)
}

// reset forgets the peak so far, so the next reading covers what follows.
func (g *gcTrace) reset() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.peakMiB, g.seen = 0, 0
}

// peak is the largest live heap since the last reset in bytes, and how
// many collections were seen; 0 collections means there is no figure.
func (g *gcTrace) peak() (uint64, int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return uint64(g.peakMiB) << 20, g.seen
}
