package engine

// window is a FIFO of time-ordered items. The detector pushes at the back as
// rows arrive and pops from the front as they fall out of maxSpan, so its
// length is bounded by one key's rows within maxSpan.
type window[T any] struct {
	items []T
	head  int
}

func (w *window[T]) len() int { return len(w.items) - w.head }

func (w *window[T]) push(v T) { w.items = append(w.items, v) }

// front returns the oldest item; the caller checks len first.
func (w *window[T]) front() *T { return &w.items[w.head] }

// pop drops the oldest item. The vacated slot is zeroed so that the strings
// it referenced can be collected, and the live items are moved down once
// more than half of the backing array is dead, which keeps pop amortised
// O(1) without letting the array grow with the key's total row count.
func (w *window[T]) pop() {
	var zero T
	w.items[w.head] = zero
	w.head++
	switch {
	case w.head == len(w.items):
		w.items, w.head = w.items[:0], 0
	case w.head >= 32 && 2*w.head >= len(w.items):
		n := copy(w.items, w.items[w.head:])
		clear(w.items[n:])
		w.items, w.head = w.items[:n], 0
	}
}

// reset empties the window, keeping its backing array for the next key.
func (w *window[T]) reset() {
	clear(w.items)
	w.items, w.head = w.items[:0], 0
}
