package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// record is one vendor record and where it came from.
type record struct {
	raw   json.RawMessage
	line  int   // 1-based line on which the record starts
	index int   // 0-based position in its array, or among the NDJSON records
	bad   error // set when the record is not valid JSON; it is rejected
}

// recordReader yields records until io.EOF. Any other error is fatal: the
// input cannot be read past it.
type recordReader interface {
	next() (record, error)
}

// Shape is the layout of an input file.
type Shape int

const (
	// NDJSON is one record per line. A malformed line is rejected on its own.
	NDJSON Shape = iota
	// Array is a JSON array of records (Okta, M365 content blobs, GitHub),
	// or several arrays one after another.
	Array
	// Envelope is a vendor API page: an object whose "items" (Google
	// Reports) or "entries" (Slack Audit Logs) array holds the records. Pages
	// may follow one another, as when a collector appends each page it gets.
	Envelope
	// Stream is JSON objects one after another over several lines, such as
	// the output of `jq '.[]'` without -c.
	Stream
)

func (s Shape) String() string {
	switch s {
	case Array:
		return "JSON array"
	case Envelope:
		return "API page envelope"
	case Stream:
		return "stream of JSON objects"
	}
	return "NDJSON"
}

// envelopeKeys are the page keys whose array holds the records.
var envelopeKeys = []string{"items", "entries"}

// sniffWindow caps how much of the input is examined to tell an envelope or
// a multi-line object from NDJSON: enough for the few short keys vendors put
// before a page's records array, or for a whole first record. A first object
// still open after the window is read as NDJSON (its lines are rejected with
// their numbers). Sniffing starts small and grows, so a slow pipe is not held
// up for a full window.
const (
	sniffStart  = 4 << 10
	sniffWindow = 1 << 20
)

// newRecordReader detects the input's shape from its first bytes without
// consuming them, and returns a reader for it.
func newRecordReader(r io.Reader) (recordReader, Shape, error) {
	br := bufio.NewReaderSize(r, sniffWindow)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	}
	var shape Shape
	var key string
	for n := sniffStart; ; n *= 2 {
		head, err := br.Peek(n)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, NDJSON, fmt.Errorf("read the input: %w", err)
		}
		var decided bool
		shape, key, decided = sniff(head, err != nil || n >= sniffWindow)
		if decided {
			break
		}
	}
	if shape == NDJSON {
		return &lineReader{br: br}, shape, nil
	}
	lt := newLineTracker(br)
	return &streamReader{dec: json.NewDecoder(lt), lines: lt, shape: shape, key: key}, shape, nil
}

// sniff classifies the input from its head. An object is an envelope when
// one of its top-level keys is a known envelope key holding an array; it is
// NDJSON when it ends on its first line, else a multi-line stream. When the
// head ends inside the first object and is not all there is (complete is
// false), sniff asks for more by returning decided false.
func sniff(head []byte, complete bool) (shape Shape, key string, decided bool) {
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if len(trimmed) == 0 {
		return NDJSON, "", complete
	}
	switch trimmed[0] {
	case '[':
		return Array, "", true
	case '{':
	default:
		return NDJSON, "", true // not JSON: every line is rejected with its number
	}
	// undecided: the head ended early; a malformed first object is NDJSON,
	// whose line reader rejects it with its line number.
	undecided := func(err error) (Shape, string, bool) {
		truncated := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
		return NDJSON, "", complete || !truncated
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	if _, err := dec.Token(); err != nil {
		return undecided(err)
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return undecided(err)
		}
		if tok == json.Delim('}') {
			break
		}
		if key, _ := tok.(string); contains(envelopeKeys, key) {
			next, err := dec.Token()
			if err != nil {
				return undecided(err)
			}
			if next == json.Delim('[') {
				return Envelope, key, true
			}
			return NDJSON, "", true
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return undecided(err)
		}
	}
	if nl := bytes.IndexByte(trimmed, '\n'); nl >= 0 && int64(nl) < dec.InputOffset() {
		return Stream, "", true
	}
	return NDJSON, "", true
}

// lineReader reads NDJSON. Each line is checked on its own, so one broken
// line is one reject and the rest of the file still loads.
type lineReader struct {
	br    *bufio.Reader
	line  int
	index int
}

func (l *lineReader) next() (record, error) {
	for {
		b, err := l.br.ReadBytes('\n')
		if len(b) == 0 && errors.Is(err, io.EOF) {
			return record{}, io.EOF
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return record{}, fmt.Errorf("read line %d: %w", l.line+1, err)
		}
		l.line++
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		rec := record{raw: b, line: l.line, index: l.index}
		l.index++
		if !json.Valid(b) {
			rec.bad = malformed(b)
		}
		return rec, nil
	}
}

// malformed explains why b is not one JSON value.
func malformed(b []byte) error {
	var v any
	err := json.Unmarshal(b, &v)
	if err == nil {
		err = errors.New("unexpected content")
	}
	return fmt.Errorf("malformed JSON: %v", err)
}

// streamReader reads arrays, envelopes and multi-line objects with one
// json.Decoder, element by element, so a large array never sits in memory.
// A syntax error ends the input: past it the decoder cannot find the next
// record reliably.
type streamReader struct {
	dec     *json.Decoder
	lines   *lineTracker
	shape   Shape
	key     string // envelope key holding the records
	inArray bool
	index   int
}

func (s *streamReader) next() (record, error) {
	for {
		if s.inArray {
			if s.dec.More() {
				return s.element()
			}
			if err := s.expect(json.Delim(']'), "the end of the array"); err != nil {
				return record{}, err
			}
			s.inArray = false
			if s.shape == Envelope {
				if err := s.skipRest(); err != nil {
					return record{}, err
				}
			}
			continue
		}
		if s.shape == Stream {
			if !s.dec.More() {
				return record{}, s.atEOF()
			}
			return s.element()
		}
		if !s.dec.More() {
			return record{}, s.atEOF()
		}
		if err := s.open(); err != nil {
			return record{}, err
		}
	}
}

// open enters the next top-level array, or the records array of the next
// envelope.
func (s *streamReader) open() error {
	if s.shape == Array {
		if err := s.expect(json.Delim('['), "a JSON array"); err != nil {
			return err
		}
		s.inArray, s.index = true, 0
		return nil
	}
	if err := s.expect(json.Delim('{'), "an API page object"); err != nil {
		return err
	}
	for {
		line := s.line()
		tok, err := s.dec.Token()
		if err != nil {
			return s.syntax(err)
		}
		if tok == json.Delim('}') {
			return fmt.Errorf("line %d: the API page that ends here has no %q array of records", line, s.key)
		}
		if key, _ := tok.(string); key == s.key {
			if err := s.expect(json.Delim('['), fmt.Sprintf("an array under %q", s.key)); err != nil {
				return err
			}
			s.inArray, s.index = true, 0
			return nil
		}
		var skip json.RawMessage
		if err := s.dec.Decode(&skip); err != nil {
			return s.syntax(err)
		}
	}
}

// skipRest reads the envelope's remaining keys (nextPageToken and the like)
// up to its closing brace.
func (s *streamReader) skipRest() error {
	for {
		tok, err := s.dec.Token()
		if err != nil {
			return s.syntax(err)
		}
		if tok == json.Delim('}') {
			return nil
		}
		var skip json.RawMessage
		if err := s.dec.Decode(&skip); err != nil {
			return s.syntax(err)
		}
	}
}

func (s *streamReader) element() (record, error) {
	var raw json.RawMessage
	if err := s.dec.Decode(&raw); err != nil {
		return record{}, s.syntax(err)
	}
	rec := record{raw: raw, line: s.lines.lineAt(s.dec.InputOffset() - int64(len(raw))), index: s.index}
	s.index++
	return rec, nil
}

func (s *streamReader) expect(want json.Delim, what string) error {
	line := s.line()
	tok, err := s.dec.Token()
	if err != nil {
		return s.syntax(err)
	}
	if tok != want {
		return fmt.Errorf("line %d: expected %s in this %s input, found %v", line, what, s.shape, tok)
	}
	return nil
}

// atEOF distinguishes the clean end of the input from a truncated one.
func (s *streamReader) atEOF() error {
	if _, err := s.dec.Token(); err != nil && !errors.Is(err, io.EOF) {
		return s.syntax(err)
	}
	return io.EOF
}

// line is the line of the next value the decoder will read: its offset
// plus the white space still buffered in front of that value.
func (s *streamReader) line() int {
	off := s.dec.InputOffset()
	if b, ok := s.dec.Buffered().(*bytes.Reader); ok {
		for b.Len() > 0 {
			c, _ := b.ReadByte()
			if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
				break
			}
			off++
		}
	}
	return s.lines.lineAt(off)
}

// syntax names the line of a decoding error. The decoder stops at the start
// of the value it could not read (its own offsets are relative to that value
// for some errors and absolute for others), so the line given is where that
// value, usually the broken record, starts.
func (s *streamReader) syntax(err error) error {
	line := s.line()
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("line %d: the input ends inside the JSON value starting here (%s): is the file truncated?", line, s.shape)
	}
	return fmt.Errorf("line %d: malformed JSON in the value starting here (%s): %w", line, s.shape, err)
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
