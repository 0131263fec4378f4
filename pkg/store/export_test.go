package store

import "time"

// SetKeyBatchForTest sets how many keys are read and scored at a time and
// returns a function that restores it.
func SetKeyBatchForTest(n int) func() {
	old := keyBatch
	keyBatch = n
	return func() { keyBatch = old }
}

// HoldRunsForTest makes every ranking run of st wait, before it starts,
// until it has n subscribers (or a second has passed), so that a test can
// start rankings together deterministically. It returns a function that
// removes the hold.
func HoldRunsForTest(st *Store, n int) func() {
	st.shared.mu.Lock()
	st.shared.gate = func(subscribers func() int) {
		for deadline := time.Now().Add(time.Second); subscribers() < n && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
	}
	st.shared.mu.Unlock()
	return func() {
		st.shared.mu.Lock()
		st.shared.gate = nil
		st.shared.mu.Unlock()
	}
}

// RunsStartedForTest is how many ranking runs st has started.
func RunsStartedForTest(st *Store) int64 {
	st.shared.mu.Lock()
	defer st.shared.mu.Unlock()
	return st.shared.started
}
