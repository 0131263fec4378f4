package sampleorg

// queue is a binary min-heap of pending acts ordered by time, then creation
// order. It holds only acts of sessions that spill past the current window,
// so its size follows the event rate, not the total.
type queue []*act

func less(a, b *act) bool {
	if a.ns != b.ns {
		return a.ns < b.ns
	}
	return a.seq < b.seq
}

func (q *queue) push(a *act) {
	*q = append(*q, a)
	h := *q
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !less(h[i], h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (q *queue) peek() *act {
	if len(*q) == 0 {
		return nil
	}
	return (*q)[0]
}

func (q *queue) pop() *act {
	h := *q
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h[last] = nil
	h = h[:last]
	*q = h
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(h) && less(h[l], h[m]) {
			m = l
		}
		if r < len(h) && less(h[r], h[m]) {
			m = r
		}
		if m == i {
			return top
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}
