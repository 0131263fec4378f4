package store

// SetKeyBatchForTest sets how many keys are read and scored at a time and
// returns a function that restores it.
func SetKeyBatchForTest(n int) func() {
	old := keyBatch
	keyBatch = n
	return func() { keyBatch = old }
}
