package ingest

import (
	"bytes"
	"io"
)

// lineTracker sits between the input and a json.Decoder and turns decoder
// offsets into line numbers. It keeps only the bytes the decoder has read but
// no record position has passed yet, which is about one record plus the
// decoder's read-ahead, so its memory does not grow with the input.
//
// lineAt must be called with non-decreasing offsets, which is the order in
// which a decoder meets records.
type lineTracker struct {
	r       io.Reader
	pending []byte // bytes read from r starting at offset base
	base    int64
	line    int // line number at offset base, 1-based
}

func newLineTracker(r io.Reader) *lineTracker { return &lineTracker{r: r, line: 1} }

func (t *lineTracker) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.pending = append(t.pending, p[:n]...)
	return n, err
}

// lineAt returns the 1-based line holding the byte at offset off.
func (t *lineTracker) lineAt(off int64) int {
	k := off - t.base
	if k <= 0 {
		return t.line
	}
	if k > int64(len(t.pending)) {
		k = int64(len(t.pending))
	}
	t.line += bytes.Count(t.pending[:k], []byte{'\n'})
	t.base += k
	// Slide the unread tail down instead of re-slicing, so the backing
	// array is reused and does not keep every byte ever read alive.
	t.pending = t.pending[:copy(t.pending, t.pending[k:])]
	return t.line
}
